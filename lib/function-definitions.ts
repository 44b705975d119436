// Every function's declaration (functions/shared/function-definition.ts), by handler name: what lib/bindings.ts turns
// into each function's environment and IAM grants. A handler without an entry here is a type error.

import type { FunctionDefinition } from '../functions/shared/function-definition';
import type { HandlerName } from '../functions/shared/routes';
import { definition as acceptContract } from '../functions/handlers/accept-contract';
import { definition as applicationAudit } from '../functions/handlers/application-audit';
import { definition as documentUploaded } from '../functions/handlers/document-uploaded';
import { definition as loans } from '../functions/handlers/loans';
import { definition as openapi } from '../functions/handlers/openapi';
import { definition as overdueScan } from '../functions/handlers/overdue-scan';
import { definition as pipelineConclude } from '../functions/handlers/pipeline-conclude';
import { definition as pipelineDecide } from '../functions/handlers/pipeline-decide';
import { definition as pipelineDocuments } from '../functions/handlers/pipeline-documents';
import { definition as pipelineDisburse } from '../functions/handlers/pipeline-disburse';
import { definition as pipelineResume } from '../functions/handlers/pipeline-resume';
import { definition as pipelinePrepareContract } from '../functions/handlers/pipeline-prepare-contract';
import { definition as pipelineRecordFailure } from '../functions/handlers/pipeline-record-failure';
import { definition as pipelineRequestReview } from '../functions/handlers/pipeline-request-review';
import { definition as pipelineScore } from '../functions/handlers/pipeline-score';
import { definition as policy } from '../functions/handlers/policy';
import { definition as products } from '../functions/handlers/products';
import { definition as queryApplications } from '../functions/handlers/query-applications';
import { definition as redriveApplication } from '../functions/handlers/redrive-application';
import { definition as quotes } from '../functions/handlers/quotes';
import { definition as repayments } from '../functions/handlers/repayments';
import { definition as reports } from '../functions/handlers/reports';
import { definition as requestDocumentUpload } from '../functions/handlers/request-document-upload';
import { definition as reviewPage } from '../functions/handlers/review-page';
import { definition as reviewQueue } from '../functions/handlers/review-queue';
import { definition as reviewSla } from '../functions/handlers/review-sla';
import { definition as reviewers } from '../functions/handlers/reviewers';
import { definition as seedProducts } from '../functions/handlers/seed-products';
import { definition as submitApplication } from '../functions/handlers/submit-application';
import { definition as withdrawApplication } from '../functions/handlers/withdraw-application';

export const FUNCTION_DEFINITIONS: { readonly [H in HandlerName]: FunctionDefinition } = {
  'accept-contract': acceptContract,
  'application-audit': applicationAudit,
  'document-uploaded': documentUploaded,
  'loans': loans,
  'openapi': openapi,
  'overdue-scan': overdueScan,
  'pipeline-conclude': pipelineConclude,
  'pipeline-decide': pipelineDecide,
  'pipeline-disburse': pipelineDisburse,
  'pipeline-documents': pipelineDocuments,
  'pipeline-resume': pipelineResume,
  'pipeline-prepare-contract': pipelinePrepareContract,
  'pipeline-record-failure': pipelineRecordFailure,
  'pipeline-request-review': pipelineRequestReview,
  'pipeline-score': pipelineScore,
  'policy': policy,
  'products': products,
  'query-applications': queryApplications,
  'quotes': quotes,
  'redrive-application': redriveApplication,
  'repayments': repayments,
  'reports': reports,
  'request-document-upload': requestDocumentUpload,
  'review-page': reviewPage,
  'review-queue': reviewQueue,
  'review-sla': reviewSla,
  'reviewers': reviewers,
  'seed-products': seedProducts,
  'submit-application': submitApplication,
  'withdraw-application': withdrawApplication,
};

// The local stack's dependency wiring: the production-grade DynamoDB repositories and PII protector pointed at DynamoDB
// Local, plus the local adapters (clock, outbox, uploads, state machine runner), handed to every handler's
// createHandler exactly as production.ts hands the AWS adapters to them. No handler knows it runs locally.

import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { createApplicationRepository } from '../functions/adapters/dynamodb/application-repository';
import { createIdempotencyStore } from '../functions/adapters/dynamodb/idempotency-store';
import { createProductRepository } from '../functions/adapters/dynamodb/product-repository';
import { createPolicyRepository } from '../functions/adapters/dynamodb/policy-repository';
import { createReviewerRepository } from '../functions/adapters/dynamodb/reviewer-repository';
import { createReviewRepository } from '../functions/adapters/dynamodb/review-repository';
import { createLoanRepository } from '../functions/adapters/dynamodb/loan-repository';
import * as loans from '../functions/handlers/loans';
import * as repayments from '../functions/handlers/repayments';
import * as reports from '../functions/handlers/reports';
import { createReportRepository } from '../functions/adapters/dynamodb/report-repository';
import * as quotes from '../functions/handlers/quotes';
import { createReviewLinks } from '../functions/core/review/review-links';
import type { ReviewerSubscriptions } from '../functions/core/review/reviews';
import * as pipelineRequestReview from '../functions/handlers/pipeline-request-review';
import * as reviewPage from '../functions/handlers/review-page';
import * as reviewQueue from '../functions/handlers/review-queue';
import * as reviewers from '../functions/handlers/reviewers';
import * as reviewSla from '../functions/handlers/review-sla';
import * as overdueScan from '../functions/handlers/overdue-scan';
import { ulidIds } from '../functions/adapters/ids';
import { sleepFor } from '../functions/core/kernel/retry';
import { createPiiProtector } from '../functions/adapters/pii/aes-pii-protector';
import type { Notifier } from '../functions/core/kernel/ports';
import type { DocumentStorage, UploadedFiles, Workflow } from '../functions/core/applications/ports';
import type { AppDeps } from '../functions/shared/deps';
import type { HttpHandler } from '../functions/shared/http';
import { createLogger, type HouseLogLevel } from '../functions/shared/logger';
import { RecordingMetrics } from '../functions/shared/metrics';
import type { HttpHandlerName } from '../functions/shared/routes';
import { pipelineSubstitutions, type PipelineTaskHandler } from '../lib/pipeline-substitutions';
import * as documentUploaded from '../functions/handlers/document-uploaded';
import * as openapi from '../functions/handlers/openapi';
import * as pipelineResume from '../functions/handlers/pipeline-resume';
import * as pipelineRecordFailure from '../functions/handlers/pipeline-record-failure';
import * as pipelineScore from '../functions/handlers/pipeline-score';
import * as pipelineDecide from '../functions/handlers/pipeline-decide';
import * as pipelineConclude from '../functions/handlers/pipeline-conclude';
import * as pipelinePrepareContract from '../functions/handlers/pipeline-prepare-contract';
import * as pipelineDisburse from '../functions/handlers/pipeline-disburse';
import * as pipelineDocuments from '../functions/handlers/pipeline-documents';
import * as applicationAudit from '../functions/handlers/application-audit';
import { createSandboxBureau } from '../functions/adapters/bureau/sandbox-bureau';
import { createShippedScorer, shippedScorecardModel } from '../functions/adapters/scorecard/shipped-scorer';
import { createSandboxStatementSource } from '../functions/adapters/statements/sandbox-statements';
import * as products from '../functions/handlers/products';
import * as policy from '../functions/handlers/policy';
import * as queryApplications from '../functions/handlers/query-applications';
import * as requestDocumentUpload from '../functions/handlers/request-document-upload';
import * as submitApplication from '../functions/handlers/submit-application';
import * as withdrawApplication from '../functions/handlers/withdraw-application';
import * as redriveApplication from '../functions/handlers/redrive-application';
import * as acceptContract from '../functions/handlers/accept-contract';
import { createSandboxCoreBanking } from '../functions/adapters/core-banking/sandbox-core-banking';
import { createSandboxCallCounter, createSandboxLedger } from '../functions/adapters/dynamodb/sandbox-ledger';
import type { ContractStore } from '../functions/core/contracting/contract';
import type { LocalClock } from './clock';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb';
import { LOCAL_PARTITION, localFunctionArn, type TaskHandler } from './workflow';

export interface LocalDepsInput {
  dynamoEndpoint: string;
  tableName: string;
  clock: LocalClock;
  notifier: Notifier;
  documents: DocumentStorage;
  /** The uploaded files (in the data folder, where the local upload endpoint writes them). */
  uploadedFiles: UploadedFiles;
  /** Late-bound: the workflow runner needs the task handlers, which need these deps. */
  workflow: Workflow;
  piiSecret: string;
  /** Signs review links (locally a random secret in the data folder, like the PII key). */
  reviewLinkSecret: string;
  /** The stack's URL, where review links point; known once the server listens. */
  publicBaseUrl: () => string;
  /** Records reviewer subscriptions; the outbox routes review emails by them. */
  subscriptions: ReviewerSubscriptions;
  /** Contract texts in the data folder, read through signed links on the local server (local/contracts.ts). */
  contracts: ContractStore;
  /** The bank's repayment webhook HMAC key (locally a random secret in the data folder). */
  repaymentWebhookSecret: string;
  quiet?: boolean;
  /** The handlers' Powertools log level; default INFO, ERROR when `quiet`. */
  logLevel?: HouseLogLevel;
  /** The lender's time zone (cdk.json's microloan:timeZone, the setting CDK gives every function). */
  timeZone: string;
}

export function createLocalDeps(input: LocalDepsInput): AppDeps {
  const doc = createDocumentClient({ region: LOCAL_REGION, endpoint: input.dynamoEndpoint, credentials: { ...LOCAL_CREDENTIALS } });
  const logger = createLogger();
  if (input.logLevel) logger.setLogLevel(input.logLevel);
  else if (input.quiet) logger.setLogLevel('ERROR');
  return {
    clock: input.clock,
    sleep: sleepFor,
    ids: ulidIds,
    applications: createApplicationRepository(doc, input.tableName, { timeZone: input.timeZone }),
    idempotency: createIdempotencyStore(doc, input.tableName, input.clock),
    products: createProductRepository(doc, input.tableName),
    policies: createPolicyRepository(doc, input.tableName, input.clock),
    workflow: input.workflow,
    taskTokens: input.workflow,
    notifier: input.notifier,
    documents: input.documents,
    uploadedFiles: input.uploadedFiles,
    pii: createPiiProtector(async () => input.piiSecret),
    // The sandbox bureau counts pulls per application (its "fails, then succeeds" identity) in the table, as deployed.
    bureau: createSandboxBureau({ clock: input.clock, countCall: createSandboxCallCounter(doc, input.tableName, 'bureau') }),
    scorer: createShippedScorer(),
    scoringModel: shippedScorecardModel(),
    statements: createSandboxStatementSource(),
    logger,
    reviewers: createReviewerRepository(doc, input.tableName),
    reviews: createReviewRepository(doc, input.tableName, { timeZone: input.timeZone }),
    reviewLinks: createReviewLinks({ key: async () => input.reviewLinkSecret, publicBaseUrl: input.publicBaseUrl }),
    subscriptions: input.subscriptions,
    contracts: input.contracts,
    // The sandbox bank keeps its ledger in the table, as deployed: a payout retried after a restart finds its transfer.
    coreBanking: createSandboxCoreBanking({ clock: input.clock, ledger: createSandboxLedger(doc, input.tableName) }),
    loans: createLoanRepository(doc, input.tableName, { timeZone: input.timeZone }),
    reports: createReportRepository(doc, input.tableName),
    repaymentWebhookSecret: async () => input.repaymentWebhookSecret,
    settings: { idempotencyTtlHours: 24, uploadUrlTtlSeconds: 900, timeZone: input.timeZone },
    // Locally a scan is never cut short (no time limit is passed), so nothing ever continues it.
    scanContinuation: {
      async continueScan() {
        throw new Error('the local overdue scan runs to the end in one call; no continuation is expected');
      },
    },
    // Locally the business metrics stay in memory (the newest 10,000 records); there is no CloudWatch to send them to.
    metrics: new RecordingMetrics(),
  };
}

/** Every API handler by the name routes.ts uses; `satisfies` makes a new route without a handler a type error. */
export function createHttpHandlers(deps: AppDeps): Record<HttpHandlerName, HttpHandler> {
  return {
    'submit-application': submitApplication.createHandler(own(deps)),
    'query-applications': queryApplications.createHandler(own(deps)),
    'withdraw-application': withdrawApplication.createHandler(own(deps)),
    'redrive-application': redriveApplication.createHandler(own(deps)),
    'accept-contract': acceptContract.createHandler(own(deps)),
    'request-document-upload': requestDocumentUpload.createHandler(own(deps)),
    'application-audit': applicationAudit.createHandler(own(deps)),
    products: products.createHandler(own(deps)),
    policy: policy.createHandler(own(deps)),
    reviewers: reviewers.createHandler(own(deps)),
    'review-page': reviewPage.createHandler(own(deps)),
    'review-queue': reviewQueue.createHandler(own(deps)),
    openapi: openapi.createHandler(own(deps)),
    quotes: quotes.createHandler(own(deps)),
    loans: loans.createHandler(own(deps)),
    repayments: repayments.createHandler(own(deps)),
    reports: reports.createHandler(own(deps)),
  } satisfies Record<HttpHandlerName, HttpHandler>;
}

/**
 * Each Lambda has its own logger in AWS; sharing one here would leak one handler's keys (function name, route, ids)
 * into another's lines, because all of them run in this one process.
 */
function own(deps: AppDeps): AppDeps {
  return { ...deps, logger: deps.logger.createChild() };
}

/**
 * The state machine's Task handlers, by Lambda name. Typed by lib/pipeline-substitutions.ts, so a task placeholder
 * added to the pipeline without a local handler is a type error here.
 */
export function createTaskHandlers(deps: AppDeps): Record<PipelineTaskHandler, TaskHandler> {
  const resume = pipelineResume.createHandler(own(deps));
  const score = pipelineScore.createHandler(own(deps));
  const decide = pipelineDecide.createHandler(own(deps));
  const conclude = pipelineConclude.createHandler(own(deps));
  const prepareContract = pipelinePrepareContract.createHandler(own(deps));
  const disburse = pipelineDisburse.createHandler(own(deps));
  const documents = pipelineDocuments.createHandler(own(deps));
  const recordFailure = pipelineRecordFailure.createHandler(own(deps));
  const requestReview = pipelineRequestReview.createHandler(own(deps));
  return {
    'pipeline-request-review': (payload) => requestReview(payload as pipelineRequestReview.RequestReviewPayload),
    'pipeline-resume': (payload) => resume(payload as pipelineResume.PipelinePayload),
    'pipeline-score': (payload) => score(payload as pipelineScore.ScorePayload),
    'pipeline-decide': (payload) => decide(payload as pipelineDecide.DecidePayload),
    'pipeline-conclude': (payload) => conclude(payload as pipelineConclude.ConcludePayload),
    'pipeline-prepare-contract': (payload) => prepareContract(payload as pipelinePrepareContract.PrepareContractPayload),
    'pipeline-disburse': (payload) => disburse(payload as pipelineDisburse.DisbursePayload),
    'pipeline-documents': (payload) => documents(payload as pipelineDocuments.DocumentsPayload),
    'pipeline-record-failure': (payload) => recordFailure(payload as pipelineRecordFailure.FailurePayload),
  };
}

/** The loan pipeline's DefinitionSubstitutions with local values: the same map CDK fills with the real ARNs. */
export function localPipelineSubstitutions(handlers: Record<PipelineTaskHandler, TaskHandler>): Record<string, string> {
  const functionArns = Object.fromEntries(Object.keys(handlers).map((name) => [name, localFunctionArn(name)])) as Record<PipelineTaskHandler, string>;
  return pipelineSubstitutions({ partition: LOCAL_PARTITION, functionArns });
}

export function createDocumentUploadedHandler(deps: AppDeps): (event: documentUploaded.ObjectCreatedEvent) => Promise<void> {
  return documentUploaded.createHandler(own(deps));
}

/** A Workflow whose target is set later (see LocalDepsInput.workflow). */
export function lateBoundWorkflow(): Workflow & { bind(target: Workflow): void } {
  let target: Workflow | undefined;
  const get = (): Workflow => {
    if (!target) throw new Error('the local workflow is not ready yet');
    return target;
  };
  return {
    bind: (t) => {
      target = t;
    },
    start: (applicationId, input) => get().start(applicationId, input),
    stop: (applicationId, cause) => get().stop(applicationId, cause),
    sendTaskSuccess: (taskToken, output) => get().sendTaskSuccess(taskToken, output),
    sendTaskFailure: (taskToken, error, cause) => get().sendTaskFailure(taskToken, error, cause),
  };
}

/**
 * Handlers that EventBridge runs on a schedule in AWS, by the name `POST /_local/schedules/{name}/run` uses
 * (`review-sla`, `overdue-scan`, …).
 */
export function createScheduleRunners(deps: AppDeps): Map<string, () => Promise<unknown>> {
  const scan = overdueScan.createHandler(own(deps));
  return new Map<string, () => Promise<unknown>>([
    ['review-sla', reviewSla.createHandler(own(deps))],
    ['overdue-scan', () => scan({})],
  ]);
}

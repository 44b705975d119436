// The loan application as stored and as shown (API.md "Application view").

import type { ProtectedGroup } from '../reporting/fairness';
import type { ApplicationStatus } from './lifecycle';
import type { CustomerType, DocumentGate, DocumentKind } from './products';
import { documentsGateView, missingDocuments, receivedKinds, type DocumentsWait } from './document-checklist';
import type { DocumentRejectionReason } from './file-signature';
import type { FieldProblem } from '../kernel/errors';
import type { DeclineHint } from '../decisioning/counterfactual';
import { statementView, type StoredStatement } from '../assessment/statement';
import { fromMinor } from '../kernel/money';
import type { AuditHead } from '../kernel/audit';
import type { Assessment } from '../assessment/assessment';
import type { Decision } from '../decisioning/decision';
import type { Offer } from '../decisioning/offer';
import type { ContractAcceptance } from '../contracting/contract';

export interface TimelineEntry {
  at: string;
  status: ApplicationStatus;
  by: string;
}

export interface ApplicationDocument {
  documentId: string;
  kind: DocumentKind;
  contentType: string;
  sizeBytes: number;
  /** REJECTED: the uploaded bytes were not the declared type; the object is deleted and a new upload is needed. */
  status: 'PENDING_UPLOAD' | 'RECEIVED' | 'REJECTED';
  createdAt: string;
  receivedAt?: string;
  rejectedAt?: string;
  rejectionReason?: DocumentRejectionReason;
}

/** Everything about an application except the applicant's PII, which lives encrypted in `sealedApplicant`. */
export interface Application {
  applicationId: string;
  ownerId: string;
  status: ApplicationStatus;
  productId: string;
  channel: string;
  customerType: CustomerType;
  amountMinor: number;
  currency: string;
  termMonths: number;
  purpose: string;
  /** Keyed hash of the national ID: finds the person's open application without keeping the ID in clear. */
  nationalIdHash: string;
  preferredLanguage: 'zh-CN' | 'en';
  /** Non-identifying answers used for scoring (household, employment, finances, business figures). */
  profile: Record<string, unknown>;
  /** The applicant's identity and the guarantor's, encrypted (AES-256-GCM) as one sealed blob. */
  sealedApplicant: string;
  requiredDocuments: DocumentKind[];
  /** The step the checklist gates (the product's setting when the application was submitted; absent before it existed: review). */
  documentsRequiredBefore?: DocumentGate;
  /** The pipeline's wait for the missing documents (document-checklist.ts), once it began. */
  documentsWait?: DocumentsWait;
  /** The bank statement's figures (assessment/statement.ts), when one came with the applicant's consent. */
  statement?: StoredStatement;
  /** When the applicant consented to the statement's analysis (the Score step pulls one when none was given). */
  statementConsentAt?: string;
  /** Sex and age band, for the fairness report only: no scoring feature reads them (reporting/fairness.ts). */
  protectedGroup?: ProtectedGroup;
  timeline: TimelineEntry[];
  failure?: FieldProblem | { step: string; message: string };
  /** The credit assessment (score, band, reasons, model version), once the Score step has run. */
  assessment?: Assessment;
  /** What the policy (and later the reviewers) decided. */
  decision?: Decision;
  /** The offer made with an approval. */
  offer?: Offer;
  /** Applicant notifications already sent, by kind (approved, declined, …): each is sent once. */
  notified?: string[];
  /** The task token the pipeline waits with until the applicant accepts the contract (the Contract step). */
  contractTaskToken?: string;
  /** The applicant's acceptance of `offer.contract`: time, channel and the hash accepted. */
  acceptance?: ContractAcceptance;
  /**
   * The disbursement account given with the contract acceptance, sealed by the PiiProtector (a DisbursementAccount).
   * One given at submission lives in `sealedApplicant` instead; this one, when present, wins (see
   * contracting.ts `disbursementAccountOf`).
   */
  sealedDisbursementAccount?: string;
  /** The loan opened at disbursement. */
  loanId?: string;
  /** The payout and the final schedule it opened (the contracted terms from the payout day), in brief. */
  disbursement?: DisbursementSummary;
  /**
   * The pipeline execution that runs the application now: absent for the first (named by the application id), else
   * the re-drive's (`<applicationId>-r<n>`). A withdrawal stops this one.
   */
  pipelineExecution?: string;
  /** How many times operations re-drove the application. */
  redrives?: number;
  /** The end of this application's audit chain; every write that appends events moves it. */
  auditHead: AuditHead;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface DisbursementSummary {
  /** When the transfer completed, and that day in the lender's time zone: the schedule runs from it. */
  disbursedAt: string;
  disbursementDate: string;
  installments: number;
  firstDueDate: string;
  firstInstallmentMinor: number;
  lastDueDate: string;
}

/** Review levels approved so far (derived from the reviews by the caller). */
export interface ReviewProgress {
  levelsDone: number;
}

/** What the view needs besides the stored application: a fresh link to the contract text (ContractStore.link). */
export interface ViewExtras {
  contractUrl?: string;
}

export function toApplicationView(app: Application, documents: ApplicationDocument[], progress?: ReviewProgress, extras: ViewExtras = {}) {
  const received = receivedKinds(documents);
  const gate = documentsGateView(app, documents);
  return {
    applicationId: app.applicationId,
    status: app.status,
    productId: app.productId,
    channel: app.channel,
    customerType: app.customerType,
    loan: {
      amount: fromMinor({ minor: app.amountMinor, currency: app.currency }),
      termMonths: app.termMonths,
      purpose: app.purpose,
    },
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
    ...(gate.awaiting ? { awaiting: gate.awaiting } : {}),
    ...(gate.expired ? { expiry: { reason: 'documents_not_received' as const } } : {}),
    ...(app.statement ? { statement: statementView(app.statement) } : {}),
    documents: {
      required: app.requiredDocuments,
      received,
      missing: missingDocuments(app, documents),
      requiredBefore: app.documentsRequiredBefore ?? 'review',
      ...(gate.dueBy ? { dueBy: gate.dueBy } : {}),
      items: documents.map((d) => ({
        documentId: d.documentId,
        kind: d.kind,
        contentType: d.contentType,
        sizeBytes: d.sizeBytes,
        status: d.status,
        createdAt: d.createdAt,
        ...(d.status === 'RECEIVED' && d.receivedAt ? { receivedAt: d.receivedAt } : {}),
        ...(d.status === 'REJECTED' && d.rejectedAt ? { rejectedAt: d.rejectedAt } : {}),
        ...(d.status === 'REJECTED' && d.rejectionReason ? { rejectionReason: d.rejectionReason } : {}),
      })),
    },
    ...(app.assessment ? { assessment: assessmentView(app.assessment) } : {}),
    ...(app.decision
      ? {
          decision: {
            outcome: app.decision.outcome,
            score: app.decision.score,
            band: app.decision.band,
            reasons: app.decision.reasons,
            policyVersion: app.decision.policyVersion,
            modelVersion: app.decision.modelVersion,
            decidedAt: app.decision.decidedAt,
            decidedBy: app.decision.decidedBy,
            ...(app.decision.hint ? { hint: declineHintView(app.decision.hint, app) } : {}),
          },
        }
      : {}),
    ...(app.decision && app.decision.levelsRequired > 0
      ? { review: { levelsRequired: app.decision.levelsRequired, levelsDone: progress?.levelsDone ?? 0 } }
      : {}),
    ...(app.offer ? { offer: offerView(app.offer, extras.contractUrl) } : {}),
    ...(app.acceptance
      ? { acceptance: { contractId: app.acceptance.contractId, sha256: app.acceptance.sha256, acceptedAt: app.acceptance.acceptedAt, channel: app.acceptance.channel } }
      : {}),
    ...(app.loanId ? { loanId: app.loanId } : {}),
    ...(app.disbursement ? { disbursement: disbursementView(app) } : {}),
    timeline: app.timeline,
  };
}

/** The offer as shown: its contract without the storage key, with the link when the caller made one. */
export function offerView(offer: Offer, contractUrl?: string) {
  const { contract, ...rest } = offer;
  if (!contract) return rest;
  return {
    ...rest,
    contract: {
      contractId: contract.contractId,
      sha256: contract.sha256,
      generatedAt: contract.generatedAt,
      ...(contractUrl ? { url: contractUrl } : {}),
    },
  };
}

/** The payout in brief; the whole final schedule is the loan's (`links.schedule`). */
function disbursementView(app: Application) {
  const d = app.disbursement!;
  return {
    disbursedAt: d.disbursedAt,
    disbursementDate: d.disbursementDate,
    installments: d.installments,
    firstDueDate: d.firstDueDate,
    firstInstallment: fromMinor({ minor: d.firstInstallmentMinor, currency: app.currency }),
    lastDueDate: d.lastDueDate,
    links: { loan: `/v1/loans/${app.loanId}`, schedule: `/v1/loans/${app.loanId}/schedule` },
  };
}

/** What applicants and staff see of an assessment: the score, its band and the reasons, not the model internals. */
export function assessmentView(assessment: Assessment) {
  return {
    score: assessment.score,
    band: assessment.band,
    reasons: assessment.reasons.map(({ code, description }) => ({ code, description })),
    modelVersion: assessment.modelVersion,
    assessedAt: assessment.assessedAt,
  };
}

/** A decline's hint as shown: each option as the API writes it, and the sentence in the applicant's language. */
function declineHintView(hint: DeclineHint, app: Application) {
  return {
    options: hint.options.map((option) =>
      'amountMinor' in option
        ? { amount: fromMinor({ minor: option.amountMinor, currency: app.currency }) }
        : 'monthlyDebtPaymentsMinor' in option
          ? { monthlyDebtPayments: fromMinor({ minor: option.monthlyDebtPaymentsMinor, currency: app.currency }) }
          : { termMonths: option.termMonths },
    ),
    text: hint.text[app.preferredLanguage],
  };
}

/** The monthly income the applicant declared (kept in minor units in the profile at intake); 0 when absent. */
export function declaredMonthlyIncome(application: Pick<Application, 'profile' | 'currency'>): { minor: number; currency: string } {
  const employment = application.profile.employment as { monthlyIncome?: { minor: number; currency: string } } | undefined;
  return employment?.monthlyIncome ?? { minor: 0, currency: application.currency };
}

// The success bodies of the API as zod schemas: GET /openapi.json publishes them (openapi.ts), the type checks at the
// end of this file hold every view function to them, and test/unit/shared/openapi-responses.test.ts validates real
// responses of every route against the published document. A view that grows or changes a field fails one of those.

import { z } from 'zod';
import { APPLICATION_STATUSES } from '../core/applications/lifecycle';
import { CHANNELS, productSchema } from '../core/applications/application-schema';
import { CUSTOMER_TYPES, DOCUMENT_GATES, DOCUMENT_KINDS, INTEREST_METHODS } from '../core/applications/products';
import { BANDS, policySchema } from '../core/decisioning/policy';
import { ACCEPTANCE_CHANNELS } from '../core/contracting/contract';
import { DELINQUENCY_BUCKETS, INSTALLMENT_STATUSES, LOAN_STATUSES } from '../core/servicing/loan';
import { REVIEWER_LANGUAGES } from '../core/review/reviews';
import { SPENDING_CATEGORIES, type SpendingCategory } from '../core/assessment/statement';
import type { toApplicationSummary, getApplicationView, listApplications, requestDocumentUpload, redriveApplication } from '../core/applications/intake';
import type { toApplicationView } from '../core/applications/application';
import type { toProductView } from '../core/applications/application-schema';
import type { listReviewQueue, reviewerView } from '../core/review/review-service';
import type { toLoanView, toPayoffView, toRepaymentView, toScheduleView } from '../core/servicing/loan-views';
import type { quote } from '../core/lending-math/quote';
import type { ReportSummary } from '../core/reporting/reports';
import type { FairnessReport } from '../core/reporting/fairness';
import type { DriftReport } from '../core/reporting/drift';

/** Components of the document: each schema registered here becomes `#/components/schemas/<id>`. */
export const responseComponents = z.registry<{ id: string; description?: string }>();

function component<T extends z.ZodType>(id: string, description: string, schema: T): T {
  responseComponents.add(schema, { id, description });
  return schema;
}

const instant = z.iso.datetime({ offset: true }).describe('an ISO 8601 instant (UTC)');
const day = z.iso.date().describe("a calendar day YYYY-MM-DD (the lender's time zone)");
const decimal = z.string().regex(/^-?(0|[1-9]\d*)(\.\d+)?$/).describe('a decimal string in the currency\'s minor unit, such as "1025.10"');
const percent = z.string().regex(/^-?\d+(\.\d+)?$/).describe('a percentage as a decimal string, such as "12.5"');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const rate = z.number().min(0).max(1).nullable().describe('a fraction from 0 to 1; null when nothing to divide by');
const count = z.number().int().min(0);

export const moneyView = component(
  'Money',
  'An amount of money: a decimal string in the currency\'s minor unit, never a float.',
  z.object({ amount: decimal, currency: z.string().regex(/^[A-Z]{3}$/) }),
);

/** Lists: `{items, nextCursor}`; pass nextCursor as `cursor` for the next page (null on the last one). */
const pageOf = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

// ---- applications --------------------------------------------------------------------------------------------------

const applicationStatus = z.enum(APPLICATION_STATUSES);
const loanTerms = z.object({ amount: moneyView, termMonths: z.number().int(), purpose: z.string() });
const reason = z.object({ code: z.string(), description: z.string() });

export const submissionAcceptedView = component(
  'SubmissionAccepted',
  'The answer to a submission (202), and to its replays with the same Idempotency-Key.',
  z.object({
    applicationId: z.string(),
    status: z.literal('SUBMITTED'),
    links: z.object({ self: z.string(), withdraw: z.string(), documents: z.string() }),
  }),
);

export const applicationSummaryView = component(
  'ApplicationSummary',
  'An application in a list.',
  z.object({
    applicationId: z.string(),
    status: applicationStatus,
    productId: z.string(),
    channel: z.enum(CHANNELS),
    loan: loanTerms,
    createdAt: instant,
    updatedAt: instant,
  }),
);

export const applicationPageView = component('ApplicationPage', 'A page of applications, newest first.', pageOf(applicationSummaryView));

export const offerView = component(
  'Offer',
  'The offer made with an approval; `contract` once the contract is ready.',
  z.object({
    principal: moneyView,
    annualRatePercent: percent,
    aprPercent: percent,
    termMonths: z.number().int(),
    method: z.enum(INTEREST_METHODS),
    installment: moneyView,
    totalRepayable: moneyView,
    expiresAt: instant,
    contract: z
      .object({
        contractId: z.string(),
        sha256: sha256.describe('send it back as contractSha256 to accept'),
        generatedAt: instant,
        url: z.string().optional().describe('a short-lived link to the contract text'),
      })
      .optional(),
  }),
);

const spending = z.object({ count, monthly: moneyView });
const statementViewSchema = z.object({
  from: day,
  to: day,
  months: z.number().int().min(1),
  transactions: count,
  sha256,
  consentedAt: instant,
  source: z.enum(['applicant', 'provider']).describe("given with the application, or pulled from the account-data provider with the applicant's consent"),
  verifiedMonthlyInflow: moneyView.describe('the median month\'s inflow, without loans paid out by lenders and reversals'),
  inflowRegularity: z.number().min(0).max(1).describe('1 − the coefficient of variation of the monthly inflows'),
  monthsWithInflow: count,
  salary: z.object({ detected: z.boolean(), monthly: moneyView.nullable(), months: count }),
  monthlySpending: moneyView,
  outflowsPerMonth: z.number().min(0),
  meanOutflow: moneyView,
  spendingByCategory: z.object(Object.fromEntries(SPENDING_CATEGORIES.map((category) => [category, spending])) as Record<SpendingCategory, typeof spending>),
  balance: z.object({ available: z.boolean(), mean: moneyView.nullable(), volatility: z.number().min(0).nullable(), daysAtLowBalance: count.nullable(), lowBalance: moneyView }),
  returnedPayments: count,
  gambling: spending,
  otherLenders: spending,
});

export const applicationView = component(
  'ApplicationView',
  'An application: status, decision, offer and timeline.',
  z.object({
    applicationId: z.string(),
    status: applicationStatus,
    productId: z.string(),
    channel: z.enum(CHANNELS),
    customerType: z.enum(CUSTOMER_TYPES),
    loan: loanTerms,
    createdAt: instant,
    updatedAt: instant,
    awaiting: z
      .literal('documents')
      .optional()
      .describe("what the application waits for: 'documents' while the required documents listed in documents.missing hold its step (documents.requiredBefore)"),
    expiry: z
      .object({ reason: z.literal('documents_not_received') })
      .optional()
      .describe('why an EXPIRED application expired, when it was the wait for its required documents'),
    documents: z.object({
      required: z.array(z.enum(DOCUMENT_KINDS)),
      received: z.array(z.enum(DOCUMENT_KINDS)),
      missing: z.array(z.enum(DOCUMENT_KINDS)),
      requiredBefore: z
        .enum(DOCUMENT_GATES)
        .describe("the step the product's checklist holds, for an application that goes to review: review, acceptance (of the contract) or payout"),
      dueBy: instant.optional().describe('while awaiting documents: when the wait expires the application'),
      items: z.array(
        z.object({
          documentId: z.string(),
          kind: z.enum(DOCUMENT_KINDS),
          contentType: z.string(),
          sizeBytes: count,
          // REJECTED: the uploaded bytes were not the declared type; the file was deleted, the kind is still missing,
          // and a new upload URL may be requested for it.
          status: z.enum(['PENDING_UPLOAD', 'RECEIVED', 'REJECTED']),
          createdAt: instant,
          receivedAt: instant.optional(),
          rejectedAt: instant.optional(),
          rejectionReason: z.enum(['file_signature_mismatch']).optional(),
        }),
      ),
    }),
    assessment: z
      .object({ score: z.number(), band: z.enum(BANDS), reasons: z.array(reason), modelVersion: z.string(), assessedAt: instant })
      .optional(),
    decision: z
      .object({
        outcome: z.enum(['APPROVED', 'DECLINED', 'REVIEW']),
        score: z.number(),
        band: z.enum(BANDS),
        reasons: z.array(reason),
        policyVersion: z.number().int(),
        modelVersion: z.string(),
        decidedAt: instant,
        decidedBy: z.enum(['policy', 'review']),
        hint: z
          .object({
            options: z.array(z.union([z.object({ termMonths: z.number().int() }), z.object({ amount: moneyView }), z.object({ monthlyDebtPayments: moneyView })])),
            text: z.string(),
          })
          .optional()
          .describe('for an automatic decline: the smallest changes that the same policy would not decline, computed from the model and the policy'),
      })
      .optional(),
    review: z.object({ levelsRequired: z.number().int(), levelsDone: z.number().int() }).optional(),
    offer: offerView.optional(),
    acceptance: z.object({ contractId: z.string(), sha256, acceptedAt: instant, channel: z.enum(ACCEPTANCE_CHANNELS) }).optional(),
    loanId: z.string().optional(),
    statement: statementViewSchema.optional().describe('the bank statement given with the application, as figures (the transactions are not kept)'),
    disbursement: z
      .object({
        disbursedAt: instant,
        disbursementDate: day.describe('the payout day: interest runs from it, and the final schedule was recomputed on it'),
        installments: z.number().int().min(1),
        firstDueDate: day,
        firstInstallment: moneyView,
        lastDueDate: day,
        links: z.object({ loan: z.string(), schedule: z.string() }),
      })
      .optional()
      .describe('the payout and the final schedule in brief, once the loan is open'),
    timeline: z.array(z.object({ at: instant, status: applicationStatus, by: z.string() })),
  }),
);

export const documentUploadView = component(
  'DocumentUpload',
  'Where to upload the document: PUT the file to uploadUrl with these headers before expiresAt.',
  z.object({
    documentId: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    uploadUrl: z.string(),
    uploadMethod: z.literal('PUT'),
    uploadHeaders: z.object({ 'content-type': z.string(), 'content-length': z.string().regex(/^\d+$/) }),
    expiresAt: instant,
  }),
);

export const contractAcceptedView = component(
  'ContractAccepted',
  'The recorded acceptance (200, also for a repeated one, marked with the Idempotent-Replayed header).',
  z.object({
    applicationId: z.string(),
    status: applicationStatus,
    acceptance: z.object({ contractId: z.string(), sha256, acceptedAt: instant, channel: z.enum(ACCEPTANCE_CHANNELS) }),
  }),
);

export const redriveView = component(
  'Redrive',
  'The re-drive: the execution that now continues the application, and the status it came from.',
  z.object({ applicationId: z.string(), status: applicationStatus, executionName: z.string(), from: applicationStatus }),
);

export const auditTrailView = component(
  'AuditTrail',
  "The application's audit events, each chained to the one before by its hash; verified: the chain is intact.",
  z.object({
    applicationId: z.string(),
    events: z.array(
      z.object({
        seq: z.number().int().min(1),
        at: instant,
        actor: z.string(),
        action: z.string(),
        details: z.record(z.string(), z.unknown()),
        prevHash: sha256,
        hash: sha256,
      }),
    ),
    verified: z.boolean(),
  }),
);

// ---- products, policy, reviewers -----------------------------------------------------------------------------------

export const productView = component('ProductView', 'A loan product.', productSchema);
export const productPageView = component('ProductPage', 'Every loan product, by id (one page).', pageOf(productView));
export const policyView = component('PolicyView', 'A published version of the decision policy.', policySchema);

export const reviewerResponseView = component(
  'Reviewer',
  'A reviewer, subscribed to the review emails of their level.',
  z.object({
    reviewerId: z.string(),
    email: z.email(),
    name: z.string(),
    level: z.number().int().min(1).max(3),
    language: z.enum(REVIEWER_LANGUAGES),
    active: z.boolean(),
    openReviews: count,
    createdAt: instant,
    subscriptionArn: z.string().nullable().describe('null until the email subscription is made'),
  }),
);
export const reviewerPageView = component('ReviewerPage', 'Every reviewer (one page).', pageOf(reviewerResponseView));

// ---- reviews -------------------------------------------------------------------------------------------------------

const reviewStatus = z.enum(['PENDING', 'DECIDED', 'ESCALATED', 'EXPIRED', 'CANCELLED']);

export const reviewQueueItemView = component(
  'ReviewQueueItem',
  'A pending review (no link: the link is the reviewer\'s credential).',
  z.object({
    reviewId: z.string(),
    applicationId: z.string(),
    level: z.number().int(),
    round: z.number().int(),
    reviewerId: z.string(),
    status: reviewStatus,
    createdAt: instant,
    remindAt: instant,
    escalateAt: instant,
    expiresAt: instant,
    remindedAt: instant.nullable(),
    escalatedFrom: z.string().nullable(),
    overdue: z.boolean().describe('past escalateAt'),
  }),
);
export const reviewQueueView = component('ReviewQueue', 'Pending reviews, oldest first.', pageOf(reviewQueueItemView));

export const reviewDecidedView = component(
  'ReviewDecided',
  'The recorded decision (JSON requests; a form post gets an HTML page).',
  z.object({
    reviewId: z.string(),
    applicationId: z.string(),
    level: z.number().int(),
    round: z.number().int(),
    status: reviewStatus,
    decision: z.enum(['APPROVE', 'REJECT', 'REQUEST_INFO']),
    comment: z.string(),
    decidedAt: instant,
    delivery: z.enum(['delivered', 'gone', 'pending']).describe('whether the waiting pipeline got the decision now'),
  }),
);

// ---- quotes and loans ----------------------------------------------------------------------------------------------

export const quoteView = component(
  'Quote',
  'The schedule and APR a loan with these terms would get (amounts as decimal strings of the currency).',
  z.object({
    currency: z.string().regex(/^[A-Z]{3}$/),
    installments: z.array(
      z.object({ n: z.number().int().min(1), dueDate: day, principal: decimal, interest: decimal, fees: decimal, total: decimal, outstandingAfter: decimal }),
    ),
    totals: z.object({ principal: decimal, interest: decimal, fees: decimal, total: decimal }),
    aprPercent: percent,
  }),
);

const parts = z.object({ principal: moneyView, interest: moneyView, fees: moneyView, penalties: moneyView, total: moneyView });

export const loanView = component(
  'LoanView',
  'A loan: balances, next due, delinquency.',
  z.object({
    loanId: z.string(),
    applicationId: z.string(),
    productId: z.string().optional(),
    status: z.enum(LOAN_STATUSES),
    principal: moneyView,
    annualRatePercent: percent,
    disbursedAt: instant,
    outstanding: parts,
    credit: moneyView.describe('paid beyond what is owed, kept for the borrower'),
    nextDue: z.object({ n: z.number().int(), dueDate: day, amount: moneyView }).optional(),
    delinquency: z.object({
      daysPastDue: count,
      bucket: z.enum(DELINQUENCY_BUCKETS),
      riskFlags: z.array(z.string()),
      lateFeesCharged: moneyView,
      behaviourScore: z.number().optional(),
      lastScanned: day.optional(),
      amountPastDue: moneyView,
      oldestUnpaidDueDate: day.optional(),
    }),
    remindersSent: z.array(z.object({ at: instant, stage: z.string(), channel: z.enum(['sms', 'email']), refused: z.literal(true).optional().describe('the provider refused the message') })),
    closedAt: instant.optional(),
    installmentsRemaining: count,
  }),
);

export const scheduleView = component(
  'LoanSchedule',
  "The loan's installments with what was paid and each one's status.",
  z.object({
    loanId: z.string(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    installments: z.array(
      z.object({
        n: z.number().int().min(1),
        dueDate: day,
        principal: moneyView,
        interest: moneyView,
        fees: moneyView,
        penalties: moneyView,
        total: moneyView,
        outstandingAfter: moneyView,
        paid: parts,
        waived: parts.optional(),
        outstanding: moneyView,
        status: z.enum(INSTALLMENT_STATUSES),
        settledOn: day.optional(),
      }),
    ),
  }),
);

export const payoffView = component(
  'Payoff',
  'What pays the loan off on that day.',
  z.object({
    loanId: z.string(),
    date: day,
    amount: moneyView,
    breakdown: z.object({ principal: moneyView, interest: moneyView, fees: moneyView, penalties: moneyView }),
  }),
);

export const repaymentView = component(
  'Repayment',
  'A recorded repayment and how it was allocated (penalties, fees, interest, principal, oldest first).',
  z.object({
    loanId: z.string(),
    reference: z.string(),
    amount: moneyView,
    paidAt: instant,
    recordedAt: instant,
    allocation: z.object({
      date: day,
      principal: moneyView,
      interest: moneyView,
      fees: moneyView,
      penalties: moneyView,
      credit: moneyView,
      prepaidPrincipal: moneyView,
      waived: z.object({ interest: moneyView, fees: moneyView }),
      payoff: z.boolean(),
      installments: z.array(z.object({ n: z.number().int(), principal: moneyView, interest: moneyView, fees: moneyView, penalties: moneyView })),
    }),
    loan: z.object({ status: z.enum(LOAN_STATUSES), outstanding: moneyView }),
  }),
);
export const repaymentPageView = component('RepaymentPage', "The loan's repayments (one page).", pageOf(repaymentView));

// ---- reports -------------------------------------------------------------------------------------------------------

const counts = z.record(z.string(), count);
const seconds = z.number().min(0).nullable();

const groupFigures = z.object({
  group: z.string(),
  decided: count,
  approved: count,
  approvalRate: rate,
  meanPd: rate.describe('the mean probability of default of the decided applications'),
  loans: count.describe('loans disbursed to the group, to date'),
  bad: count.describe('of them, loans that ever reached 90+ days past due'),
  badRate: rate,
  disparateImpact: z.number().min(0).max(1).nullable().describe("the group's approval rate over the highest group's"),
  adverseImpact: z.boolean().describe('disparateImpact below the four-fifths rule (0.8)'),
});

export const driftReportView = component(
  'DriftReport',
  "Population stability (PSI) of the live score and of each model input against the model's training data; above alarmThreshold (0.25) is a shift to review.",
  z.object({
    from: day,
    to: day,
    modelVersion: z.string(),
    scored: count,
    alarmThreshold: z.number(),
    scorePsi: z.number().min(0).nullable(),
    inputs: z.array(z.object({ feature: z.string(), psi: z.number().min(0).nullable() })),
    maxInputPsi: z.number().min(0).nullable(),
    alarm: z.boolean(),
  }),
);

export const fairnessReportView = component(
  'FairnessReport',
  'Decisions and loan outcomes by protected group (sex from the national ID, age band on the submission day); the groups are monitored, never model inputs.',
  z.object({
    from: day,
    to: day,
    fourFifths: z.literal(0.8),
    groups: z.object({ sex: z.array(groupFigures), ageBand: z.array(groupFigures) }),
  }),
);

export const reportSummaryView = component(
  'ReportSummary',
  'The figures of a range of the lender\'s days (PRODUCT.md §2.10).',
  z.object({
    from: day,
    to: day,
    timeZone: z.string(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    applications: z.object({ received: count, byChannel: counts, byProduct: counts, byDay: counts }),
    decisions: z.object({
      autoApproved: count,
      autoDeclined: count,
      reviewApproved: count,
      reviewRejected: count,
      reviewExpired: count,
      documentsExpired: count.describe("expired waiting for the product's required documents (the checklist gate)"),
      decided: count,
      approvalRate: rate,
      autoDecisionRate: rate,
      declineReasons: counts,
    }),
    timeToDecision: z.object({ count, p50Seconds: seconds, p90Seconds: seconds }),
    reviews: z.object({
      pending: count,
      overdue: count,
      slaBreaches: count,
      byReviewer: z.array(z.object({ reviewerId: z.string(), name: z.string(), level: z.number().int(), decided: count, open: count, slaBreaches: count })),
    }),
    disbursed: z.object({ count, amount: moneyView }),
    repayments: z.object({ count, amount: moneyView }),
    portfolio: z.object({
      asOf: day,
      activeLoans: count,
      outstandingPrincipal: moneyView,
      overdueRate: rate,
      par1: rate,
      par30: rate,
      par90: rate,
      byBucket: z.object(Object.fromEntries(DELINQUENCY_BUCKETS.map((bucket) => [bucket, z.object({ loans: count, principal: moneyView })])) as Record<(typeof DELINQUENCY_BUCKETS)[number], z.ZodObject<{ loans: typeof count; principal: typeof moneyView }>>),
      rollRates: z.object({ 'current->1-30': rate, '1-30->31-60': rate, '31-60->61-90': rate, '61-90->90+': rate }),
    }),
    daily: z.array(
      z.object({
        day,
        received: count,
        decided: count,
        approved: count,
        approvalRate: rate,
        p50DecisionSeconds: seconds,
        p90DecisionSeconds: seconds,
        par30: rate,
      }),
    ),
  }),
);

export const openApiDocumentView = component(
  'OpenApiDocument',
  'An OpenAPI 3.1 document (this one).',
  z.looseObject({ openapi: z.string().regex(/^3\.1\.\d+$/), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }),
);

// ---- the API Gateway's own answers ---------------------------------------------------------------------------------

export const gatewayMessageView = component(
  'GatewayMessage',
  'What API Gateway itself answers (before any handler): 401 without a valid token, 404 for an unknown route, 413 for a body over the limit.',
  z.object({ message: z.string() }),
);

// ---- the views are held to these schemas ---------------------------------------------------------------------------

/**
 * Compiles only when the view's type fits the documented schema (a field the schema lacks is caught by the response
 * test, as the documented objects are closed). The policy view is policySchema's own output type.
 */
type Fits<View extends Documented, Documented> = [View, Documented];
type Out<S extends z.ZodType> = z.output<S>;
type Body<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
/** Stored applications keep the channel as a string; only the four of CHANNELS are ever accepted at submission. */
type AnyChannel<T> = Omit<T, 'channel'> & { channel: string };

export type ViewsFitTheirSchemas = [
  Fits<Body<typeof toApplicationView>, AnyChannel<Out<typeof applicationView>>>,
  Fits<Body<typeof getApplicationView>, AnyChannel<Out<typeof applicationView>>>,
  Fits<Body<typeof toApplicationSummary>, AnyChannel<Out<typeof applicationSummaryView>>>,
  Fits<Body<typeof listApplications>, { items: AnyChannel<Out<typeof applicationSummaryView>>[]; nextCursor: string | null }>,
  Fits<Body<typeof requestDocumentUpload>, Out<typeof documentUploadView>>,
  Fits<Body<typeof redriveApplication>, Out<typeof redriveView>>,
  Fits<Body<typeof toProductView>, Out<typeof productView>>,
  Fits<Body<typeof reviewerView>, Out<typeof reviewerResponseView>>,
  Fits<Body<typeof listReviewQueue>, Out<typeof reviewQueueView>>,
  Fits<Body<typeof quote>, Out<typeof quoteView>>,
  Fits<Body<typeof toLoanView>, Out<typeof loanView>>,
  Fits<Body<typeof toScheduleView>, Out<typeof scheduleView>>,
  Fits<Body<typeof toPayoffView>, Out<typeof payoffView>>,
  Fits<Body<typeof toRepaymentView>, Out<typeof repaymentView>>,
  Fits<ReportSummary, Out<typeof reportSummaryView>>,
  Fits<FairnessReport, Out<typeof fairnessReportView>>,
  Fits<DriftReport, Out<typeof driftReportView>>,
];

/** Bodies that handlers build inline (`satisfies` them, so a field added there must be documented here first). */
export type ContractAcceptedBody = z.output<typeof contractAcceptedView>;
export type AuditTrailBody = z.output<typeof auditTrailView>;
export type ReviewDecidedBody = z.output<typeof reviewDecidedView>;
export type ProductPageBody = z.output<typeof productPageView>;
export type ReviewerPageBody = z.output<typeof reviewerPageView>;
export type RepaymentPageBody = z.output<typeof repaymentPageView>;

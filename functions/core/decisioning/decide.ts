// The decision steps of the pipeline: Decide (the policy on the assessment), Conclude (after review, or expiry) and
// RequestInfo (the reviewer asked the applicant for more). Each is idempotent: a retried task finds its work done.

import { statementPolicyFacts } from '../assessment/statement';
import { declineHint } from './counterfactual';
import type { ApplicantMessageKind } from '../applications/applicant-messages';
import { notifyApplicantOnce, withFreshApplication } from '../applications/application-updates';
import type { Decision, DecisionReason } from './decision';
import { NotFoundError } from '../kernel/errors';
import type { ApplicationStatus } from '../applications/lifecycle';
import { contractedTermsFor, offerFor, type Offer } from './offer';
import { draftContract, type DraftContractDeps } from '../contracting/contracting';
import { declaredMonthlyIncome, type Application } from '../applications/application';
import type { Product } from '../applications/products';
import { evaluatePolicy, type PolicyFacts, type PolicyReader } from './policy';
import type { Assessment } from '../assessment/assessment';
import type { Clock, Notifier, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository, ProductCatalog } from '../applications/ports';
import type { ReviewTaskOutput } from '../review/reviews';

export interface DecideDeps {
  applications: ApplicationRepository;
  policies: PolicyReader;
  products: ProductCatalog;
  notifier: Notifier;
  pii: PiiProtector;
  clock: Clock;
  /** The lender's time zone (the TIME_ZONE setting): an offer's schedule starts on the day of the decision there. */
  settings: { timeZone: string };
}

/** An approval writes the offer with its contract, so the decision steps also render and store the contract. */
export type ApproveDeps = DecideDeps & DraftContractDeps;

export interface DecideOutcome {
  status: ApplicationStatus;
  /** NONE: the application left assessment (withdrawn) before the decision. */
  outcome: Decision['outcome'] | 'NONE';
  levelsRequired: number;
  /** How long a review level may wait, from the policy's SLA, plus an hour: the state machine's backstop timeout. */
  reviewTimeoutSeconds: number;
}

/**
 * A decision at the moment it is stored (never one a retried task finds made already): what the business metrics
 * need. `decidedAt` is absent for an expiry, which decides nothing.
 */
export interface DecisionMade<O extends string> {
  outcome: O;
  productId: string;
  channel: string;
  /** When the application was submitted. */
  createdAt: string;
  decidedAt?: string;
}

/**
 * `onDecided` is called once, when this call stores the decision (before the applicant is told, so that a failed
 * notification and the task's retry neither lose nor repeat it).
 */
export async function decideApplication(
  deps: ApproveDeps,
  applicationId: string,
  hooks: { onDecided?: (made: DecisionMade<Decision['outcome']>) => void } = {},
): Promise<DecideOutcome> {
  const policy = await deps.policies.current();
  const reviewTimeoutSeconds = (policy.sla.expireAfterHours + 1) * 3600;
  const decided = await withFreshApplication(deps.applications, applicationId, async (application) => {
    if (application.decision) return application;
    if (application.status !== 'ASSESSING' || !application.assessment) return undefined;
    const product = await deps.products.get(application.productId);
    if (!product) throw new NotFoundError(`no product ${application.productId}`);
    const { assessment } = application;
    const facts: PolicyFacts = {
      score: assessment.score,
      amountMinor: application.amountMinor,
      currency: application.currency,
      termMonths: application.termMonths,
      productId: application.productId,
      customerType: application.customerType,
      product: {
        minAmountMinor: product.minAmountMinor,
        maxAmountMinor: product.maxAmountMinor,
        minTermMonths: product.minTermMonths,
        maxTermMonths: product.maxTermMonths,
      },
      ageYears: assessment.derived.ageYears,
      ageAtMaturityYears: assessment.derived.ageAtMaturityYears,
      debtToIncomeAfterLoan: assessment.derived.debtToIncomeAfterLoan,
      currentDefault: assessment.bureau.currentDefault,
      fraudFlag: assessment.bureau.fraudFlag,
      bureau: bureauFacts(assessment.bureau),
      statement: application.statement ? statementPolicyFacts(application.statement, declaredMonthlyIncome(application).minor) : null,
      scoreReasons: assessment.reasons.map(({ code, description }) => ({ code, description })),
      language: application.preferredLanguage,
    };
    const evaluation = evaluatePolicy(policy, facts);
    // A decline says what change the applicant could make that the same policy would not decline, when one exists.
    const hint = evaluation.outcome === 'DECLINED' ? declineHint(policy, facts, assessment.alternatives) : undefined;
    const now = deps.clock.now();
    const decision: Decision = {
      outcome: evaluation.outcome,
      band: evaluation.band,
      score: assessment.score,
      levelsRequired: evaluation.levelsRequired,
      annualRatePercent: evaluation.annualRatePercent,
      matchedRules: evaluation.matchedRules,
      reasons: evaluation.reasons,
      policyVersion: evaluation.policyVersion,
      modelVersion: assessment.modelVersion,
      decidedAt: now.toISOString(),
      decidedBy: 'policy',
      ...(hint ? { hint } : {}),
    };
    const to: ApplicationStatus = evaluation.outcome === 'REVIEW' ? 'PENDING_REVIEW' : evaluation.outcome;
    const approval = evaluation.outcome === 'APPROVED' ? await approvedOffer(deps, { application, product, annualRatePercent: evaluation.annualRatePercent!, validDays: policy.offerValidDays, now }) : undefined;
    const transitioned = await deps.applications.transition({
      application,
      to,
      at: now.toISOString(),
      by: 'policy',
      changes: { decision, ...(approval ? { offer: approval.offer } : {}) },
      audit: [
        {
          actor: 'policy',
          action: 'policy.evaluated',
          details: {
            policyVersion: decision.policyVersion,
            outcome: decision.outcome,
            band: decision.band,
            score: decision.score,
            matchedRules: decision.matchedRules,
            reasons: decision.reasons.map((r) => r.code),
            // The basis of each bureau rule that decided: the value it read and its threshold.
            bureauRules: evaluation.bureauRulesFired,
            statementRules: evaluation.statementRulesFired,
            ...(hint ? { hint: hint.options } : {}),
            levelsRequired: decision.levelsRequired,
            annualRatePercent: decision.annualRatePercent,
          },
        },
        ...(approval ? [approval.audit] : []),
      ],
    });
    hooks.onDecided?.({ outcome: decision.outcome, productId: application.productId, channel: application.channel, createdAt: application.createdAt, decidedAt: decision.decidedAt });
    return transitioned;
  });
  if (!decided) {
    const current = await deps.applications.get(applicationId);
    return { status: current!.status, outcome: 'NONE', levelsRequired: 0, reviewTimeoutSeconds };
  }
  const decision = decided.decision!;
  if (decided.status === 'APPROVED') await notifyApplicantOnce(deps, decided.applicationId, 'approved');
  if (decided.status === 'DECLINED') await notifyApplicantOnce(deps, decided.applicationId, 'declined');
  return { status: decided.status, outcome: decision.outcome, levelsRequired: decision.levelsRequired, reviewTimeoutSeconds };
}

/**
 * The bureau rules' facts from the assessment's bureau summary. An assessment stored before a fact was kept (issue 12)
 * lacks it: null, which no rule fires on.
 */
function bureauFacts(bureau: Partial<Assessment['bureau']>): PolicyFacts['bureau'] {
  const known = (value: number | null | undefined) => (typeof value === 'number' ? value : null);
  return {
    maxDaysPastDueLast24Months: known(bureau.maxDaysPastDueLast24Months),
    accountsInArrears: known(bureau.accountsInArrears),
    inquiriesLast6Months: known(bureau.inquiriesLast6Months),
    existingCredits: known(bureau.existingCredits),
    revolvingUtilisation: known(bureau.revolvingUtilisation),
  };
}

export type ConcludeOutcome = 'APPROVED' | 'DECLINED' | 'EXPIRED';

/** After the last review level approved, a reviewer rejected, or the review expired. */
export async function concludeReview(
  deps: ApproveDeps,
  input: { applicationId: string; outcome: ConcludeOutcome; review?: ReviewTaskOutput },
  hooks: { onConcluded?: (made: DecisionMade<ConcludeOutcome>) => void } = {},
): Promise<{ status: ApplicationStatus }> {
  const policy = await deps.policies.current();
  const concluded = await withFreshApplication(deps.applications, input.applicationId, async (application) => {
    if (application.status !== 'PENDING_REVIEW') return application;
    const previous = application.decision!;
    const now = deps.clock.now();
    const at = now.toISOString();
    const reviewer = input.review ? `reviewer:${input.review.reviewerId}` : 'pipeline';
    const about = { productId: application.productId, channel: application.channel, createdAt: application.createdAt };
    if (input.outcome === 'EXPIRED') {
      const expired = await deps.applications.transition({ application, to: 'EXPIRED', at, by: 'pipeline', audit: [{ actor: 'pipeline', action: 'review.timed_out', details: {} }] });
      hooks.onConcluded?.({ outcome: 'EXPIRED', ...about });
      return expired;
    }
    const reasons: DecisionReason[] =
      input.outcome === 'DECLINED' ? [{ code: 'REVIEW_REJECTED', description: input.review?.comment ?? '' }] : [];
    const decision: Decision = { ...previous, outcome: input.outcome, reasons, decidedAt: at, decidedBy: 'review' };
    const product = input.outcome === 'APPROVED' ? await deps.products.get(application.productId) : undefined;
    if (input.outcome === 'APPROVED' && !product) throw new NotFoundError(`no product ${application.productId}`);
    const approval =
      input.outcome === 'APPROVED' ? await approvedOffer(deps, { application, product: product!, annualRatePercent: previous.annualRatePercent!, validDays: policy.offerValidDays, now }) : undefined;
    const transitioned = await deps.applications.transition({
      application,
      to: input.outcome,
      at,
      by: reviewer,
      changes: { decision, ...(approval ? { offer: approval.offer } : {}) },
      audit: [
        { actor: reviewer, action: 'review.concluded', details: { outcome: input.outcome, level: input.review?.level ?? null } },
        ...(approval ? [approval.audit] : []),
      ],
    });
    hooks.onConcluded?.({ outcome: input.outcome, ...about, decidedAt: at });
    return transitioned;
  });
  const kind: Partial<Record<ApplicationStatus, ApplicantMessageKind>> = { APPROVED: 'approved', DECLINED: 'declined', EXPIRED: 'expired' };
  const message = kind[concluded.status];
  if (message) await notifyApplicantOnce(deps, concluded.applicationId, message);
  return { status: concluded.status };
}

/** The reviewer asked for more information: the applicant is told what, once per review round. */
export async function requestMoreInformation(deps: DecideDeps, input: { applicationId: string; review: ReviewTaskOutput }): Promise<{ status: ApplicationStatus }> {
  const application = await deps.applications.get(input.applicationId);
  if (!application) throw new NotFoundError(`no application ${input.applicationId}`);
  await notifyApplicantOnce(deps, input.applicationId, 'info_requested', `info_requested:${input.review.reviewId}`, input.review.comment);
  return { status: application.status };
}

/**
 * The offer of an approval with its contract: the schedule terms fixed now from the product as it is, the offer's
 * figures and the contract both computed from them (the contract is stored before the approval is written).
 */
async function approvedOffer(
  deps: ApproveDeps,
  input: { application: Application; product: Product; annualRatePercent: string; validDays: number; now: Date },
): Promise<{ offer: Offer; audit: Awaited<ReturnType<typeof draftContract>>['audit'] }> {
  const { application, product, now } = input;
  const terms = contractedTermsFor({
    principalMinor: application.amountMinor,
    currency: application.currency,
    annualRatePercent: input.annualRatePercent,
    termMonths: application.termMonths,
    method: product.method,
    frequency: product.frequency,
  });
  const offer = offerFor({ terms, termMonths: application.termMonths, decidedAt: now, validDays: input.validDays, timeZone: deps.settings.timeZone });
  const drafted = await draftContract(deps, { application, offer, terms, now });
  return { offer: { ...offer, contract: drafted.contract }, audit: drafted.audit };
}

// Human review use cases (PRODUCT.md §2.5): assign a reviewer and email the signed link (the pipeline's RequestReview
// task), show the case behind the link, take the decision once and resume the pipeline, keep the SLA (remind, escalate,
// expire), and manage reviewers. Pure apart from the ports; the handlers only parse and render.
//
// Every effect that matters is recorded before or with the next one, so a retried task, a repeated click or a second
// SLA run finds its work done: one review per task token (a claim item), one decision per review (a conditional
// write), an email recorded as sent (the SLA check re-sends a missing one), an answer recorded as delivered to the
// pipeline (the SLA check delivers one that is not).

import { statementView } from '../assessment/statement';
import { declaredMonthlyIncome, type Application } from '../applications/application';
import { withFreshApplication } from '../applications/application-updates';
import { missingDocuments, receivedKinds } from '../applications/document-checklist';
import type { Assessment } from '../assessment/assessment';
import { fromMinor, type Money } from '../kernel/money';
import { ageOn, dayIn } from '../kernel/dates';
import { ConcurrentModificationError, ConflictError, NotFoundError, TaskTokenGoneError, ValidationError, type FieldProblem } from '../kernel/errors';
import { canTransition, isOpen } from '../applications/lifecycle';
import { maskNationalId } from '../kernel/national-id';
import type { AuditEntry } from '../kernel/audit';
import type { Clock, IdGenerator, Notifier, Page, PiiProtector } from '../kernel/ports';
import type { ApplicationRepository, ProductCatalog, TaskTokens } from '../applications/ports';
import type { PolicyRepository } from '../decisioning/policy';
import { reviewEmail, type ReviewEmailKind } from './review-messages';
import { epochSeconds } from './review-links';
import { reasonEntry, reasonTexts } from '../assessment/scorecard/reasons';
import {
  InvalidReviewLinkError,
  NoReviewerAvailableError,
  REVIEW_DECISIONS,
  REVIEW_EXPIRED_ERROR,
  ReviewClosedError,
  EMAIL_RETRY_AFTER_MS,
  type Review,
  type ReviewClosedReason,
  type ReviewDecision,
  type ReviewLevel,
  type ReviewLinks,
  type ReviewRepository,
  type Reviewer,
  type ReviewerLanguage,
  type ReviewerRepository,
  type ReviewerSubscriptions,
  type ReviewTaskOutput,
} from './reviews';

/** What the use cases log; Powertools' Logger fits. */
export interface ReviewLog {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

const silent: ReviewLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface ReviewDeps {
  clock: Clock;
  ids: IdGenerator;
  applications: ApplicationRepository;
  reviewers: ReviewerRepository;
  reviews: ReviewRepository;
  notifier: Notifier;
  reviewLinks: ReviewLinks;
  logger?: ReviewLog;
}

const HOUR_MS = 3600 * 1000;
const AUDIT_ATTEMPTS = 4;
const MAX_COMMENT = 2000;

// ---------------------------------------------------------------------------------------------------------------
// Small shared steps
// ---------------------------------------------------------------------------------------------------------------

/** Appends audit events to an application, reading it again when a concurrent write moved its version. */
function appendAudit(applications: ApplicationRepository, applicationId: string, at: string, entries: AuditEntry[]): Promise<Application> {
  return withFreshApplication(applications, applicationId, (application) => applications.annotate({ application, at, audit: entries }), { attempts: AUDIT_ATTEMPTS });
}

/** Appends `entry` unless an event with the same action for the same review is in the trail already (recovery paths). */
async function appendAuditOnce(deps: Pick<ReviewDeps, 'applications'>, applicationId: string, at: string, entry: AuditEntry & { details: { reviewId: string } }) {
  const trail = await deps.applications.listAudit(applicationId);
  if (trail.some((event) => event.action === entry.action && event.details.reviewId === entry.details.reviewId)) return;
  await appendAudit(deps.applications, applicationId, at, [entry]);
}

const reviewerActor = (reviewerId: string) => `reviewer:${reviewerId}`;

/** Least open reviews first; ties go to the reviewer added first (ids are ULIDs), so the choice is deterministic. */
export function chooseReviewer(candidates: readonly Reviewer[], excluded: ReadonlySet<string>): Reviewer | undefined {
  return candidates
    .filter((reviewer) => reviewer.active && !excluded.has(reviewer.reviewerId))
    .sort((a, b) => a.openReviews - b.openReviews || a.createdAt.localeCompare(b.createdAt) || a.reviewerId.localeCompare(b.reviewerId))[0];
}

/** Reviewers who decided another level of the application: the same person never decides two levels. */
function decidersOfOtherLevels(reviews: readonly Review[], level: ReviewLevel): Set<string> {
  return new Set(reviews.filter((r) => r.status === 'DECIDED' && r.level !== level).map((r) => r.reviewerId));
}

function addHours(at: Date, hours: number): string {
  return new Date(at.getTime() + hours * HOUR_MS).toISOString();
}

function earlier(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

async function sendReviewEmail(deps: ReviewDeps, review: Review, kind: ReviewEmailKind, reviewer?: Reviewer): Promise<Reviewer> {
  const to = reviewer ?? (await deps.reviewers.get(review.reviewerId));
  if (!to) throw new NotFoundError(`no reviewer ${review.reviewerId}`);
  const application = await deps.applications.get(review.applicationId);
  if (!application) throw new NotFoundError(`no application ${review.applicationId}`);
  const message = reviewEmail(kind, to.language, {
    reviewerName: to.name,
    applicationId: review.applicationId,
    level: review.level,
    round: review.round,
    amount: fromMinor({ minor: application.amountMinor, currency: application.currency }),
    termMonths: application.termMonths,
    link: await deps.reviewLinks.linkFor(review),
    expiresAt: review.linkExpiresAt,
    checklist: { required: application.requiredDocuments, missing: missingDocuments(application, await deps.applications.listDocuments(review.applicationId)) },
  });
  await deps.notifier.publish({
    topic: 'review',
    channel: 'email',
    to: to.email,
    subject: message.subject,
    body: message.body,
    // The review topic's subscriptions filter on reviewerId: only this reviewer's email receives it. The other
    // attributes identify the message (the outbox, logs); they carry no personal data.
    attributes: { reviewerId: to.reviewerId, applicationId: review.applicationId, reviewId: review.reviewId, kind: `review-${kind}` },
  });
  return to;
}

/** Sends the review email unless it is recorded as sent; records it and its audit event. */
async function ensureEmailSent(deps: ReviewDeps, review: Review, kind: ReviewEmailKind, reviewer?: Reviewer): Promise<boolean> {
  if (review.emailSentAt) return false;
  const to = await sendReviewEmail(deps, review, kind, reviewer);
  const at = deps.clock.now().toISOString();
  const marked = await deps.reviews.markEmailSent(review, at);
  if (marked) {
    await appendAudit(deps.applications, review.applicationId, at, [
      { actor: 'pipeline', action: 'review.email_sent', details: { reviewId: review.reviewId, reviewerId: to.reviewerId, kind } },
    ]);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// RequestReview (the pipeline's .waitForTaskToken task)
// ---------------------------------------------------------------------------------------------------------------

export interface RequestReviewInput {
  applicationId: string;
  level: number;
  taskToken: string;
  /** The review whose request for information this round follows (then a new round is asked), or null/absent. */
  after?: string | null;
  executionName?: string;
}

export interface RequestReviewResult {
  reviewId: string;
  reviewerId: string;
  round: number;
  /** False when the task was a retry and found its review (same token, or a pending review of the level). */
  created: boolean;
  /**
   * True when the level's review was decided (or expired) already and the pipeline had not taken the outcome (a
   * decision that arrived while the pipeline was not waiting, e.g. during a restart): the token was answered with it.
   */
  answered: boolean;
}

/**
 * Chooses the reviewer of a level, stores the review with the pipeline's task token, moves the application to
 * PENDING_REVIEW (or records the assignment when it is there already) and emails the signed link. A retried task finds
 * the review of its token, or the pending review of its level (a retry gets a new token), and only completes what is
 * missing.
 */
export async function requestReview(
  deps: ReviewDeps & { policies: Pick<PolicyRepository, 'current'>; taskTokens: TaskTokens },
  input: RequestReviewInput,
): Promise<RequestReviewResult> {
  if (!Number.isInteger(input.level) || input.level < 1 || input.level > 3) throw new ValidationError(`level must be 1, 2 or 3, got ${input.level}`);
  if (typeof input.taskToken !== 'string' || input.taskToken.length === 0) throw new ValidationError('a task token is required');
  const level = input.level as ReviewLevel;

  const byToken = await deps.reviews.findByTaskToken(input.taskToken);
  if (byToken) return completeAssignment(deps, byToken, false);

  const application = await deps.applications.get(input.applicationId);
  if (!application) throw new NotFoundError(`no application ${input.applicationId}`);
  if (application.status !== 'PENDING_REVIEW' && !canTransition(application.status, 'PENDING_REVIEW')) {
    throw new ConflictError(`application ${input.applicationId} is ${application.status}; it cannot wait for a review`);
  }

  const all = await deps.reviews.listByApplication(input.applicationId);
  const atLevel = all.filter((r) => r.level === level);
  const pending = atLevel.find((r) => r.status === 'PENDING');
  if (pending) {
    // The same round, asked again with a new token (a retried or re-entered task): the review and its link stay,
    // the token moves, the e-mail is not sent again.
    const moved = await deps.reviews.replaceTaskToken(pending, input.taskToken);
    return completeAssignment(deps, moved, false);
  }
  const outcome = untakenOutcome(atLevel, input.after ?? null);
  if (outcome) {
    await answerWith(deps, outcome, input.taskToken);
    return { reviewId: outcome.reviewId, reviewerId: outcome.reviewerId, round: outcome.round, created: false, answered: true };
  }

  const round = Math.max(0, ...atLevel.map((r) => r.round)) + 1;
  const excluded = decidersOfOtherLevels(all, level);
  const lastDecidedHere = atLevel.filter((r) => r.status === 'DECIDED').at(-1);
  let reviewer: Reviewer | undefined;
  if (lastDecidedHere?.decision?.decision === 'REQUEST_INFO') {
    // A new round after a request for information goes back to the reviewer who asked, while they are active.
    const same = await deps.reviewers.get(lastDecidedHere.reviewerId);
    if (same && same.active && same.level === level && !excluded.has(same.reviewerId)) reviewer = same;
  }
  reviewer ??= chooseReviewer(await deps.reviewers.listActiveByLevel(level), excluded);
  if (!reviewer) {
    throw new NoReviewerAvailableError(`no active reviewer of level ${level} is available for application ${input.applicationId}`);
  }

  const { sla } = await deps.policies.current();
  const now = deps.clock.now();
  const expiresAt = addHours(now, sla.expireAfterHours);
  const review: Review = {
    reviewId: deps.ids.next(),
    applicationId: input.applicationId,
    level,
    round,
    reviewerId: reviewer.reviewerId,
    taskToken: input.taskToken,
    status: 'PENDING',
    createdAt: now.toISOString(),
    remindAt: addHours(now, sla.remindAfterHours),
    escalateAt: addHours(now, sla.escalateAfterHours),
    expiresAt,
    linkExpiresAt: expiresAt,
    version: 1,
  };
  try {
    await deps.reviews.create(review);
  } catch (error) {
    if (error instanceof ConflictError) {
      // The same token was stored by a concurrent attempt: finish that one instead.
      const raced = await deps.reviews.findByTaskToken(input.taskToken);
      if (raced) return completeAssignment(deps, raced, false);
    }
    throw error;
  }
  return completeAssignment(deps, review, true, reviewer);
}

async function completeAssignment(deps: ReviewDeps, review: Review, fresh: boolean, reviewer?: Reviewer): Promise<RequestReviewResult> {
  const at = deps.clock.now().toISOString();
  const assigned: AuditEntry = {
    actor: 'pipeline',
    action: 'review.assigned',
    details: { reviewId: review.reviewId, level: review.level, round: review.round, reviewerId: review.reviewerId },
  };
  await withFreshApplication(
    deps.applications,
    review.applicationId,
    async (application) => {
      const recorded =
        !fresh && (await deps.applications.listAudit(review.applicationId)).some((e) => e.action === 'review.assigned' && e.details.reviewId === review.reviewId);
      if (application.status === 'PENDING_REVIEW') {
        if (!recorded) await deps.applications.annotate({ application, at, audit: [assigned] });
      } else if (recorded && !canTransition(application.status, 'PENDING_REVIEW')) {
        // A late duplicate of a task whose review is done and whose application moved on: nothing left to do.
      } else if (canTransition(application.status, 'PENDING_REVIEW')) {
        await deps.applications.transition({ application, to: 'PENDING_REVIEW', at, by: 'pipeline', audit: recorded ? [] : [assigned] });
      } else {
        throw new ConflictError(`application ${review.applicationId} is ${application.status}; it cannot wait for a review`);
      }
    },
    { attempts: AUDIT_ATTEMPTS },
  );
  if (review.status === 'PENDING') await ensureEmailSent(deps, review, review.escalatedFrom ? 'escalated' : 'assigned', reviewer);
  (deps.logger ?? silent).info('review assigned', { reviewId: review.reviewId, reviewerId: review.reviewerId, reviewLevel: review.level, round: review.round, fresh });
  return { reviewId: review.reviewId, reviewerId: review.reviewerId, round: review.round, created: fresh, answered: false };
}

/**
 * The outcome of the level's latest round when the pipeline asks for the level again without having taken it: a
 * decision (or expiry) made while no task was waiting for it. The one exception is the request for information this
 * new round follows (`after`), whose outcome the pipeline has taken.
 */
function untakenOutcome(atLevel: readonly Review[], after: string | null): Review | undefined {
  const latest = atLevel
    .filter((r) => r.status === 'DECIDED' || r.status === 'EXPIRED')
    .sort((a, b) => a.round - b.round || a.createdAt.localeCompare(b.createdAt))
    .at(-1);
  if (!latest || latest.reviewId === after) return undefined;
  const newerRound = atLevel.some((r) => r.round > latest.round && r.status !== 'CANCELLED');
  return newerRound ? undefined : latest;
}

/** Answers a review task's token with a recorded outcome, as the reviewer's click or the SLA check would have. */
async function answerWith(deps: Pick<ReviewDeps, 'reviews' | 'clock'> & { taskTokens: TaskTokens }, review: Review, taskToken: string): Promise<void> {
  if (review.status === 'DECIDED') await deps.taskTokens.sendTaskSuccess(taskToken, { ...taskOutput(review) });
  else await deps.taskTokens.sendTaskFailure(taskToken, REVIEW_EXPIRED_ERROR, `review ${review.reviewId} (level ${review.level}) was not decided by ${review.expiresAt}`);
  if (!review.deliveredAt) await deps.reviews.markDelivered(review, deps.clock.now().toISOString());
}

// ---------------------------------------------------------------------------------------------------------------
// The link: checking it, the case behind it, the decision
// ---------------------------------------------------------------------------------------------------------------

export interface LinkInput {
  reviewId: string;
  sig: string | undefined;
  exp: number | undefined;
}

function closedReason(review: Review): ReviewClosedReason | undefined {
  switch (review.status) {
    case 'PENDING':
      return undefined;
    case 'DECIDED':
      return 'DECIDED';
    case 'ESCALATED':
      return 'ESCALATED';
    case 'EXPIRED':
      return 'EXPIRED';
    case 'CANCELLED':
      return 'CANCELLED';
  }
}

/**
 * The review a link is for, if the link is ours and still works: signed for this review and its reviewer (else
 * InvalidReviewLinkError, 403), the review still pending, the link not expired and the application still waiting
 * (else ReviewClosedError, 409, naming why).
 */
/** What checking a link needs: reading the review and its application, and verifying the signature. */
export interface LinkCheckDeps {
  reviews: Pick<ReviewRepository, 'get'>;
  reviewLinks: Pick<ReviewLinks, 'verify'>;
  clock: Clock;
  applications: Pick<ApplicationRepository, 'get'>;
}

export async function checkReviewLink(deps: LinkCheckDeps, link: LinkInput) {
  const review = await deps.reviews.get(link.reviewId);
  const valid =
    review !== undefined &&
    link.sig !== undefined &&
    link.exp !== undefined &&
    (await deps.reviewLinks.verify({ reviewId: review.reviewId, reviewerId: review.reviewerId, exp: link.exp, sig: link.sig }));
  if (!valid || !review) throw new InvalidReviewLinkError('this review link is not valid');
  const reason = closedReason(review);
  if (reason) throw new ReviewClosedError(reason, review);
  if (deps.clock.now().getTime() >= link.exp! * 1000 || link.exp! > epochSeconds(review.linkExpiresAt)) {
    throw new ReviewClosedError('LINK_EXPIRED', review);
  }
  const application = await deps.applications.get(review.applicationId);
  if (!application || application.status !== 'PENDING_REVIEW') throw new ReviewClosedError('APPLICATION_CLOSED', review);
  return { review, application };
}

export interface EarlierDecision {
  level: number;
  round: number;
  decision: ReviewDecision;
  comment: string;
  reviewerName: string;
  decidedAt: string;
}

/** Everything the review page shows. The national ID is masked; nothing else of the applicant's identity is shown. */
export interface ReviewCase {
  review: Pick<Review, 'reviewId' | 'applicationId' | 'level' | 'round' | 'expiresAt' | 'createdAt'>;
  reviewer: { reviewerId: string; name: string; language: ReviewerLanguage };
  applicant: { fullName: string; maskedNationalId: string; age: number | null; customerType: string; channel: string };
  business: { name: string } | null;
  loan: { amount: Money; termMonths: number; purpose: string; productId: string; productName: string | null };
  /** The declared monthly income beside what the bank statement verifies (null without a statement). */
  statement: { declaredMonthlyIncome: Money; figures: ReturnType<typeof statementView> } | null;
  assessment: {
    score: number;
    band: string;
    /** `description` as stored (the applicant's language); `translations` when the reason is found in the code table. */
    reasons: { code: string; description: string; translations?: Record<ReviewerLanguage, string> }[];
    modelVersion: string;
    bureau: Assessment['bureau'];
  } | null;
  decision: {
    outcome: string;
    levelsRequired: number;
    matchedRules: string[];
    /** Why the policy decided as it did (a referral by bureau rules gives theirs), as stored: the applicant's language. */
    reasons: { code: string; description: string }[];
    annualRatePercent: string | null;
    policyVersion: number;
  } | null;
  documents: { required: string[]; received: string[]; missing: string[] };
  earlierDecisions: EarlierDecision[];
}

interface SealedApplicant {
  applicant: { fullName: string; nationalId: string; dateOfBirth: string };
  business?: { name: string } | null;
}

/**
 * The case behind a link. Viewing changes nothing but the audit trail (`review.viewed`): mail scanners prefetch links,
 * so only the form's POST decides. `recordView: false` re-renders the page after a form error without a second event.
 */
export async function openReviewCase(
  deps: LinkCheckDeps & {
    reviews: Pick<ReviewRepository, 'listByApplication'>;
    reviewers: Pick<ReviewerRepository, 'get'>;
    applications: ApplicationRepository;
    pii: PiiProtector;
    products: ProductCatalog;
    settings: { timeZone: string };
    logger?: ReviewLog;
  },
  link: LinkInput,
  options: { recordView: boolean } = { recordView: true },
): Promise<ReviewCase> {
  const { review, application } = await checkReviewLink(deps, link);
  const [reviewer, product, documents, all, sealed] = await Promise.all([
    deps.reviewers.get(review.reviewerId),
    deps.products.get(application.productId),
    deps.applications.listDocuments(application.applicationId),
    deps.reviews.listByApplication(application.applicationId),
    deps.pii.open<SealedApplicant>(application.sealedApplicant),
  ]);
  if (!reviewer) throw new NotFoundError(`no reviewer ${review.reviewerId}`);
  const now = deps.clock.now();
  const deciders = new Map<string, string>();
  for (const r of all) {
    if (r.status === 'DECIDED' && !deciders.has(r.reviewerId)) deciders.set(r.reviewerId, (await deps.reviewers.get(r.reviewerId))?.name ?? r.reviewerId);
  }
  const received = receivedKinds(documents);
  const assessment = application.assessment;
  const age = assessment?.derived.ageYears ?? (sealed.applicant.dateOfBirth ? ageOn(sealed.applicant.dateOfBirth, dayIn(now, deps.settings.timeZone)) : null);

  if (options.recordView) {
    try {
      await appendAudit(deps.applications, application.applicationId, now.toISOString(), [
        {
          actor: reviewerActor(review.reviewerId),
          action: 'review.viewed',
          details: { reviewId: review.reviewId, level: review.level, round: review.round, reviewerId: review.reviewerId },
        },
      ]);
    } catch (error) {
      // Showing the case matters more than recording that it was shown; the failure is logged for operations.
      (deps.logger ?? silent).error('could not record review.viewed', { reviewId: review.reviewId, error: String(error) });
    }
  }

  return {
    review: { reviewId: review.reviewId, applicationId: review.applicationId, level: review.level, round: review.round, expiresAt: review.expiresAt, createdAt: review.createdAt },
    reviewer: { reviewerId: reviewer.reviewerId, name: reviewer.name, language: reviewer.language },
    applicant: {
      fullName: sealed.applicant.fullName,
      maskedNationalId: maskNationalId(sealed.applicant.nationalId),
      age,
      customerType: application.customerType,
      channel: application.channel,
    },
    business: sealed.business ? { name: sealed.business.name } : null,
    loan: {
      amount: fromMinor({ minor: application.amountMinor, currency: application.currency }),
      termMonths: application.termMonths,
      purpose: application.purpose,
      productId: application.productId,
      productName: product?.name ?? null,
    },
    statement: application.statement
      ? { declaredMonthlyIncome: fromMinor(declaredMonthlyIncome(application)), figures: statementView(application.statement) }
      : null,
    assessment: assessment
      ? {
          score: assessment.score,
          band: application.decision?.band ?? assessment.band,
          reasons: assessment.reasons.map(({ code, feature, description }) => {
            const translations = reasonTranslations(feature, description);
            return { code, description, ...(translations ? { translations } : {}) };
          }),
          modelVersion: assessment.modelVersion,
          bureau: assessment.bureau,
        }
      : null,
    decision: application.decision
      ? {
          outcome: application.decision.outcome,
          levelsRequired: application.decision.levelsRequired,
          matchedRules: application.decision.matchedRules,
          reasons: application.decision.reasons.map(({ code, description }) => ({ code, description })),
          annualRatePercent: application.decision.annualRatePercent,
          policyVersion: application.decision.policyVersion,
        }
      : null,
    documents: { required: application.requiredDocuments, received, missing: missingDocuments(application, documents) },
    earlierDecisions: all
      .filter((r) => r.status === 'DECIDED' && r.reviewId !== review.reviewId && r.decision)
      .map((r) => ({
        level: r.level,
        round: r.round,
        decision: r.decision!.decision,
        comment: r.decision!.comment,
        reviewerName: deciders.get(r.reviewerId) ?? r.reviewerId,
        decidedAt: r.decision!.decidedAt,
      })),
  };
}

/**
 * A stored reason is in the applicant's language; the reviewer may read the other. The text is found again in the
 * scorecard's reason table (whichever of the feature's texts it is) and given in both languages.
 */
export function reasonTranslations(feature: string, description: string): Record<ReviewerLanguage, string> | undefined {
  const entry = reasonEntry(feature);
  for (const text of reasonTexts(entry)) {
    if (text.en === description || text.zhCN === description) return { en: text.en, 'zh-CN': text.zhCN };
  }
  return undefined;
}

export interface DecisionInput {
  decision: unknown;
  comment: unknown;
}

/** The decision form's rules: a known decision; a comment for REJECT and REQUEST_INFO; at most 2000 characters. */
export function validateDecision(input: DecisionInput): { decision: ReviewDecision; comment: string } {
  const problems: FieldProblem[] = [];
  const decision = typeof input.decision === 'string' ? input.decision.trim().toUpperCase() : '';
  const comment = typeof input.comment === 'string' ? input.comment.replace(/\r\n/g, '\n').trim() : input.comment == null ? '' : undefined;
  if (!(REVIEW_DECISIONS as readonly string[]).includes(decision)) {
    problems.push({ path: 'decision', message: `must be one of ${REVIEW_DECISIONS.join(', ')}` });
  }
  if (comment === undefined) problems.push({ path: 'comment', message: 'must be text' });
  else if (comment.length > MAX_COMMENT) problems.push({ path: 'comment', message: `must be at most ${MAX_COMMENT} characters` });
  else if ((decision === 'REJECT' || decision === 'REQUEST_INFO') && comment === '') {
    problems.push({ path: 'comment', message: decision === 'REJECT' ? 'is required to reject: give the reason' : 'is required to request information: say what is needed' });
  }
  if (problems.length > 0) throw new ValidationError(`the decision has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, problems);
  return { decision: decision as ReviewDecision, comment: comment! };
}

export type Delivery = 'delivered' | 'gone' | 'pending';

/**
 * Takes the reviewer's decision once: the conditional write lets exactly one decision win (a second or late one gets
 * ReviewClosedError), the audit trail records it, and the pipeline resumes with SendTaskSuccess. If the pipeline cannot
 * be reached now, the decision stays recorded and the SLA check delivers it.
 */
/** What taking a decision needs: the link check, the review and the audit trail written, the pipeline answered. */
export type DecideReviewDeps = LinkCheckDeps & DeliveryDeps & { applications: ApplicationRepository };

export async function decideReview(
  deps: DecideReviewDeps,
  link: LinkInput,
  input: DecisionInput,
): Promise<{ review: Review; delivery: Delivery }> {
  const { review } = await checkReviewLink(deps, link);
  const { decision, comment } = validateDecision(input);
  const at = deps.clock.now().toISOString();
  let decided: Review;
  try {
    decided = await deps.reviews.decide(review, { decision, comment }, at);
  } catch (error) {
    if (error instanceof ConflictError) {
      const now = await deps.reviews.get(review.reviewId);
      throw new ReviewClosedError(now ? (closedReason(now) ?? 'DECIDED') : 'CANCELLED', now ?? review);
    }
    throw error;
  }
  await appendAudit(deps.applications, review.applicationId, at, [
    {
      actor: reviewerActor(review.reviewerId),
      action: 'review.decided',
      details: { reviewId: review.reviewId, level: review.level, round: review.round, decision, comment, reviewerId: review.reviewerId },
    },
  ]);
  const delivery = await deliver(deps, decided);
  return { review: decided, delivery };
}

export function taskOutput(review: Review): ReviewTaskOutput {
  return {
    decision: review.decision!.decision,
    comment: review.decision!.comment,
    reviewerId: review.reviewerId,
    reviewId: review.reviewId,
    level: review.level,
  };
}

/** Gives the pipeline a decided or expired review's outcome and records that it has it. */
interface DeliveryDeps {
  reviews: Pick<ReviewRepository, 'decide' | 'markDelivered'>;
  taskTokens: TaskTokens;
  clock: Clock;
  logger?: ReviewLog;
}

async function deliver(deps: DeliveryDeps, review: Review): Promise<Delivery> {
  const log = deps.logger ?? silent;
  let delivery: Delivery = 'delivered';
  try {
    if (review.status === 'DECIDED') await deps.taskTokens.sendTaskSuccess(review.taskToken, { ...taskOutput(review) });
    else if (review.status === 'EXPIRED') {
      await deps.taskTokens.sendTaskFailure(review.taskToken, REVIEW_EXPIRED_ERROR, `review ${review.reviewId} (level ${review.level}) was not decided by ${review.expiresAt}`);
    } else return 'gone';
  } catch (error) {
    if (error instanceof TaskTokenGoneError) {
      // The pipeline stopped waiting (its own timeout, a withdrawal): nothing to resume.
      log.warn('the pipeline no longer waits for this review', { reviewId: review.reviewId, status: review.status });
      delivery = 'gone';
    } else {
      log.error('could not resume the pipeline; the review-SLA check will deliver the outcome', { reviewId: review.reviewId, error: String(error) });
      return 'pending';
    }
  }
  await deps.reviews.markDelivered(review, deps.clock.now().toISOString());
  return delivery;
}

// ---------------------------------------------------------------------------------------------------------------
// The SLA check (EventBridge every 15 minutes; locally POST /_local/schedules/review-sla/run)
// ---------------------------------------------------------------------------------------------------------------

export interface SlaResult {
  reminded: number;
  escalated: number;
  expired: number;
  /** Escalation was due but nobody else could take the review (operations alerted once). */
  escalationBlocked: number;
  /** Review emails that were not recorded as sent, sent again. */
  emailsResent: number;
  /** Decisions or expiries given to the pipeline late (the first attempt could not reach it). */
  delivered: number;
  /** Pending reviews of applications that ended meanwhile (withdrawn, failed). */
  cancelled: number;
  failed: number;
  /** Reviews pending after this run (null when they could not be counted). */
  pending: number | null;
  /** Of those, the ones past their escalation time (the staff queue's `overdue`): nobody else could take them yet. */
  overdue: number | null;
}

/** Page size when counting the pending reviews. */
const PENDING_COUNT_PAGE = 500;

export async function runReviewSla(deps: ReviewDeps & { taskTokens: TaskTokens }): Promise<SlaResult> {
  const log = deps.logger ?? silent;
  const now = deps.clock.now();
  const result: SlaResult = { reminded: 0, escalated: 0, expired: 0, escalationBlocked: 0, emailsResent: 0, delivered: 0, cancelled: 0, failed: 0, pending: null, overdue: null };
  const due = await deps.reviews.listDueForSla(now.toISOString());
  for (const listed of due) {
    try {
      // The index is eventually consistent: act on the review as stored now.
      const review = await deps.reviews.get(listed.reviewId);
      if (!review) continue;
      const step = await slaStep(deps, review, now);
      if (step) result[step] += 1;
    } catch (error) {
      result.failed += 1;
      log.error('review SLA step failed', { reviewId: listed.reviewId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  // The level after this run's steps, for the pending/overdue gauges: the pending reviews of the same sparse index (the
  // staff queue's read), a few pages at most — reviews pending at once are bounded by the reviewers' capacity.
  try {
    let cursor: string | undefined;
    let pending = 0;
    let overdue = 0;
    do {
      const page = await deps.reviews.listPending(PENDING_COUNT_PAGE, cursor);
      for (const review of page.items) {
        pending += 1;
        if (now.getTime() >= Date.parse(review.escalateAt)) overdue += 1;
      }
      cursor = page.nextCursor;
    } while (cursor);
    result.pending = pending;
    result.overdue = overdue;
  } catch (error) {
    log.error('could not count the pending reviews', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
  if (due.length > 0) log.info('review SLA check', { due: due.length, ...result });
  return result;
}

type SlaStep = keyof Omit<SlaResult, 'failed' | 'pending' | 'overdue'>;

async function slaStep(deps: ReviewDeps & { taskTokens: TaskTokens }, review: Review, now: Date): Promise<SlaStep | undefined> {
  const at = now.toISOString();
  const t = now.getTime();
  if (review.status === 'DECIDED' || review.status === 'EXPIRED') {
    if (review.deliveredAt) return undefined;
    if (review.status === 'DECIDED') {
      await appendAuditOnce(deps, review.applicationId, at, {
        actor: reviewerActor(review.reviewerId),
        action: 'review.decided',
        details: { reviewId: review.reviewId, level: review.level, round: review.round, decision: review.decision!.decision, comment: review.decision!.comment, reviewerId: review.reviewerId },
      });
    } else {
      await appendAuditOnce(deps, review.applicationId, at, expiredEntry(review));
    }
    await deliver(deps, review);
    return 'delivered';
  }
  if (review.status !== 'PENDING') return undefined;

  const application = await deps.applications.get(review.applicationId);
  if (!application || !isOpen(application.status)) {
    await deps.reviews.cancel(review, at);
    if (application) {
      await appendAudit(deps.applications, review.applicationId, at, [
        { actor: 'review-sla', action: 'review.cancelled', details: { reviewId: review.reviewId, level: review.level, round: review.round, applicationStatus: application.status } },
      ]);
    }
    return 'cancelled';
  }
  if (t >= Date.parse(review.expiresAt)) {
    let expired: Review;
    try {
      expired = await deps.reviews.expire(review, at);
    } catch (error) {
      if (error instanceof ConflictError) return undefined; // decided at the last moment: that decision won
      throw error;
    }
    await appendAudit(deps.applications, review.applicationId, at, [expiredEntry(expired)]);
    await deliver(deps, expired);
    return 'expired';
  }
  if (t >= Date.parse(review.escalateAt) && !review.escalationBlockedAt) return escalate(deps, review, now);
  if (t >= Date.parse(review.remindAt) && !review.remindedAt) {
    await sendReviewEmail(deps, review, 'reminder');
    const marked = await deps.reviews.markReminded(review, at);
    if (!marked) return undefined;
    await appendAudit(deps.applications, review.applicationId, at, [
      { actor: 'review-sla', action: 'review.reminded', details: { reviewId: review.reviewId, level: review.level, round: review.round, reviewerId: review.reviewerId } },
    ]);
    return 'reminded';
  }
  if (!review.emailSentAt && t >= Date.parse(review.createdAt) + EMAIL_RETRY_AFTER_MS) {
    return (await ensureEmailSent(deps, review, review.escalatedFrom ? 'escalated' : 'assigned')) ? 'emailsResent' : undefined;
  }
  return undefined;
}

function expiredEntry(review: Review): AuditEntry & { details: { reviewId: string } } {
  return {
    actor: 'review-sla',
    action: 'review.expired',
    details: { reviewId: review.reviewId, level: review.level, round: review.round, reviewerId: review.reviewerId, expiresAt: review.expiresAt },
  };
}

/**
 * Hands an overdue review to another active reviewer of its level: not the current one, nor one who held this round
 * before, nor one who decided another level. The new reviewer gets a new link; the old link stops working because the
 * old review is ESCALATED. With nobody available the review stays with its reviewer and operations are told once.
 */
async function escalate(deps: ReviewDeps & { taskTokens: TaskTokens }, review: Review, now: Date): Promise<SlaStep | undefined> {
  const at = now.toISOString();
  const all = await deps.reviews.listByApplication(review.applicationId);
  const excluded = decidersOfOtherLevels(all, review.level);
  for (const r of all) if (r.level === review.level && r.round === review.round) excluded.add(r.reviewerId);
  const reviewer = chooseReviewer(await deps.reviewers.listActiveByLevel(review.level), excluded);
  if (!reviewer) {
    const marked = await deps.reviews.markEscalationBlocked(review, at);
    if (!marked) return undefined;
    await deps.notifier.publish({
      topic: 'ops',
      subject: `Review ${review.reviewId} cannot be escalated: no other reviewer of level ${review.level}`,
      body: [
        `Application: ${review.applicationId}`,
        `Review: ${review.reviewId} (level ${review.level}, round ${review.round})`,
        `Assigned to: ${review.reviewerId} since ${review.createdAt}`,
        `It was due for escalation at ${review.escalateAt}, but no other active reviewer of level ${review.level} may take it.`,
        `It stays with its reviewer and expires at ${review.expiresAt}. Add or activate a level ${review.level} reviewer, or ask the reviewer to decide.`,
      ].join('\n'),
      attributes: { kind: 'review-escalation-blocked', applicationId: review.applicationId, reviewId: review.reviewId },
    });
    await appendAudit(deps.applications, review.applicationId, at, [
      { actor: 'review-sla', action: 'review.escalation_blocked', details: { reviewId: review.reviewId, level: review.level, round: review.round, reviewerId: review.reviewerId } },
    ]);
    return 'escalationBlocked';
  }
  // The new reviewer gets the original windows from now, never past the review's deadline.
  const remindAfter = Date.parse(review.remindAt) - Date.parse(review.createdAt);
  const escalateAfter = Date.parse(review.escalateAt) - Date.parse(review.createdAt);
  const replacement: Review = {
    reviewId: deps.ids.next(),
    applicationId: review.applicationId,
    level: review.level,
    round: review.round,
    reviewerId: reviewer.reviewerId,
    taskToken: review.taskToken,
    status: 'PENDING',
    createdAt: at,
    remindAt: earlier(new Date(now.getTime() + remindAfter).toISOString(), review.expiresAt),
    escalateAt: earlier(new Date(now.getTime() + escalateAfter).toISOString(), review.expiresAt),
    expiresAt: review.expiresAt,
    linkExpiresAt: review.linkExpiresAt,
    escalatedFrom: review.reviewId,
    version: 1,
  };
  try {
    await deps.reviews.escalate(review, replacement, at);
  } catch (error) {
    // Decided meanwhile (that decision stands), or the chosen reviewer was deactivated: the next run looks again.
    if (error instanceof ConflictError || error instanceof ConcurrentModificationError) return undefined;
    throw error;
  }
  await appendAudit(deps.applications, review.applicationId, at, [
    {
      actor: 'review-sla',
      action: 'review.escalated',
      details: {
        reviewId: review.reviewId,
        newReviewId: replacement.reviewId,
        level: review.level,
        round: review.round,
        fromReviewerId: review.reviewerId,
        toReviewerId: reviewer.reviewerId,
      },
    },
  ]);
  try {
    await ensureEmailSent(deps, { ...replacement, version: 1 }, 'escalated', reviewer);
  } catch (error) {
    // The escalation stands; the SLA check sends the missing email on a later run.
    (deps.logger ?? silent).error('could not email the new reviewer after escalation', { reviewId: replacement.reviewId, error: String(error) });
  }
  return 'escalated';
}

// ---------------------------------------------------------------------------------------------------------------
// Reviewers and the staff queue
// ---------------------------------------------------------------------------------------------------------------

export interface NewReviewerInput {
  email: string;
  name: string;
  level: ReviewLevel;
  language: ReviewerLanguage;
}

/**
 * Adds a reviewer and subscribes their email to the review topic (filter policy on their reviewerId). A retry of a
 * request whose subscription failed completes it; another reviewer with the same email is a ConflictError.
 */
export async function addReviewer(
  deps: Pick<ReviewDeps, 'reviewers' | 'ids' | 'clock'> & { subscriptions: ReviewerSubscriptions },
  input: NewReviewerInput,
): Promise<{ reviewer: Reviewer; created: boolean }> {
  const email = input.email.trim();
  const existing = await deps.reviewers.findByEmail(email);
  if (existing) {
    const sameRequest = existing.name === input.name && existing.level === input.level && existing.language === input.language;
    if (existing.subscriptionArn || !sameRequest) throw new ConflictError(`a reviewer with the email ${email} exists already (${existing.reviewerId})`);
    const { subscriptionArn } = await deps.subscriptions.subscribe(existing);
    return { reviewer: await deps.reviewers.setSubscription(existing.reviewerId, subscriptionArn), created: false };
  }
  const reviewer: Reviewer = {
    reviewerId: deps.ids.next(),
    name: input.name.trim(),
    email,
    level: input.level,
    language: input.language,
    active: true,
    openReviews: 0,
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.reviewers.create(reviewer);
  const { subscriptionArn } = await deps.subscriptions.subscribe(reviewer);
  return { reviewer: await deps.reviewers.setSubscription(reviewer.reviewerId, subscriptionArn), created: true };
}

export function reviewerView(reviewer: Reviewer) {
  return {
    reviewerId: reviewer.reviewerId,
    email: reviewer.email,
    name: reviewer.name,
    level: reviewer.level,
    language: reviewer.language,
    active: reviewer.active,
    openReviews: reviewer.openReviews,
    createdAt: reviewer.createdAt,
    subscriptionArn: reviewer.subscriptionArn ?? null,
  };
}

/** A review as the staff queue shows it: no task token and no link (the link is the reviewer's credential). */
export function reviewQueueView(review: Review, now: Date) {
  return {
    reviewId: review.reviewId,
    applicationId: review.applicationId,
    level: review.level,
    round: review.round,
    reviewerId: review.reviewerId,
    status: review.status,
    createdAt: review.createdAt,
    remindAt: review.remindAt,
    escalateAt: review.escalateAt,
    expiresAt: review.expiresAt,
    remindedAt: review.remindedAt ?? null,
    escalatedFrom: review.escalatedFrom ?? null,
    overdue: now.getTime() >= Date.parse(review.escalateAt),
  };
}

export async function listReviewQueue(deps: { reviews: Pick<ReviewRepository, 'listPending'>; clock: Clock }, query: { limit: number; cursor?: string }) {
  const page: Page<Review> = await deps.reviews.listPending(query.limit, query.cursor);
  const now = deps.clock.now();
  return { items: page.items.map((review) => reviewQueueView(review, now)), nextCursor: page.nextCursor ?? null };
}

// The pipeline's entry (PRODUCT.md §1; statemachines/loan-pipeline.asl.json `Resume`): an execution started for an
// application continues from where the application stands, whatever happened to the execution before it — a first
// start, a local restart after a crash, an operator's re-drive. The state machine routes on `next`; every step it
// routes to is idempotent, so entering one that had already run (or half run) finishes it without repeating it.
//
// Where each status continues:
//   SUBMITTED       → ASSESSING (this step), then Score
//   ASSESSING       → Score, or Decide when the assessment is stored already
//   PENDING_REVIEW  → the review where it stands: a pending review waits again with the new task token (its e-mail is
//                     not sent twice); a decided or expired one that the pipeline may not have taken is routed on as
//                     the reviewer's answer; none yet → level 1, through the documents wait when the product's
//                     checklist gates the review (document-checklist.ts: it goes on at once when nothing is missing)
//   APPROVED        → the applicant told (once), then the contract step (its wait re-armed with the new token)
//   ACCEPTED        → Disburse (which asks the bank by the loan's idempotency key before paying), through the documents
//                     wait when the checklist gates the payout
//   final statuses  → the applicant told of the outcome (once), then the execution ends

import type { ApplicantMessageKind } from '../applications/applicant-messages';
import { notifyApplicantOnce } from '../applications/application-updates';
import { markAssessing } from '../applications/intake';
import { documentGateOf } from '../applications/document-checklist';
import type { ApplicationStatus } from '../applications/lifecycle';
import type { ApplicationRepository } from '../applications/ports';
import { NotFoundError } from '../kernel/errors';
import type { Clock, Notifier, PiiProtector } from '../kernel/ports';
import { taskOutput } from '../review/review-service';
import type { Review, ReviewRepository, ReviewTaskOutput } from '../review/reviews';
import type { PolicyReader } from './policy';

export type ResumeStep =
  | 'Score'
  | 'Decide'
  | 'AwaitReviewDocuments'
  | 'RequestReview'
  | 'RouteReview'
  | 'ExpireReview'
  | 'PrepareContract'
  | 'AwaitPayoutDocuments'
  | 'Disburse'
  | 'End';

/** The review position the state machine's review loop needs (its `$.review`). */
export interface ReviewPosition {
  level: number;
  levelsRequired: number;
  /** The backstop timeout of one level's wait: the policy's review expiry plus an hour. */
  timeoutSeconds: number;
  /** The review whose request for information this round follows (a new round then), or null. */
  after: string | null;
}

/** Every field is always present (null when it does not apply): the state machine's paths must exist. */
export interface ResumePoint {
  status: ApplicationStatus;
  next: ResumeStep;
  review: ReviewPosition | null;
  reviewResult: ReviewTaskOutput | null;
}

export interface ResumeDeps {
  applications: ApplicationRepository;
  reviews: Pick<ReviewRepository, 'listByApplication'>;
  policies: PolicyReader;
  notifier: Notifier;
  pii: PiiProtector;
  clock: Clock;
}

/** The backstop of one review level's wait (the SLA check normally expires the review first). */
export function reviewTimeoutSeconds(expireAfterHours: number): number {
  return (expireAfterHours + 1) * 3600;
}

/** What the applicant is told when the application ends in `status` (none for a withdrawal or a failure). */
function finalNotice(status: ApplicationStatus, hasOffer: boolean): ApplicantMessageKind | undefined {
  switch (status) {
    case 'DECLINED':
      return 'declined';
    case 'EXPIRED':
      return hasOffer ? 'offer_expired' : 'expired';
    case 'DISBURSED':
      return 'disbursed';
    default:
      return undefined;
  }
}

export async function resumeApplication(deps: ResumeDeps, applicationId: string): Promise<ResumePoint> {
  const moved = await markAssessing(deps, applicationId);
  const application = await deps.applications.get(applicationId);
  if (!application) throw new NotFoundError(`no application ${applicationId}`);
  const at = (next: ResumeStep, extra: Partial<Pick<ResumePoint, 'review' | 'reviewResult'>> = {}): ResumePoint => ({
    status: application.status,
    next,
    review: extra.review ?? null,
    reviewResult: extra.reviewResult ?? null,
  });

  switch (application.status) {
    case 'SUBMITTED':
      // markAssessing moved it, unless it was withdrawn meanwhile (then this read shows WITHDRAWN).
      return at(moved.changed ? 'Score' : 'End');
    case 'ASSESSING':
      return at(application.assessment ? 'Decide' : 'Score');
    case 'PENDING_REVIEW':
      return reviewPoint(deps, application.applicationId, application.decision?.levelsRequired ?? 1, at, documentGateOf(application) === 'review');
    case 'APPROVED':
      await notifyApplicantOnce(deps, applicationId, 'approved');
      return at('PrepareContract');
    case 'ACCEPTED':
      return at(documentGateOf(application) === 'payout' ? 'AwaitPayoutDocuments' : 'Disburse');
    default: {
      const notice = finalNotice(application.status, Boolean(application.offer));
      if (notice) await notifyApplicantOnce(deps, applicationId, notice);
      return at('End');
    }
  }
}

async function reviewPoint(
  deps: ResumeDeps,
  applicationId: string,
  levelsRequired: number,
  at: (next: ResumeStep, extra?: Partial<Pick<ResumePoint, 'review' | 'reviewResult'>>) => ResumePoint,
  /** The checklist gates the review: level 1 is asked for only once the documents are in. */
  documentsBeforeReview = false,
): Promise<ResumePoint> {
  const { sla } = await deps.policies.current();
  const position = (level: number): ReviewPosition => ({ level, levelsRequired, timeoutSeconds: reviewTimeoutSeconds(sla.expireAfterHours), after: null });
  const reviews = (await deps.reviews.listByApplication(applicationId)).filter((review) => review.status !== 'CANCELLED' && review.status !== 'ESCALATED');
  const pending = reviews.find((review) => review.status === 'PENDING');
  if (pending) return at('RequestReview', { review: position(pending.level) });
  const latest = newest(reviews);
  if (!latest) return at(documentsBeforeReview ? 'AwaitReviewDocuments' : 'RequestReview', { review: position(1) });
  if (latest.status === 'EXPIRED') return at('ExpireReview', { review: position(latest.level) });
  // Decided: route on the decision as the review loop would (approve → next level or conclude; reject → decline;
  // request for information → the applicant told, then a new round). Each of those steps finds its work if done.
  return at('RouteReview', { review: position(latest.level), reviewResult: taskOutput(latest) });
}

/** The review decided or expired last (by level, then round, then time). */
function newest(reviews: readonly Review[]): Review | undefined {
  return [...reviews].sort((a, b) => a.level - b.level || a.round - b.round || a.createdAt.localeCompare(b.createdAt)).at(-1);
}

// Human review (PRODUCT.md §2.5): reviewers by level, one review per level and round, decided once from a signed link.
// Types, ports and a few pure rules; the use cases live in review-service.ts.

import { ConflictError, DomainError, ForbiddenError } from '../kernel/errors';
import type { Page } from '../kernel/ports';

export type ReviewLevel = 1 | 2 | 3;
export type ReviewDecision = 'APPROVE' | 'REJECT' | 'REQUEST_INFO';

export interface Reviewer {
  reviewerId: string;
  name: string;
  email: string;
  level: ReviewLevel;
  language: 'zh-CN' | 'en';
  active: boolean;
  /** Reviews assigned and not yet decided, escalated or expired: the workload used to choose a reviewer. */
  openReviews: number;
  createdAt: string;
  /** The SNS subscription of the reviewer's email to the review topic (filter policy on reviewerId), once made. */
  subscriptionArn?: string;
}

export type ReviewStatus = 'PENDING' | 'DECIDED' | 'ESCALATED' | 'EXPIRED' | 'CANCELLED';

export interface Review {
  reviewId: string;
  applicationId: string;
  level: ReviewLevel;
  /** 1 for the first request at this level; +1 after each request for more information. */
  round: number;
  reviewerId: string;
  /** The Step Functions task token the pipeline waits on; several reviews (escalations) may carry the same one. */
  taskToken: string;
  status: ReviewStatus;
  createdAt: string;
  remindAt: string;
  escalateAt: string;
  expiresAt: string;
  remindedAt?: string;
  /** When the signed link stops working (normally expiresAt). */
  linkExpiresAt: string;
  decision?: { decision: ReviewDecision; comment: string; decidedAt: string };
  /** Set when escalated: the review that took over, and when. */
  escalatedTo?: string;
  escalatedAt?: string;
  /** Set on the review that took over from an escalated one. */
  escalatedFrom?: string;
  /** When the review email with the link was published (a retried task or the SLA check sends it if missing). */
  emailSentAt?: string;
  /** When escalation was due but no other reviewer was available and operations were alerted (once). */
  escalationBlockedAt?: string;
  expiredAt?: string;
  cancelledAt?: string;
  /** When the pipeline got the outcome (SendTaskSuccess/Failure answered, or the token was gone already). */
  deliveredAt?: string;
  /** Optimistic lock: every write is conditional on the version read and increments it. */
  version: number;
}

export const REVIEW_LEVELS: readonly ReviewLevel[] = [1, 2, 3];
export const REVIEW_DECISIONS: readonly ReviewDecision[] = ['APPROVE', 'REJECT', 'REQUEST_INFO'];
export const REVIEWER_LANGUAGES = ['zh-CN', 'en'] as const;
export type ReviewerLanguage = (typeof REVIEWER_LANGUAGES)[number];

/** The review SLA of the decision policy (PRODUCT.md §3: remind after 24 h, escalate after 48 h, expire after 5 days). */
export interface ReviewSla {
  remindAfterHours: number;
  escalateAfterHours: number;
  expireAfterHours: number;
}

/** What the pipeline's review task receives back through SendTaskSuccess. */
export interface ReviewTaskOutput {
  decision: ReviewDecision;
  comment: string;
  reviewerId: string;
  reviewId: string;
  level: ReviewLevel;
}

/** The error the SLA check sends through SendTaskFailure when a review passes its deadline. */
export const REVIEW_EXPIRED_ERROR = 'ReviewExpired';

/** No active reviewer of the level may take the review (the pipeline catches it: FAILED and an operations alert). */
export class NoReviewerAvailableError extends DomainError {}

/** The link is not one we signed for this review and reviewer (tampered, another review's, malformed). */
export class InvalidReviewLinkError extends ForbiddenError {}

export type ReviewClosedReason = 'DECIDED' | 'ESCALATED' | 'EXPIRED' | 'CANCELLED' | 'LINK_EXPIRED' | 'APPLICATION_CLOSED';

/** The review no longer takes a decision: answered already, handed to another reviewer, expired, or closed. */
export class ReviewClosedError extends ConflictError {
  constructor(
    readonly reason: ReviewClosedReason,
    readonly review: Review,
    message = `review ${review.reviewId} no longer takes a decision (${reason.toLowerCase().replace('_', ' ')})`,
  ) {
    super(message);
  }
}

/** A review email is sent again by the SLA check when it is still not recorded as sent this long after creation. */
export const EMAIL_RETRY_AFTER_MS = 10 * 60 * 1000;
/** A decision whose delivery to the pipeline is not recorded this long after it was made is delivered by the SLA check. */
export const DELIVERY_RETRY_AFTER_MS = 2 * 60 * 1000;

/**
 * The next instant the SLA check must look at a review, or undefined when it never has to again. It orders the sparse
 * "reviews needing attention" index: a pending review is due at its next reminder, escalation or expiry (or when its
 * email is overdue); a decided or expired one until the pipeline has its answer.
 */
export function slaDueAt(review: Review): string | undefined {
  const ms = (iso: string) => Date.parse(iso);
  let due: number | undefined;
  const consider = (at: number) => {
    due = due === undefined ? at : Math.min(due, at);
  };
  switch (review.status) {
    case 'PENDING':
      consider(ms(review.expiresAt));
      if (!review.escalationBlockedAt) consider(ms(review.escalateAt));
      if (!review.remindedAt) consider(ms(review.remindAt));
      if (!review.emailSentAt) consider(ms(review.createdAt) + EMAIL_RETRY_AFTER_MS);
      break;
    case 'DECIDED':
      if (!review.deliveredAt) consider(ms(review.decision!.decidedAt) + DELIVERY_RETRY_AFTER_MS);
      break;
    case 'EXPIRED':
      if (!review.deliveredAt) consider(ms(review.expiredAt ?? review.expiresAt));
      break;
    default:
      break;
  }
  return due === undefined ? undefined : new Date(due).toISOString();
}

// ---------------------------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------------------------

export interface ReviewerRepository {
  /** Stores a new reviewer. Throws ConflictError when a reviewer with the same email (case-insensitive) exists. */
  create(reviewer: Reviewer): Promise<void>;
  get(reviewerId: string): Promise<Reviewer | undefined>;
  findByEmail(email: string): Promise<Reviewer | undefined>;
  /** Every reviewer, by level then creation. */
  list(): Promise<Reviewer[]>;
  /** Active reviewers of a level, with their open-review counts (the workload). */
  listActiveByLevel(level: ReviewLevel): Promise<Reviewer[]>;
  setSubscription(reviewerId: string, subscriptionArn: string): Promise<Reviewer>;
}

export interface ReviewRepository {
  /**
   * Stores a new PENDING review, claims its task token and adds one to the reviewer's openReviews, in one transaction.
   * Throws ConflictError when the token already has a review; ConcurrentModificationError when the reviewer is gone or
   * no longer active.
   */
  create(review: Review): Promise<void>;
  get(reviewId: string): Promise<Review | undefined>;
  /** The review currently answering for a task token (after an escalation: the one that took over). */
  findByTaskToken(taskToken: string): Promise<Review | undefined>;
  /** Every review of an application, oldest first (strongly consistent). */
  listByApplication(applicationId: string): Promise<Review[]>;
  /** Pending reviews, the most urgent first (the staff queue). */
  listPending(limit: number, cursor?: string): Promise<Page<Review>>;
  /** Reviews that need the SLA check at `now` (see slaDueAt); read cost proportional to what is due. */
  listDueForSla(now: string, limit?: number): Promise<Review[]>;
  /**
   * Decides a PENDING review: exactly one decision wins (conditional write); the reviewer's openReviews goes down by
   * one in the same transaction. Throws ConflictError when the review is no longer pending.
   */
  decide(review: Review, decision: { decision: ReviewDecision; comment: string }, at: string): Promise<Review>;
  /** Points a pending review at a new task token (a retried task gets a new one). ConflictError if no longer pending. */
  replaceTaskToken(review: Review, taskToken: string): Promise<Review>;
  /** Records the review email as sent; undefined when it was recorded already or the review is no longer pending. */
  markEmailSent(review: Review, at: string): Promise<Review | undefined>;
  /** Records the reminder; undefined when it was recorded already or the review is no longer pending. */
  markReminded(review: Review, at: string): Promise<Review | undefined>;
  /** Records that escalation found nobody (operations alerted); undefined when recorded already. */
  markEscalationBlocked(review: Review, at: string): Promise<Review | undefined>;
  /**
   * Hands a pending review to another reviewer: the old one becomes ESCALATED (its link stops working), the new one is
   * stored PENDING with the same task token, both reviewers' counters move, in one transaction. ConflictError when the
   * old review is no longer pending.
   */
  escalate(old: Review, replacement: Review, at: string): Promise<void>;
  /** PENDING → EXPIRED, the reviewer's counter down. ConflictError when no longer pending. */
  expire(review: Review, at: string): Promise<Review>;
  /** PENDING → CANCELLED (the application ended without it), the reviewer's counter down. ConflictError likewise. */
  cancel(review: Review, at: string): Promise<Review>;
  /** The pipeline has the outcome: the review leaves the SLA index. */
  markDelivered(review: Review, at: string): Promise<void>;
}

/** Subscribes a reviewer's email to the review topic, filtered to the messages carrying their reviewerId. */
/** What a function that only reads reviews may do with them. */
export type ReviewReader = Pick<ReviewRepository, 'get' | 'findByTaskToken' | 'listByApplication' | 'listPending' | 'listDueForSla'>;

/** What a function that only reads reviewers may do with them. */
export type ReviewerDirectory = Pick<ReviewerRepository, 'get' | 'findByEmail' | 'list' | 'listActiveByLevel'>;

export interface ReviewerSubscriptions {
  subscribe(reviewer: Reviewer): Promise<{ subscriptionArn: string }>;
}

export interface ReviewLinkTarget {
  reviewId: string;
  reviewerId: string;
  linkExpiresAt: string;
}

/** Signs and checks review links (HMAC with a secret key that never leaves the adapter). */
export interface ReviewLinks {
  /** The full GET link: `${publicBaseUrl}/v1/reviews/${reviewId}?sig=…&exp=<epoch seconds>`. */
  linkFor(review: ReviewLinkTarget): Promise<string>;
  /** The query string (`sig=…&exp=…`) of that link. */
  queryFor(review: ReviewLinkTarget): Promise<string>;
  /** True when `sig` is our signature of (reviewId, reviewerId, exp). Expiry is checked by the caller. */
  verify(input: { reviewId: string; reviewerId: string; exp: number; sig: string }): Promise<boolean>;
}

// In-memory reviewers, reviews and subscriptions with the semantics the DynamoDB adapters promise: versioned
// conditional writes that re-read and re-apply on a race, one review per task token, the reviewer's openReviews moved
// in the same "transaction", the SLA index ordered by slaDueAt. The integration tests check the real adapters.

import { ConcurrentModificationError, ConflictError, NotFoundError } from '../../functions/core/kernel/errors';
import type { Page } from '../../functions/core/kernel/ports';
import {
  slaDueAt,
  type Review,
  type ReviewDecision,
  type ReviewRepository,
  type Reviewer,
  type ReviewerRepository,
  type ReviewerSubscriptions,
} from '../../functions/core/review/reviews';
import { createReviewLinks } from '../../functions/core/review/review-links';

export const TEST_REVIEW_LINK_KEY = 'unit-test-review-link-key-0123456789abcdef';
export const TEST_PUBLIC_BASE_URL = 'https://api.lender.test';

export function testReviewLinks() {
  return createReviewLinks({ key: async () => TEST_REVIEW_LINK_KEY, publicBaseUrl: TEST_PUBLIC_BASE_URL });
}

export class InMemoryReviewers implements ReviewerRepository {
  readonly reviewers = new Map<string, Reviewer>();

  async create(reviewer: Reviewer) {
    if ([...this.reviewers.values()].some((r) => r.email.toLowerCase() === reviewer.email.trim().toLowerCase())) {
      throw new ConflictError(`a reviewer with the email ${reviewer.email} exists already`);
    }
    if (this.reviewers.has(reviewer.reviewerId)) throw new ConflictError(`reviewer ${reviewer.reviewerId} exists already`);
    this.reviewers.set(reviewer.reviewerId, structuredClone(reviewer));
  }
  async get(reviewerId: string) {
    const found = this.reviewers.get(reviewerId);
    return found ? structuredClone(found) : undefined;
  }
  async findByEmail(email: string) {
    const found = [...this.reviewers.values()].find((r) => r.email.toLowerCase() === email.trim().toLowerCase());
    return found ? structuredClone(found) : undefined;
  }
  async list() {
    return [...this.reviewers.values()].sort((a, b) => a.level - b.level || a.reviewerId.localeCompare(b.reviewerId)).map((r) => structuredClone(r));
  }
  async listActiveByLevel(level: number) {
    return (await this.list()).filter((r) => r.level === level && r.active);
  }
  async setSubscription(reviewerId: string, subscriptionArn: string) {
    const found = this.reviewers.get(reviewerId);
    if (!found) throw new NotFoundError(`no reviewer ${reviewerId}`);
    found.subscriptionArn = subscriptionArn;
    return structuredClone(found);
  }
  /** Test helper: a reviewer with defaults. */
  add(overrides: Partial<Reviewer> & Pick<Reviewer, 'reviewerId'>): Reviewer {
    const reviewer: Reviewer = {
      name: `Reviewer ${overrides.reviewerId}`,
      email: `${overrides.reviewerId.toLowerCase()}@lender.test`,
      level: 1,
      language: 'en',
      active: true,
      openReviews: 0,
      createdAt: '2026-11-01T00:00:00.000Z',
      ...overrides,
    };
    this.reviewers.set(reviewer.reviewerId, reviewer);
    return structuredClone(reviewer);
  }
}

class NotApplicable extends Error {}

export class InMemoryReviews implements ReviewRepository {
  readonly reviews = new Map<string, Review>();
  readonly tokens = new Map<string, string>();
  /** Fails the next create (after the checks) with this error, for tests of the race paths. */
  failNextCreate: Error | undefined;

  constructor(private readonly reviewers: InMemoryReviewers) {}

  private move(reviewerId: string, delta: 1 | -1) {
    const reviewer = this.reviewers.reviewers.get(reviewerId);
    if (!reviewer || (delta > 0 && !reviewer.active)) throw new ConcurrentModificationError(`reviewer ${reviewerId} is gone or no longer active`);
    reviewer.openReviews += delta;
  }

  private change(review: Review, apply: (current: Review) => Review | undefined, effects: (current: Review, next: Review) => void = () => undefined) {
    const current = this.reviews.get(review.reviewId);
    if (!current) throw new NotFoundError(`no review ${review.reviewId}`);
    let next: Review | undefined;
    try {
      // A stale caller's copy is re-read here, as the DynamoDB adapter does after its condition fails.
      next = apply(structuredClone(current));
    } catch (error) {
      if (error instanceof NotApplicable) return undefined;
      throw error;
    }
    if (!next) return undefined;
    next = { ...next, version: current.version + 1 };
    effects(current, next);
    this.reviews.set(next.reviewId, structuredClone(next));
    return structuredClone(next);
  }

  private pending(current: Review, onNot: 'conflict' | 'skip' = 'conflict'): Review {
    if (current.status === 'PENDING') return current;
    if (onNot === 'skip') throw new NotApplicable();
    throw new ConflictError(`review ${current.reviewId} is ${current.status}, no longer PENDING`);
  }

  async create(review: Review) {
    if (this.tokens.has(review.taskToken)) throw new ConflictError('this task token has a review already');
    if (this.reviews.has(review.reviewId)) throw new ConflictError(`review ${review.reviewId} exists already`);
    if (this.failNextCreate) {
      const error = this.failNextCreate;
      this.failNextCreate = undefined;
      throw error;
    }
    this.move(review.reviewerId, 1);
    this.reviews.set(review.reviewId, structuredClone({ ...review, status: 'PENDING' as const, version: 1 }));
    this.tokens.set(review.taskToken, review.reviewId);
  }
  async get(reviewId: string) {
    const found = this.reviews.get(reviewId);
    return found ? structuredClone(found) : undefined;
  }
  async findByTaskToken(taskToken: string) {
    const id = this.tokens.get(taskToken);
    return id ? this.get(id) : undefined;
  }
  async listByApplication(applicationId: string) {
    return [...this.reviews.values()]
      .filter((r) => r.applicationId === applicationId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.reviewId.localeCompare(b.reviewId))
      .map((r) => structuredClone(r));
  }
  private attention() {
    return [...this.reviews.values()]
      .filter((r) => slaDueAt(r) !== undefined)
      .sort((a, b) => slaDueAt(a)!.localeCompare(slaDueAt(b)!) || a.reviewId.localeCompare(b.reviewId));
  }
  async listPending(limit: number, cursor?: string): Promise<Page<Review>> {
    const all = this.attention().filter((r) => r.status === 'PENDING');
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit).map((r) => structuredClone(r));
    return { items, ...(start + limit < all.length ? { nextCursor: String(start + limit) } : {}) };
  }
  async listDueForSla(now: string) {
    return this.attention()
      .filter((r) => slaDueAt(r)! <= now)
      .map((r) => structuredClone(r));
  }
  async decide(review: Review, { decision, comment }: { decision: ReviewDecision; comment: string }, at: string) {
    return this.change(
      review,
      (current) => {
        this.pending(current);
        if (current.reviewerId !== review.reviewerId) throw new ConflictError(`review ${review.reviewId} belongs to another reviewer now`);
        return { ...current, status: 'DECIDED', decision: { decision, comment, decidedAt: at } };
      },
      (current) => this.move(current.reviewerId, -1),
    )!;
  }
  async replaceTaskToken(review: Review, taskToken: string) {
    const owner = this.tokens.get(taskToken);
    if (owner && owner !== review.reviewId) throw new ConflictError('this task token has another review already');
    return this.change(
      review,
      (current) => ({ ...this.pending(current), taskToken }),
      (current) => this.tokens.set(taskToken, current.reviewId),
    )!;
  }
  async markEmailSent(review: Review, at: string) {
    return this.change(review, (c) => (c.status === 'PENDING' && !c.emailSentAt ? { ...c, emailSentAt: at } : undefined));
  }
  async markReminded(review: Review, at: string) {
    return this.change(review, (c) => (c.status === 'PENDING' && !c.remindedAt ? { ...c, remindedAt: at } : undefined));
  }
  async markEscalationBlocked(review: Review, at: string) {
    return this.change(review, (c) => (c.status === 'PENDING' && !c.escalationBlockedAt ? { ...c, escalationBlockedAt: at } : undefined));
  }
  async escalate(old: Review, replacement: Review, at: string) {
    if (replacement.reviewerId === old.reviewerId) throw new ConflictError('a review cannot be escalated to the same reviewer');
    if (this.reviews.has(replacement.reviewId)) throw new ConflictError(`review ${replacement.reviewId} exists already`);
    const target = this.reviewers.reviewers.get(replacement.reviewerId);
    if (!target || !target.active) throw new ConcurrentModificationError(`reviewer ${replacement.reviewerId} is gone or no longer active`);
    const newReview: Review = { ...replacement, status: 'PENDING', taskToken: old.taskToken, escalatedFrom: old.reviewId, version: 1 };
    this.change(
      old,
      (current) => {
        this.pending(current);
        if (current.reviewerId !== old.reviewerId) throw new ConflictError(`review ${old.reviewId} changed reviewer meanwhile`);
        return { ...current, status: 'ESCALATED', escalatedTo: newReview.reviewId, escalatedAt: at };
      },
      (current) => {
        this.move(current.reviewerId, -1);
        this.move(newReview.reviewerId, 1);
        this.reviews.set(newReview.reviewId, structuredClone(newReview));
        this.tokens.set(current.taskToken, newReview.reviewId);
      },
    );
  }
  async expire(review: Review, at: string) {
    return this.change(
      review,
      (c) => ({ ...this.pending(c), status: 'EXPIRED', expiredAt: at }),
      (c) => this.move(c.reviewerId, -1),
    )!;
  }
  async cancel(review: Review, at: string) {
    return this.change(
      review,
      (c) => ({ ...this.pending(c), status: 'CANCELLED', cancelledAt: at }),
      (c) => this.move(c.reviewerId, -1),
    )!;
  }
  async markDelivered(review: Review, at: string) {
    this.change(review, (c) => (c.deliveredAt || c.status === 'PENDING' ? undefined : { ...c, deliveredAt: at }));
  }
}

export class RecordingSubscriptions implements ReviewerSubscriptions {
  readonly subscribed: Reviewer[] = [];
  failNext = false;
  async subscribe(reviewer: Reviewer) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SNS unavailable');
    }
    this.subscribed.push(structuredClone(reviewer));
    return { subscriptionArn: `arn:aws:sns:us-east-1:000000000000:review:${reviewer.reviewerId}` };
  }
}

/** The review parts of fakeDeps. */
export function fakeReviewDeps() {
  const reviewers = new InMemoryReviewers();
  return { reviewers, reviews: new InMemoryReviews(reviewers), reviewLinks: testReviewLinks(), subscriptions: new RecordingSubscriptions() };
}

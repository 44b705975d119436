// The reviewer and review repositories against DynamoDB Local: the transactions, conditional writes and the sparse
// SLA index that the review use cases rely on.

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tablePerFile } from './table-per-file';
import { createReviewerRepository } from '../../functions/adapters/dynamodb/reviewer-repository';
import { createReviewRepository } from '../../functions/adapters/dynamodb/review-repository';
import { keys } from '../../functions/adapters/dynamodb/keys';
import { ConcurrentModificationError, ConflictError, ValidationError } from '../../functions/core/kernel/errors';
import { slaDueAt, type Review, type Reviewer } from '../../functions/core/review/reviews';
import { TIME_ZONE } from '../support/settings';

const { tableName, doc } = tablePerFile('reviews');
const reviewers = createReviewerRepository(doc, tableName);
const reviews = createReviewRepository(doc, tableName, { timeZone: TIME_ZONE });

let sequence = 0;
const next = (prefix: string) => `${prefix}${String(++sequence).padStart(26 - prefix.length, '0')}`;

async function aReviewer(overrides: Partial<Reviewer> = {}): Promise<Reviewer> {
  const reviewerId = next('01RVWR');
  const reviewer: Reviewer = {
    reviewerId,
    name: `Reviewer ${reviewerId}`,
    email: `${reviewerId.toLowerCase()}@lender.test`,
    level: 1,
    language: 'zh-CN',
    active: true,
    openReviews: 0,
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
  await reviewers.create(reviewer);
  return reviewer;
}

function aReview(reviewer: Reviewer, overrides: Partial<Review> = {}): Review {
  const createdAt = overrides.createdAt ?? '2026-11-29T08:00:00.000Z';
  const at = (hours: number) => new Date(Date.parse(createdAt) + hours * 3600_000).toISOString();
  return {
    reviewId: next('01RVW'),
    applicationId: next('01APP'),
    level: reviewer.level,
    round: 1,
    reviewerId: reviewer.reviewerId,
    taskToken: `token-${next('T')}-${'x'.repeat(600)}`, // real task tokens are long
    status: 'PENDING',
    createdAt,
    remindAt: at(24),
    escalateAt: at(48),
    expiresAt: at(120),
    linkExpiresAt: at(120),
    version: 1,
    ...overrides,
  };
}

async function openReviews(reviewerId: string) {
  return (await reviewers.get(reviewerId))!.openReviews;
}

describe('reviewer repository', () => {
  it('stores reviewers, finds them by email whatever the case, lists them by level and only the active ones', async () => {
    const a = await aReviewer({ level: 3, email: 'Zhao.Lei@Lender.test' });
    const b = await aReviewer({ level: 3, active: false });
    const c = await aReviewer({ level: 2 });
    expect(await reviewers.get(a.reviewerId)).toEqual(a);
    expect(await reviewers.findByEmail('zhao.lei@lender.TEST')).toEqual(a);
    expect(await reviewers.findByEmail('nobody@lender.test')).toBeUndefined();
    expect((await reviewers.listActiveByLevel(3)).map((r) => r.reviewerId)).toEqual([a.reviewerId]);
    const all = (await reviewers.list()).map((r) => r.reviewerId);
    expect(all).toEqual(expect.arrayContaining([a.reviewerId, b.reviewerId, c.reviewerId]));
    expect(all.indexOf(c.reviewerId)).toBeLessThan(all.indexOf(a.reviewerId));
  });

  it('refuses a second reviewer with the same email, storing nothing of it', async () => {
    const first = await aReviewer({ email: 'dup@lender.test' });
    const second = { ...first, reviewerId: next('01RVWR'), email: 'DUP@lender.test' };
    await expect(reviewers.create(second)).rejects.toThrow(ConflictError);
    expect(await reviewers.get(second.reviewerId)).toBeUndefined();
  });

  it('records the subscription without touching the workload counter', async () => {
    const reviewer = await aReviewer();
    await reviews.create(aReview(reviewer));
    const updated = await reviewers.setSubscription(reviewer.reviewerId, 'arn:aws:sns:us-east-1:1:review:abc');
    expect(updated).toMatchObject({ subscriptionArn: 'arn:aws:sns:us-east-1:1:review:abc', openReviews: 1 });
  });
});

describe('review repository', () => {
  it('creates a review with its token claim and counts it on the reviewer, in one transaction', async () => {
    const reviewer = await aReviewer();
    const review = aReview(reviewer);
    await reviews.create(review);
    expect(await reviews.get(review.reviewId)).toEqual(review);
    expect(await reviews.findByTaskToken(review.taskToken)).toEqual(review);
    expect(await openReviews(reviewer.reviewerId)).toBe(1);
    // The deadline is not stored under the table's TTL attribute (expiresAt), where TTL could act on it.
    const raw = await doc.send(new GetCommand({ TableName: tableName, Key: keys.review(review.reviewId) }));
    expect(raw.Item).toMatchObject({ reviewExpiresAt: review.expiresAt, GSI2PK: 'REVIEWS#ATTENTION' });
    expect(raw.Item).not.toHaveProperty('expiresAt');
  });

  it('allows one review per task token: a second create is a ConflictError and changes nothing', async () => {
    const reviewer = await aReviewer();
    const first = aReview(reviewer);
    await reviews.create(first);
    const second = { ...aReview(reviewer), taskToken: first.taskToken };
    await expect(reviews.create(second)).rejects.toThrow(ConflictError);
    expect(await reviews.get(second.reviewId)).toBeUndefined();
    expect(await openReviews(reviewer.reviewerId)).toBe(1);
  });

  it('refuses to give work to an inactive reviewer', async () => {
    const reviewer = await aReviewer({ active: false });
    const review = aReview(reviewer);
    await expect(reviews.create(review)).rejects.toThrow(ConcurrentModificationError);
    expect(await reviews.get(review.reviewId)).toBeUndefined();
    expect(await reviews.findByTaskToken(review.taskToken)).toBeUndefined();
  });

  it('lists the reviews of an application, oldest first, strongly consistent', async () => {
    const reviewer = await aReviewer();
    const first = aReview(reviewer, { createdAt: '2026-11-29T09:00:00.000Z' });
    const second = aReview(reviewer, { applicationId: first.applicationId, level: 1, round: 2, createdAt: '2026-11-29T10:00:00.000Z' });
    await reviews.create(second);
    await reviews.create(first);
    await reviews.create(aReview(reviewer));
    expect((await reviews.listByApplication(first.applicationId)).map((r) => r.reviewId)).toEqual([first.reviewId, second.reviewId]);
    expect(await reviews.listByApplication('01APPNONE')).toEqual([]);
  });

  it('lets exactly one of two concurrent decisions win; the loser gets ConflictError, the workload drops once', async () => {
    const reviewer = await aReviewer();
    const review = aReview(reviewer);
    await reviews.create(review);
    const results = await Promise.allSettled([
      reviews.decide(review, { decision: 'APPROVE', comment: '' }, '2026-11-29T09:00:00.000Z'),
      reviews.decide(review, { decision: 'REJECT', comment: 'no' }, '2026-11-29T09:00:00.001Z'),
    ]);
    const won = results.filter((r): r is PromiseFulfilledResult<Review> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ConflictError);
    const stored = (await reviews.get(review.reviewId))!;
    expect(stored.status).toBe('DECIDED');
    expect(stored.decision).toEqual(won[0]!.value.decision);
    expect(await openReviews(reviewer.reviewerId)).toBe(0);
  });

  it('applies a change made from a stale copy when it still applies (optimistic lock, re-read, re-apply)', async () => {
    const reviewer = await aReviewer();
    const review = aReview(reviewer);
    await reviews.create(review);
    const sent = await reviews.markEmailSent(review, '2026-11-29T08:00:01.000Z');
    expect(sent).toMatchObject({ emailSentAt: '2026-11-29T08:00:01.000Z', version: 2 });
    expect(await reviews.markEmailSent(review, '2026-11-29T08:00:02.000Z')).toBeUndefined();
    const reminded = await reviews.markReminded(review, '2026-11-30T08:00:00.000Z'); // `review` is version 1
    expect(reminded).toMatchObject({ emailSentAt: '2026-11-29T08:00:01.000Z', remindedAt: '2026-11-30T08:00:00.000Z', version: 3 });
    expect(await reviews.markReminded(review, '2026-11-30T09:00:00.000Z')).toBeUndefined();
    const decided = await reviews.decide(review, { decision: 'APPROVE', comment: 'ok' }, '2026-11-30T10:00:00.000Z');
    expect(decided).toMatchObject({ status: 'DECIDED', remindedAt: '2026-11-30T08:00:00.000Z', version: 4 });
    expect(await reviews.markReminded(review, '2026-11-30T11:00:00.000Z')).toBeUndefined();
  });

  it('moves a pending review to a new task token and keeps the old claim pointing at it', async () => {
    const reviewer = await aReviewer();
    const review = aReview(reviewer);
    await reviews.create(review);
    const moved = await reviews.replaceTaskToken(review, 'token-retried');
    expect(moved.taskToken).toBe('token-retried');
    expect((await reviews.findByTaskToken('token-retried'))!.reviewId).toBe(review.reviewId);
    expect((await reviews.findByTaskToken(review.taskToken))!.reviewId).toBe(review.reviewId);
    const other = aReview(reviewer);
    await reviews.create(other);
    await expect(reviews.replaceTaskToken(other, 'token-retried')).rejects.toThrow(ConflictError);
  });

  it('escalates in one transaction: old ESCALATED, new PENDING with the same token, both counters moved; only once', async () => {
    const from = await aReviewer();
    const to = await aReviewer();
    const old = aReview(from);
    await reviews.create(old);
    const replacement = aReview(to, { applicationId: old.applicationId, taskToken: 'ignored: the old token is kept', createdAt: '2026-12-01T08:00:00.000Z' });
    await reviews.escalate(old, replacement, '2026-12-01T08:00:00.000Z');
    expect(await reviews.get(old.reviewId)).toMatchObject({ status: 'ESCALATED', escalatedTo: replacement.reviewId, escalatedAt: '2026-12-01T08:00:00.000Z' });
    expect(await reviews.get(replacement.reviewId)).toMatchObject({ status: 'PENDING', taskToken: old.taskToken, escalatedFrom: old.reviewId, reviewerId: to.reviewerId });
    expect((await reviews.findByTaskToken(old.taskToken))!.reviewId).toBe(replacement.reviewId);
    expect([await openReviews(from.reviewerId), await openReviews(to.reviewerId)]).toEqual([0, 1]);
    expect((await reviews.listByApplication(old.applicationId)).map((r) => r.status)).toEqual(['ESCALATED', 'PENDING']);

    const again = aReview(to, { applicationId: old.applicationId });
    await expect(reviews.escalate(old, again, '2026-12-01T09:00:00.000Z')).rejects.toThrow(ConflictError);
    expect(await reviews.get(again.reviewId)).toBeUndefined();
    expect(await openReviews(to.reviewerId)).toBe(1);
  });

  it('keeps the SLA index sparse and ordered: due reviews by their next instant, decided ones leave once delivered', async () => {
    const reviewer = await aReviewer();
    const base = Date.parse('2031-01-01T00:00:00.000Z'); // far from the other tests' reviews
    const early = aReview(reviewer, { createdAt: new Date(base).toISOString() });
    const late = aReview(reviewer, { createdAt: new Date(base + 3600_000).toISOString() });
    await reviews.create(late);
    await reviews.create(early);
    await reviews.markEmailSent(early, early.createdAt);
    await reviews.markEmailSent(late, late.createdAt);
    const dueAt = (review: Review) => slaDueAt({ ...review, emailSentAt: review.createdAt })!;
    expect(dueAt(early)).toBe(early.remindAt);

    const ours = (list: Review[]) => list.filter((r) => r.reviewId === early.reviewId || r.reviewId === late.reviewId).map((r) => r.reviewId);
    expect(ours(await reviews.listDueForSla(new Date(base + 23 * 3600_000).toISOString()))).toEqual([]);
    expect(ours(await reviews.listDueForSla(early.remindAt))).toEqual([early.reviewId]);
    expect(ours(await reviews.listDueForSla(new Date(base + 26 * 3600_000).toISOString()))).toEqual([early.reviewId, late.reviewId]);

    const decided = await reviews.decide(early, { decision: 'APPROVE', comment: '' }, new Date(base + 25 * 3600_000).toISOString());
    // Decided but not yet delivered to the pipeline: still in the index, due two minutes after the decision.
    expect(ours(await reviews.listDueForSla(new Date(base + 26 * 3600_000).toISOString()))).toEqual([late.reviewId, early.reviewId]);
    expect((await reviews.listPending(100)).items.map((r) => r.reviewId)).not.toContain(early.reviewId);
    await reviews.markDelivered(decided, new Date(base + 25 * 3600_000).toISOString());
    expect(ours(await reviews.listDueForSla(new Date(base + 30 * 3600_000).toISOString()))).toEqual([late.reviewId]);
    const raw = await doc.send(new GetCommand({ TableName: tableName, Key: keys.review(early.reviewId) }));
    expect(raw.Item).not.toHaveProperty('GSI2PK');

    await reviews.expire(late, late.expiresAt);
    await reviews.markDelivered((await reviews.get(late.reviewId))!, late.expiresAt);
    expect(ours(await reviews.listDueForSla(new Date(base + 200 * 3600_000).toISOString()))).toEqual([]);
    expect(await openReviews(reviewer.reviewerId)).toBe(0);
  });

  it('pages the staff queue of pending reviews, most urgent first, and refuses a forged cursor', async () => {
    const reviewer = await aReviewer();
    const created: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const review = aReview(reviewer, { createdAt: new Date(Date.parse('2020-01-01T00:00:00.000Z') + i * 60_000).toISOString() });
      await reviews.create(review);
      created.push(review.reviewId);
    }
    const cancelled = aReview(reviewer, { createdAt: '2019-12-31T00:00:00.000Z' });
    await reviews.create(cancelled);
    await reviews.cancel(cancelled, '2020-01-01T00:00:00.000Z');

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reviews.listPending(2, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.items.every((r) => r.status === 'PENDING')).toBe(true);
      seen.push(...page.items.map((r) => r.reviewId));
      cursor = page.nextCursor;
    } while (cursor);
    const ours = seen.filter((id) => created.includes(id) || id === cancelled.reviewId);
    expect(ours).toEqual(created);
    await expect(reviews.listPending(2, Buffer.from(JSON.stringify({ GSI2PK: 'APPSTATUS#SUBMITTED' })).toString('base64url'))).rejects.toThrow(ValidationError);
  });
});

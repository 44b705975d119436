// Reviews in the single table. Every change is a conditional write on the review's version (optimistic locking),
// inside a transaction with whatever must change with it: the reviewer's openReviews counter, the task-token claim,
// the pointer in the application's partition. The sparse GSI2 partition REVIEWS#ATTENTION, sorted by the next SLA
// instant (core slaDueAt), holds only the reviews the SLA check or the staff queue must see; a review leaves it (its
// GSI2 attributes are dropped) once it is decided and delivered, escalated, expired and delivered, or cancelled.
// A decision, an escalation and an expiry also move the report counters (reviews decided per reviewer, SLA breaches:
// core/reporting/aggregates.ts reviewDeltas) in the same transaction, after the items whose positions the error mapping reads.

import { createHash } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError, ConflictError, NotFoundError } from '../../core/kernel/errors';
import { slaDueAt, type Review, type ReviewRepository } from '../../core/review/reviews';
import type { Page } from '../../core/kernel/ports';
import { cancellationReasons, decodeCursor, encodeCursor, isConditionalCheckFailed } from './errors';
import { keys } from './keys';
import { queryAll } from './query';
import { reviewDeltas } from '../../core/reporting/aggregates';
import { aggregateUpdates } from './aggregate-writes';
import { retrying } from '../../core/kernel/retry';

/** Another write got to the review first: read it again and re-apply (other conflicts are not retried). */
class LostRace extends ConcurrentModificationError {}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type'];
/** Attempts of one change when a concurrent write got there first and the change still applies. */
const ATTEMPTS = 4;

export function taskTokenHash(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex');
}

/**
 * The stored item. `expiresAt` is the table's TTL attribute (epoch seconds on idempotency records), so the review's
 * ISO deadline is stored as `reviewExpiresAt`, where TTL can never mistake it for its own.
 */
function toItem(review: Review): Record<string, unknown> {
  const { expiresAt, ...rest } = review;
  const due = slaDueAt(review);
  return {
    ...keys.review(review.reviewId),
    ...(due ? keys.reviewSlaIndex(due, review.reviewId) : {}),
    type: 'review',
    ...rest,
    reviewExpiresAt: expiresAt,
  };
}

function toReview(item: Record<string, unknown>): Review {
  const copy = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  const { reviewExpiresAt, ...rest } = copy;
  return { ...rest, expiresAt: reviewExpiresAt } as unknown as Review;
}

/** Thrown by a change function: the change no longer applies to the review as stored now. */
class NotApplicable extends Error {}

export interface ReviewRepositoryOptions {
  /** The lender's time zone: the report counters written with each change count on its calendar days. */
  timeZone: string;
}

export function createReviewRepository(doc: DynamoDBDocumentClient, tableName: string, options: ReviewRepositoryOptions): ReviewRepository {
  const timeZone = options.timeZone;
  /** The counter updates of a review's change from `current` to `next`. */
  const counted = (current: Review, next: Review): TransactItem[] => aggregateUpdates(tableName, reviewDeltas(current, next, timeZone));
  async function get(reviewId: string): Promise<Review | undefined> {
    const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.review(reviewId), ConsistentRead: true }));
    return result.Item ? toReview(result.Item) : undefined;
  }

  const counter = (reviewerId: string, delta: 1 | -1): TransactItem => ({
    Update: {
      TableName: tableName,
      Key: keys.reviewer(reviewerId),
      UpdateExpression: 'ADD openReviews :delta',
      // Adding work needs an active reviewer; taking it away must never fail.
      ConditionExpression: delta > 0 ? 'attribute_exists(PK) AND active = :true' : 'attribute_exists(PK)',
      ExpressionAttributeValues: delta > 0 ? { ':delta': delta, ':true': true } : { ':delta': delta },
    },
  });

  const pointer = (review: Review): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: { ...keys.applicationReview(review.applicationId, review.reviewId), type: 'review-pointer', reviewId: review.reviewId, createdAt: review.createdAt },
    },
  });

  /**
   * Applies `apply` to the review as last read and writes the result if the stored version is still that one, together
   * with `extras`. When another write got there first, reads again and re-applies (the change may no longer apply:
   * `apply` throws NotApplicable, or ConflictError for callers that must know). Returns undefined when there was
   * nothing to do.
   */
  async function change(
    review: Review,
    apply: (current: Review) => Review | undefined,
    extras: (current: Review, next: Review) => TransactItem[] = () => [],
    onExtraFailed: (index: number) => Error = () => new ConcurrentModificationError(`review ${review.reviewId} changed meanwhile`),
  ): Promise<Review | undefined> {
    // The first attempt applies to the review as given; later ones (after a lost race) to a fresh read.
    return retrying(
      async (attempt) => {
        const current = attempt === 1 ? review : await get(review.reviewId);
        if (!current) throw new NotFoundError(`no review ${review.reviewId}`);
        let next: Review | undefined;
        try {
          next = apply(current);
        } catch (error) {
          if (error instanceof NotApplicable) return undefined;
          throw error;
        }
        if (!next) return undefined;
        next = { ...next, version: current.version + 1 };
        const put = {
          TableName: tableName,
          Item: toItem(next),
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':version': current.version },
        };
        const others = extras(current, next);
        try {
          if (others.length === 0) await doc.send(new PutCommand(put));
          else await doc.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...others] }));
          return next;
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (isConditionalCheckFailed(error) || reasons?.[0] === 'ConditionalCheckFailed' || reasons?.includes('TransactionConflict')) {
            throw new LostRace(`review ${review.reviewId} changed meanwhile`, { cause: error });
          }
          const failed = reasons ? reasons.findIndex((reason, index) => index > 0 && reason === 'ConditionalCheckFailed') : -1;
          if (failed > 0) throw onExtraFailed(failed - 1);
          throw error;
        }
      },
      { attempts: ATTEMPTS, retryable: (error) => error instanceof LostRace },
    );
  }

  const pendingOr = (onNotPending: 'conflict' | 'skip') => (current: Review) => {
    if (current.status === 'PENDING') return current;
    if (onNotPending === 'conflict') throw new ConflictError(`review ${current.reviewId} is ${current.status}, no longer PENDING`);
    throw new NotApplicable();
  };

  async function batchGet(reviewIds: string[]): Promise<Review[]> {
    const out: Review[] = [];
    for (let i = 0; i < reviewIds.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
        [tableName]: { Keys: reviewIds.slice(i, i + 100).map((id) => keys.review(id)), ConsistentRead: true },
      };
      for (let round = 0; request && Object.keys(request).length > 0; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** round)));
        const result = await doc.send(new BatchGetCommand({ RequestItems: request }));
        out.push(...(result.Responses?.[tableName] ?? []).map(toReview));
        request = result.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }

  return {
    async create(review) {
      const stored: Review = { ...review, status: 'PENDING', version: 1 };
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: toItem(stored), ConditionExpression: 'attribute_not_exists(PK)' } },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.reviewTaskToken(taskTokenHash(review.taskToken)), type: 'review-token', reviewId: review.reviewId },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              counter(review.reviewerId, 1),
              pointer(stored),
            ],
          }),
        );
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[1] === 'ConditionalCheckFailed') throw new ConflictError('this task token has a review already', { cause: error });
        if (reasons?.[2] === 'ConditionalCheckFailed') {
          throw new ConcurrentModificationError(`reviewer ${review.reviewerId} is gone or no longer active`, { cause: error });
        }
        if (reasons?.[0] === 'ConditionalCheckFailed') throw new ConflictError(`review ${review.reviewId} exists already`, { cause: error });
        if (reasons?.includes('TransactionConflict')) throw new ConcurrentModificationError('a concurrent write got there first; retry', { cause: error });
        throw error;
      }
    },

    get,

    async findByTaskToken(taskToken) {
      const claim = await doc.send(new GetCommand({ TableName: tableName, Key: keys.reviewTaskToken(taskTokenHash(taskToken)), ConsistentRead: true }));
      const reviewId = claim.Item?.reviewId;
      return typeof reviewId === 'string' ? get(reviewId) : undefined;
    },

    async listByApplication(applicationId) {
      const prefix = keys.applicationReviewsPrefix(applicationId);
      const pointers = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': prefix.PK, ':prefix': prefix.SKPrefix },
        ConsistentRead: true,
      });
      const reviews = await batchGet(pointers.map((p) => String(p.reviewId)));
      return reviews.sort((a, b) => (a.createdAt === b.createdAt ? a.reviewId.localeCompare(b.reviewId) : a.createdAt.localeCompare(b.createdAt)));
    },

    async listPending(limit, cursor) {
      const items: Review[] = [];
      let start = decodeCursor(cursor, 'GSI2PK', keys.reviewSlaPartition);
      let last: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk',
            FilterExpression: '#status = :pending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':pk': keys.reviewSlaPartition, ':pending': 'PENDING' },
            Limit: limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...(page.Items ?? []).map(toReview));
        last = page.LastEvaluatedKey;
        start = last;
      } while (last && items.length < limit);
      const resume = last ? Object.fromEntries(['PK', 'SK', 'GSI2PK', 'GSI2SK'].map((name) => [name, last![name]])) : undefined;
      return { items, ...(resume ? { nextCursor: encodeCursor(resume)! } : {}) } satisfies Page<Review>;
    },

    async listDueForSla(now, limit = 500) {
      const out: Review[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'GSI2',
            // '~' sorts after every character of an id, so every review due at `now` itself is included.
            KeyConditionExpression: 'GSI2PK = :pk AND GSI2SK <= :now',
            ExpressionAttributeValues: { ':pk': keys.reviewSlaPartition, ':now': `${now}#~` },
            Limit: limit - out.length,
            ExclusiveStartKey: start,
          }),
        );
        out.push(...(page.Items ?? []).map(toReview));
        start = page.LastEvaluatedKey;
      } while (start && out.length < limit);
      return out;
    },

    async decide(review, { decision, comment }, at) {
      const decided = await change(
        review,
        (current) => {
          pendingOr('conflict')(current);
          if (current.reviewerId !== review.reviewerId) throw new ConflictError(`review ${review.reviewId} belongs to another reviewer now`);
          return { ...current, status: 'DECIDED', decision: { decision, comment, decidedAt: at } };
        },
        (current, next) => [counter(current.reviewerId, -1), ...counted(current, next)],
      );
      return decided!;
    },

    async replaceTaskToken(review, taskToken) {
      const replaced = await change(
        review,
        (current) => ({ ...pendingOr('conflict')(current), taskToken }),
        (current) => [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.reviewTaskToken(taskTokenHash(taskToken)), type: 'review-token', reviewId: current.reviewId },
              ConditionExpression: 'attribute_not_exists(PK) OR reviewId = :id',
              ExpressionAttributeValues: { ':id': current.reviewId },
            },
          },
        ],
        () => new ConflictError('this task token has another review already'),
      );
      return replaced!;
    },

    markEmailSent(review, at) {
      return change(review, (current) => (current.status === 'PENDING' && !current.emailSentAt ? { ...current, emailSentAt: at } : undefined));
    },

    markReminded(review, at) {
      return change(review, (current) => (current.status === 'PENDING' && !current.remindedAt ? { ...current, remindedAt: at } : undefined));
    },

    markEscalationBlocked(review, at) {
      return change(review, (current) =>
        current.status === 'PENDING' && !current.escalationBlockedAt ? { ...current, escalationBlockedAt: at } : undefined,
      );
    },

    async escalate(old, replacement, at) {
      if (replacement.reviewerId === old.reviewerId) throw new ConflictError('a review cannot be escalated to the same reviewer');
      const newReview: Review = { ...replacement, status: 'PENDING', taskToken: old.taskToken, escalatedFrom: old.reviewId, version: 1 };
      await change(
        old,
        (current) => {
          pendingOr('conflict')(current);
          if (current.reviewerId !== old.reviewerId) throw new ConflictError(`review ${old.reviewId} changed reviewer meanwhile`);
          return { ...current, status: 'ESCALATED', escalatedTo: newReview.reviewId, escalatedAt: at };
        },
        (current, next) => [
          { Put: { TableName: tableName, Item: toItem(newReview), ConditionExpression: 'attribute_not_exists(PK)' } },
          pointer(newReview),
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.reviewTaskToken(taskTokenHash(current.taskToken)), type: 'review-token', reviewId: newReview.reviewId },
            },
          },
          counter(current.reviewerId, -1),
          counter(newReview.reviewerId, 1),
          ...counted(current, next),
        ],
        (index) =>
          index === 4
            ? new ConcurrentModificationError(`reviewer ${newReview.reviewerId} is gone or no longer active`)
            : new ConflictError(`review ${newReview.reviewId} exists already`),
      );
    },

    async expire(review, at) {
      const expired = await change(
        review,
        (current) => ({ ...pendingOr('conflict')(current), status: 'EXPIRED', expiredAt: at }),
        (current, next) => [counter(current.reviewerId, -1), ...counted(current, next)],
      );
      return expired!;
    },

    async cancel(review, at) {
      const cancelled = await change(
        review,
        (current) => ({ ...pendingOr('conflict')(current), status: 'CANCELLED', cancelledAt: at }),
        (current) => [counter(current.reviewerId, -1)],
      );
      return cancelled!;
    },

    async markDelivered(review, at) {
      await change(review, (current) => (current.deliveredAt || current.status === 'PENDING' ? undefined : { ...current, deliveredAt: at }));
    },
  };
}

// Reviewers in the single table. The email is unique (a claim item keyed by its hash, written in the same transaction);
// `openReviews` is the workload counter that the review repository moves inside its own transactions.

import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../core/kernel/errors';
import type { Reviewer, ReviewerRepository } from '../../core/review/reviews';
import { cancellationReasons, isConditionalCheckFailed } from './errors';
import { keys } from './keys';

const KEY_ATTRIBUTES = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'type'];

export function reviewerEmailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

function toReviewer(item: Record<string, unknown>): Reviewer {
  const copy = { ...item };
  for (const attribute of KEY_ATTRIBUTES) delete copy[attribute];
  return copy as unknown as Reviewer;
}

export function createReviewerRepository(doc: DynamoDBDocumentClient, tableName: string): ReviewerRepository {
  async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Reviewer[]> {
    const out: Reviewer[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      out.push(...(page.Items ?? []).map(toReviewer));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async function get(reviewerId: string): Promise<Reviewer | undefined> {
    const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.reviewer(reviewerId), ConsistentRead: true }));
    return result.Item ? toReviewer(result.Item) : undefined;
  }

  return {
    async create(reviewer) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.reviewer(reviewer.reviewerId), ...keys.reviewersIndex(reviewer.level, reviewer.reviewerId), type: 'reviewer', ...reviewer },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...keys.reviewerEmail(reviewerEmailHash(reviewer.email)), type: 'reviewer-email', reviewerId: reviewer.reviewerId },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[1] === 'ConditionalCheckFailed') throw new ConflictError(`a reviewer with the email ${reviewer.email} exists already`, { cause: error });
        if (reasons?.[0] === 'ConditionalCheckFailed') throw new ConflictError(`reviewer ${reviewer.reviewerId} exists already`, { cause: error });
        throw error;
      }
    },

    get,

    async findByEmail(email) {
      const claim = await doc.send(new GetCommand({ TableName: tableName, Key: keys.reviewerEmail(reviewerEmailHash(email)), ConsistentRead: true }));
      const reviewerId = claim.Item?.reviewerId;
      return typeof reviewerId === 'string' ? get(reviewerId) : undefined;
    },

    async list() {
      return queryAll({
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.reviewersPartition },
      });
    },

    async listActiveByLevel(level) {
      return queryAll({
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND begins_with(GSI1SK, :level)',
        FilterExpression: 'active = :true',
        ExpressionAttributeValues: { ':pk': keys.reviewersPartition, ':level': keys.reviewersLevelPrefix(level), ':true': true },
      });
    },

    async setSubscription(reviewerId, subscriptionArn) {
      try {
        const result = await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.reviewer(reviewerId),
            UpdateExpression: 'SET subscriptionArn = :arn',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':arn': subscriptionArn },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toReviewer(result.Attributes!);
      } catch (error) {
        if (isConditionalCheckFailed(error)) throw new NotFoundError(`no reviewer ${reviewerId}`, { cause: error });
        throw error;
      }
    },
  };
}

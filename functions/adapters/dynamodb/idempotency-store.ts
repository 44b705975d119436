// Idempotency records are written by the use case's own transaction (see application-repository.ts create); this
// store only reads them. DynamoDB's TTL deletes them some time after expiry, so an expired record is ignored here.

import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/kernel/ports';
import type { IdempotencyRecord, IdempotencyStore } from '../../core/applications/ports';
import { keys } from './keys';
import { TTL_ATTRIBUTE } from './table-definition';

export function createIdempotencyStore(doc: DynamoDBDocumentClient, tableName: string, clock?: Clock): IdempotencyStore {
  return {
    async get(ownerId, key) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.idempotency(ownerId, key), ConsistentRead: true }));
      const item = result.Item;
      if (!item) return undefined;
      const expiresAtEpochSeconds = Number(item[TTL_ATTRIBUTE]);
      const nowSeconds = Math.floor((clock?.now() ?? new Date()).getTime() / 1000);
      if (expiresAtEpochSeconds <= nowSeconds) return undefined;
      return {
        ownerId,
        key,
        requestHash: String(item.requestHash),
        response: item.response as IdempotencyRecord['response'],
        createdAt: String(item.createdAt),
        expiresAtEpochSeconds,
      };
    },
  };
}

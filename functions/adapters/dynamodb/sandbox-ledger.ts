// The sandbox bank's ledger in the single table: one item per idempotency key, written once with a conditional put,
// and beside it the count of transfer calls for that key (what the scripted transient failures count).
// Without it the sandbox bank (used when no core-banking API is configured) would remember its transfers only in the
// memory of one Lambda container, and a payout retried in another container, or after a crash, would pay again.

import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SandboxLedger, SandboxTransfer } from '../core-banking/sandbox-core-banking';
import type { CallCounter } from '../sandbox-calls';
import { isConditionalCheckFailed } from './errors';
import { keys } from './keys';

export function createSandboxLedger(doc: DynamoDBDocumentClient, tableName: string): SandboxLedger {
  const read = async (idempotencyKey: string): Promise<SandboxTransfer | undefined> => {
    const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.sandboxTransfer(idempotencyKey), ConsistentRead: true }));
    if (!result.Item) return undefined;
    const { PK: _pk, SK: _sk, type: _type, ...transfer } = result.Item;
    return transfer as SandboxTransfer;
  };
  return {
    find: read,
    async record(transfer) {
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.sandboxTransfer(transfer.idempotencyKey), type: 'sandbox-transfer', ...transfer },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
        return transfer;
      } catch (error) {
        // Another attempt with the same key got there first: that transfer is the one the bank made.
        if (!isConditionalCheckFailed(error)) throw error;
        const earlier = await read(transfer.idempotencyKey);
        if (!earlier) throw error;
        return earlier;
      }
    },
    countCall: createSandboxCallCounter(doc, tableName, 'bank'),
  };
}

/**
 * A count of calls per key in the table, for the sandbox systems' scripted failures ("fail the first two calls"):
 * atomic, so it holds across Lambda containers, concurrent retries and restarts as a real system's state would.
 */
export function createSandboxCallCounter(doc: DynamoDBDocumentClient, tableName: string, system: 'bank' | 'bureau'): CallCounter {
  return async (key) => {
    const result = await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.sandboxCalls(system, key),
        UpdateExpression: 'ADD calls :one SET #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': `sandbox-${system}-calls` },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.calls);
  };
}

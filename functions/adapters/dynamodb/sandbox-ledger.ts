// The sandbox bank's ledger in the single table: one item per idempotency key, written once with a conditional put.
// Without it the sandbox bank (used when no core-banking API is configured) would remember its transfers only in the
// memory of one Lambda container, and a payout retried in another container, or after a crash, would pay again.

import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SandboxLedger, SandboxTransfer } from '../core-banking/sandbox-core-banking';
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
  };
}

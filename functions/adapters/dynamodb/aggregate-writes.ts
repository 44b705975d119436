// The report counters (functions/core/reporting/aggregates.ts) as items of the repositories' transactions: each CounterDelta
// becomes an Update of its day or portfolio item (keys.ts: PK=AGG), numbers moved with ADD and durations appended to
// the decisionSeconds list, in the same TransactWriteItems as the state change it counts. Both are written or neither:
// a retried write whose condition fails (a stale version) counts nothing, and a lost write counts nothing either.

import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DECISION_SECONDS, mergeCounterDeltas, type CounterDelta } from '../../core/reporting/aggregates';
import { cancellationReasons } from './errors';
import { retrying } from '../../core/kernel/retry';
import { keys } from './keys';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/** Items per day (and for the portfolio) that the counters are spread over. */
export const AGGREGATE_SHARDS = 8;

/** DynamoDB's limit of items in one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

/** The shard of an entity: FNV-1a (32 bit) of its id, modulo AGGREGATE_SHARDS. Deterministic across processes. */
export function aggregateShard(entityId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < entityId.length; i += 1) {
    hash ^= entityId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AGGREGATE_SHARDS;
}

/**
 * One Update per aggregate item the deltas touch (deltas on the same item merged; zero adds skipped, so an item with
 * nothing to add gets no Update). No condition: an ADD on a counter never fails, and creates the item the first time.
 */
export function aggregateUpdates(tableName: string, deltas: readonly CounterDelta[]): TransactItem[] {
  return mergeCounterDeltas(deltas, aggregateShard).map((item) => {
    const names: Record<string, string> = { '#type': 'type' };
    const values: Record<string, unknown> = { ':type': item.day ? 'aggregate-day' : 'aggregate-portfolio' };
    const adds: string[] = [];
    Object.entries(item.add).forEach(([name, value], index) => {
      names[`#a${index}`] = name;
      values[`:a${index}`] = value;
      adds.push(`#a${index} :a${index}`);
    });
    const sets = ['#type = :type'];
    if (item.decisionSeconds?.length) {
      names['#seconds'] = DECISION_SECONDS;
      values[':empty'] = [];
      values[':seconds'] = item.decisionSeconds;
      sets.push('#seconds = list_append(if_not_exists(#seconds, :empty), :seconds)');
    }
    return {
      Update: {
        TableName: tableName,
        Key: item.day ? keys.aggregateDay(item.day, item.shard) : keys.aggregatePortfolio(item.shard),
        UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}

/** Refuses a transaction DynamoDB would refuse, with a message that says why. */
export function assertTransactionSize(items: readonly TransactItem[]): void {
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw new Error(`a transaction of ${items.length} items is over DynamoDB's limit of ${MAX_TRANSACTION_ITEMS}`);
  }
}

const CONFLICT_RETRIES = 3;

/**
 * TransactWriteItems, sent again (after a short random pause) when it was cancelled only because another transaction
 * was writing one of its items at that moment (every reason None or TransactionConflict): the shared counter items
 * make that likelier than before. A cancelled transaction wrote nothing, so sending it again is safe; its conditions
 * are checked again. Any other failure is thrown as it is, for the caller's own error mapping.
 */
export async function transactWrite(doc: DynamoDBDocumentClient, items: TransactItem[]): Promise<void> {
  assertTransactionSize(items);
  await retrying(
    async () => {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
    },
    { attempts: CONFLICT_RETRIES + 1, retryable: onlyTransactionConflicts, pauseMs: (attempt) => 10 + Math.random() * 40 * attempt },
  );
}

/** Cancelled only because another transaction was writing one of the items at that moment. */
function onlyTransactionConflicts(error: unknown): boolean {
  const reasons = cancellationReasons(error);
  return Boolean(reasons?.includes('TransactionConflict') && reasons.every((reason) => reason === 'None' || reason === 'TransactionConflict'));
}

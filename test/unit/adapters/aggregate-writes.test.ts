// The counter updates the repositories add to their transactions (functions/adapters/dynamodb/aggregate-writes.ts).

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AGGREGATE_SHARDS,
  aggregateShard,
  aggregateUpdates,
  assertTransactionSize,
  transactWrite,
  type TransactItem,
} from '../../../functions/adapters/dynamodb/aggregate-writes';

describe('aggregateShard', () => {
  it('is a deterministic shard from 0 to 7 that spreads ids', () => {
    const ids = Array.from({ length: 800 }, (_, i) => `01APP${String(i).padStart(21, '0')}`);
    const shards = ids.map(aggregateShard);
    expect(shards.every((s) => Number.isInteger(s) && s >= 0 && s < AGGREGATE_SHARDS)).toBe(true);
    expect(ids.map(aggregateShard)).toEqual(shards);
    const counts = Array.from({ length: AGGREGATE_SHARDS }, (_, s) => shards.filter((x) => x === s).length);
    expect(Math.min(...counts)).toBeGreaterThan(50);
  });
});

describe('aggregateUpdates', () => {
  it('makes one Update per item: ADD for counters (names as placeholders), list_append for durations', () => {
    const shard = aggregateShard('APP1');
    const updates = aggregateUpdates('t', [
      { day: '2026-11-29', shardOf: 'APP1', add: { received: 1, 'channel#app': 1 } },
      { day: '2026-11-29', shardOf: 'APP1', add: { autoApproved: 1, zero: 0 }, decisionSeconds: [12] },
      { shardOf: 'APP1', add: { activeLoans: 1 } },
      { day: '2026-11-30', shardOf: 'APP1', add: { x: 1 } },
      { day: '2026-11-30', shardOf: 'APP1', add: { x: -1 } },
    ]);
    expect(updates).toEqual([
      {
        Update: {
          TableName: 't',
          Key: { PK: 'AGG', SK: `DAY#2026-11-29#${shard}` },
          UpdateExpression: 'SET #type = :type, #seconds = list_append(if_not_exists(#seconds, :empty), :seconds) ADD #a0 :a0, #a1 :a1, #a2 :a2',
          ExpressionAttributeNames: { '#type': 'type', '#seconds': 'decisionSeconds', '#a0': 'received', '#a1': 'channel#app', '#a2': 'autoApproved' },
          ExpressionAttributeValues: { ':type': 'aggregate-day', ':empty': [], ':seconds': [12], ':a0': 1, ':a1': 1, ':a2': 1 },
        },
      },
      {
        Update: {
          TableName: 't',
          Key: { PK: 'AGG', SK: `PORTFOLIO#${shard}` },
          UpdateExpression: 'SET #type = :type ADD #a0 :a0',
          ExpressionAttributeNames: { '#type': 'type', '#a0': 'activeLoans' },
          ExpressionAttributeValues: { ':type': 'aggregate-portfolio', ':a0': 1 },
        },
      },
    ]);
    expect(aggregateUpdates('t', [])).toEqual([]);
  });
});

describe('transactWrite', () => {
  const cancelled = (...codes: string[]) => Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });
  const item: TransactItem = { Put: { TableName: 't', Item: { PK: 'a', SK: 'b' } } };

  function doc(failures: Error[]) {
    let calls = 0;
    return {
      get calls() {
        return calls;
      },
      client: {
        async send() {
          calls += 1;
          const failure = failures.shift();
          if (failure) throw failure;
          return {};
        },
      } as unknown as DynamoDBDocumentClient,
    };
  }

  it('sends again a transaction cancelled only by a conflict with another one', async () => {
    const d = doc([cancelled('None', 'TransactionConflict'), cancelled('TransactionConflict')]);
    await transactWrite(d.client, [item, item]);
    expect(d.calls).toBe(3);
  });

  it('throws a failed condition at once, and a conflict that persists after a few tries', async () => {
    const condition = doc([cancelled('ConditionalCheckFailed', 'TransactionConflict')]);
    await expect(transactWrite(condition.client, [item])).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(condition.calls).toBe(1);
    const busy = doc(Array.from({ length: 10 }, () => cancelled('TransactionConflict')));
    await expect(transactWrite(busy.client, [item])).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(busy.calls).toBe(4);
  });

  it('refuses more than 100 items', () => {
    expect(() => assertTransactionSize(Array.from({ length: 100 }, () => item))).not.toThrow();
    expect(() => assertTransactionSize(Array.from({ length: 101 }, () => item))).toThrow(/101 items .* limit of 100/);
  });
});

// The report's read side: the aggregate items that the repositories keep up to date with every change
// (aggregate-writes.ts). Reads are proportional to the days asked for × the shards, never to the applications or
// loans: one Query for a range of days, one for the portfolio gauges.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DECISION_SECONDS } from '../../core/reporting/aggregates';
import type { DayCounters, ReportRepository } from '../../core/reporting/reports';
import { keys } from './keys';
import { queryAll } from './query';

const NOT_COUNTERS = new Set(['PK', 'SK', 'type', DECISION_SECONDS]);

function addNumbers(into: Record<string, number>, item: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(item)) {
    if (NOT_COUNTERS.has(name) || typeof value !== 'number') continue;
    into[name] = (into[name] ?? 0) + value;
  }
}

export function createReportRepository(doc: DynamoDBDocumentClient, tableName: string): ReportRepository {
  return {
    async dayCounters(from, to) {
      const range = keys.aggregateDayRange(from, to);
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :lower AND :upper',
        ExpressionAttributeValues: { ':pk': keys.aggregatePartition, ':lower': range.lower, ':upper': range.upper },
        ConsistentRead: true,
      });
      const byDay = new Map<string, DayCounters>();
      for (const item of items) {
        // SK = DAY#<YYYY-MM-DD>#<shard>
        const day = String(item.SK).slice(keys.aggregateDayPrefix.length, keys.aggregateDayPrefix.length + 10);
        let merged = byDay.get(day);
        if (!merged) byDay.set(day, (merged = { day, counters: {}, decisionSeconds: [] }));
        addNumbers(merged.counters, item);
        const seconds = item[DECISION_SECONDS];
        if (Array.isArray(seconds)) merged.decisionSeconds.push(...seconds.filter((s): s is number => typeof s === 'number'));
      }
      return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
    },

    async portfolioNow() {
      const items = await queryAll(doc, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.aggregatePartition, ':prefix': keys.aggregatePortfolioPrefix },
        ConsistentRead: true,
      });
      const gauges: Record<string, number> = {};
      for (const item of items) addNumbers(gauges, item);
      return gauges;
    },
  };
}

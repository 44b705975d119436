// The report's aggregates in memory: counters applied from CounterDeltas exactly as the DynamoDB adapter merges them
// (functions/core/reporting/aggregates.ts), read back per day and for the portfolio. The in-memory repositories of the other
// fakes keep no counters; tests of the report feed this one directly (apply, or set hand-made counters).

import { mergeCounterDeltas, type CounterDelta } from '../../functions/core/reporting/aggregates';
import type { DayCounters, ReportRepository } from '../../functions/core/reporting/reports';

export class InMemoryReportCounters implements ReportRepository {
  readonly days = new Map<string, DayCounters>();
  portfolio: Record<string, number> = {};
  /** Day ranges read, for tests of what the report asks for. */
  readonly reads: { from: string; to: string }[] = [];

  apply(deltas: readonly CounterDelta[]): void {
    for (const item of mergeCounterDeltas(deltas, () => 0)) {
      const target = item.day ? this.day(item.day).counters : this.portfolio;
      for (const [name, value] of Object.entries(item.add)) target[name] = (target[name] ?? 0) + value;
      if (item.day && item.decisionSeconds) this.day(item.day).decisionSeconds.push(...item.decisionSeconds);
    }
  }

  /** Sets one day's counters (and durations) as given. */
  setDay(day: string, counters: Record<string, number>, decisionSeconds: number[] = []): void {
    this.days.set(day, { day, counters: { ...counters }, decisionSeconds: [...decisionSeconds] });
  }

  async dayCounters(from: string, to: string): Promise<DayCounters[]> {
    this.reads.push({ from, to });
    return [...this.days.values()]
      .filter((day) => day.day >= from && day.day <= to)
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((day) => structuredClone(day));
  }

  async portfolioNow(): Promise<Record<string, number>> {
    return { ...this.portfolio };
  }

  private day(day: string): DayCounters {
    let found = this.days.get(day);
    if (!found) this.days.set(day, (found = { day, counters: {}, decisionSeconds: [] }));
    return found;
  }
}

export function fakeReportDeps() {
  return { reports: new InMemoryReportCounters() };
}

// Scheduled (EventBridge Scheduler, daily in the lender's time zone; locally POST /_local/schedules/overdue-scan/run):
// the overdue scan of functions/core/servicing/overdue-scan.ts. When the invocation's time runs low it stops between pages and
// invokes itself again with the same business date and the cursor, until every due loan has been seen.

import { z } from 'zod';
import { calendarDate } from '../core/applications/application-schema';
import { runOverdueScan, type OverdueScanResult } from '../core/servicing/overdue-scan';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { publishingMetrics, recordDriftGauges, recordPortfolioGauges } from '../shared/metrics';
import { portfolioGauges } from '../core/reporting/reports';
import { driftReport } from '../core/reporting/drift';
import { addDays } from '../core/lending-math/calendar-days';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  loans: production.loans,
  applications: production.applications,
  notifier: production.notifier('applicant', 'ops'),
  pii: production.pii,
  clock: production.clock,
  policies: production.policyReader,
  logger: production.logger,
  settings: production.settings,
  scanContinuation: production.scanContinuation,
  metrics: production.metrics,
  reports: production.reports,
  scoringModel: production.scoringModel,
});

type Deps = DepsOf<typeof definition>;
/** What the schedule sends (nothing) or a continuation sends (the date and where to go on). */
const eventSchema = z.object({ date: calendarDate.optional(), cursor: z.string().min(1).max(2000).optional() });
export type OverdueScanEvent = z.infer<typeof eventSchema>;

/** Stop taking new pages when less than this is left of the invocation (a page of 100 loans takes a few seconds). */
export const TIME_RESERVE_MS = 60_000;

export function createHandler(deps: Deps) {
  return (event: unknown, remainingTimeMs?: () => number): Promise<OverdueScanResult> => publishingMetrics(deps, async () => {
    const parsed = eventSchema.safeParse(event ?? {});
    const input = parsed.success ? parsed.data : {};
    if (!parsed.success) deps.logger.warn('overdue scan event ignored: not a continuation', { issues: parsed.error.issues.length });
    const result = await runOverdueScan(deps, {
      ...(input.date ? { date: input.date } : {}),
      ...(input.cursor ? { cursor: input.cursor } : {}),
      timeZone: deps.settings.timeZone,
      ...(remainingTimeMs ? { shouldStop: () => remainingTimeMs() < TIME_RESERVE_MS } : {}),
    });
    // Each invocation of a continued scan counts the reminders it sent itself.
    deps.metrics.count('RemindersSent', result.reminders.sms + result.reminders.email);
    if (result.cursor) await deps.scanContinuation.continueScan({ date: result.date, cursor: result.cursor });
    // The scan moved the buckets: the portfolio's gauges (counters kept with every loan write) go to the dashboard.
    else {
      recordPortfolioGauges(deps.metrics, portfolioGauges(await deps.reports.portfolioNow()));
      // The model's drift over the day before the scan's (a whole day of scoring): PSI gauges for the alarm.
      const yesterday = addDays(result.date, -1);
      const drift = await driftReport({ reports: deps.reports, model: deps.scoringModel }, { from: yesterday, to: yesterday });
      recordDriftGauges(deps.metrics, drift);
    }
    deps.logger.info('overdue scan', { ...result, failures: result.failures.length, cursor: result.cursor ? 'continued' : undefined });
    // Loan ids and error names only: the next run (idempotent) tries these loans again.
    if (result.failures.length > 0) deps.logger.error('overdue scan: loans not processed', { date: result.date, failures: result.failures });
    return result;
  });
}

export const handler = lazyHandler((): ((event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<OverdueScanResult>) => {
  const run = createHandler(definition.wire());
  return (event, context) => run(event, () => context.getRemainingTimeInMillis());
});

// Scheduled (EventBridge, every 15 minutes; locally POST /_local/schedules/review-sla/run): reminds reviewers, escalates
// overdue reviews to another reviewer of the level, expires reviews past their deadline (SendTaskFailure ReviewExpired),
// and delivers decisions the pipeline did not get the first time. It also keeps the documents gate's waits: the
// applicant is reminded once after 2 days of what is still missing, and a wait past its deadline expires the
// application (SendTaskFailure DocumentsExpired) — see functions/core/applications/document-checklist.ts. Reads only the reviews that are due, then counts the
// pending ones (one query of the same sparse index) for the ReviewsPending/ReviewsOverdue gauges.

import { runReviewSla, type SlaResult } from '../core/review/review-service';
import { runDocumentsSla, type DocumentsSlaResult } from '../core/applications/document-checklist';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { publishingMetrics } from '../shared/metrics';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  clock: production.clock,
  ids: production.ids,
  applications: production.applications,
  reviewers: production.reviewers,
  reviews: production.reviews,
  notifier: production.notifier('review', 'ops', 'applicant'),
  // The applicant's contact details, to remind them of missing documents.
  pii: production.pii,
  reviewLinks: production.reviewLinks,
  taskTokens: production.taskTokens,
  logger: production.logger,
  metrics: production.metrics,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps) {
  return (): Promise<SlaResult & DocumentsSlaResult> => publishingMetrics(deps, async () => {
    const result = { ...(await runReviewSla(deps)), ...(await runDocumentsSla(deps)) };
    // This run's breaches: escalations that fell due (handed over, or blocked for want of another reviewer), expiries.
    deps.metrics.count('ReviewSlaBreaches', result.escalated + result.escalationBlocked + result.expired);
    if (result.pending !== null) deps.metrics.gauge('ReviewsPending', result.pending, 'Count');
    if (result.overdue !== null) deps.metrics.gauge('ReviewsOverdue', result.overdue, 'Count');
    deps.logger.info('review SLA run', { ...result });
    return result;
  });
}

export const handler = lazyHandler((): ((event: unknown, context: unknown) => Promise<SlaResult & DocumentsSlaResult>) => {
  const run = createHandler(definition.wire());
  return () => run();
});

// Scheduled (EventBridge, every 15 minutes; locally POST /_local/schedules/review-sla/run): reminds reviewers, escalates
// overdue reviews to another reviewer of the level, expires reviews past their deadline (SendTaskFailure ReviewExpired),
// and delivers decisions the pipeline did not get the first time. Reads only the reviews that are due.

import { runReviewSla, type SlaResult } from '../core/review-service';
import type { AppDeps } from '../shared/deps';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'clock' | 'ids' | 'applications' | 'reviewers' | 'reviews' | 'notifier' | 'reviewLinks' | 'workflow' | 'logger'>;

export function createHandler(deps: Deps) {
  return async (): Promise<SlaResult> => {
    const result = await runReviewSla(deps);
    deps.logger.info('review SLA run', { ...result });
    return result;
  };
}

export const handler = lazyHandler((): ((event: unknown, context: unknown) => Promise<SlaResult>) => {
  const run = createHandler({
    clock: production.clock(),
    ids: production.ids(),
    applications: production.applications(),
    reviewers: production.reviewers(),
    reviews: production.reviews(),
    notifier: production.notifier(),
    reviewLinks: production.reviewLinks(),
    workflow: production.workflow(),
    logger: production.logger(),
  });
  return () => run();
});

// Step Functions tasks after review: conclude (approved after the last level, declined by a reviewer, expired) and
// request-info (tell the applicant what the reviewer needs). One Lambda, two payload kinds.

import { concludeReview, requestMoreInformation, type ConcludeOutcome, type DecisionMade } from '../core/decisioning/decide';
import type { ReviewTaskOutput } from '../core/review/reviews';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import type { BusinessMetricName } from '../core/kernel/ports';
import { publishingMetrics, secondsBetween } from '../shared/metrics';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  policies: production.policyReader,
  products: production.productCatalog,
  contracts: production.contractWriter,
  notifier: production.notifier('applicant'),
  pii: production.pii,
  ids: production.ids,
  clock: production.clock,
  logger: production.logger,
  settings: production.settings,
  metrics: production.metrics,
});

type Deps = DepsOf<typeof definition>;
const CONCLUDED: Record<ConcludeOutcome, BusinessMetricName> = {
  APPROVED: 'DecisionsReviewApproved',
  DECLINED: 'DecisionsReviewRejected',
  EXPIRED: 'DecisionsReviewExpired',
};

export type ConcludePayload =
  | { step: 'conclude'; applicationId: string; outcome: ConcludeOutcome; review?: ReviewTaskOutput; executionName?: string; correlationId?: string }
  | { step: 'request-info'; applicationId: string; review: ReviewTaskOutput; executionName?: string; correlationId?: string };

export function createHandler(deps: Deps) {
  return (payload: ConcludePayload): Promise<{ status: string }> => publishingMetrics(deps, async () => {
    appendTaskKeys(deps.logger, payload);
    const result =
      payload.step === 'request-info'
        ? await requestMoreInformation(deps, payload)
        : await concludeReview(deps, { applicationId: payload.applicationId, outcome: payload.outcome, ...(payload.review ? { review: payload.review } : {}) }, { onConcluded });
    deps.logger.info(`review step ${payload.step}`, { status: result.status });
    return result;
  });

  function onConcluded({ outcome, createdAt, decidedAt }: DecisionMade<ConcludeOutcome>): void {
    deps.metrics.count(CONCLUDED[outcome]);
    // An expiry decides nothing (it has no decidedAt): it is no time to decision.
    const seconds = secondsBetween(createdAt, decidedAt);
    if (seconds !== undefined) deps.metrics.duration('TimeToDecision', seconds);
  }
}

export const handler = lazyHandler((): ((payload: ConcludePayload, context: unknown) => Promise<{ status: string }>) => createHandler(definition.wire()));

// Step Functions task: the decision policy on the assessment — approve, decline, or route to review.

import { decideApplication, type DecideOutcome } from '../core/decisioning/decide';
import { defineFunction, type DepsOf } from '../shared/function-definition';
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

export interface DecidePayload {
  applicationId: string;
  executionName?: string;
  correlationId?: string;
}

export function createHandler(deps: Deps) {
  return (payload: DecidePayload): Promise<DecideOutcome> => publishingMetrics(deps, async () => {
    appendTaskKeys(deps.logger, payload);
    const result = await decideApplication(deps, payload.applicationId, {
      // Automatic outcomes only: a REVIEW outcome is concluded later, by pipeline-conclude.
      onDecided: ({ outcome, createdAt, decidedAt }) => {
        if (outcome === 'REVIEW') return;
        deps.metrics.count(outcome === 'APPROVED' ? 'DecisionsAutoApproved' : 'DecisionsAutoDeclined');
        const seconds = secondsBetween(createdAt, decidedAt);
        if (seconds !== undefined) deps.metrics.duration('TimeToDecision', seconds);
      },
    });
    deps.logger.info('application decided', { outcome: result.outcome, status: result.status, levelsRequired: result.levelsRequired });
    return result;
  });
}

export const handler = lazyHandler((): ((payload: DecidePayload, context: unknown) => Promise<DecideOutcome>) => createHandler(definition.wire()));

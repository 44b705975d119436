// Step Functions task: the decision policy on the assessment — approve, decline, or route to review.

import { decideApplication, type DecideOutcome } from '../core/decide';
import type { AppDeps } from '../shared/deps';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'policies' | 'products' | 'notifier' | 'pii' | 'clock' | 'logger'>;

export interface DecidePayload {
  applicationId: string;
  executionName?: string;
}

export function createHandler(deps: Deps) {
  return async (payload: DecidePayload): Promise<DecideOutcome> => {
    deps.logger.appendKeys({ applicationId: payload.applicationId, executionName: payload.executionName });
    const result = await decideApplication(deps, payload.applicationId);
    deps.logger.info('application decided', { outcome: result.outcome, status: result.status, levelsRequired: result.levelsRequired });
    return result;
  };
}

export const handler = lazyHandler((): ((payload: DecidePayload, context: unknown) => Promise<DecideOutcome>) =>
  createHandler({
    applications: production.applications(),
    policies: production.policies(),
    products: production.products(),
    notifier: production.notifier(),
    pii: production.pii(),
    clock: production.clock(),
    logger: production.logger(),
  }),
);

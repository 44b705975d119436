// Step Functions task: the application enters assessment (SUBMITTED → ASSESSING).

import { markAssessing } from '../core/applications/intake';
import type { AppDeps } from '../shared/deps';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'clock' | 'logger'>;

export interface PipelinePayload {
  applicationId: string;
  executionName?: string;
  correlationId?: string;
}

export function createHandler(deps: Deps) {
  return async (payload: PipelinePayload): Promise<{ status: string }> => {
    appendTaskKeys(deps.logger, payload);
    const result = await markAssessing(deps, payload.applicationId);
    deps.logger.info('assessment step', { status: result.status, changed: result.changed });
    return { status: result.status };
  };
}

export const handler = lazyHandler((): ((payload: PipelinePayload, context: unknown) => Promise<{ status: string }>) =>
  createHandler({ applications: production.applications(), clock: production.clock(), logger: production.logger() }),
);

// Step Functions catch-all: the application becomes FAILED and operations are alerted; nothing is silently lost.

import { recordPipelineFailure } from '../core/applications/intake';
import type { AppDeps } from '../shared/deps';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'notifier' | 'clock' | 'logger'>;

export interface FailurePayload {
  applicationId: string;
  executionName?: string;
  correlationId?: string;
  error?: { Error?: string; Cause?: string };
}

export function createHandler(deps: Deps) {
  return async (payload: FailurePayload): Promise<{ status: string }> => {
    appendTaskKeys(deps.logger, payload);
    const result = await recordPipelineFailure(deps, payload);
    deps.logger.error('pipeline step failed', { error: payload.error?.Error, status: result.status });
    return { status: result.status };
  };
}

export const handler = lazyHandler((): ((payload: FailurePayload, context: unknown) => Promise<{ status: string }>) =>
  createHandler({ applications: production.applications(), notifier: production.notifier(), clock: production.clock(), logger: production.logger() }),
);

// Step Functions catch-all: the application becomes FAILED and operations are alerted; nothing is silently lost (an
// applicant whose payout failed after acceptance is told). Also the payout's delay (`step: payout-delayed`): never
// FAILED while the money may have moved; operations and the applicant are told once.

import { recordPayoutDelay, recordPipelineFailure } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  notifier: production.notifier('ops', 'applicant'),
  pii: production.pii,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export interface FailurePayload {
  /** `payout-delayed`: the payout's outcome is still unknown after its retries (the application stays ACCEPTED). */
  step?: 'failed' | 'payout-delayed';
  applicationId: string;
  executionName?: string;
  correlationId?: string;
  error?: { Error?: string; Cause?: string };
}

export function createHandler(deps: Deps) {
  return async (payload: FailurePayload): Promise<{ status: string }> => {
    appendTaskKeys(deps.logger, payload);
    if (payload.step === 'payout-delayed') {
      const result = await recordPayoutDelay(deps, payload);
      deps.logger.error('payout outcome unknown after retries; retrying later', { error: payload.error?.Error, status: result.status, alerted: result.alerted });
      return { status: result.status };
    }
    const result = await recordPipelineFailure(deps, payload);
    deps.logger.error('pipeline step failed', { error: payload.error?.Error, status: result.status });
    return { status: result.status };
  };
}

export const handler = lazyHandler((): ((payload: FailurePayload, context: unknown) => Promise<{ status: string }>) => createHandler(definition.wire()));

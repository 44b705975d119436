// Step Functions tasks of the Contract step. One Lambda, two payload kinds:
//
// - `{applicationId, taskToken, executionName?}` (the default `step: 'prepare'`), invoked with
//   `lambda:invoke.waitForTaskToken`: records the token on the application (the contract was made with the approval,
//   decide.ts); the pipeline then waits until the applicant's acceptance answers the token with
//   `{accepted: true, acceptedAt, contractId, sha256, channel}`. An application no longer APPROVED is answered at once
//   with `{accepted: false, status}`; one already ACCEPTED with its acceptance.
// - `{step: 'expire-offer', applicationId, executionName?}` (a plain invocation, after the wait timed out):
//   → `{status, changed}`: EXPIRED when the offer has expired by the clock; APPROVED when it has not (wait again);
//   ACCEPTED when the applicant accepted meanwhile (go on to disburse).

import { expireOffer, prepareContract, type PrepareContractResult } from '../core/contracting/contracting';
import type { ApplicationStatus } from '../core/applications/lifecycle';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  notifier: production.notifier('applicant'),
  pii: production.pii,
  clock: production.clock,
  taskTokens: production.taskTokens,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export type PrepareContractPayload =
  | { step?: 'prepare'; applicationId: string; taskToken: string; executionName?: string; correlationId?: string }
  | { step: 'expire-offer'; applicationId: string; executionName?: string; correlationId?: string };

export type PrepareContractOutput = PrepareContractResult | { status: ApplicationStatus; changed: boolean };

export function createHandler(deps: Deps) {
  return async (payload: PrepareContractPayload): Promise<PrepareContractOutput> => {
    appendTaskKeys(deps.logger, payload);
    if (payload.step === 'expire-offer') {
      const result = await expireOffer(deps, { applicationId: payload.applicationId });
      deps.logger.info('offer expiry checked', { status: result.status, changed: result.changed });
      return result;
    }
    const result = await prepareContract(deps, { applicationId: payload.applicationId, taskToken: payload.taskToken });
    deps.logger.info('contract step', {
      outcome: result.outcome,
      status: result.status,
      ...(result.outcome !== 'not_approved' ? { contractId: result.contractId } : {}),
    });
    return result;
  };
}

export const handler = lazyHandler((): ((payload: PrepareContractPayload, context: unknown) => Promise<PrepareContractOutput>) => createHandler(definition.wire()));

// Step Functions task: pay out the accepted loan exactly once (the loan id is the transfer's idempotency key), open
// the loan with the contract's schedule, tell the applicant.

import { disburseApplication } from '../core/contracting/disbursement';
import type { ApplicationStatus } from '../core/applications/lifecycle';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { majorUnits, publishingMetrics } from '../shared/metrics';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  coreBanking: production.coreBanking,
  notifier: production.notifier('applicant'),
  pii: production.pii,
  clock: production.clock,
  logger: production.logger,
  settings: production.settings,
  metrics: production.metrics,
});

type Deps = DepsOf<typeof definition>;

export interface DisbursePayload {
  applicationId: string;
  executionName?: string;
  correlationId?: string;
}

export function createHandler(deps: Deps) {
  return (payload: DisbursePayload): Promise<{ status: ApplicationStatus; loanId: string | null }> => publishingMetrics(deps, async () => {
    appendTaskKeys(deps.logger, payload);
    const result = await disburseApplication(deps, payload.applicationId, {
      // Once per loan: a retried step finds the application DISBURSED and records nothing.
      onDisbursed: ({ principalMinor, currency }) => {
        deps.metrics.count('LoansDisbursed');
        deps.metrics.gauge('DisbursedAmount', majorUnits(principalMinor, currency), 'None');
      },
    });
    deps.logger.info('disbursement step', { status: result.status, loanId: result.loanId });
    return result;
  });
}

export const handler = lazyHandler((): ((payload: DisbursePayload, context: unknown) => Promise<{ status: ApplicationStatus; loanId: string | null }>) => createHandler(definition.wire()));

// Step Functions task: pay out the accepted loan exactly once (the loan id is the transfer's idempotency key), open
// the loan with the contract's schedule, tell the applicant.

import { disburseApplication } from '../core/disbursement';
import type { ApplicationStatus } from '../core/lifecycle';
import type { AppDeps } from '../shared/deps';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'coreBanking' | 'loans' | 'policies' | 'products' | 'notifier' | 'pii' | 'clock' | 'logger'>;

export interface DisbursePayload {
  applicationId: string;
  executionName?: string;
}

export function createHandler(deps: Deps) {
  return async (payload: DisbursePayload): Promise<{ status: ApplicationStatus; loanId: string | null }> => {
    deps.logger.appendKeys({ applicationId: payload.applicationId, executionName: payload.executionName });
    const result = await disburseApplication(deps, payload.applicationId);
    deps.logger.info('disbursement step', { status: result.status, loanId: result.loanId });
    return result;
  };
}

export const handler = lazyHandler((): ((payload: DisbursePayload, context: unknown) => Promise<{ status: ApplicationStatus; loanId: string | null }>) =>
  createHandler({
    applications: production.applications(),
    coreBanking: production.coreBanking(),
    loans: production.loans(),
    policies: production.policies(),
    products: production.products(),
    notifier: production.notifier(),
    pii: production.pii(),
    clock: production.clock(),
    logger: production.logger(),
  }),
);

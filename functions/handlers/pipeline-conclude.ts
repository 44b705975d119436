// Step Functions tasks after review: conclude (approved after the last level, declined by a reviewer, expired) and
// request-info (tell the applicant what the reviewer needs). One Lambda, two payload kinds.

import { concludeReview, requestMoreInformation, type ConcludeOutcome } from '../core/decide';
import type { ReviewTaskOutput } from '../core/reviews';
import type { AppDeps } from '../shared/deps';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'policies' | 'products' | 'notifier' | 'pii' | 'clock' | 'logger'>;

export type ConcludePayload =
  | { step: 'conclude'; applicationId: string; outcome: ConcludeOutcome; review?: ReviewTaskOutput; executionName?: string }
  | { step: 'request-info'; applicationId: string; review: ReviewTaskOutput; executionName?: string };

export function createHandler(deps: Deps) {
  return async (payload: ConcludePayload): Promise<{ status: string }> => {
    deps.logger.appendKeys({ applicationId: payload.applicationId, executionName: payload.executionName });
    const result =
      payload.step === 'request-info'
        ? await requestMoreInformation(deps, payload)
        : await concludeReview(deps, { applicationId: payload.applicationId, outcome: payload.outcome, ...(payload.review ? { review: payload.review } : {}) });
    deps.logger.info(`review step ${payload.step}`, { status: result.status });
    return result;
  };
}

export const handler = lazyHandler((): ((payload: ConcludePayload, context: unknown) => Promise<{ status: string }>) =>
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

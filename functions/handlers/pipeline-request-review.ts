// Step Functions task (`lambda:invoke.waitForTaskToken`): choose the level's reviewer, store the review with the
// pipeline's task token, record the assignment and email the signed link. The pipeline then waits until the
// reviewer's decision (SendTaskSuccess) or the SLA check's expiry (SendTaskFailure ReviewExpired) answers the token.
// NoReviewerAvailableError (no eligible active reviewer) is caught by the state machine: FAILED and an ops alert.

import { requestReview, type RequestReviewInput } from '../core/review/review-service';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { appendTaskKeys } from '../shared/logger';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  clock: production.clock,
  ids: production.ids,
  applications: production.applications,
  reviewers: production.reviewers,
  reviews: production.reviews,
  notifier: production.notifier('review'),
  reviewLinks: production.reviewLinks,
  // A decision made while no task waited (a restart) answers the new token at once.
  taskTokens: production.taskTokens,
  policies: production.policyReader,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export type RequestReviewPayload = RequestReviewInput & { correlationId?: string };

export function createHandler(deps: Deps) {
  return async (payload: RequestReviewPayload): Promise<{ reviewId: string }> => {
    appendTaskKeys(deps.logger, payload, { reviewLevel: String(payload.level) });
    const result = await requestReview(deps, payload);
    deps.logger.info('review requested', { reviewId: result.reviewId, reviewerId: result.reviewerId, round: result.round, created: result.created, answered: result.answered });
    return { reviewId: result.reviewId };
  };
}

export const handler = lazyHandler((): ((payload: RequestReviewPayload, context: unknown) => Promise<{ reviewId: string }>) => createHandler(definition.wire()));

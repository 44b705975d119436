// GET /v1/reviewers and POST /v1/reviewers (admin): reviewers `{email, name, level, language?}`. Adding one subscribes
// their email to the review topic with a filter policy on their reviewerId, so they receive only their own reviews.

import { addReviewer, reviewerView } from '../core/review/review-service';
import { newReviewerSchema } from '../core/review/review-schemas';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, parseBody, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import type { ReviewerPageBody } from '../shared/response-schemas';

export const definition = defineFunction({
  reviewers: production.reviewers,
  subscriptions: production.subscriptions,
  ids: production.ids,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    requireRole(principalOf(event), 'admin');
    if (event.requestContext.http.method === 'GET') {
      const reviewers = await deps.reviewers.list();
      return json(200, { items: reviewers.map(reviewerView), nextCursor: null } satisfies ReviewerPageBody);
    }
    const input = parseBody(event, newReviewerSchema);
    const { reviewer, created } = await addReviewer(deps, input);
    deps.logger.info(created ? 'reviewer added' : 'reviewer subscription completed', { reviewerId: reviewer.reviewerId, reviewLevel: reviewer.level });
    return json(created ? 201 : 200, reviewerView(reviewer), { location: `/v1/reviewers/${reviewer.reviewerId}` });
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

// GET /v1/reviews?status=PENDING: the staff queue of pending reviews, the most urgent first (roles reviewer, ops,
// admin). No task tokens and no links: the link is the assigned reviewer's credential and only travels by email.

import { listReviewQueue } from '../core/review/review-service';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { BadRequestError, httpHandler, json, pageParams, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  reviews: production.reviewReader,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    requireRole(principalOf(event), 'reviewer', 'ops', 'admin');
    const status = event.queryStringParameters?.status ?? 'PENDING';
    if (status !== 'PENDING') throw new BadRequestError('status must be PENDING (the queue lists pending reviews)', [{ path: 'status', message: 'must be PENDING' }]);
    return json(200, await listReviewQueue(deps, pageParams(event)));
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

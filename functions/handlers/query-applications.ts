// GET /v1/applications and GET /v1/applications/{applicationId}. Applicants see their own; staff see all.

import { getApplicationView, listApplications } from '../core/applications/intake';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../core/applications/lifecycle';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { BadRequestError, httpHandler, isStaff, json, pageParams, pathParam, principalOf, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applicationReader,
  reviews: production.reviewReader,
  contracts: production.contractLinks,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const caller = { subject: principal.subject, isStaff: isStaff(principal) };
    if (event.pathParameters?.applicationId !== undefined) {
      const applicationId = pathParam(event, 'applicationId');
      return json(200, await getApplicationView(deps, caller, applicationId));
    }
    const status = event.queryStringParameters?.status;
    if (status !== undefined && !(APPLICATION_STATUSES as readonly string[]).includes(status)) {
      throw new BadRequestError(`status must be one of ${APPLICATION_STATUSES.join(', ')}`, [{ path: 'status', message: 'is not a known status' }]);
    }
    const page = await listApplications(deps, caller, { ...pageParams(event), ...(status ? { status: status as ApplicationStatus } : {}) });
    return json(200, page);
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

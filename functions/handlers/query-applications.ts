// GET /v1/applications and GET /v1/applications/{applicationId}. Applicants see their own; staff see all.

import { getApplicationView, listApplications } from '../core/applications/intake';
import { APPLICATION_STATUSES, type ApplicationStatus } from '../core/applications/lifecycle';
import type { AppDeps } from '../shared/deps';
import { BadRequestError, httpHandler, isStaff, json, pageParams, pathParam, principalOf, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'reviews' | 'logger'> & Partial<Pick<AppDeps, 'contracts'>>;

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

export const handler = lazyHandler(() =>
  createHandler({
    applications: production.applications(),
    reviews: production.reviews(),
    // The contract link needs the documents bucket (and s3:GetObject on contracts/*); without it the view omits the URL.
    ...(production.config().DOCUMENTS_BUCKET ? { contracts: production.contracts() } : {}),
    logger: production.logger(),
  }),
);

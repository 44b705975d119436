// POST /v1/applications/{applicationId}/redrive (role ops) — continue a FAILED or stuck application from where it
// stands: a new pipeline execution whose entry routes on the stored status. 200 `{applicationId, status,
// executionName, from}`; 409 for a final application (or a concurrent re-drive); audited as `application.redriven`.

import { redriveApplication } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, pathParam, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  workflow: production.pipelineExecutions,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    requireRole(principal, 'ops');
    const applicationId = pathParam(event, 'applicationId');
    const result = await redriveApplication(deps, { subject: principal.subject }, applicationId, event.requestContext.requestId);
    deps.logger.info('application re-driven', { applicationId, from: result.from, status: result.status, executionName: result.executionName });
    return json(200, result);
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

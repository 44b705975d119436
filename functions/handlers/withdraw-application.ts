// POST /v1/applications/{applicationId}/withdraw — the applicant withdraws before ACCEPTED; the pipeline is stopped.

import { withdrawApplication } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, pathParam, principalOf, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  applications: production.applications,
  workflow: production.pipelineStops,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const applicationId = pathParam(event, 'applicationId');
    const view = await withdrawApplication(deps, { subject: principal.subject, isStaff: false }, applicationId);
    deps.logger.info('application withdrawn', { applicationId });
    return json(200, view);
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

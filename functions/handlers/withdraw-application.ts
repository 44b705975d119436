// POST /v1/applications/{applicationId}/withdraw — the applicant withdraws before ACCEPTED; the pipeline is stopped.

import { withdrawApplication } from '../core/applications/intake';
import type { AppDeps } from '../shared/deps';
import { httpHandler, json, pathParam, principalOf, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'workflow' | 'clock' | 'logger'>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const applicationId = pathParam(event, 'applicationId');
    const view = await withdrawApplication(deps, { subject: principal.subject, isStaff: false }, applicationId);
    deps.logger.info('application withdrawn', { applicationId });
    return json(200, view);
  });
}

export const handler = lazyHandler(() =>
  createHandler({ applications: production.applications(), workflow: production.workflow(), clock: production.clock(), logger: production.logger() }),
);

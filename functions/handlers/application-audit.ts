// GET /v1/applications/{applicationId}/audit (ops, admin): the hash-chained audit trail and whether it verifies.

import { verifyChain } from '../core/audit';
import { NotFoundError } from '../core/errors';
import type { AppDeps } from '../shared/deps';
import { httpHandler, json, pathParam, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

type Deps = Pick<AppDeps, 'applications' | 'logger'>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    requireRole(principalOf(event), 'ops', 'admin');
    const applicationId = pathParam(event, 'applicationId');
    const application = await deps.applications.get(applicationId);
    if (!application) throw new NotFoundError(`no application ${applicationId}`);
    const events = await deps.applications.listAudit(applicationId);
    // The chain must also end where the application says it does: a deleted last event would otherwise go unseen.
    const verified = verifyChain(events) && events.length === application.auditHead.seq && (events.at(-1)?.hash ?? '') === application.auditHead.hash;
    return json(200, { applicationId, events, verified });
  });
}

export const handler = lazyHandler(() => createHandler({ applications: production.applications(), logger: production.logger() }));

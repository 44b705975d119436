// GET /v1/applications/{applicationId}/audit (ops, admin): the hash-chained audit trail and whether it verifies.

import { verifyChain } from '../core/kernel/audit';
import { NotFoundError } from '../core/kernel/errors';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, pathParam, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import type { AuditTrailBody } from '../shared/response-schemas';

export const definition = defineFunction({
  applications: production.applicationReader,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    requireRole(principalOf(event), 'ops', 'admin');
    const applicationId = pathParam(event, 'applicationId');
    const application = await deps.applications.get(applicationId);
    if (!application) throw new NotFoundError(`no application ${applicationId}`);
    // Read after the application, the events include at least those its head points at (the pipeline may append
    // more meanwhile). The chain must reach that head: a deleted last event would otherwise go unseen.
    const events = await deps.applications.listAudit(applicationId);
    const { seq, hash } = application.auditHead;
    const verified = verifyChain(events) && events.length >= seq && events[seq - 1]?.hash === hash;
    return json(200, { applicationId, events, verified } satisfies AuditTrailBody);
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

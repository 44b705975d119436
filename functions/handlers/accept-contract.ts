// POST /v1/applications/{applicationId}/contract/accept — the applicant accepts the offered contract by its SHA-256
// (`{contractSha256, disbursementAccount?}`); the channel comes from the X-Channel header (web, app, partner, branch),
// `api` when absent. 200 `{applicationId, status, acceptance}`; a repeated acceptance answers the same with the header
// `idempotent-replayed: true`. See functions/core/contracting/contracting.ts for every rule.

import { acceptanceChannel, acceptContract, CHANNEL_HEADER, contractAcceptanceSchema } from '../core/contracting/contracting';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { header, httpHandler, json, parseBody, pathParam, principalOf, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import type { ContractAcceptedBody } from '../shared/response-schemas';

export const definition = defineFunction({
  applications: production.applications,
  taskTokens: production.taskTokens,
  pii: production.pii,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const applicationId = pathParam(event, 'applicationId');
    const request = parseBody(event, contractAcceptanceSchema);
    const channel = acceptanceChannel(header(event, CHANNEL_HEADER));
    const result = await acceptContract(deps, { subject: principal.subject, isStaff: false }, applicationId, request, channel);
    deps.logger.info(result.replayed ? 'contract acceptance repeated' : 'contract accepted', {
      applicationId,
      contractId: result.acceptance.contractId,
      channel,
      status: result.status,
      delivery: result.delivery,
    });
    return json(200, { applicationId: result.applicationId, status: result.status, acceptance: result.acceptance } satisfies ContractAcceptedBody, result.replayed ? { 'idempotent-replayed': 'true' } : {});
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

// GET /v1/policy (admin: the current decision policy; `?version=n` a past one) and PUT /v1/policy (admin: publish a
// new version; the body is the policy without version, createdAt and createdBy). Old versions are never edited.

import { ConcurrentModificationError, NotFoundError } from '../core/kernel/errors';
import { policyDraftSchema, type Policy } from '../core/decisioning/policy';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { BadRequestError, httpHandler, json, parseBody, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  policies: production.policies,
  clock: production.clock,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;
/** The stored policy with its fields in the documented order (DynamoDB does not keep the order of attributes). */
function toPolicyView(policy: Policy): Policy {
  return {
    version: policy.version,
    createdAt: policy.createdAt,
    createdBy: policy.createdBy,
    description: policy.description,
    knockOuts: policy.knockOuts,
    bureauRules: policy.bureauRules,
    statementRules: policy.statementRules,
    bands: policy.bands,
    declineBands: policy.declineBands,
    autoApprove: policy.autoApprove,
    reviewRouting: policy.reviewRouting,
    pricing: policy.pricing,
    offerValidDays: policy.offerValidDays,
    sla: policy.sla,
    earlyWarning: policy.earlyWarning,
  };
}

function versionParam(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d{0,9}$/.test(raw)) {
    throw new BadRequestError('version must be a whole number from 1', [{ path: 'version', message: 'must be a whole number from 1' }]);
  }
  return Number(raw);
}

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    requireRole(principal, 'admin');
    if (event.requestContext.http.method === 'GET') {
      const version = versionParam(event.queryStringParameters?.version);
      const policy = version === undefined ? await deps.policies.current() : await deps.policies.get(version);
      if (!policy) throw new NotFoundError(`no policy version ${version}`);
      return json(200, toPolicyView(policy));
    }
    const draft = parseBody(event, policyDraftSchema);
    const publish = () => deps.policies.publish(draft, principal.subject, deps.clock.now().toISOString());
    let policy: Policy;
    try {
      policy = await publish();
    } catch (error) {
      // Another admin published meanwhile: this PUT replaces the whole policy, so it becomes the next version. A
      // second collision is a 409.
      if (!(error instanceof ConcurrentModificationError)) throw error;
      policy = await publish();
    }
    deps.logger.info('policy published', { version: policy.version, by: principal.subject });
    return json(201, toPolicyView(policy), { location: `/v1/policy?version=${policy.version}` });
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

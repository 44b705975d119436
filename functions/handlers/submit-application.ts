// POST /v1/applications — validate everything at once, honour Idempotency-Key, store, start the pipeline.

import { applicationSubmissionSchema, productProblems } from '../core/applications/application-schema';
import { ConcurrentModificationError } from '../core/kernel/errors';
import { replayIdempotent, requestHash, submitApplication, type StoredResponse } from '../core/applications/intake';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { BadRequestError, header, httpHandler, isStaff, json, principalOf, readJson, validate, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import { IDEMPOTENCY_KEY_PATTERN } from '../shared/headers';

export const definition = defineFunction({
  clock: production.clock,
  ids: production.ids,
  applications: production.applications,
  idempotency: production.idempotency,
  products: production.productCatalog,
  workflow: production.pipelineStarts,
  pii: production.pii,
  logger: production.logger,
  settings: production.settings,
  metrics: production.metrics,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    const caller = { subject: principal.subject, isStaff: isStaff(principal) };
    const key = header(event, 'idempotency-key');
    if (!key || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new BadRequestError('the Idempotency-Key header is required: 8–128 letters, digits or _ . : -', [
        { path: 'Idempotency-Key', message: key ? 'must be 8–128 letters, digits or _ . : -' : 'is required' },
      ]);
    }
    const raw = readJson(event);
    const hash = requestHash(raw);
    // The API request id goes into the pipeline's input: every task logs it as its correlation id.
    const correlationId = event.requestContext?.requestId;
    const replay = await replayIdempotent(deps, caller, key, hash, correlationId);
    if (replay) return respond(replay);

    const rawProductId = (raw as { productId?: unknown } | null)?.productId;
    const product = typeof rawProductId === 'string' && /^[a-z0-9-]{1,64}$/.test(rawProductId) ? await deps.products.get(rawProductId) : undefined;
    const submission = validate(raw, applicationSubmissionSchema, (body) => productProblems(body, product));

    try {
      const stored = await submitApplication(deps, { caller, idempotencyKey: key, requestHash: hash, submission, product: product!, ...(correlationId ? { correlationId } : {}) }, {
        // A new application only: replays (above, and after a lost race below) never get here.
        onStored: ({ productId, channel }) => deps.metrics.count('ApplicationsSubmitted', 1, { product: productId, channel }),
      });
      deps.logger.info('application submitted', { applicationId: (stored.body as { applicationId: string }).applicationId, productId: product!.productId });
      return respond(stored);
    } catch (error) {
      // A concurrent request with the same key won the race: answer with its response.
      if (error instanceof ConcurrentModificationError) {
        const winner = await replayIdempotent(deps, caller, key, hash, correlationId);
        if (winner) return respond(winner);
      }
      throw error;
    }
  }, { metrics: deps.metrics });
}

function respond(stored: StoredResponse) {
  const body = stored.body as { links?: { self?: string } };
  return json(stored.statusCode, stored.body, {
    ...(body.links?.self ? { location: body.links.self } : {}),
    ...(stored.replayed ? { 'idempotent-replayed': 'true' } : {}),
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

// GET /openapi.json — no login needed.

import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, type HttpHandler } from '../shared/http';
import { buildOpenApiDocument } from '../shared/openapi';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  const document = buildOpenApiDocument();
  return httpHandler(deps.logger, async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

// GET /openapi.json — no login needed.

import type { AppDeps } from '../shared/deps';
import { httpHandler, json, type HttpHandler } from '../shared/http';
import { buildOpenApiDocument } from '../shared/openapi';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export function createHandler(deps: Pick<AppDeps, 'logger'>): HttpHandler {
  const document = buildOpenApiDocument();
  return httpHandler(deps.logger, async () => json(200, document, { 'cache-control': 'public, max-age=300' }));
}

export const handler = lazyHandler(() => createHandler({ logger: production.logger() }));

// POST /v1/quotes — the public loan calculator (API.md), no login: the schedule and APR a loan with these terms would
// get. Every problem of the body at once (422 naming each field); the input is bounded so no request can be slow.

import { PRODUCT_ID_PATTERN, quote, quoteProblems, quoteRequestSchema } from '../core/lending-math/quote';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, readJson, validate, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  products: production.productCatalog,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const raw = readJson(event);
    const productId = (raw as { productId?: unknown } | null)?.productId;
    const product = typeof productId === 'string' && PRODUCT_ID_PATTERN.test(productId) ? await deps.products.get(productId) : undefined;
    const request = validate(raw, quoteRequestSchema, (body) => quoteProblems(body, product));
    return json(200, quote(request, product));
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

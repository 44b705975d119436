// GET /v1/products (any signed-in user: applicants' apps show the bounds) and POST /v1/products (admin: create or
// replace a product).

import { productFromInput, productSchema, toProductView } from '../core/applications/application-schema';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { httpHandler, json, parseBody, principalOf, requireRole, type HttpHandler } from '../shared/http';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';
import type { ProductPageBody } from '../shared/response-schemas';

export const definition = defineFunction({
  products: production.products,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps): HttpHandler {
  return httpHandler(deps.logger, async (event) => {
    const principal = principalOf(event);
    if (event.requestContext.http.method === 'GET') {
      const products = await deps.products.list();
      return json(200, { items: products.map(toProductView).sort((a, b) => a.productId.localeCompare(b.productId)), nextCursor: null } satisfies ProductPageBody);
    }
    requireRole(principal, 'admin');
    const product = productFromInput(parseBody(event, productSchema));
    const existed = (await deps.products.get(product.productId)) !== undefined;
    await deps.products.put(product);
    deps.logger.info(existed ? 'product replaced' : 'product created', { productId: product.productId });
    return json(existed ? 200 : 201, toProductView(product), { location: `/v1/products/${product.productId}` });
  });
}

export const handler = lazyHandler(() => createHandler(definition.wire()));

// CloudFormation custom resource: seeds the default products and the default decision policy (version 1) (PRODUCT.md
// §3) when the stack is created or updated. Products an admin has edited, and policy versions, are never overwritten.

import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { DEFAULT_PRODUCTS } from '../core/applications/products';
import { DEFAULT_POLICY } from '../core/decisioning/policy';
import { defineFunction, type DepsOf } from '../shared/function-definition';
import { lazyHandler } from '../shared/production';
import * as production from '../shared/production';

export const definition = defineFunction({
  products: production.products,
  policies: production.policies,
  logger: production.logger,
});

type Deps = DepsOf<typeof definition>;

export function createHandler(deps: Deps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<{ PhysicalResourceId: string; Data: { added: number } }> => {
    const added = event.RequestType === 'Delete' ? 0 : await deps.products.seed(DEFAULT_PRODUCTS);
    const policySeeded = event.RequestType === 'Delete' ? false : await deps.policies.seed(DEFAULT_POLICY);
    deps.logger.info('default products seeded', { requestType: event.RequestType, added, policySeeded });
    return { PhysicalResourceId: 'default-products', Data: { added } };
  };
}

export const handler = lazyHandler((): ((event: CloudFormationCustomResourceEvent, context: unknown) => Promise<{ PhysicalResourceId: string; Data: { added: number } }>) => createHandler(definition.wire()));

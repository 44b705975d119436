import { createHandler } from '../../../functions/handlers/products';
import { createHandler as createOpenApi } from '../../../functions/handlers/openapi';
import { createHandler as createSeed } from '../../../functions/handlers/seed-products';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { productBody } from '../../support/applications';

const product = productBody({
  documentChecklist: [{ kind: 'proof_of_income', above: { amount: '10000.00', currency: 'CNY' } }],
});

const post = (deps: ReturnType<typeof fakeDeps>, body: unknown, roles: string[]) =>
  createHandler(deps)(httpEvent({ method: 'POST', routePath: '/v1/products', sub: 'someone', roles, body }), lambdaContext);

describe('products', () => {
  it('lists the seeded default products with amounts as money', async () => {
    const deps = fakeDeps();
    const result = await createHandler(deps)(httpEvent({ method: 'GET', routePath: '/v1/products', sub: 'alice' }), lambdaContext);
    const items = parse(result).items;
    expect(items.map((p: { productId: string }) => p.productId)).toEqual(['agricultural', 'micro-business', 'personal-consumer']);
    expect(items[2]).toMatchObject({ minAmount: { amount: '1000.00', currency: 'CNY' }, maxAmount: { amount: '200000.00', currency: 'CNY' }, minTermMonths: 3, maxTermMonths: 36 });
  });

  it('lets an admin create (201) and then replace (200) a product', async () => {
    const deps = fakeDeps();
    expect((await post(deps, product, ['admin'])).statusCode).toBe(201);
    const replaced = await post(deps, { ...product, maxTermMonths: 36 }, ['admin']);
    expect(replaced.statusCode).toBe(200);
    expect(deps.products.products.get('green-energy')).toMatchObject({ maxTermMonths: 36, minAmountMinor: 200_000, documentChecklist: [{ kind: 'proof_of_income', aboveMinor: 1_000_000 }] });
  });

  it('refuses anyone but an admin with 403', async () => {
    const deps = fakeDeps();
    expect((await post(deps, product, ['ops'])).statusCode).toBe(403);
    expect((await post(deps, product, [])).statusCode).toBe(403);
    expect(deps.products.products.has('green-energy')).toBe(false);
  });

  it('seeds the defaults without overwriting an edited product', async () => {
    const deps = fakeDeps();
    deps.products.products.get('agricultural')!.maxTermMonths = 30;
    deps.products.products.delete('micro-business');
    const result = await createSeed(deps)({ RequestType: 'Create' } as never);
    expect(result.Data.added).toBe(1);
    expect(deps.products.products.get('agricultural')!.maxTermMonths).toBe(30);
  });
});

describe('GET /openapi.json', () => {
  it('publishes every route and the request schemas generated from the validators', async () => {
    const result = await createOpenApi(fakeDeps())(httpEvent({ method: 'GET', routePath: '/openapi.json' }), lambdaContext);
    const document = parse(result);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/applications', '/v1/applications/{applicationId}/withdraw', '/v1/products']));
    const submission = document.components.schemas.ApplicationSubmission;
    expect(submission.properties.channel.enum).toEqual(['web', 'app', 'partner', 'branch']);
    expect(submission.additionalProperties).toBe(false);
  });
});

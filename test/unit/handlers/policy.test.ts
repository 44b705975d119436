import { createHandler } from '../../../functions/handlers/policy';
import { createHandler as createSeed } from '../../../functions/handlers/seed-products';
import { DEFAULT_POLICY, DEFAULT_POLICY_DRAFT } from '../../../functions/core/decisioning/policy';
import { API_ROUTES } from '../../../functions/shared/routes';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';

type Deps = ReturnType<typeof fakeDeps>;

const get = (deps: Deps, roles: string[], query?: Record<string, string>) =>
  createHandler(deps)(httpEvent({ method: 'GET', routePath: '/v1/policy', sub: 'ada', roles, ...(query ? { query } : {}) }), lambdaContext);

const put = (deps: Deps, body: unknown, roles: string[] = ['admin']) =>
  createHandler(deps)(httpEvent({ method: 'PUT', routePath: '/v1/policy', sub: 'ada', roles, body }), lambdaContext);

/** Version 1 with band A auto-approving up to 30,000 instead of 20,000. */
const draftV2 = () => {
  const draft = structuredClone(DEFAULT_POLICY_DRAFT);
  draft.description = 'Auto-approve band A up to 30,000';
  draft.autoApprove = [{ id: 'AUTO_APPROVE_A_UP_TO_30000', bands: ['A'], maxAmount: { amount: '30000.00', currency: 'CNY' } }];
  return draft;
};

describe('/v1/policy', () => {
  it('is served by the policy handler for signed-in users (the handler checks the role)', () => {
    expect(API_ROUTES.filter((route) => route.path === '/v1/policy')).toEqual([
      expect.objectContaining({ method: 'GET', path: '/v1/policy', handler: 'policy', auth: 'user' }),
      expect.objectContaining({ method: 'PUT', path: '/v1/policy', handler: 'policy', auth: 'user' }),
    ]);
  });

  it('shows an admin the current policy: version 1, the default, at first', async () => {
    const result = await get(fakeDeps(), ['admin']);
    expect(result.statusCode).toBe(200);
    expect(parse(result)).toEqual(DEFAULT_POLICY);
    expect(Object.keys(parse(result)).slice(0, 4)).toEqual(['version', 'createdAt', 'createdBy', 'description']);
  });

  it('refuses anyone but an admin with 403, reading or writing', async () => {
    const deps = fakeDeps();
    for (const roles of [[], ['ops'], ['reviewer'], ['applicant']]) {
      expect((await get(deps, roles)).statusCode).toBe(403);
      expect((await put(deps, draftV2(), roles)).statusCode).toBe(403);
    }
    expect((await put(deps, { nonsense: true }, ['ops'])).statusCode).toBe(403);
    expect([...deps.policies.versions.keys()]).toEqual([1]);
  });

  it('publishes a PUT as version 2 (201, location), makes it current, and keeps version 1 as it was', async () => {
    const deps = fakeDeps();
    const created = await put(deps, draftV2());
    expect(created.statusCode).toBe(201);
    expect(created.headers?.location).toBe('/v1/policy?version=2');
    expect(parse(created)).toEqual({ version: 2, createdAt: '2026-11-29T08:00:00.000Z', createdBy: 'ada', ...draftV2() });

    expect(parse(await get(deps, ['admin']))).toMatchObject({ version: 2, autoApprove: [{ id: 'AUTO_APPROVE_A_UP_TO_30000' }] });
    expect(parse(await get(deps, ['admin'], { version: '2' })).version).toBe(2);
    expect(parse(await get(deps, ['admin'], { version: '1' }))).toEqual(DEFAULT_POLICY);
    expect(await deps.policies.list()).toEqual([
      { version: 2, createdAt: '2026-11-29T08:00:00.000Z', createdBy: 'ada', description: 'Auto-approve band A up to 30,000' },
      { version: 1, createdAt: DEFAULT_POLICY.createdAt, createdBy: 'system', description: DEFAULT_POLICY.description },
    ]);
  });

  it('refuses an invalid policy with 422 listing every problem with its path, and stores nothing', async () => {
    const deps = fakeDeps();
    const body = structuredClone(DEFAULT_POLICY_DRAFT) as any;
    body.version = 5;
    body.bands = [{ band: 'B', minScore: 660 }, { band: 'A', minScore: 720 }, { band: 'C', minScore: 600 }, { band: 'D', minScore: 300 }];
    body.autoApprove[0].maxAmount.amount = 20000;
    const result = await put(deps, body);
    expect(result.statusCode).toBe(422);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(parse(result).errors).toEqual(
      expect.arrayContaining([
        { path: 'version', message: 'is not a known field' },
        { path: 'bands[1].minScore', message: expect.stringMatching(/must be below/) },
        { path: 'autoApprove[0].maxAmount.amount', message: 'must be a decimal string such as "12000.00", not a number' },
      ]),
    );
    expect([...deps.policies.versions.keys()]).toEqual([1]);
  });

  it('publishes edited bureau rules, and refuses a bad one with 422 naming the field, storing nothing', async () => {
    const deps = fakeDeps();
    const edited = structuredClone(DEFAULT_POLICY_DRAFT) as any;
    edited.description = 'Refer 90+ days late to review instead of declining';
    edited.bureauRules[0].action = 'REVIEW';
    const created = await put(deps, edited);
    expect(created.statusCode).toBe(201);
    expect(parse(created).bureauRules[0]).toMatchObject({ id: 'BUREAU_DPD_90_24M', action: 'REVIEW', atLeast: 90 });
    expect((await deps.policies.current()).bureauRules[0]?.action).toBe('REVIEW');

    const bad = structuredClone(DEFAULT_POLICY_DRAFT) as any;
    bad.bureauRules[2].atLeast = -5;
    bad.bureauRules[5].atLeast = 95;
    bad.bureauRules[3].action = 'IGNORE';
    const result = await put(deps, bad);
    expect(result.statusCode).toBe(422);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(parse(result).errors).toEqual(
      expect.arrayContaining([
        { path: 'bureauRules[2].atLeast', message: 'must be at least 1' },
        { path: 'bureauRules[5].atLeast', message: 'must be at most 10' },
        { path: 'bureauRules[3].action', message: 'must be DECLINE or REVIEW' },
      ]),
    );
    expect([...deps.policies.versions.keys()]).toEqual([1, 2]);
  });

  it('answers 404 for a version that does not exist and 400 for one that is not a number', async () => {
    const deps = fakeDeps();
    expect((await get(deps, ['admin'], { version: '9' })).statusCode).toBe(404);
    const bad = await get(deps, ['admin'], { version: 'latest' });
    expect(bad.statusCode).toBe(400);
    expect(parse(bad).errors).toEqual([{ path: 'version', message: 'must be a whole number from 1' }]);
    expect((await get(deps, ['admin'], { version: '0' })).statusCode).toBe(400);
  });

  it('answers 404 when no policy has been published at all', async () => {
    const deps = fakeDeps();
    deps.policies.versions.clear();
    expect((await get(deps, ['admin'])).statusCode).toBe(404);
  });

  it('retries once when another admin published meanwhile, and answers 409 when that happens twice', async () => {
    const deps = fakeDeps();
    deps.policies.conflictsToSimulate = 1;
    const retried = await put(deps, draftV2());
    expect(retried.statusCode).toBe(201);
    expect(parse(retried)).toMatchObject({ version: 3, createdBy: 'ada' });

    deps.policies.conflictsToSimulate = 2;
    const conflict = await put(deps, draftV2());
    expect(conflict.statusCode).toBe(409);
    expect(deps.policies.versions.get(3)?.createdBy).toBe('ada');
  });
});

describe('PUT /v1/policy with the wrong shapes', () => {
  it.each(['knockOuts', 'bands', 'declineBands', 'reviewRouting.tiers', 'reviewRouting.extraLevelForBands'])('refuses an object where the list %s belongs with 422 naming it, not a 500', async (path) => {
    const deps = fakeDeps();
    const draft = structuredClone(DEFAULT_POLICY_DRAFT) as Record<string, any>;
    const [first, second] = path.split('.') as [string, string | undefined];
    if (second) draft[first][second] = {};
    else draft[first] = {};
    const result = await put(deps, draft);
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors.map((e: { path: string }) => e.path)).toContain(path);
    expect([...deps.policies.versions.keys()]).toEqual([1]);
  });
});

describe('seeding the default policy (CloudFormation custom resource)', () => {
  it('adds version 1 when it is missing and never touches published versions', async () => {
    const deps = fakeDeps();
    deps.policies.versions.clear();
    await createSeed(deps)({ RequestType: 'Create' } as never);
    expect(await deps.policies.current()).toEqual(DEFAULT_POLICY);

    await deps.policies.publish(draftV2(), 'ada', '2026-11-30T08:00:00.000Z');
    await createSeed(deps)({ RequestType: 'Update' } as never);
    expect((await deps.policies.current()).version).toBe(2);
    expect(await deps.policies.get(1)).toEqual(DEFAULT_POLICY);
  });
});

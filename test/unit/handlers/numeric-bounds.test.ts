// Numbers a request may carry are bounded to what they mean, which keeps them storable: DynamoDB refuses a number
// such as 1e-200 ("Number underflow", a 500) and rounds nothing, so the API answers 422 naming the field instead.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createPolicy } from '../../../functions/handlers/policy';
import { DEFAULT_POLICY_DRAFT } from '../../../functions/core/decisioning/policy';
import { decimalPlaces } from '../../../functions/core/kernel/number-schemas';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication, withValue } from '../../support/applications';

type Deps = ReturnType<typeof fakeDeps>;

const submit = (deps: Deps, body: unknown) =>
  createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', sub: 'alice', headers: { 'Idempotency-Key': `key-${Math.random().toString(36).slice(2)}` }, body }),
    lambdaContext,
  );

const putPolicy = (deps: Deps, body: unknown) =>
  createPolicy(deps)(httpEvent({ method: 'PUT', routePath: '/v1/policy', sub: 'ada', roles: ['admin'], body }), lambdaContext);

const paths = (result: { body?: string }) => (parse(result).errors as { path: string }[]).map((e) => e.path);

describe('numeric fields of a submission', () => {
  it.each([1e-200, 5e-324, 6.125, -0.01, 70.01])('refuse yearsInCurrentJob %p with 422 naming it, and store nothing', async (years) => {
    const deps = fakeDeps();
    const result = await submit(deps, withValue(validApplication(), 'employment.yearsInCurrentJob', years));
    expect(result.statusCode).toBe(422);
    expect(paths(result)).toEqual(['employment.yearsInCurrentJob']);
    expect(deps.applications.applications.size).toBe(0);
  });

  it('accept yearsInCurrentJob with up to 2 decimals', async () => {
    expect((await submit(fakeDeps(), withValue(validApplication(), 'employment.yearsInCurrentJob', 6.25))).statusCode).toBe(202);
  });

  it('refuse an amount too large to be an exact number of minor units', async () => {
    const deps = fakeDeps();
    const result = await submit(deps, withValue(validApplication(), 'employment.monthlyIncome.amount', '999999999999999.99'));
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors).toEqual([{ path: 'employment.monthlyIncome.amount', message: 'must be less than 10000000000000 CNY' }]);
    expect(deps.applications.applications.size).toBe(0);
  });
});

describe('numeric fields of PUT /v1/policy', () => {
  const withKnockOut = (id: string, change: Record<string, unknown>) => ({
    ...structuredClone(DEFAULT_POLICY_DRAFT),
    knockOuts: DEFAULT_POLICY_DRAFT.knockOuts.map((rule) => (rule.id === id ? { ...rule, ...change } : rule)),
  });
  const indexOf = (id: string) => DEFAULT_POLICY_DRAFT.knockOuts.findIndex((rule) => rule.id === id);

  it.each([
    ['KO_DEBT_TO_INCOME', 'maxDebtToIncome', 1e-200],
    ['KO_DEBT_TO_INCOME', 'maxDebtToIncome', 0.45001],
    ['KO_AGE_AT_MATURITY', 'maxAgeAtMaturity', 65.001],
  ])('refuse %s.%s %p with 422 naming it, and publish nothing', async (id, field, value) => {
    const deps = fakeDeps();
    const result = await putPolicy(deps, withKnockOut(id, { [field]: value }));
    expect(result.statusCode).toBe(422);
    expect(paths(result)).toEqual([`knockOuts[${indexOf(id)}].${field}`]);
    expect([...deps.policies.versions.keys()]).toEqual([1]);
  });

  it('accept a ratio with up to 4 decimals and an age with up to 2', async () => {
    const result = await putPolicy(fakeDeps(), withKnockOut('KO_DEBT_TO_INCOME', { maxDebtToIncome: 0.4525 }));
    expect(result.statusCode).toBe(201);
    expect((await putPolicy(fakeDeps(), withKnockOut('KO_AGE_AT_MATURITY', { maxAgeAtMaturity: 65.5 }))).statusCode).toBe(201);
  });
});

describe('decimalPlaces', () => {
  it('counts the decimals of the number as written, exponent form included', () => {
    expect([0, 6, 0.5, 6.25, 0.1 + 0.2, 1e-200, 5e-324, 1.5e-7, 1e21, -2.125].map(decimalPlaces)).toEqual([0, 0, 1, 2, 17, 200, 324, 8, 0, 3]);
  });
});

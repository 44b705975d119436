import fc from 'fast-check';
import { createHandler } from '../../../functions/handlers/quotes';
import { createHandler as createOpenApi } from '../../../functions/handlers/openapi';
import { API_ROUTES } from '../../../functions/shared/routes';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';

const post = (body: unknown, deps = fakeDeps(), extra: { sub?: string; rawBody?: string; headers?: Record<string, string> } = {}) =>
  createHandler(deps)(httpEvent({ method: 'POST', routePath: '/v1/quotes', body, ...extra }), lambdaContext);

const personal = {
  principal: { amount: '8000.00', currency: 'CNY' },
  annualRatePercent: '12',
  numberOfInstallments: 12,
  frequency: 'monthly',
  method: 'equal_installments',
  disbursementDate: '2026-03-15',
};

const paths = (result: { body?: string }) => (parse(result).errors as { path: string }[]).map((e) => e.path);

describe('POST /v1/quotes', () => {
  it('is public: the route needs no login', () => {
    expect(API_ROUTES).toContainEqual(expect.objectContaining({ method: 'POST', path: '/v1/quotes', handler: 'quotes', auth: 'none' }));
  });

  it('answers the schedule with amounts as decimal strings, the totals and the APR, without a signed-in user', async () => {
    const result = await post(personal);
    expect(result.statusCode).toBe(200);
    const quote = parse(result);
    // PMT(1 %, 12, 8000.00) = 80 / (1 − 1.01^−12) = 710.79; interest of the first month 8000 × 1 % = 80.00.
    expect(quote.installments[0]).toEqual({ n: 1, dueDate: '2026-04-15', principal: '630.79', interest: '80.00', fees: '0.00', total: '710.79', outstandingAfter: '7369.21' });
    expect(quote.installments).toHaveLength(12);
    expect(quote.installments[11]).toMatchObject({ n: 12, dueDate: '2027-03-15', outstandingAfter: '0.00' });
    expect(quote.totals.principal).toBe('8000.00');
    expect(quote.currency).toBe('CNY');
    // Effective rate of 1 % a month on real month lengths: close to 1.01^12 − 1 = 12.68 %.
    expect(Number(quote.aprPercent)).toBeCloseTo(12.68, 0);
    expect(quote.aprPercent).toMatch(/^\d+\.\d\d$/);
  });

  it('charges fees with the first installment and counts them in the APR', async () => {
    const plain = parse(await post(personal));
    const quote = parse(await post({ ...personal, fees: { amount: '160.00', currency: 'CNY' } }));
    expect(quote.installments[0]).toMatchObject({ fees: '160.00', total: '870.79' });
    expect(quote.totals.fees).toBe('160.00');
    expect(Number(quote.aprPercent)).toBeGreaterThan(Number(plain.aprPercent) + 3);
  });

  it('takes the conventions: installment in multiples of, daily interest, rounding; in any currency', async () => {
    const quote = parse(
      await post({
        ...personal,
        principal: { amount: '800000', currency: 'JPY' },
        conventions: { installmentMultipleOf: '100', interestPeriod: 'daily', daysInYear: '365', daysInMonth: '30', rounding: 'half_up' },
      }),
    );
    // Annuity at r = 12 % × 30 / 365 a month: 800000 · r / (1 − (1 + r)^−12) = 7890.41 / 0.111102 = ¥71,019.6 → multiples of
    // ¥100: ¥71,000.
    expect(quote.installments.slice(0, 11).map((i: { total: string }) => i.total)).toEqual(Array(11).fill('71000'));
    expect(quote.totals.principal).toBe('800000');
  });

  it("takes Fineract's progressive schedule type, and refuses it where it does not apply", async () => {
    const progressive = {
      principal: { amount: '100.00', currency: 'EUR' },
      annualRatePercent: '9.4822',
      numberOfInstallments: 3,
      frequency: 'biweekly',
      method: 'equal_installments',
      disbursementDate: '2024-01-01',
      conventions: { daysInYear: '364', interestPeriod: 'daily', scheduleType: 'progressive' },
    };
    const quote = parse(await post(progressive));
    expect(quote.installments.map((i: { total: string }) => i.total)).toEqual(['33.57', '33.57', '33.58']);
    expect(quote.installments[0]).toMatchObject({ principal: '33.21', interest: '0.36' });

    const refused = await post({ ...progressive, method: 'flat', graceOnPrincipalPeriods: 1 });
    expect(refused.statusCode).toBe(422);
    expect(paths(refused)).toContain('conventions.scheduleType');
    expect(paths(await post({ ...progressive, conventions: { scheduleType: 'declining' } }))).toEqual(['conventions.scheduleType']);
  });

  it('takes method and frequency from the product when productId is given', async () => {
    const { method: _m, frequency: _f, ...terms } = personal;
    const result = await post({ ...terms, productId: 'agricultural', graceOnPrincipalPeriods: 3 });
    expect(result.statusCode).toBe(200);
    const quote = parse(result);
    // Flat: 8000 × 12 % × 12/12 = 960.00 interest, 80.00 a month; principal 8000 / 9 = 888.89 after 3 months of grace.
    expect(quote.installments.slice(0, 4).map((i: { principal: string; interest: string }) => [i.principal, i.interest])).toEqual([
      ['0.00', '80.00'], ['0.00', '80.00'], ['0.00', '80.00'], ['888.89', '80.00'],
    ]);
    expect(quote.totals).toMatchObject({ principal: '8000.00', interest: '960.00' });
  });

  it("refuses what the product does not allow, naming each field", async () => {
    const result = await post({
      ...personal,
      productId: 'agricultural',
      method: 'equal_principal',
      principal: { amount: '500.00', currency: 'CNY' },
      numberOfInstallments: 30,
      graceOnPrincipalPeriods: 4,
      graceOnInterestPeriods: 1,
      conventions: { rounding: 'half_up' },
    });
    expect(result.statusCode).toBe(422);
    expect(paths(result)).toEqual(
      expect.arrayContaining(['method', 'conventions', 'principal.amount', 'numberOfInstallments', 'graceOnPrincipalPeriods', 'graceOnInterestPeriods']),
    );
    const unknown = await post({ ...personal, productId: 'no-such-product' });
    expect(unknown.statusCode).toBe(422);
    expect(paths(unknown)).toEqual(['productId']);
    expect(paths(await post({ ...personal, productId: 'personal-consumer', principal: { amount: '8000.00', currency: 'USD' } }))).toEqual(['principal.currency']);
  });

  it('reports every problem of a bad body at once (422), never a 5xx', async () => {
    const result = await post({
      principal: { amount: 8000, currency: 'cny' },
      annualRatePercent: 12,
      numberOfInstallments: 601,
      frequency: 'yearly',
      disbursementDate: '2026-02-30',
      graceOnPrincipalPeriods: 700,
      colour: 'red',
    });
    expect(result.statusCode).toBe(422);
    expect(paths(result)).toEqual(
      expect.arrayContaining([
        'principal.amount', 'principal.currency', 'annualRatePercent', 'numberOfInstallments', 'frequency', 'method', 'disbursementDate', 'graceOnPrincipalPeriods', 'colour',
      ]),
    );
  });

  it('checks the fields against each other and the bounds', async () => {
    const result = await post({
      ...personal,
      principal: { amount: '0.00', currency: 'CNY' },
      annualRatePercent: '100.5',
      numberOfInstallments: 6,
      graceOnPrincipalPeriods: 6,
      graceOnInterestPeriods: 7,
      firstDueDate: '2026-03-15',
      fees: { amount: '10.00', currency: 'USD' },
      conventions: { installmentMultipleOf: '0.001' },
    });
    expect(result.statusCode).toBe(422);
    expect(paths(result)).toEqual(
      expect.arrayContaining(['principal.amount', 'annualRatePercent', 'graceOnPrincipalPeriods', 'graceOnInterestPeriods', 'firstDueDate', 'fees.currency', 'conventions.installmentMultipleOf']),
    );
    expect(paths(await post({ ...personal, fees: { amount: '8000.01', currency: 'CNY' } }))).toEqual(['fees.amount']);
    expect(paths(await post({ ...personal, principal: { amount: '10000000000.01', currency: 'CNY' } }))).toEqual(['principal.amount']);
    expect(paths(await post({ ...personal, firstDueDate: '2027-03-17' }))).toEqual(['firstDueDate']); // 367 days
    expect(paths(await post({ ...personal, numberOfInstallments: 600, repaymentEvery: 2 }))).toEqual(['numberOfInstallments']);
  });

  it('answers 400 for a body that is not JSON and 415 for another content type', async () => {
    expect((await post(undefined, fakeDeps(), { rawBody: '{"principal":' })).statusCode).toBe(400);
    expect((await post(personal, fakeDeps(), { headers: { 'content-type': 'text/plain' } })).statusCode).toBe(415);
  });

  it('answers the largest request quickly (600 installments on 10^12 minor units)', async () => {
    const started = performance.now();
    const result = await post({ ...personal, principal: { amount: '10000000000.00', currency: 'CNY' }, numberOfInstallments: 600, annualRatePercent: '99.9999', frequency: 'monthly' });
    expect(result.statusCode).toBe(200);
    expect(parse(result).installments).toHaveLength(600);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('never answers 5xx, whatever the body', async () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const body = fc.record(
      {
        principal: fc.oneof(value, fc.record({ amount: fc.oneof(value, fc.constantFrom('1', '0.01', '999999999.99', '10000000000.00')), currency: fc.oneof(value, fc.constantFrom('CNY', 'JPY', 'KWD', 'USD')) })),
        annualRatePercent: fc.oneof(value, fc.constantFrom('0', '12.5', '100', '99.9999', '0.0001')),
        numberOfInstallments: fc.oneof(value, fc.integer({ min: -1, max: 700 })),
        frequency: fc.oneof(value, fc.constantFrom('monthly', 'biweekly', 'weekly', 'daily')),
        repaymentEvery: fc.oneof(value, fc.integer({ min: 0, max: 400 })),
        method: fc.oneof(value, fc.constantFrom('equal_installments', 'equal_principal', 'flat')),
        disbursementDate: fc.oneof(value, fc.constantFrom('2026-01-31', '2024-02-29', '1999-12-31')),
        firstDueDate: fc.oneof(value, fc.constantFrom('2026-02-28', '2026-03-31', '2027-01-31', '2026-01-01')),
        graceOnPrincipalPeriods: fc.oneof(value, fc.integer({ min: -1, max: 700 })),
        graceOnInterestPeriods: fc.oneof(value, fc.integer({ min: -1, max: 700 })),
        fees: fc.oneof(value, fc.record({ amount: fc.constantFrom('0', '1.00', '5000.00'), currency: fc.constantFrom('CNY', 'JPY') })),
        productId: fc.oneof(value, fc.constantFrom('personal-consumer', 'agricultural', 'nope')),
        conventions: fc.oneof(value, fc.record({ installmentMultipleOf: fc.oneof(value, fc.constantFrom('1', '0.5', '100')), daysInYear: fc.oneof(value, fc.constantFrom('actual', '360')) }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    const deps = fakeDeps();
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const result = await post(b, deps);
        expect([200, 400, 422]).toContain(result.statusCode);
      }),
      { numRuns: 300 },
    );
  });

  it('is in the OpenAPI document with its request schema and no security', async () => {
    const document = parse(await createOpenApi(fakeDeps())(httpEvent({ method: 'GET', routePath: '/openapi.json' }), lambdaContext));
    expect(document.paths['/v1/quotes'].post).toMatchObject({ security: [], requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/QuoteRequest' } } } } });
    expect(document.components.schemas.QuoteRequest.properties.method.enum).toEqual(['equal_installments', 'equal_principal', 'flat']);
  });
});

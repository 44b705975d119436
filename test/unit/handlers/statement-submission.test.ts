// A bank statement given with the application (issue 12 item 4): analysed into figures with the applicant's consent,
// shown on the application, recorded in the audit trail by its hash; the transactions themselves are not kept.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createQuery } from '../../../functions/handlers/query-applications';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';
import { salariedStatement } from '../../support/statements';

type Deps = ReturnType<typeof fakeDeps>;

const submit = (deps: Deps, body: unknown) =>
  createSubmit(deps)(httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `statement-${Math.random()}`.padEnd(16, '0') }, body, sub: 'alice' }), lambdaContext);

const withStatement = (statement: unknown, consent: boolean | 'not given' = true) => {
  const base = validApplication() as Record<string, any>;
  return { ...base, statement, consents: { ...base.consents, ...(consent === 'not given' ? {} : { statementAnalysis: consent }) } };
};

describe('a bank statement with the application', () => {
  it('is analysed into figures, shown on the application and audited by its hash; the transactions are not kept', async () => {
    const deps = fakeDeps();
    const result = await submit(deps, withStatement({ currency: 'CNY', transactions: salariedStatement(8_000_00) }));
    expect(result.statusCode).toBe(202);
    const { applicationId } = parse(result);
    const view = parse(await createQuery(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}', pathParameters: { applicationId }, sub: 'alice' }), lambdaContext));
    expect(view.statement).toMatchObject({
      from: '2026-01-05',
      to: '2026-06-22',
      months: 6,
      transactions: 36,
      verifiedMonthlyInflow: { amount: '8000.00', currency: 'CNY' },
      salary: { detected: true, monthly: { amount: '8000.00', currency: 'CNY' }, months: 6 },
      spendingByCategory: expect.objectContaining({ rent: { count: 6, monthly: { amount: '2000.00', currency: 'CNY' } } }),
    });
    const stored = JSON.stringify(deps.applications.applications.get(applicationId));
    expect(stored).not.toContain('房东');
    expect(stored).not.toContain('联华超市');
    const submitted = (await deps.applications.listAudit(applicationId)).find((e) => e.action === 'application.submitted')!;
    expect(submitted.details).toMatchObject({ statement: { sha256: view.statement.sha256, transactions: 36, consent: true } });
  });

  it('reads the same figures from CSV', async () => {
    const deps = fakeDeps();
    const rows = salariedStatement(8_000_00);
    const csv = ['date,amount,direction,counterparty,description,balance', ...rows.map((t) => [t.date, t.amount, t.direction, t.counterparty, t.description ?? '', t.balance].join(','))].join('\n');
    const { applicationId } = parse(await submit(deps, withStatement({ currency: 'CNY', csv })));
    expect(deps.applications.applications.get(applicationId)!.statement).toMatchObject({ inflow: { verifiedMonthlyMinor: 8_000_00 }, transactions: 36 });
  });

  it('needs the explicit consent, the product currency and 3–12 months, each refusal naming its field and storing nothing', async () => {
    const deps = fakeDeps();
    const paths = async (body: unknown) => {
      const result = await submit(deps, body);
      expect(result.statusCode).toBe(422);
      return (parse(result).errors as { path: string }[]).map((e) => e.path);
    };
    expect(await paths(withStatement({ currency: 'CNY', transactions: salariedStatement(8_000_00) }, 'not given'))).toEqual(['consents.statementAnalysis']);
    expect(await paths(withStatement({ currency: 'CNY', transactions: salariedStatement(8_000_00) }, false))).toEqual(['consents.statementAnalysis']);
    expect(await paths(withStatement({ currency: 'USD', transactions: salariedStatement(8_000_00) }))).toEqual(['statement.currency']);
    expect(await paths(withStatement({ currency: 'CNY', transactions: salariedStatement(8_000_00, 2) }))).toEqual(['statement.transactions']);
    expect(await paths(withStatement({ currency: 'CNY', transactions: [{ date: '2026-01-01', amount: 12, direction: 'in' }] }))).toEqual(['statement.transactions[0].amount']);
    expect(deps.applications.applications.size).toBe(0);
  });
});

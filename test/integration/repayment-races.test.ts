// POST /v1/loans/{loanId}/repayments through its handler with the real loan repository (DynamoDB Local): many distinct
// repayments to one loan at once are all recorded (201) and all counted in the balance; the optimistic-lock conflicts
// between them are retried, never answered 409. A 409 is only a real conflict: a reference used for another payment.

import { tablePerFile } from './table-per-file';
import { createLoanRepository } from '../../functions/adapters/dynamodb/loan-repository';
import { createHandler as createRepayments } from '../../functions/handlers/repayments';
import { openLoan } from '../../functions/core/servicing/loan-service';
import { outstandingOf, sumParts } from '../../functions/core/servicing/loan';
import { fakeDeps } from '../support/fakes';
import { httpEvent, lambdaContext, parse } from '../support/events';
import { FOUR_MONTHS } from '../support/loans';
import { TIME_ZONE } from '../support/settings';

const { tableName, doc } = tablePerFile('repayment-races');

let sequence = 0;
async function withLoan() {
  const deps = { ...fakeDeps(), loans: createLoanRepository(doc, tableName, { timeZone: TIME_ZONE }) };
  deps.clock.current = new Date('2026-03-01T02:00:00.000Z');
  sequence += 1;
  const loanId = `01RACE${String(sequence).padStart(20, '0')}`;
  await openLoan(deps, {
    loanId,
    applicationId: `APP-${loanId}`,
    ownerId: 'alice',
    productId: 'personal-consumer',
    currency: 'CNY',
    principalMinor: 400_000,
    annualRatePercent: '12',
    disbursedAt: '2026-01-10T02:00:00.000Z',
    schedule: FOUR_MONTHS,
  }, { timeZone: TIME_ZONE });
  return { deps, loanId, handler: createRepayments(deps) };
}

function repay(handler: ReturnType<typeof createRepayments>, loanId: string, reference: string, amount: string) {
  const body = { amount: { amount, currency: 'CNY' }, paidAt: '2026-02-10T03:00:00Z', reference };
  return handler(httpEvent({ method: 'POST', routePath: '/v1/loans/{loanId}/repayments', pathParameters: { loanId }, sub: 'olga', roles: ['ops'], body }), lambdaContext);
}

describe('distinct repayments to one loan in parallel', () => {
  it.each([10, 20])('records all %i (201 each) and the balance reflects every one', async (count) => {
    const { deps, loanId, handler } = await withLoan();
    const amounts = Array.from({ length: count }, (_, i) => 1_000 + i * 137);
    const results = await Promise.all(amounts.map((minor, i) => repay(handler, loanId, `PAR-${count}-${i}`, (minor / 100).toFixed(2))));
    expect(results.map((result) => result.statusCode)).toEqual(amounts.map(() => 201));

    const total = amounts.reduce((sum, minor) => sum + minor, 0);
    const stored = (await deps.loans.get(loanId))!;
    expect(stored.version).toBe(1 + count);
    expect(sumParts(outstandingOf(stored))).toBe(410_000 - total);
    const repayments = await deps.loans.listRepayments(loanId);
    expect(repayments.map((r) => r.reference).sort()).toEqual(amounts.map((_, i) => `PAR-${count}-${i}`).sort());
  });

  it('replays a repeat of a reference with the same amount (200), and answers the reference with another amount 409', async () => {
    const { deps, loanId, handler } = await withLoan();
    const first = await repay(handler, loanId, 'ONCE-1', '100.00');
    expect(first.statusCode).toBe(201);
    const again = await repay(handler, loanId, 'ONCE-1', '100.00');
    expect(again.statusCode).toBe(200);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(parse(again)).toEqual(parse(first));
    const other = await repay(handler, loanId, 'ONCE-1', '200.00');
    expect(other.statusCode).toBe(409);
    expect(parse(other).detail).toMatch(/ONCE-1 was recorded already for another payment/);
    expect((await deps.loans.get(loanId))!.version).toBe(2);
  });
});

// Contract, disbursement and servicing end to end on the local stack (issue 5): approve → contract accepted (a wrong
// hash refused) → disbursed once → repaid on time, partially, late, and paid off early → CLOSED; a bank that fails
// for a while is retried to success; a rejected transfer fails the application with an operations alert; the same
// payment reference twice is applied once.

import { uniqueIdentity, validApplication, disbursementAccount } from '../support/applications';
import { bootStack, call, eventually, type E2eContext } from './support';

let ctx: E2eContext;
let ops: string;
let applicants = 0;

beforeAll(async () => {
  ctx = await bootStack();
  ops = await ctx.token('olga', ['ops']);
});

afterAll(async () => {
  await ctx?.close();
});


async function approved(accountNumber: string) {
  applicants += 1;
  const token = await ctx.token(`borrower-${applicants}`);
  const submitted = await call(ctx.url, 'POST', '/v1/applications', {
    token,
    body: validApplication(disbursementAccount(accountNumber), uniqueIdentity()),
    headers: { 'Idempotency-Key': `servicing-${applicants}-${Date.now()}` },
  });
  expect(submitted.status).toBe(202);
  const id = submitted.json.applicationId as string;
  const view = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => r.json?.offer?.contract?.sha256 !== undefined);
  expect(view.json.status).toBe('APPROVED');
  return { id, token, view: view.json };
}

async function accept(id: string, token: string, contractSha256: string) {
  return call(ctx.url, 'POST', `/v1/applications/${id}/contract/accept`, { token, body: { contractSha256 } });
}

async function statusOf(id: string, token: string, statuses: string[]) {
  const read = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => statuses.includes(r.json?.status));
  return read.json;
}

describe('disbursement', () => {
  it('retries a bank that fails for a while, and pays once', async () => {
    const { id, token, view } = await approved('6200000000000001');
    expect((await accept(id, token, view.offer.contract.sha256)).status).toBe(200);
    const disbursed = await statusOf(id, token, ['DISBURSED', 'FAILED']);
    expect(disbursed.status).toBe('DISBURSED');
    expect(disbursed.loanId).toEqual(expect.any(String));
  });

  it('fails the application and alerts operations when the bank rejects the transfer for good', async () => {
    const { id, token, view } = await approved('6200000000000003');
    expect((await accept(id, token, view.offer.contract.sha256)).status).toBe(200);
    const failed = await statusOf(id, token, ['DISBURSED', 'FAILED']);
    expect(failed.status).toBe('FAILED');
    // The alert follows the status change (the same step publishes it after the write).
    const alertsFor = async () => ((await call(ctx.url, 'GET', '/_local/outbox')).json as { subject: string; body: string }[]).filter((m) => m.subject.includes(id));
    const alerts = await eventually(alertsFor, (list) => list.length > 0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body).toContain('TransferRejectedError');
  });
});

describe('a loan from approval to closing', () => {
  it('accepts the contract (a wrong hash refused), disburses, is repaid on time, partially, late and early, and closes', async () => {
    const { id, token, view } = await approved('6222020012345678');
    expect(view.offer).toMatchObject({ annualRatePercent: '8.5', aprPercent: expect.stringMatching(/^8\.\d+$/) });
    const contract = await fetch(view.offer.contract.url);
    expect(contract.status).toBe(200);
    const text = await contract.text();
    expect(text).toMatch(/8,?000\.00/);

    const wrong = await accept(id, token, '0'.repeat(64));
    expect(wrong.status).toBe(422);
    expect(wrong.json.errors.map((e: { path: string }) => e.path)).toContain('contractSha256');
    expect((await call(ctx.url, 'GET', `/v1/applications/${id}`, { token })).json.status).toBe('APPROVED');

    expect((await accept(id, token, view.offer.contract.sha256)).status).toBe(200);
    const disbursed = await statusOf(id, token, ['DISBURSED', 'FAILED']);
    expect(disbursed.status).toBe('DISBURSED');
    const loanId = disbursed.loanId as string;

    const loan = await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token });
    expect(loan.status).toBe(200);
    expect(loan.json).toMatchObject({ status: 'ACTIVE', applicationId: id, principal: { amount: '8000.00', currency: 'CNY' } });
    expect((await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token: await ctx.token('someone-else') })).status).toBe(404);

    const schedule = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token })).json.installments as {
      n: number;
      dueDate: string;
      total: { amount: string; currency: string } | string;
    }[];
    expect(schedule).toHaveLength(12);
    const totalOf = (n: number) => {
      const total = schedule[n - 1]!.total;
      return typeof total === 'string' ? total : total.amount;
    };
    const pay = (amount: string, paidAt: string, reference: string) =>
      call(ctx.url, 'POST', `/v1/loans/${loanId}/repayments`, { token: ops, body: { amount: { amount, currency: 'CNY' }, paidAt, reference } });
    const moveClockTo = (day: string) => call(ctx.url, 'POST', '/_local/clock', { body: { now: `${day}T10:00:00Z` } });

    // On time: installment 1 on its due date.
    await moveClockTo(schedule[0]!.dueDate);
    const onTime = await pay(totalOf(1), `${schedule[0]!.dueDate}T09:00:00Z`, 'bank-ref-0001');
    expect(onTime.status).toBe(201);
    const again = await pay(totalOf(1), `${schedule[0]!.dueDate}T09:00:00Z`, 'bank-ref-0001');
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const repayments = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/repayments`, { token })).json;
    expect((repayments.items ?? repayments).filter((r: { reference: string }) => r.reference === 'bank-ref-0001')).toHaveLength(1);
    const afterFirst = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token })).json.installments;
    expect(afterFirst[0].status).toBe('PAID');
    expect(afterFirst[1].status).not.toBe('PAID');

    // Partially, then late: half of installment 2 on time, the rest ten days after its due date.
    await moveClockTo(schedule[1]!.dueDate);
    const half = (Number(totalOf(2)) / 2).toFixed(2);
    expect((await pay(half, `${schedule[1]!.dueDate}T09:00:00Z`, 'bank-ref-0002')).status).toBe(201);
    const partly = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token })).json.installments[1];
    expect(partly.status).not.toBe('PAID');
    expect(partly.paid.total.amount).toBe(half);
    const late = new Date(Date.parse(`${schedule[1]!.dueDate}T00:00:00Z`) + 10 * 86_400_000).toISOString().slice(0, 10);
    await moveClockTo(late);
    const overdue = (await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token })).json;
    expect(overdue.delinquency.daysPastDue).toBeGreaterThanOrEqual(10);
    const rest = (Number(totalOf(2)) - Number(half)).toFixed(2);
    expect((await pay(rest, `${late}T09:00:00Z`, 'bank-ref-0003')).status).toBe(201);
    expect((await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token })).json.delinquency.daysPastDue).toBe(0);

    // Early payoff: the quote for today, paid, closes the loan.
    const payoff = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/payoff?date=${late}`, { token })).json;
    expect(Number(payoff.amount.amount)).toBeLessThan(8000);
    expect((await pay(payoff.amount.amount, `${late}T09:30:00Z`, 'bank-ref-0004')).status).toBe(201);
    const closed = (await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token })).json;
    expect(closed.status).toBe('CLOSED');
    expect(closed.outstanding.total.amount ?? closed.outstanding.total).toMatch(/^0(\.00)?$/);
  });
});

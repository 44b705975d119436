import { createHandler as createLoans } from '../../../functions/handlers/loans';
import { createHandler as createRepayments } from '../../../functions/handlers/repayments';
import { openLoan, recordRepayment, REPAYMENT_ATTEMPTS, REPAYMENT_BACKOFF } from '../../../functions/core/servicing/loan-service';
import { ConflictError, TemporarilyUnavailableError } from '../../../functions/core/kernel/errors';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { signTestWebhook } from '../../support/loan-fakes';
import { THREE_MONTHS } from '../../support/loans';
import { TIME_ZONE } from '../../support/settings';

type Deps = ReturnType<typeof fakeDeps>;

async function depsWithLoan(now = '2026-02-12T02:00:00.000Z'): Promise<Deps> {
  const deps = fakeDeps();
  deps.clock.current = new Date(now);
  await openLoan(deps, {
    loanId: 'LOAN1',
    applicationId: 'APP1',
    ownerId: 'alice',
    productId: 'personal-consumer',
    currency: 'CNY',
    principalMinor: 300_000,
    annualRatePercent: '12',
    disbursedAt: '2026-01-10T02:00:00.000Z',
    schedule: THREE_MONTHS,
  }, { timeZone: TIME_ZONE });
  return deps;
}

const get = (deps: Deps, routePath: string, sub: string, roles: string[] = [], query?: Record<string, string>) =>
  createLoans(deps)(httpEvent({ method: 'GET', routePath, pathParameters: { loanId: 'LOAN1' }, sub, roles, ...(query ? { query } : {}) }), lambdaContext);

const repay = (deps: Deps, body: unknown, roles: string[] = ['ops'], loanId = 'LOAN1') =>
  createRepayments(deps)(httpEvent({ method: 'POST', routePath: '/v1/loans/{loanId}/repayments', pathParameters: { loanId }, sub: 'olga', roles, body }), lambdaContext);

function webhook(deps: Deps, body: unknown, signature?: (raw: string) => string | undefined) {
  const rawBody = JSON.stringify(body);
  const value = signature ? signature(rawBody) : signTestWebhook(rawBody);
  return createRepayments(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/webhooks/repayments', rawBody, ...(value !== undefined ? { headers: { 'X-Signature': value } } : {}) }),
    lambdaContext,
  );
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });
const onTime = { amount: cny('1025.00'), paidAt: '2026-02-10T03:00:00Z', reference: 'BANK-0001' };

describe('openLoan (called by the disbursement step)', () => {
  it('creates the loan ACTIVE once; a retry returns the stored loan', async () => {
    const deps = await depsWithLoan();
    const again = await openLoan(deps, {
      loanId: 'LOAN1', applicationId: 'APP1', ownerId: 'alice', currency: 'CNY', principalMinor: 300_000, annualRatePercent: '12',
      disbursedAt: '2026-01-10T02:00:00.000Z', schedule: THREE_MONTHS,
    }, { timeZone: TIME_ZONE });
    expect(again.created).toBe(false);
    expect(again.loan).toMatchObject({ status: 'ACTIVE', disbursementDate: '2026-01-10', version: 1 });
    expect(deps.loans.loans.size).toBe(1);
  });

  it('refuses the same loan id for another application', async () => {
    const deps = await depsWithLoan();
    await expect(
      openLoan(deps, {
        loanId: 'LOAN1', applicationId: 'APP2', ownerId: 'bob', currency: 'CNY', principalMinor: 300_000, annualRatePercent: '12',
        disbursedAt: '2026-01-10T02:00:00.000Z', schedule: THREE_MONTHS,
      }, { timeZone: TIME_ZONE }),
    ).rejects.toThrow(ConflictError);
  });
});

describe('GET /v1/loans/{loanId}', () => {
  it('shows the owner the balances, next due and delinquency', async () => {
    const deps = await depsWithLoan();
    const result = await get(deps, '/v1/loans/{loanId}', 'alice');
    expect(result.statusCode).toBe(200);
    expect(parse(result)).toEqual({
      loanId: 'LOAN1',
      applicationId: 'APP1',
      productId: 'personal-consumer',
      status: 'ACTIVE',
      principal: cny('3000.00'),
      annualRatePercent: '12',
      disbursedAt: '2026-01-10T02:00:00.000Z',
      outstanding: { principal: cny('3000.00'), interest: cny('60.20'), fees: cny('15.00'), penalties: cny('0.00'), total: cny('3075.20') },
      credit: cny('0.00'),
      nextDue: { n: 2, dueDate: '2026-03-10', amount: cny('1025.10') },
      delinquency: { daysPastDue: 2, bucket: '1-30', riskFlags: [], amountPastDue: cny('1025.00'), lateFeesCharged: cny('0.00'), oldestUnpaidDueDate: '2026-02-10' },
      remindersSent: [],
      installmentsRemaining: 3,
    });
  });

  it('shows staff any loan; another applicant gets 404, as for a loan that does not exist', async () => {
    const deps = await depsWithLoan();
    expect((await get(deps, '/v1/loans/{loanId}', 'olga', ['ops'])).statusCode).toBe(200);
    expect((await get(deps, '/v1/loans/{loanId}', 'rita', ['reviewer'])).statusCode).toBe(200);
    for (const path of ['/v1/loans/{loanId}', '/v1/loans/{loanId}/schedule', '/v1/loans/{loanId}/payoff', '/v1/loans/{loanId}/repayments']) {
      const other = await get(deps, path, 'bob');
      expect(other.statusCode).toBe(404);
      expect(parse(other).detail).toBe('no loan LOAN1');
    }
    const missing = await createLoans(deps)(httpEvent({ method: 'GET', routePath: '/v1/loans/{loanId}', pathParameters: { loanId: 'NOPE' }, sub: 'olga', roles: ['ops'] }), lambdaContext);
    expect(missing.statusCode).toBe(404);
  });
});

describe('GET /v1/loans/{loanId}/schedule and /payoff', () => {
  it('lists the installments as quoted, with what is paid and each status', async () => {
    const deps = await depsWithLoan();
    await repay(deps, { ...onTime, amount: cny('20.00') });
    const { installments } = parse(await get(deps, '/v1/loans/{loanId}/schedule', 'alice'));
    expect(installments.map((i: { n: number; status: string }) => [i.n, i.status])).toEqual([[1, 'OVERDUE'], [2, 'DUE'], [3, 'FUTURE']]);
    expect(installments[0]).toMatchObject({
      dueDate: '2026-02-10',
      principal: cny('990.00'),
      interest: cny('30.00'),
      fees: cny('5.00'),
      total: cny('1025.00'),
      outstandingAfter: cny('2010.00'),
      paid: { fees: cny('5.00'), interest: cny('15.00'), principal: cny('0.00'), total: cny('20.00') },
      outstanding: cny('1005.00'),
    });
  });

  it('quotes the payoff for a date (default today), refusing a bad date or one before the disbursement with 422', async () => {
    const deps = await depsWithLoan();
    const quote = parse(await get(deps, '/v1/loans/{loanId}/payoff', 'alice', [], { date: '2026-02-24' }));
    // Installment 1 (overdue) in full + installment 2 and 3's principal + half of installment 2's interest and its fee.
    expect(quote).toEqual({
      loanId: 'LOAN1',
      date: '2026-02-24',
      amount: cny('3050.05'),
      breakdown: { principal: cny('3000.00'), interest: cny('40.05'), fees: cny('10.00'), penalties: cny('0.00') },
    });
    expect(parse(await get(deps, '/v1/loans/{loanId}/payoff', 'alice')).date).toBe('2026-02-12');
    for (const date of ['2026-02-30', 'tomorrow', '2026-01-09']) {
      const bad = await get(deps, '/v1/loans/{loanId}/payoff', 'alice', [], { date });
      expect(bad.statusCode).toBe(422);
      expect(parse(bad).errors[0].path).toBe('date');
    }
  });
});

describe('POST /v1/loans/{loanId}/repayments (ops)', () => {
  it('records a repayment (201 with the allocation) and answers a repeat of the reference with the first allocation (200)', async () => {
    const deps = await depsWithLoan();
    const first = await repay(deps, onTime);
    expect(first.statusCode).toBe(201);
    const body = parse(first);
    expect(body).toMatchObject({
      loanId: 'LOAN1',
      reference: 'BANK-0001',
      amount: cny('1025.00'),
      paidAt: '2026-02-10T03:00:00.000Z',
      allocation: {
        date: '2026-02-10',
        principal: cny('990.00'),
        interest: cny('30.00'),
        fees: cny('5.00'),
        penalties: cny('0.00'),
        credit: cny('0.00'),
        installments: [{ n: 1, principal: cny('990.00'), interest: cny('30.00'), fees: cny('5.00'), penalties: cny('0.00') }],
      },
      loan: { status: 'ACTIVE', outstanding: cny('2050.20') },
    });
    const again = await repay(deps, onTime);
    expect(again.statusCode).toBe(200);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    expect(parse(again)).toEqual(body);
    expect(deps.loans.repayments.size).toBe(1);
    expect(deps.loans.loans.get('LOAN1')!.version).toBe(2);
    const repayments = parse(await get(deps, '/v1/loans/{loanId}/repayments', 'alice'));
    expect(repayments.items).toEqual([body]);
  });

  it('refuses the same reference for another amount with 409, changing nothing', async () => {
    const deps = await depsWithLoan();
    await repay(deps, onTime);
    const other = await repay(deps, { ...onTime, amount: cny('1.00') });
    expect(other.statusCode).toBe(409);
    expect(deps.loans.loans.get('LOAN1')!.version).toBe(2);
  });

  it('needs the ops role: 403 for applicants and reviewers', async () => {
    const deps = await depsWithLoan();
    expect((await repay(deps, onTime, [])).statusCode).toBe(403);
    expect((await repay(deps, onTime, ['reviewer'])).statusCode).toBe(403);
    expect(deps.loans.repayments.size).toBe(0);
  });

  it('refuses bad input with 422 naming each field, another currency included', async () => {
    const deps = await depsWithLoan();
    const bad = await repay(deps, { amount: { amount: 10, currency: 'CNY' }, paidAt: 'yesterday', reference: '' });
    expect(bad.statusCode).toBe(422);
    expect(parse(bad).errors.map((e: { path: string }) => e.path).sort()).toEqual(['amount.amount', 'paidAt', 'reference']);
    const zero = await repay(deps, { ...onTime, amount: cny('0.00') });
    expect(parse(zero).errors).toEqual([{ path: 'amount.amount', message: 'must be more than zero' }]);
    const usd = await repay(deps, { ...onTime, amount: { amount: '1025.00', currency: 'USD' } });
    expect(usd.statusCode).toBe(422);
    expect(parse(usd).errors).toEqual([{ path: 'amount.currency', message: "must be the loan's currency CNY" }]);
    const future = await repay(deps, { ...onTime, paidAt: '2026-02-13T02:00:00Z' });
    expect(parse(future).errors).toEqual([{ path: 'paidAt', message: 'must not be in the future' }]);
    const early = await repay(deps, { ...onTime, paidAt: '2026-01-09T02:00:00Z' });
    expect(parse(early).errors[0].path).toBe('paidAt');
    const extra = await repay(deps, { ...onTime, note: 'x' });
    expect(parse(extra).errors).toEqual([{ path: 'note', message: 'is not a known field' }]);
    expect(deps.loans.repayments.size).toBe(0);
    expect((await repay(deps, onTime, ['ops'], 'NOPE')).statusCode).toBe(404);
  });

  it('applies a repayment that lost a race on the loan on top of the winner (optimistic lock, re-read, retry)', async () => {
    const deps = await depsWithLoan();
    deps.loans.racesToSimulate = 2;
    const result = await repay(deps, onTime);
    expect(result.statusCode).toBe(201);
    expect(deps.loans.loans.get('LOAN1')!.version).toBe(4);
  });

  it('keeps retrying a repayment that loses race after race (one fewer than its tries), backing off exponentially with jitter', async () => {
    const deps = await depsWithLoan();
    deps.loans.racesToSimulate = REPAYMENT_ATTEMPTS - 1;
    const result = await repay(deps, onTime);
    expect(result.statusCode).toBe(201);
    expect(deps.loans.repayments.size).toBe(1);
    expect(deps.loans.loans.get('LOAN1')!.version).toBe(2 + REPAYMENT_ATTEMPTS - 1);
    // One pause before each new try (through the injected sleep: nothing waited here), each under its doubling cap.
    expect(deps.sleeps).toHaveLength(REPAYMENT_ATTEMPTS - 1);
    deps.sleeps.forEach((pause, i) => {
      const ceiling = Math.min(REPAYMENT_BACKOFF.capMs, REPAYMENT_BACKOFF.baseMs * 2 ** i);
      expect(pause).toBeGreaterThanOrEqual(ceiling / 2);
      expect(pause).toBeLessThan(ceiling);
    });
    // Long enough for the other writers to get through, short enough for the function's 10 s.
    const total = deps.sleeps.reduce((sum, pause) => sum + pause, 0);
    expect(total).toBeGreaterThan(3_000);
    expect(total).toBeLessThan(8_000);
  });

  it('answers a repayment still racing after every try 503 with Retry-After (nothing recorded), never 409', async () => {
    const deps = await depsWithLoan();
    deps.loans.racesToSimulate = REPAYMENT_ATTEMPTS;
    const result = await repay(deps, onTime);
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['retry-after']).toBe('1');
    expect(parse(result).detail).toMatch(/nothing was recorded, retry with the same reference/);
    expect(deps.loans.repayments.size).toBe(0);
    expect((await repay(deps, onTime)).statusCode).toBe(201);
  });

  it('closes the loan on payoff and keeps an overpayment as credit', async () => {
    const deps = await depsWithLoan('2026-02-24T02:00:00.000Z');
    const result = await repay(deps, { amount: cny('3055.00'), paidAt: '2026-02-24T01:00:00Z', reference: 'PAYOFF-1' });
    expect(parse(result)).toMatchObject({
      allocation: { payoff: true, credit: cny('4.95'), waived: { interest: cny('20.15'), fees: cny('5.00') } },
      loan: { status: 'CLOSED', outstanding: cny('0.00') },
    });
    const view = parse(await get(deps, '/v1/loans/{loanId}', 'alice'));
    expect(view).toMatchObject({ status: 'CLOSED', credit: cny('4.95'), outstanding: { total: cny('0.00') }, delinquency: { daysPastDue: 0, bucket: 'current' } });
    expect(view.nextDue).toBeUndefined();
  });
});

describe('POST /v1/webhooks/repayments (the bank, HMAC-signed)', () => {
  const body = { loanId: 'LOAN1', ...onTime };

  it('records a correctly signed repayment and replays a repeated delivery', async () => {
    const deps = await depsWithLoan();
    const first = await webhook(deps, body);
    expect(first.statusCode).toBe(201);
    expect(deps.loans.repayments.get('LOAN1#BANK-0001')).toMatchObject({ recordedBy: 'bank-webhook', channel: 'bank-webhook' });
    const again = await webhook(deps, body);
    expect(again.statusCode).toBe(200);
    expect(parse(again)).toEqual(parse(first));
  });

  it('refuses a missing, malformed or wrong signature with 401 before reading the body', async () => {
    const deps = await depsWithLoan();
    const missing = await webhook(deps, body, () => undefined);
    expect(missing.statusCode).toBe(401);
    expect(parse(missing).detail).toMatch(/X-Signature header is required/);
    expect((await webhook(deps, body, () => 'sha256=abc')).statusCode).toBe(401);
    expect((await webhook(deps, body, (raw) => signTestWebhook(raw).replace('sha256=', 'sha1='))).statusCode).toBe(401);
    // Signed for another loan or amount: the signature covers the whole body.
    expect((await webhook(deps, body, () => signTestWebhook(JSON.stringify({ ...body, amount: cny('1.00') })))).statusCode).toBe(401);
    const flipLast = (signature: string) => signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
    expect((await webhook(deps, body, (raw) => flipLast(signTestWebhook(raw)))).statusCode).toBe(401);
    expect(deps.loans.repayments.size).toBe(0);
  });

  it('does not accept a staff token in place of a signature, and validates a signed body like the ops route', async () => {
    const deps = await depsWithLoan();
    const withToken = await createRepayments(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/webhooks/repayments', body, sub: 'olga', roles: ['ops'] }),
      lambdaContext,
    );
    expect(withToken.statusCode).toBe(401);
    const bad = await webhook(deps, { ...body, loanId: undefined, amount: { amount: '1025.00', currency: 'USD' } });
    expect(bad.statusCode).toBe(422);
    expect(parse(bad).errors).toEqual([{ path: 'loanId', message: 'is required' }]);
    const unknown = await webhook(deps, { ...body, loanId: 'NOPE' });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('recordRepayment', () => {
  it('gives up after the attempts when the loan keeps changing: temporarily unavailable, not a conflict', async () => {
    const deps = await depsWithLoan();
    deps.loans.racesToSimulate = 10;
    const attempt = recordRepayment(deps, { loanId: 'LOAN1', amountMinor: 100, currency: 'CNY', paidAt: '2026-02-10T03:00:00Z', reference: 'R', recordedBy: 'ops:olga', channel: 'staff' }, { timeZone: TIME_ZONE, maxAttempts: 3, sleep: deps.sleep });
    await expect(attempt).rejects.toThrow(TemporarilyUnavailableError);
    await expect(attempt).rejects.toThrow(/receiving many repayments/);
    expect(deps.sleeps).toHaveLength(2);
  });
});

import fc from 'fast-check';
import {
  applyRepayment,
  bucketFor,
  chargePenalty,
  createLoan,
  delinquencyOf,
  installmentStatus,
  nextDueOf,
  outstandingOf,
  payoffQuote,
  remainingOf,
  sumParts,
  type Loan,
  type RepaymentAllocation,
} from '../../../functions/core/servicing/loan';
import { ValidationError } from '../../../functions/core/kernel/errors';
import { generateSchedule } from '../../../functions/core/lending-math/schedule';
import { aLoan, FOUR_MONTHS, scheduleOf, THREE_MONTHS } from '../../support/loans';

const AT = '2026-06-01T00:00:00.000Z';

function pay(loan: Loan, amountMinor: number, date: string) {
  return applyRepayment(loan, { amountMinor, date, at: AT });
}

function owed(loan: Loan, n: number) {
  return remainingOf(loan.installments[n - 1]!);
}

describe('opening a loan from a schedule', () => {
  it('creates it ACTIVE, nothing paid, one installment per row', () => {
    const loan = aLoan();
    expect(loan).toMatchObject({ status: 'ACTIVE', principalMinor: 300_000, creditMinor: 0, version: 1 });
    expect(loan.installments.map((i) => [i.n, i.dueDate, i.due, i.outstandingAfterMinor])).toEqual([
      [1, '2026-02-10', { principal: 99_000, interest: 3_000, fees: 500, penalties: 0 }, 201_000],
      [2, '2026-03-10', { principal: 100_000, interest: 2_010, fees: 500, penalties: 0 }, 101_000],
      [3, '2026-04-10', { principal: 101_000, interest: 1_010, fees: 500, penalties: 0 }, 0],
    ]);
    expect(outstandingOf(loan)).toEqual({ principal: 300_000, interest: 6_020, fees: 1_500, penalties: 0 });
  });

  it('refuses a schedule whose principal does not add up, with dates out of order or with fractions', () => {
    const bad = () =>
      createLoan({
        loanId: 'L', applicationId: 'A', ownerId: 'o', currency: 'CNY', principalMinor: 300_001, annualRatePercent: '12',
        disbursedAt: '2026-01-10T02:00:00Z', disbursementDate: '2026-01-10', at: AT, schedule: THREE_MONTHS,
      });
    expect(bad).toThrow(ValidationError);
    try {
      bad();
    } catch (error) {
      expect((error as ValidationError).errors).toEqual([{ path: 'schedule', message: "principal sums to 300000, not the loan's 300001" }]);
    }
    const swapped = scheduleOf([['2026-03-10', 150_000, 0, 0], ['2026-02-10', 150_000, 0, 0]]);
    expect(() => aLoan({ schedule: swapped })).toThrow(ValidationError);
    const fractional = scheduleOf([['2026-02-10', 300_000, 10.5, 0]]);
    expect(() => aLoan({ schedule: fractional })).toThrow(ValidationError);
  });
});

describe('allocating repayments (hand-computed)', () => {
  it('on time: the installment due is paid fees → interest → principal, nothing left over', () => {
    const { loan, allocation } = pay(aLoan(), 102_500, '2026-02-10');
    expect(allocation).toMatchObject({
      totals: { penalties: 0, fees: 500, interest: 3_000, principal: 99_000 },
      installments: [{ n: 1, penalties: 0, fees: 500, interest: 3_000, principal: 99_000 }],
      prepaidPrincipalMinor: 0,
      creditMinor: 0,
      payoff: false,
      closed: false,
    });
    expect(sumParts(owed(loan, 1))).toBe(0);
    expect(loan.installments[0]!.settledOn).toBe('2026-02-10');
    expect(installmentStatus(loan, loan.installments[0]!, '2026-02-10')).toBe('PAID');
    expect(loan.status).toBe('ACTIVE');
  });

  it('partial: the money stops where it runs out, the next payment carries on from there', () => {
    const first = pay(aLoan(), 2_000, '2026-02-10');
    expect(first.allocation.totals).toEqual({ penalties: 0, fees: 500, interest: 1_500, principal: 0 });
    expect(owed(first.loan, 1)).toEqual({ principal: 99_000, interest: 1_500, fees: 0, penalties: 0 });
    expect(installmentStatus(first.loan, first.loan.installments[0]!, '2026-02-10')).toBe('DUE');
    expect(installmentStatus(first.loan, first.loan.installments[0]!, '2026-02-11')).toBe('OVERDUE');
    const second = pay(first.loan, 100_500, '2026-02-12');
    expect(second.allocation.totals).toEqual({ penalties: 0, fees: 0, interest: 1_500, principal: 99_000 });
    expect(sumParts(owed(second.loan, 1))).toBe(0);
    expect(owed(second.loan, 2)).toEqual({ principal: 100_000, interest: 2_010, fees: 500, penalties: 0 });
  });

  it('late with penalties: penalties first, then fees, interest and principal; days past due and bucket', () => {
    const charged = chargePenalty(aLoan(), { n: 1, amountMinor: 1_000, at: AT });
    expect(delinquencyOf(charged, '2026-02-20')).toEqual({ daysPastDue: 10, bucket: '1-30', oldestUnpaidDueDate: '2026-02-10', amountPastDueMinor: 103_500 });
    const partial = pay(charged, 1_200, '2026-02-20');
    expect(partial.allocation.totals).toEqual({ penalties: 1_000, fees: 200, interest: 0, principal: 0 });
    const rest = pay(partial.loan, 102_300, '2026-02-20');
    expect(rest.allocation.totals).toEqual({ penalties: 0, fees: 300, interest: 3_000, principal: 99_000 });
    expect(delinquencyOf(rest.loan, '2026-02-20')).toMatchObject({ daysPastDue: 0, bucket: 'current' });
  });

  it('late on two installments: the oldest is paid first, then the next', () => {
    const { loan, allocation } = pay(aLoan(), 150_000, '2026-03-15');
    expect(allocation.installments).toEqual([
      { n: 1, penalties: 0, fees: 500, interest: 3_000, principal: 99_000 },
      { n: 2, penalties: 0, fees: 500, interest: 2_010, principal: 44_990 },
    ]);
    expect(delinquencyOf(loan, '2026-03-15')).toMatchObject({ daysPastDue: 5, bucket: '1-30', oldestUnpaidDueDate: '2026-03-10', amountPastDueMinor: 55_010 });
  });

  it('early payoff: principal outstanding + the current period\'s interest pro rata and fees; later interest and fees waived', () => {
    const paidFirst = pay(aLoan(), 102_500, '2026-02-10').loan;
    // 14 of the 28 days from 10 Feb to 10 Mar: half of installment 2's interest, 1,005; its 500 fee.
    const quote = payoffQuote(paidFirst, '2026-02-24');
    expect(quote).toEqual({ date: '2026-02-24', amountMinor: 202_505, breakdown: { principal: 201_000, interest: 1_005, fees: 500, penalties: 0 } });
    const { loan, allocation } = pay(paidFirst, 202_505, '2026-02-24');
    expect(allocation).toMatchObject({
      totals: { principal: 201_000, interest: 1_005, fees: 500, penalties: 0 },
      prepaidPrincipalMinor: 201_000,
      waived: { principal: 0, interest: 1_005 + 1_010, fees: 500, penalties: 0 },
      creditMinor: 0,
      payoff: true,
      closed: true,
    });
    expect(loan).toMatchObject({ status: 'CLOSED', closedAt: AT, creditMinor: 0 });
    expect(sumParts(outstandingOf(loan))).toBe(0);
  });

  it('payoff on a due date: that installment in full, no interest accrued yet on the next period (its fee owed)', () => {
    expect(payoffQuote(aLoan(), '2026-02-10')).toEqual({
      date: '2026-02-10',
      amountMinor: 99_000 + 3_000 + 500 + 201_000 + 500,
      breakdown: { principal: 300_000, interest: 3_000, fees: 1_000, penalties: 0 },
    });
    // On the day of disbursement no interest has accrued; the first installment's fee is owed.
    expect(payoffQuote(aLoan(), '2026-01-10').amountMinor).toBe(300_500);
    expect(() => payoffQuote(aLoan(), '2026-01-09')).toThrow(ValidationError);
  });

  it('overpayment: whatever is left once nothing is owed is held as credit', () => {
    const paidFirst = pay(aLoan(), 102_500, '2026-02-10').loan;
    const { loan, allocation } = pay(paidFirst, 203_000, '2026-02-24');
    expect(allocation).toMatchObject({ creditMinor: 495, payoff: true, closed: true });
    expect(loan.creditMinor).toBe(495);
    // A payment to a closed loan is all credit.
    const again = pay(loan, 1_000, '2026-03-01');
    expect(again.allocation).toMatchObject({ totals: { principal: 0, interest: 0, fees: 0, penalties: 0 }, creditMinor: 1_000, closed: false });
    expect(again.loan.creditMinor).toBe(1_495);
  });

  it('closes when the last installment is paid', () => {
    let loan = aLoan();
    loan = pay(loan, 102_500, '2026-02-10').loan;
    loan = pay(loan, 102_510, '2026-03-10').loan;
    expect(loan.status).toBe('ACTIVE');
    const last = pay(loan, 102_510, '2026-04-10');
    expect(last.allocation).toMatchObject({ closed: true, payoff: false, creditMinor: 0 });
    expect(last.loan.status).toBe('CLOSED');
    expect(nextDueOf(last.loan, '2026-04-10')).toBeUndefined();
  });

  it('paying early pays the current period\'s installment in advance: it is not overdue on its due date', () => {
    const { loan, allocation } = pay(aLoan(), 102_500, '2026-02-05');
    expect(allocation).toMatchObject({ totals: { principal: 99_000, interest: 3_000, fees: 500, penalties: 0 }, prepaidPrincipalMinor: 99_000, payoff: false });
    expect(delinquencyOf(loan, '2026-02-11')).toMatchObject({ daysPastDue: 0, bucket: 'current' });
    expect(nextDueOf(loan, '2026-02-11')).toEqual({ n: 2, dueDate: '2026-03-10', amountMinor: 102_510 });
  });

  it('prepayment beyond the current installment repays principal from the last installment backwards', () => {
    // 10 Jan → 20 Jan: 104,000 for installment 1 in advance, then 100,000 cancels installment 4 (its 1,000 interest
    // waived), 50 more starts on installment 3's principal (its interest stays).
    const { loan, allocation } = pay(aLoan({ schedule: FOUR_MONTHS }), 204_050, '2026-01-20');
    expect(allocation.installments).toEqual([
      { n: 1, penalties: 0, fees: 0, interest: 4_000, principal: 100_000 },
      { n: 3, penalties: 0, fees: 0, interest: 0, principal: 50 },
      { n: 4, penalties: 0, fees: 0, interest: 0, principal: 100_000 },
    ]);
    expect(allocation).toMatchObject({ prepaidPrincipalMinor: 200_050, waived: { interest: 1_000, fees: 0 }, payoff: false, creditMinor: 0 });
    expect(owed(loan, 2)).toEqual({ principal: 100_000, interest: 3_000, fees: 0, penalties: 0 });
    expect(owed(loan, 3)).toEqual({ principal: 99_950, interest: 2_000, fees: 0, penalties: 0 });
    expect(sumParts(owed(loan, 4))).toBe(0);
    expect(installmentStatus(loan, loan.installments[3]!, '2026-01-20')).toBe('PAID');
    expect(installmentStatus(loan, loan.installments[2]!, '2026-01-20')).toBe('PARTIALLY_PAID');
    expect(installmentStatus(loan, loan.installments[1]!, '2026-01-20')).toBe('DUE');
    // The term shortened: installments 2 and 3 keep their agreed amounts, then nothing.
    expect(payoffQuote(loan, '2026-01-20')).toMatchObject({ amountMinor: 199_950, breakdown: { principal: 199_950, interest: 0 } });
  });

  it('refuses a zero, negative or fractional amount', () => {
    for (const amountMinor of [0, -1, 1.5]) expect(() => pay(aLoan(), amountMinor, '2026-02-10')).toThrow(ValidationError);
  });
});

describe('a loan from the schedule generator', () => {
  it('opens from generateSchedule and closes exactly when every installment is paid on its due date', () => {
    const schedule = generateSchedule({
      principalMinor: 800_000, currency: 'CNY', annualRatePercent: '12', numberOfInstallments: 12, frequency: 'monthly',
      method: 'equal_installments', disbursementDate: '2026-01-31', feesMinor: 10_000,
    });
    let loan = aLoan({ schedule: schedule.installments, disbursementDate: '2026-01-31', disbursedAt: '2026-01-31T02:00:00.000Z' });
    expect(sumParts(outstandingOf(loan))).toBe(schedule.totals.totalMinor);
    for (const installment of schedule.installments) {
      const { loan: after, allocation } = pay(loan, installment.totalMinor, installment.dueDate);
      expect(allocation.installments).toEqual([{ n: installment.n, penalties: 0, fees: installment.feesMinor, interest: installment.interestMinor, principal: installment.principalMinor }]);
      loan = after;
    }
    expect(loan).toMatchObject({ status: 'CLOSED', creditMinor: 0 });
  });
});

describe('delinquency buckets', () => {
  it('maps days past due to current, 1-30, 31-60, 61-90, 90+', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(bucketFor)).toEqual(['current', '1-30', '1-30', '31-60', '31-60', '61-90', '61-90', '90+', '90+']);
    expect(delinquencyOf(aLoan(), '2026-05-12')).toMatchObject({ daysPastDue: 91, bucket: '90+', oldestUnpaidDueDate: '2026-02-10' });
  });
});

// ---- properties ----------------------------------------------------------------------------------------------------

const DAY = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** Any schedule: 1–12 installments 7–40 days apart, principal 1–500,000 per installment, interest and fees any. */
const anySchedule = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 7, max: 40 }),
      principal: fc.integer({ min: 0, max: 500_000 }),
      interest: fc.integer({ min: 0, max: 20_000 }),
      fees: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .filter((rows) => rows.some((row) => row.principal > 0))
  .map((rows) => {
    let date = '2026-01-10';
    return scheduleOf(
      rows.map((row) => {
        date = addDays(date, row.gap);
        return [date, row.principal, row.interest, row.fees] as [string, number, number, number];
      }),
    );
  });

type Event = { kind: 'pay'; amount: number; day: number } | { kind: 'penalty'; n: number; amount: number };
const anyEvents: fc.Arbitrary<Event[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 2_000_000 }), day: fc.integer({ min: 0, max: 600 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('penalty' as const), n: fc.integer({ min: 1, max: 12 }), amount: fc.integer({ min: 0, max: 3_000 }) }) },
  ),
  { maxLength: 25 },
);

function checkInvariants(loan: Loan) {
  for (const installment of loan.installments) {
    for (const part of ['principal', 'interest', 'fees', 'penalties'] as const) {
      expect(Number.isSafeInteger(installment.paid[part])).toBe(true);
      expect(installment.paid[part]).toBeGreaterThanOrEqual(0);
      expect(installment.waived[part]).toBeGreaterThanOrEqual(0);
      expect(installment.paid[part] + installment.waived[part]).toBeLessThanOrEqual(installment.due[part]);
    }
    expect(installment.waived.principal).toBe(0);
  }
  if (loan.status === 'ACTIVE') expect(sumParts(outstandingOf(loan))).toBeGreaterThan(0);
}

function sumAllocation(allocation: RepaymentAllocation) {
  const lines = allocation.installments.reduce((sum, line) => sum + line.principal + line.interest + line.fees + line.penalties, 0);
  expect(lines).toBe(sumParts(allocation.totals));
  return sumParts(allocation.totals) + allocation.creditMinor;
}

describe('allocation properties', () => {
  it('never creates or loses a minor unit: sum(allocated) + credit == sum(paid), each part within what was due', () => {
    fc.assert(
      fc.property(anySchedule, anyEvents, fc.boolean(), (schedule, events, chronological) => {
        let loan = aLoan({ schedule });
        let paid = 0;
        let accounted = 0;
        const days = events.filter((e) => e.kind === 'pay').map((e) => (e as { day: number }).day);
        if (chronological) days.sort((a, b) => a - b);
        let nextDay = 0;
        for (const event of events) {
          if (event.kind === 'penalty') {
            if (loan.status === 'ACTIVE' && event.n <= loan.installments.length) loan = chargePenalty(loan, { n: event.n, amountMinor: event.amount, at: AT });
            continue;
          }
          const date = addDays(loan.disbursementDate, days[nextDay++]!);
          const before = loan;
          const result = applyRepayment(loan, { amountMinor: event.amount, date, at: AT });
          loan = result.loan;
          paid += event.amount;
          accounted += sumAllocation(result.allocation);
          // What the installments received is exactly what the allocation says.
          const receivedNow = loan.installments.reduce((sum, i) => sum + sumParts(i.paid), 0) - before.installments.reduce((sum, i) => sum + sumParts(i.paid), 0);
          expect(receivedNow).toBe(sumParts(result.allocation.totals));
          expect(loan.creditMinor - before.creditMinor).toBe(result.allocation.creditMinor);
          checkInvariants(loan);
        }
        expect(accounted).toBe(paid);
        const received = loan.installments.reduce((sum, i) => sum + sumParts(i.paid), 0);
        expect(received + loan.creditMinor).toBe(paid);
      }),
      { numRuns: 300 },
    );
  });

  it('paying the payoff quote closes the loan with no credit; one minor unit less leaves it open', () => {
    fc.assert(
      fc.property(anySchedule, fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 2_000_000 }), (schedule, day, firstPayment) => {
        let loan = aLoan({ schedule });
        if (firstPayment > 0) loan = applyRepayment(loan, { amountMinor: firstPayment, date: addDays(loan.disbursementDate, Math.floor(day / 2)), at: AT }).loan;
        if (loan.status !== 'ACTIVE') return;
        const date = addDays(loan.disbursementDate, day);
        const quote = payoffQuote(loan, date);
        expect(sumParts(quote.breakdown)).toBe(quote.amountMinor);
        if (quote.amountMinor > 1) {
          const short = applyRepayment(loan, { amountMinor: quote.amountMinor - 1, date, at: AT });
          expect(short.loan.status).toBe('ACTIVE');
        }
        if (quote.amountMinor === 0) return;
        const { loan: after, allocation } = applyRepayment(loan, { amountMinor: quote.amountMinor, date, at: AT });
        expect(after.status).toBe('CLOSED');
        expect(allocation.creditMinor).toBe(0);
        expect(sumParts(outstandingOf(after))).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

// Properties of every schedule (issue 5, "Done when"): for any method, frequency, amount, term, rate, grace and
// conventions in range, the principal sums to the loan principal exactly, no part is negative, the outstanding
// principal never increases and ends at 0, and due dates strictly increase.

import fc from 'fast-check';
import { addDays, daysBetween } from '../../../functions/core/lending-math/calendar-days';
import {
  DAYS_IN_MONTH,
  DAYS_IN_YEAR,
  FREQUENCIES,
  generateSchedule,
  INTEREST_PERIODS,
  ROUNDING_MODES,
  SCHEDULE_METHODS,
  scheduleTermsProblems,
  type Frequency,
  type ScheduleTerms,
} from '../../../functions/core/lending-math/schedule';

/** The most installments that end within the 50-year limit. */
function maxInstallments(frequency: Frequency, every: number): number {
  const days = { monthly: 30.5 * every, biweekly: 14 * every, weekly: 7 * every, daily: every }[frequency];
  return Math.max(1, Math.min(600, Math.floor((49 * 365) / days)));
}

const termsArbitrary: fc.Arbitrary<ScheduleTerms> = fc
  .record({
    method: fc.constantFrom(...SCHEDULE_METHODS),
    frequency: fc.constantFrom(...FREQUENCIES),
    every: fc.integer({ min: 1, max: 4 }),
    principalMinor: fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1_000_000_000_000 })),
    rateTenThousandths: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 })),
    n: fc.oneof(fc.integer({ min: 1, max: 36 }), fc.integer({ min: 1, max: 600 })),
    gracePrincipalShare: fc.double({ min: 0, max: 1, noNaN: true }),
    graceInterestShare: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    disbursementDay: fc.integer({ min: 10_957, max: 32_872 }), // 2000-01-01 … 2059-12-31
    firstDueOffset: fc.option(fc.integer({ min: 1, max: 366 })),
    feesMinor: fc.option(fc.integer({ min: 0, max: 1_000_000_000 })),
    daysInYear: fc.constantFrom(...DAYS_IN_YEAR),
    daysInMonth: fc.constantFrom(...DAYS_IN_MONTH),
    interestPeriod: fc.constantFrom(...INTEREST_PERIODS),
    rounding: fc.constantFrom(...ROUNDING_MODES),
    multiple: fc.option(fc.constantFrom(1, 5, 10, 50, 100, 1_000, 10_000)),
  })
  .map((r) => {
    const every = r.frequency === 'daily' ? r.every * 7 : r.every;
    const n = Math.min(r.n, maxInstallments(r.frequency, every));
    const disbursementDate = addDays('1970-01-01', r.disbursementDay);
    const rate = `${Math.floor(r.rateTenThousandths / 10_000)}.${String(r.rateTenThousandths % 10_000).padStart(4, '0')}`;
    return {
      principalMinor: r.principalMinor,
      currency: 'CNY',
      annualRatePercent: rate,
      numberOfInstallments: n,
      frequency: r.frequency,
      repaymentEvery: every,
      method: r.method,
      disbursementDate,
      ...(r.firstDueOffset !== null ? { firstDueDate: addDays(disbursementDate, r.firstDueOffset) } : {}),
      graceOnPrincipalPeriods: Math.floor(r.gracePrincipalShare * (n - 1)),
      graceOnInterestPeriods: Math.floor(r.graceInterestShare * (n - 1)),
      ...(r.feesMinor !== null ? { feesMinor: r.feesMinor } : {}),
      conventions: {
        daysInYear: r.daysInYear,
        daysInMonth: r.daysInMonth,
        interestPeriod: r.interestPeriod,
        rounding: r.rounding,
        ...(r.multiple !== null ? { installmentMultipleOfMinor: r.multiple } : {}),
      },
    };
  });

describe('schedule properties', () => {
  it('every generated term set is valid', () => {
    fc.assert(fc.property(termsArbitrary, (terms) => expect(scheduleTermsProblems(terms)).toEqual([])), { numRuns: 300 });
  });

  it('principal sums exactly, nothing is negative, the outstanding never rises and ends at 0, dates strictly increase', () => {
    fc.assert(
      fc.property(termsArbitrary, (terms) => {
        const schedule = generateSchedule(terms);
        const rows = schedule.installments;
        expect(rows).toHaveLength(terms.numberOfInstallments);
        expect(rows.reduce((sum, r) => sum + r.principalMinor, 0)).toBe(terms.principalMinor);

        // Collect every violation and assert once: an expect() per row would make the run slow.
        const violations: string[] = [];
        const check = (ok: boolean, what: string) => {
          if (!ok) violations.push(what);
        };
        let outstanding = terms.principalMinor;
        let previousDate = terms.disbursementDate;
        rows.forEach((r, i) => {
          check(r.n === i + 1, `n of row ${i}`);
          for (const part of [r.principalMinor, r.interestMinor, r.feesMinor, r.totalMinor, r.outstandingAfterMinor]) {
            check(Number.isSafeInteger(part) && part >= 0, `a negative or fractional part in installment ${r.n}: ${part}`);
          }
          check(r.totalMinor === r.principalMinor + r.interestMinor + r.feesMinor, `total of installment ${r.n}`);
          check(r.outstandingAfterMinor <= outstanding, `outstanding rises at installment ${r.n}`);
          check(r.outstandingAfterMinor === outstanding - r.principalMinor, `outstanding of installment ${r.n}`);
          outstanding = r.outstandingAfterMinor;
          check(daysBetween(previousDate, r.dueDate) > 0, `due date of installment ${r.n} (${r.dueDate}) not after ${previousDate}`);
          previousDate = r.dueDate;
          if (i < (terms.graceOnPrincipalPeriods ?? 0)) check(r.principalMinor === 0, `principal in grace installment ${r.n}`);
          if (i < (terms.graceOnInterestPeriods ?? 0)) check(r.interestMinor === 0, `interest in grace installment ${r.n}`);
        });
        expect(violations).toEqual([]);
        expect(outstanding).toBe(0);
        if (terms.firstDueDate) expect(rows[0]!.dueDate).toBe(terms.firstDueDate);

        const sum = (key: 'principalMinor' | 'interestMinor' | 'feesMinor' | 'totalMinor') => rows.reduce((s, r) => s + r[key], 0);
        expect(schedule.totals).toEqual({ principalMinor: sum('principalMinor'), interestMinor: sum('interestMinor'), feesMinor: sum('feesMinor'), totalMinor: sum('totalMinor') });
        expect(schedule.totals.feesMinor).toBe(terms.feesMinor ?? 0);
      }),
      { numRuns: 400 },
    );
  });

  // Where the level installment's principal part is worth at least a few minor units. On long terms at high rates
  // that part, P·i / ((1 + i)^n − 1), can be below half a unit; a rounded-up interest then exceeds the installment and
  // the principal part is 0, never negative (rule 2), so that installment is larger. The precondition computes that
  // part independently of the generator (nominal periodic rate = annual rate / periods per year).
  const PERIODS_PER_YEAR: Record<Frequency, number> = { monthly: 12, biweekly: 26, weekly: 52, daily: 365 };
  const nominalPeriodsPerYear = (frequency: Frequency, every: number) => PERIODS_PER_YEAR[frequency] / every;
  const firstPrincipalPart = (terms: ScheduleTerms) => {
    const i = Number(terms.annualRatePercent) / 100 / nominalPeriodsPerYear(terms.frequency, terms.repaymentEvery ?? 1);
    const n = terms.numberOfInstallments;
    return i === 0 ? terms.principalMinor / n : (terms.principalMinor * i) / ((1 + i) ** n - 1);
  };
  it('equal installments without grace or a first due date: every installment but the last is the same amount', () => {
    fc.assert(
      fc.property(termsArbitrary, (raw) => {
        const { firstDueDate: _first, feesMinor: _fees, ...rest } = raw;
        const terms: ScheduleTerms = {
          ...rest,
          method: 'equal_installments',
          graceOnPrincipalPeriods: 0,
          graceOnInterestPeriods: 0,
          numberOfInstallments: Math.min(raw.numberOfInstallments, 60),
          principalMinor: Math.max(raw.principalMinor, 10_000_000),
          conventions: { ...raw.conventions, interestPeriod: 'repayment_period', installmentMultipleOfMinor: undefined },
        };
        fc.pre(firstPrincipalPart(terms) >= 20);
        const totals = generateSchedule(terms).installments.slice(0, -1).map((r) => r.totalMinor);
        expect(new Set(totals).size).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});

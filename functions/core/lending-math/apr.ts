// The annual percentage rate of a loan (issue 5 item 2): the internal rate of return of its cash flows, annualised.
//
// ANNUALISATION: the effective annual rate X that solves, on actual dates,
//
//     Σ amount_i × (1 + X)^(−t_i) = 0,   t_i = (days from the first cash flow to flow i) / 365,
//
// with the disbursement (net of any fee the lender keeps at disbursement) negative and every installment positive.
// This is the EU Consumer Credit Directive's APR (2008/48/EC and 2023/2225, Annex I: compound, time in years), and the
// compound internal-rate-of-return method that the People's Bank of China accepts for the annualised loan rate it
// requires lenders to show (PBoC Announcement [2021] No. 3). Why this one rather than the nominal periodic IRR × periods
// per year: it is computed on the real dates, so it stays right for irregular first periods, grace periods, weekly and
// daily schedules and fees charged on any day, and it is one number comparable across products and frequencies (a
// nominal annualisation understates a monthly loan's cost: 12 % nominal monthly is 12.68 % effective). A year is 365
// days (ACT/365 fixed, leap years included).
//
// SOLVER: Newton's method on u = ln(1 + X) (continuous compounding, so (1 + X)^(−t) = e^(−u·t) never overflows), kept
// inside a bracket where the function changes sign; any step that leaves the bracket or does not shrink it enough is
// replaced by bisection, so it always converges. With money out first and money in afterwards (every loan) the NPV is
// strictly decreasing in u and the root is unique.

import { daysBetween } from './calendar-days';
import type { Schedule, ScheduleTerms } from './schedule';

export interface CashFlow {
  date: string;
  /** Minor units; negative = paid by the lender (the disbursement), positive = paid by the borrower. */
  amountMinor: number;
}

const LOWEST_U = -10; // X = e^−10 − 1 ≈ −99.995 %
const HIGHEST_U = 1_000; // beyond any ordinary loan (a doubling in a day is u = 365 · ln 2 ≈ 253)

/**
 * The effective annual rate (a fraction: 0.1268 = 12.68 %) at which the cash flows' net present value is zero.
 * Throws RangeError when there is no such rate (no money in either direction, or none inside the search bracket).
 */
export function annualPercentageRate(cashFlows: readonly CashFlow[]): number {
  if (!cashFlows.some((f) => f.amountMinor < 0) || !cashFlows.some((f) => f.amountMinor > 0)) {
    throw new RangeError('an APR needs money paid out and money paid back');
  }
  const start = cashFlows.reduce((min, f) => (f.date < min ? f.date : min), cashFlows[0]!.date);
  const flows = cashFlows.map((f) => ({ t: daysBetween(start, f.date) / 365, a: f.amountMinor }));
  const npv = (u: number) => flows.reduce((sum, f) => sum + f.a * Math.exp(-u * f.t), 0);
  const slope = (u: number) => flows.reduce((sum, f) => sum - f.t * f.a * Math.exp(-u * f.t), 0);

  let lo = LOWEST_U;
  let hi = HIGHEST_U;
  let fLo = npv(lo);
  let fHi = npv(hi);
  // Widen the bracket for extreme flows (a large multiple repaid within days); past u ≈ 709 the rate is not finite.
  while (Math.sign(fLo) === Math.sign(fHi) && hi < 1e6) {
    hi *= 4;
    fHi = npv(hi);
  }
  if (fLo === 0) return Math.expm1(lo);
  if (fHi === 0) return Math.expm1(hi);
  if (Math.sign(fLo) === Math.sign(fHi)) throw new RangeError('no rate of return between −99.99 % and e^1000000');

  // rtsafe (Numerical Recipes 9.4): Newton while it stays in the bracket and converges fast, bisection otherwise.
  let u = Math.log1p(0.1);
  let step = hi - lo;
  let previousStep = step;
  for (let i = 0; i < 300; i += 1) {
    const f = npv(u);
    if (f === 0) break;
    if (Math.sign(f) === Math.sign(fLo)) {
      lo = u;
      fLo = f;
    } else hi = u;
    const d = slope(u);
    const newton = u - f / d;
    let next: number;
    if (!(d !== 0 && newton > lo && newton < hi) || Math.abs(2 * f) > Math.abs(previousStep * d)) {
      previousStep = step;
      step = (hi - lo) / 2;
      next = lo + step;
    } else {
      previousStep = step;
      step = newton - u;
      next = newton;
    }
    const done = Math.abs(next - u) <= 1e-15 * Math.max(1, Math.abs(u));
    u = next;
    if (done) break;
  }
  return Math.expm1(u);
}

/** The APR in percent with two decimals, as the API shows it ("12.68"). */
export function aprPercent(cashFlows: readonly CashFlow[]): string {
  return formatPercent(annualPercentageRate(cashFlows));
}

/** A fraction as a percentage string with two decimals, never in exponent notation. */
export function formatPercent(fraction: number): string {
  const hundredths = Math.round(fraction * 10_000);
  if (!Number.isFinite(hundredths)) throw new RangeError('the rate is too large to show');
  const sign = hundredths < 0 ? '-' : '';
  const digits = BigInt(Math.abs(hundredths)).toString().padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * A schedule's cash flows: the principal paid out on the disbursement date, less any fee the lender keeps at
 * disbursement (`upfrontFeesMinor`), then each installment's total (principal, interest and its fees) on its due date.
 */
export function scheduleCashFlows(
  terms: Pick<ScheduleTerms, 'principalMinor' | 'disbursementDate'>,
  schedule: Schedule,
  options: { upfrontFeesMinor?: number } = {},
): CashFlow[] {
  return [
    { date: terms.disbursementDate, amountMinor: -(terms.principalMinor - (options.upfrontFeesMinor ?? 0)) },
    ...schedule.installments.map((i) => ({ date: i.dueDate, amountMinor: i.totalMinor })),
  ];
}

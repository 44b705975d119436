// Repayment schedules (PRODUCT.md §2.8, issue 5 item 1): the installments of a loan from its terms. Pure: no clock, no
// I/O; amounts are integer minor units, rates exact decimals (BigInt ratios), dates YYYY-MM-DD strings.
//
// The settings mean what Apache Fineract's loan product settings of the same names mean, and the arithmetic follows
// Fineract's cumulative schedule generator (apache/fineract: LoanApplicationTerms, DecliningBalanceInterestLoanSchedule-
// Generator, FlatInterestLoanScheduleGenerator, DefaultPaymentPeriodsInOneYearCalculator, CalendarUtils.adjustDate), so
// a portfolio moved from Fineract keeps its schedules to the cent. test/unit/core/schedule.test.ts checks it against
// the schedules published in Fineract's own end-to-end suite.
//
// THE RULES
//
//  1. Due dates. Installment k is due on anchor + k periods, always counted from the anchor, never by chaining: without
//     `firstDueDate` the anchor is the disbursement date (k = 1..n); with it, installment k is due on firstDueDate +
//     (k − 1) periods. A period is `repaymentEvery` months (monthly), 2 × repaymentEvery weeks (biweekly),
//     repaymentEvery weeks (weekly) or repaymentEvery days (daily). Months respect month ends: a day the month lacks
//     becomes its last day, and the next month goes back to the anchor's day (31 Jan → 28/29 Feb → 31 Mar → 30 Apr).
//     Period k runs from the previous due date (the disbursement date for k = 1) to its due date.
//  2. Rounding. Every amount is rounded to a whole minor unit with `conventions.rounding`: half_even (the default, a tie
//     goes to the even neighbour, Fineract's default HALF_EVEN) or half_up. Interest is rounded per installment; the
//     LAST installment absorbs every difference: its principal is the whole outstanding balance, so the principal sums
//     to the loan principal exactly (flat: its interest is the total interest less what the others carry). No part is
//     ever negative and no installment repays more principal than is outstanding.
//  3. Periodic rate. r = annualRatePercent / 100, exact.
//     - interestPeriod 'repayment_period' (Fineract "same as repayment period"): a period's rate is
//       r × units / periodsPerYear, with units the length of the period counted in months (monthly), weeks (weekly,
//       biweekly = 2 weeks) or days (daily) and periodsPerYear 12, 52 or the days in the year (rule 4). A regular period
//       is exactly `repaymentEvery` units (so monthly interest is r/12 however long the month; weekly r/52; biweekly
//       2r/52). The first period, when `firstDueDate` makes it longer or shorter than a regular one, counts its whole
//       periods plus the leftover days over the days of the period they fall in (Fineract's "calculate interest for
//       exact days in partial period", LoanApplicationTerms.calculatePeriodsBetweenDates: months counted forward from
//       the disbursement date, a month end adjusted to the anchor's day; weeks = days / 7).
//     - interestPeriod 'daily' (Fineract "daily"): balance × r × days / daysInYear for the days of the period; the
//       balance does not change inside a period, so this is the sum of each day's interest. `daysInMonth` '30' counts
//       every month as 30 days (30 × the months of the period, fractions included); 'actual' counts calendar days.
//  4. Days in year. '360', '364', '365' divide by that number. 'actual' divides by 365, as Fineract's cumulative
//     schedule does (LoanApplicationTerms.calculatePeriodsInOneYear: ACTUAL → the 365 days/year of
//     DefaultPaymentPeriodsInOneYearCalculator) — its published schedules accrue 29 days of February 2024 at /365 (RS03
//     in the tests), so /366 in leap years would break compatibility. With interestPeriod 'repayment_period' the
//     setting only matters for daily frequencies.
//  5. Declining balance, equal installments. The installment is the annuity (Excel PMT) of the principal over the
//     installments that repay principal (n − graceOnPrincipalPeriods) at the regular periodic rate, computed exactly and
//     rounded once — to a multiple of `installmentMultipleOfMinor` when set (nearest, a tie by `rounding`, as Fineract's
//     Money.roundToMultiplesOf), else to the minor unit. For the annuity Fineract takes the regular rate even for the
//     'daily' interest period, a month being 30 days there (LoanApplicationTerms.pmtForInstallment). Each period's
//     interest = round(balance × the period's rate); principal = installment − that interest (never below 0).
//  6. Declining balance, equal principal. Principal per installment = round(principal / (n − graceOnPrincipalPeriods));
//     interest = round(balance × the period's rate). `installmentMultipleOfMinor` does not apply (nor in Fineract).
//  7. Flat. Total interest = round(principal × r × the whole term in units / periodsPerYear) — for 'daily',
//     principal × r × the term's calendar days / daysInYear (daysInMonth does not apply, as in Fineract) — computed once
//     on the original principal. Each installment carries round(total / (n − graceOnInterestPeriods)) of it, never more
//     than is left; principal per installment = round(principal / (n − graceOnPrincipalPeriods)). With
//     `installmentMultipleOfMinor` the principal part of an installment that repays principal becomes
//     roundToMultiple(principal part) + roundToMultiple(interest part) − interest part, so the installment is a multiple
//     (Fineract's FLAT rule, LoanApplicationTerms.calculateTotalPrincipalPerPeriodWithoutGrace).
//  8. Grace on principal (g periods): installments 1..g repay no principal, only interest (and the first one the fees);
//     the principal is spread over the remaining n − g installments (rules 5–7).
//  9. Grace on interest (g periods): installments 1..g charge no interest. Declining balance: the interest of those
//     periods still accrues (on the balance, not compounded) and is collected with installment g + 1, which carries
//     its own interest plus everything deferred (Fineract's interest payment grace; the equal-installment principal
//     keeps following installment − the period's own interest). Flat: the total interest is spread over the
//     n − g installments after the grace. The grace periods must leave at least the last installment.
// 10. Fees (`feesMinor`) are charged with the first installment, as a Fineract charge due on the first due date. A fee
//     the lender collects at disbursement is not part of the schedule: it goes into the APR cash flows (apr.ts).
// 11. Schedule type. 'cumulative' (the default) is everything above: Fineract's cumulative generator. 'progressive' is
//     Fineract's progressive schedule (loanScheduleType PROGRESSIVE, ProgressiveEMICalculator), for declining balance
//     with equal installments, no grace and a regular first period:
//     - each period k has its own rate r_k = annual rate × (days of a nominal period) / (days in year): a nominal period
//       is `repaymentEvery` days (daily), 7 × repaymentEvery (weekly), 14 × repaymentEvery (biweekly) or
//       repaymentEvery × the days of the month the period starts in (monthly; 30 with daysInMonth '30'); the days in
//       year are 360/364/365, or with 'actual' the length of the year the period starts in, and a period that crosses
//       into another year is split at 31 December, each part over its own year's length (actual/actual). Fineract
//       multiplies that split sum by repaymentEvery as well, which is the same for repaymentEvery 1 and would charge
//       double for longer periods; we do not. `interestPeriod` does not apply;
//     - the EMI is the annuity over those rates, P × Π(1 + r_k) / Σ_j Π_{k>j}(1 + r_k), rounded to the minor unit and
//       then to `installmentMultipleOfMinor`; each period's interest = round(balance × r_k), principal = EMI − interest,
//       the last installment repays the balance;
//     - EMI adjustment: when the last installment differs from the EMI by more than ⌊n/2⌋ minor units, the EMI
//       + round(difference / n) (then to the multiple) is tried, and kept when its last installment differs less.
//       Fineract: 100.00 at 9.4822 %, 3 fortnights, 364 days → 33.58 leaves a last one of 33.56; 33.57 leaves 33.58.
//
// LIMITS (so that no request can be slow): principal 1 … 10^12 minor units, 1 … 600 installments, a rate of 0 … 100
// with at most 4 decimals, repaymentEvery 1 … 365, a first due date within 366 days of the disbursement, the last due
// date within 50 years of it. `scheduleTermsProblems` reports every violation; `generateSchedule` refuses them.

import { ValidationError, type FieldProblem } from '../kernel/errors';
import { add, divRound, mul, parseDecimal, ratio, roundRatio, roundToMultiple, ROUNDING_MODES, type Ratio, type RoundingMode } from './exact';
import { addDays, addMonths, dayOfMonth, daysBetween, daysInMonth, isIsoDate, monthsBetween, withDayOfMonth } from './calendar-days';
import { INTEREST_METHODS, type InterestMethod } from '../applications/products';

export { ROUNDING_MODES, type RoundingMode };
export const SCHEDULE_METHODS = INTEREST_METHODS;
export type ScheduleMethod = InterestMethod;
export const FREQUENCIES = ['monthly', 'biweekly', 'weekly', 'daily'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const DAYS_IN_YEAR = ['actual', '360', '364', '365'] as const;
export type DaysInYear = (typeof DAYS_IN_YEAR)[number];
export const DAYS_IN_MONTH = ['actual', '30'] as const;
export type DaysInMonth = (typeof DAYS_IN_MONTH)[number];
export const INTEREST_PERIODS = ['repayment_period', 'daily'] as const;
export type InterestPeriod = (typeof INTEREST_PERIODS)[number];
/** Rule 11: Fineract's loanScheduleType. */
export const SCHEDULE_TYPES = ['cumulative', 'progressive'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export interface ScheduleConventions {
  daysInYear: DaysInYear;
  daysInMonth: DaysInMonth;
  interestPeriod: InterestPeriod;
  /** Installments (but the last) rounded to a multiple of this many minor units; unset: to the minor unit. */
  installmentMultipleOfMinor?: number;
  rounding: RoundingMode;
  scheduleType: ScheduleType;
}

/** API.md defaults: actual/actual, interest per repayment period, the currency's minor unit, half-even, cumulative. */
export const DEFAULT_CONVENTIONS: Readonly<ScheduleConventions> = {
  daysInYear: 'actual',
  daysInMonth: 'actual',
  interestPeriod: 'repayment_period',
  rounding: 'half_even',
  scheduleType: 'cumulative',
};

export interface ScheduleTerms {
  principalMinor: number;
  currency: string;
  /** Nominal annual rate in percent, a decimal string such as "12.5". */
  annualRatePercent: string;
  numberOfInstallments: number;
  frequency: Frequency;
  /** Multiplies the frequency (every 15 days = daily × 15). Default 1. */
  repaymentEvery?: number;
  method: ScheduleMethod;
  disbursementDate: string;
  firstDueDate?: string;
  /** Default 0. */
  graceOnPrincipalPeriods?: number;
  /** Default 0. */
  graceOnInterestPeriods?: number;
  /** Charged with the first installment. Default 0. */
  feesMinor?: number;
  /** Any convention left out takes its DEFAULT_CONVENTIONS value. */
  conventions?: Partial<ScheduleConventions>;
}

export interface ScheduleInstallment {
  n: number;
  dueDate: string;
  principalMinor: number;
  interestMinor: number;
  feesMinor: number;
  totalMinor: number;
  /** Principal still outstanding once this installment is paid. */
  outstandingAfterMinor: number;
}

export interface ScheduleTotals {
  principalMinor: number;
  interestMinor: number;
  feesMinor: number;
  totalMinor: number;
}

export interface Schedule {
  installments: ScheduleInstallment[];
  totals: ScheduleTotals;
}

export const SCHEDULE_LIMITS = {
  maxPrincipalMinor: 1_000_000_000_000,
  maxInstallments: 600,
  maxAnnualRatePercent: 100,
  maxRateDecimals: 4,
  maxRepaymentEvery: 365,
  maxFirstDueDays: 366,
  maxTermYears: 50,
} as const;

export const RATE_PATTERN = /^(0|[1-9]\d{0,2})(\.\d{1,4})?$/;

/** Every reason these terms cannot make a schedule (paths are ScheduleTerms fields); empty when they can. */
export function scheduleTermsProblems(terms: ScheduleTerms): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const L = SCHEDULE_LIMITS;
  const problem = (path: string, message: string) => problems.push({ path, message });
  const whole = (value: unknown, min: number, max: number) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

  if (!whole(terms.principalMinor, 1, L.maxPrincipalMinor)) problem('principalMinor', `must be a whole number of minor units from 1 to ${L.maxPrincipalMinor}`);
  if (typeof terms.currency !== 'string' || !/^[A-Z]{3}$/.test(terms.currency)) problem('currency', 'must be an ISO 4217 code such as CNY');
  if (typeof terms.annualRatePercent !== 'string' || !RATE_PATTERN.test(terms.annualRatePercent)) {
    problem('annualRatePercent', `must be a decimal percentage such as "12.5" with at most ${L.maxRateDecimals} decimals`);
  } else if (Number(terms.annualRatePercent) > L.maxAnnualRatePercent) {
    problem('annualRatePercent', `must be at most ${L.maxAnnualRatePercent}`);
  }
  const n = terms.numberOfInstallments;
  const nValid = whole(n, 1, L.maxInstallments);
  if (!nValid) problem('numberOfInstallments', `must be a whole number from 1 to ${L.maxInstallments}`);
  if (!(FREQUENCIES as readonly string[]).includes(terms.frequency)) problem('frequency', `must be one of ${FREQUENCIES.join(', ')}`);
  if (terms.repaymentEvery !== undefined && !whole(terms.repaymentEvery, 1, L.maxRepaymentEvery)) {
    problem('repaymentEvery', `must be a whole number from 1 to ${L.maxRepaymentEvery}`);
  }
  if (!(SCHEDULE_METHODS as readonly string[]).includes(terms.method)) problem('method', `must be one of ${SCHEDULE_METHODS.join(', ')}`);
  const disbursementValid = typeof terms.disbursementDate === 'string' && isIsoDate(terms.disbursementDate);
  if (!disbursementValid) problem('disbursementDate', 'must be a real date YYYY-MM-DD');
  if (terms.firstDueDate !== undefined) {
    if (typeof terms.firstDueDate !== 'string' || !isIsoDate(terms.firstDueDate)) problem('firstDueDate', 'must be a real date YYYY-MM-DD');
    else if (disbursementValid) {
      const days = daysBetween(terms.disbursementDate, terms.firstDueDate);
      if (days < 1) problem('firstDueDate', 'must be after the disbursement date');
      else if (days > L.maxFirstDueDays) problem('firstDueDate', `must be within ${L.maxFirstDueDays} days of the disbursement date`);
    }
  }
  for (const field of ['graceOnPrincipalPeriods', 'graceOnInterestPeriods'] as const) {
    const grace = terms[field];
    if (grace === undefined) continue;
    if (!whole(grace, 0, L.maxInstallments - 1)) problem(field, `must be a whole number from 0 to ${L.maxInstallments - 1}`);
    else if (nValid && grace >= n) problem(field, `must be less than numberOfInstallments (${n}): the last installment repays the rest`);
  }
  if (terms.feesMinor !== undefined && !whole(terms.feesMinor, 0, L.maxPrincipalMinor)) {
    problem('feesMinor', `must be a whole number of minor units from 0 to ${L.maxPrincipalMinor}`);
  }
  const c = terms.conventions ?? {};
  if (c.daysInYear !== undefined && !(DAYS_IN_YEAR as readonly string[]).includes(c.daysInYear)) problem('conventions.daysInYear', `must be one of ${DAYS_IN_YEAR.join(', ')}`);
  if (c.daysInMonth !== undefined && !(DAYS_IN_MONTH as readonly string[]).includes(c.daysInMonth)) problem('conventions.daysInMonth', `must be one of ${DAYS_IN_MONTH.join(', ')}`);
  if (c.interestPeriod !== undefined && !(INTEREST_PERIODS as readonly string[]).includes(c.interestPeriod)) {
    problem('conventions.interestPeriod', `must be one of ${INTEREST_PERIODS.join(', ')}`);
  }
  if (c.rounding !== undefined && !(ROUNDING_MODES as readonly string[]).includes(c.rounding)) problem('conventions.rounding', `must be one of ${ROUNDING_MODES.join(', ')}`);
  if (c.scheduleType !== undefined && !(SCHEDULE_TYPES as readonly string[]).includes(c.scheduleType)) {
    problem('conventions.scheduleType', `must be one of ${SCHEDULE_TYPES.join(', ')}`);
  } else if (c.scheduleType === 'progressive') {
    const regularFirst = terms.firstDueDate === undefined || (disbursementValid && (FREQUENCIES as readonly string[]).includes(terms.frequency) && whole(terms.repaymentEvery ?? 1, 1, L.maxRepaymentEvery)
      && terms.firstDueDate === shift(terms.disbursementDate, periodStep(terms.frequency, terms.repaymentEvery ?? 1), 1));
    if (terms.method !== 'equal_installments' || (terms.graceOnPrincipalPeriods ?? 0) > 0 || (terms.graceOnInterestPeriods ?? 0) > 0 || !regularFirst) {
      problem('conventions.scheduleType', 'progressive applies to the equal_installments method with no grace and a regular first period');
    }
  }
  if (c.installmentMultipleOfMinor !== undefined && !whole(c.installmentMultipleOfMinor, 1, L.maxPrincipalMinor)) {
    problem('conventions.installmentMultipleOfMinor', `must be a whole number of minor units from 1 to ${L.maxPrincipalMinor}`);
  }
  if (problems.length === 0) {
    const dates = scheduleDueDates(terms);
    const limit = addMonths(terms.disbursementDate, 12 * L.maxTermYears);
    if (dates[dates.length - 1]! > limit) problem('numberOfInstallments', `the last installment must be due within ${L.maxTermYears} years of the disbursement (it would be ${dates[dates.length - 1]})`);
  }
  return problems;
}

/** The due date of every installment (rule 1). Assumes valid terms. */
export function scheduleDueDates(terms: Pick<ScheduleTerms, 'frequency' | 'repaymentEvery' | 'disbursementDate' | 'firstDueDate' | 'numberOfInstallments'>): string[] {
  const step = periodStep(terms.frequency, terms.repaymentEvery ?? 1);
  return Array.from({ length: terms.numberOfInstallments }, (_, i) =>
    terms.firstDueDate ? shift(terms.firstDueDate, step, i) : shift(terms.disbursementDate, step, i + 1),
  );
}

interface Step {
  months: number;
  days: number;
}

function periodStep(frequency: Frequency, every: number): Step {
  switch (frequency) {
    case 'monthly':
      return { months: every, days: 0 };
    case 'biweekly':
      return { months: 0, days: 14 * every };
    case 'weekly':
      return { months: 0, days: 7 * every };
    case 'daily':
      return { months: 0, days: every };
  }
}

const shift = (date: string, step: Step, times: number): string =>
  step.months ? addMonths(date, step.months * times) : addDays(date, step.days * times);

/** Rule 3: a regular period in its units (months, weeks or days), and the units in a year. */
function regularUnits(frequency: Frequency, every: number): number {
  return frequency === 'biweekly' ? 2 * every : every;
}

function periodsPerYear(frequency: Frequency, daysInYear: number): number {
  switch (frequency) {
    case 'monthly':
      return 12;
    case 'biweekly':
    case 'weekly':
      return 52;
    case 'daily':
      return daysInYear;
  }
}

/** Rule 3, first period: whole periods plus the leftover days over the days of the period they fall in. */
function unitsBetween(from: string, to: string, frequency: Frequency, seed: string): Ratio {
  if (frequency === 'daily') return ratio(daysBetween(from, to));
  if (frequency !== 'monthly') return ratio(daysBetween(from, to), 7);
  // As Fineract: months counted forward from `from`; a date past the 28th moved to the seed's day (CalendarUtils.adjustDate).
  const adjust = (date: string) => (dayOfMonth(seed) > 28 && dayOfMonth(date) > 28 ? withDayOfMonth(date, dayOfMonth(seed)) : date);
  const months = monthsBetween(from, to);
  const start = adjust(addMonths(from, months));
  const end = adjust(addMonths(from, months + 1));
  const left = Math.max(0, daysBetween(start, to));
  return add(ratio(months), ratio(left, daysBetween(start, end)));
}

interface Plan {
  principal: number;
  n: number;
  method: ScheduleMethod;
  dueDates: string[];
  /** Each period's rate (rule 3), index 0 = installment 1. */
  rates: Ratio[];
  /** The regular periodic rate for the annuity (rule 5). */
  annuityRate: Ratio;
  /** The flat method's total interest before rounding (rule 7). */
  flatInterest: Ratio;
  gracePrincipal: number;
  graceInterest: number;
  fees: number;
  multiple: number | undefined;
  mode: RoundingMode;
  /** Rule 11: each period's own rate, when the schedule is progressive. */
  progressiveRates: Ratio[] | undefined;
}

function plan(terms: ScheduleTerms): Plan {
  const conventions = { ...DEFAULT_CONVENTIONS, ...terms.conventions };
  const every = terms.repaymentEvery ?? 1;
  const { frequency, disbursementDate } = terms;
  const dueDates = scheduleDueDates(terms);
  const annual = mul(parseDecimal(terms.annualRatePercent), ratio(1, 100));
  const daysInYear = conventions.daysInYear === 'actual' ? 365 : Number(conventions.daysInYear);
  const perYear = periodsPerYear(frequency, daysInYear);
  const daily = conventions.interestPeriod === 'daily';
  const regular = regularUnits(frequency, every);
  const step = periodStep(frequency, every);
  const irregularFirst = terms.firstDueDate !== undefined && terms.firstDueDate !== shift(disbursementDate, step, 1);

  const units: Ratio[] = dueDates.map((due, i) =>
    i === 0 && irregularFirst ? unitsBetween(disbursementDate, due, frequency, terms.firstDueDate!) : ratio(regular),
  );
  const days: Ratio[] = dueDates.map((due, i) =>
    frequency === 'monthly' && conventions.daysInMonth === '30' ? mul(ratio(30), units[i]!) : ratio(daysBetween(i === 0 ? disbursementDate : dueDates[i - 1]!, due)),
  );
  const byUnits = (u: Ratio) => mul(annual, mul(u, ratio(1, perYear)));
  const byDays = (d: Ratio) => mul(annual, mul(d, ratio(1, daysInYear)));
  const rates = dueDates.map((_, i) => (daily ? byDays(days[i]!) : byUnits(units[i]!)));
  const annuityDays = frequency === 'monthly' ? 30 * every : step.days;
  const annuityRate = daily ? byDays(ratio(annuityDays)) : byUnits(ratio(regular));
  const termDays = daysBetween(disbursementDate, dueDates[dueDates.length - 1]!);
  const flatRate = daily ? byDays(ratio(termDays)) : byUnits(units.reduce(add));
  return {
    principal: terms.principalMinor,
    n: terms.numberOfInstallments,
    method: terms.method,
    dueDates,
    rates,
    annuityRate,
    flatInterest: mul(ratio(terms.principalMinor), flatRate),
    gracePrincipal: terms.graceOnPrincipalPeriods ?? 0,
    graceInterest: terms.graceOnInterestPeriods ?? 0,
    fees: terms.feesMinor ?? 0,
    multiple: conventions.installmentMultipleOfMinor,
    mode: conventions.rounding,
    progressiveRates: conventions.scheduleType === 'progressive' ? progressiveRates(terms, conventions, dueDates, annual) : undefined,
  };
}

const yearOf = (date: string) => Number(date.slice(0, 4));
const yearLength = (year: number) => (daysInMonth(year, 2) === 29 ? 366 : 365);

/** Rule 11: the rate of each progressive period (ProgressiveEMICalculator's rate factor − 1). */
function progressiveRates(terms: ScheduleTerms, conventions: ScheduleConventions, dueDates: string[], annual: Ratio): Ratio[] {
  const every = terms.repaymentEvery ?? 1;
  return dueDates.map((due, i) => {
    const from = i === 0 ? terms.disbursementDate : dueDates[i - 1]!;
    if (conventions.daysInYear === 'actual' && yearOf(due) > yearOf(from)) {
      let fraction = ratio(0);
      for (let year = yearOf(from), start = from; year <= yearOf(due); year += 1) {
        const end = year === yearOf(due) ? due : `${year}-12-31`;
        fraction = add(fraction, ratio(daysBetween(start, end), yearLength(year)));
        start = end;
      }
      return mul(annual, fraction);
    }
    const perYear = conventions.daysInYear === 'actual' ? yearLength(yearOf(from)) : Number(conventions.daysInYear);
    const monthDays = conventions.daysInMonth === '30' ? 30 : daysInMonth(yearOf(from), Number(from.slice(5, 7)));
    const nominal = { daily: 1, weekly: 7, biweekly: 14, monthly: monthDays }[terms.frequency] * every;
    return mul(annual, ratio(nominal, perYear));
  });
}

/** Rule 11: the progressive installments for an EMI: interest on the balance at each period's rate, the last repays the rest. */
function progressiveRows(p: Plan, emi: number): { principalMinor: number; interestMinor: number }[] {
  let balance = p.principal;
  return p.progressiveRates!.map((rate, i) => {
    const interestMinor = roundRatio(mul(ratio(balance), rate), p.mode);
    const principalMinor = i === p.n - 1 ? balance : clamp(emi - interestMinor, 0, balance);
    balance -= principalMinor;
    return { principalMinor, interestMinor };
  });
}

/** Rule 11: the EMI over the periods' own rates, and Fineract's adjustment when the last installment is far from it. */
function progressiveSchedule(p: Plan): { principalMinor: number; interestMinor: number }[] {
  const factors = p.progressiveRates!.map((rate) => add(ratio(1), rate));
  const product = factors.reduce(mul, ratio(1));
  // Σ_j Π_{k>j} (1 + r_k), built from the last period backwards.
  let tail = ratio(1);
  let sum = ratio(1);
  for (let k = factors.length - 1; k >= 1; k -= 1) {
    tail = mul(tail, factors[k]!);
    sum = add(sum, tail);
  }
  const exact = mul(mul(ratio(p.principal), product), { num: sum.den, den: sum.num });
  const toMultiple = (minor: number) => (p.multiple !== undefined ? roundToMultiple(ratio(minor), p.multiple, p.mode) : minor);
  const emi = toMultiple(roundRatio(exact, p.mode));
  const rows = progressiveRows(p, emi);
  const lastOf = (r: typeof rows) => r[r.length - 1]!.principalMinor + r[r.length - 1]!.interestMinor;
  const difference = lastOf(rows) - emi;
  const half = Math.floor(p.n / 2);
  if (difference === 0 || half === 0 || Math.abs(difference) <= half) return rows;
  const adjusted = toMultiple(emi + Number(divRound(BigInt(difference), BigInt(p.n), p.mode)));
  if (adjusted === emi) return rows;
  const adjustedRows = progressiveRows(p, adjusted);
  return Math.abs(lastOf(adjustedRows) - adjusted) < Math.abs(difference) ? adjustedRows : rows;
}

/** The annuity payment of `principal` over `periods` at rate r (Excel PMT), exact. */
export function annuity(principal: number, rate: Ratio, periods: number): Ratio {
  if (rate.num === 0n) return ratio(principal, periods);
  const { num: p, den: q } = rate;
  const grown = (q + p) ** BigInt(periods);
  const base = q ** BigInt(periods);
  return { num: BigInt(principal) * p * grown, den: q * (grown - base) };
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/** The schedule of a loan with these terms (rules at the top of this file). Throws ValidationError on invalid terms. */
export function generateSchedule(terms: ScheduleTerms): Schedule {
  const problems = scheduleTermsProblems(terms);
  if (problems.length > 0) throw new ValidationError('the schedule terms are invalid', problems);
  const p = plan(terms);
  const round = (r: Ratio) => roundRatio(r, p.mode);
  const accrued = (balance: number, k: number) => round(mul(ratio(balance), p.rates[k - 1]!));

  const rows: { principalMinor: number; interestMinor: number }[] = [];
  let balance = p.principal;
  const take = (principalMinor: number, interestMinor: number) => {
    rows.push({ principalMinor, interestMinor });
    balance -= principalMinor;
  };

  if (p.progressiveRates) {
    for (const row of progressiveSchedule(p)) take(row.principalMinor, row.interestMinor);
  } else if (p.method === 'flat') {
    const totalInterest = round(p.flatInterest);
    const interestEach = round(ratio(totalInterest, p.n - p.graceInterest));
    const principalEach = round(ratio(p.principal, p.n - p.gracePrincipal));
    let interestSoFar = 0;
    for (let k = 1; k <= p.n; k += 1) {
      const left = totalInterest - interestSoFar;
      const interest = k <= p.graceInterest ? 0 : k === p.n ? left : Math.min(interestEach, left);
      interestSoFar += interest;
      let principal: number;
      if (k <= p.gracePrincipal) principal = 0;
      else if (k === p.n) principal = balance;
      else if (p.multiple !== undefined) {
        principal = roundToMultiple(ratio(principalEach), p.multiple, p.mode) + roundToMultiple(ratio(interest), p.multiple, p.mode) - interest;
      } else principal = principalEach;
      take(clamp(principal, 0, balance), interest);
    }
  } else {
    const repaying = p.n - p.gracePrincipal;
    const exact = annuity(p.principal, p.annuityRate, repaying);
    const installment = p.multiple !== undefined ? roundToMultiple(exact, p.multiple, p.mode) : round(exact);
    const principalEach = round(ratio(p.principal, repaying));
    let deferred = 0;
    for (let k = 1; k <= p.n; k += 1) {
      const own = accrued(balance, k);
      let interest = own;
      if (k <= p.graceInterest) {
        deferred += own;
        interest = 0;
      } else {
        interest = own + deferred;
        deferred = 0;
      }
      let principal: number;
      if (k <= p.gracePrincipal) principal = 0;
      else if (k === p.n) principal = balance;
      else principal = p.method === 'equal_installments' ? installment - own : principalEach;
      take(clamp(principal, 0, balance), interest);
    }
  }

  const installments = rows.map((row, i): ScheduleInstallment => {
    const feesMinor = i === 0 ? p.fees : 0;
    return {
      n: i + 1,
      dueDate: p.dueDates[i]!,
      principalMinor: row.principalMinor,
      interestMinor: row.interestMinor,
      feesMinor,
      totalMinor: row.principalMinor + row.interestMinor + feesMinor,
      outstandingAfterMinor: 0,
    };
  });
  let outstanding = p.principal;
  for (const row of installments) {
    outstanding -= row.principalMinor;
    row.outstandingAfterMinor = outstanding;
  }
  const sum = (key: keyof ScheduleTotals) => installments.reduce((total, row) => total + row[key], 0);
  return {
    installments,
    totals: { principalMinor: sum('principalMinor'), interestMinor: sum('interestMinor'), feesMinor: sum('feesMinor'), totalMinor: sum('totalMinor') },
  };
}

// The public loan calculator, POST /v1/quotes (API.md): the request as a zod schema (the single source of its type,
// messages and OpenAPI description), the checks that span fields or need the product, the mapping to schedule terms,
// and the response. The schedule is generateSchedule's, the APR apr.ts's, so a quote is what a loan with those terms
// would get.
//
// With `productId`, the product supplies the method and the frequency (given ones must match it), its conventions
// (the defaults: products carry none, so `conventions` must be left out), and its bounds: currency, amount, term, grace
// on principal; products defer no interest. Fees (at most the principal) are charged with the first installment
// (schedule.ts rule 10).

import { z } from 'zod';
import { calendarDate, moneySchema } from '../applications/application-schema';
import { aprPercent, scheduleCashFlows } from './apr';
import { addMonths, daysBetween, isIsoDate } from './calendar-days';
import type { FieldProblem } from '../kernel/errors';
import { decimalProblem, fromMinor, toMinor, type Money } from '../kernel/money';
import type { Product } from '../applications/products';
import {
  DAYS_IN_MONTH,
  DAYS_IN_YEAR,
  FREQUENCIES,
  generateSchedule,
  INTEREST_PERIODS,
  RATE_PATTERN,
  ROUNDING_MODES,
  SCHEDULE_LIMITS,
  SCHEDULE_METHODS,
  SCHEDULE_TYPES,
  scheduleDueDates,
  type Frequency,
  type ScheduleConventions,
  type ScheduleInstallment,
  type ScheduleMethod,
  type ScheduleTerms,
} from './schedule';

const L = SCHEDULE_LIMITS;
export const PRODUCT_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

const wholeNumber = (min: number, max: number) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const quoteConventionsSchema = z.strictObject({
  daysInYear: z.enum(DAYS_IN_YEAR).optional(),
  daysInMonth: z.enum(DAYS_IN_MONTH).optional(),
  interestPeriod: z.enum(INTEREST_PERIODS).optional(),
  /** An amount in the principal's currency, such as "1" or "0.50". */
  installmentMultipleOf: z.string({ error: 'must be a decimal string such as "1" or "0.50", not a number' }).optional(),
  rounding: z.enum(ROUNDING_MODES).optional(),
  /** Fineract's loanScheduleType: cumulative (default) or progressive (schedule.ts rule 11). */
  scheduleType: z.enum(SCHEDULE_TYPES).optional(),
});

export const quoteRequestSchema = z.strictObject({
  productId: z.string().regex(PRODUCT_ID_PATTERN, 'must be a product id such as personal-consumer').optional(),
  principal: moneySchema,
  annualRatePercent: z
    .string({ error: 'must be a decimal string such as "12.5", not a number' })
    .regex(RATE_PATTERN, `must be a decimal percentage such as "12.5" with at most ${L.maxRateDecimals} decimals`),
  numberOfInstallments: wholeNumber(1, L.maxInstallments),
  frequency: z.enum(FREQUENCIES).optional(),
  repaymentEvery: wholeNumber(1, L.maxRepaymentEvery).optional(),
  method: z.enum(SCHEDULE_METHODS).optional(),
  disbursementDate: calendarDate,
  firstDueDate: calendarDate.optional(),
  graceOnPrincipalPeriods: wholeNumber(0, L.maxInstallments - 1).optional(),
  graceOnInterestPeriods: wholeNumber(0, L.maxInstallments - 1).optional(),
  fees: moneySchema.optional(),
  conventions: quoteConventionsSchema.optional(),
});

export type QuoteRequest = z.infer<typeof quoteRequestSchema>;

export interface QuoteInstallmentView {
  n: number;
  dueDate: string;
  principal: string;
  interest: string;
  fees: string;
  total: string;
  outstandingAfter: string;
}

export interface QuoteView {
  currency: string;
  installments: QuoteInstallmentView[];
  totals: { principal: string; interest: string; fees: string; total: string };
  aprPercent: string;
}

type Raw = Record<string, any>;
const isMoney = (value: unknown): value is Money =>
  typeof value === 'object' && value !== null && typeof (value as Money).amount === 'string' && typeof (value as Money).currency === 'string' &&
  /^[A-Z]{3}$/.test((value as Money).currency) && !decimalProblem((value as Money).amount, (value as Money).currency);
const isWhole = (value: unknown, min: number, max: number): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const amountText = (minor: number, currency: string) => fromMinor({ minor, currency }).amount;

/**
 * The problems the schema alone cannot see: bounds in minor units, fields that depend on each other, and the product.
 * Reads the raw body defensively, so these are reported together with the schema's problems, not after them.
 */
export function quoteProblems(body: unknown, product: Product | undefined): FieldProblem[] {
  const raw: Raw = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Raw) : {};
  const problems: FieldProblem[] = [];
  const problem = (path: string, message: string) => problems.push({ path, message });

  if (typeof raw.annualRatePercent === 'string' && RATE_PATTERN.test(raw.annualRatePercent) && Number(raw.annualRatePercent) > L.maxAnnualRatePercent) {
    problem('annualRatePercent', `must be at most ${L.maxAnnualRatePercent}`);
  }
  const principal = isMoney(raw.principal) ? raw.principal : undefined;
  const currency = principal?.currency;
  if (principal) {
    const { minor } = toMinor(principal);
    if (minor < 1) problem('principal.amount', 'must be more than 0');
    if (minor > L.maxPrincipalMinor) problem('principal.amount', `must be at most ${amountText(L.maxPrincipalMinor, principal.currency)}`);
  }
  if (isMoney(raw.fees)) {
    // At most the principal: a calculator has no use for more, and it keeps the APR finite (apr.ts).
    if (currency && raw.fees.currency !== currency) problem('fees.currency', `must be the principal's currency, ${currency}`);
    else if (principal && toMinor(raw.fees).minor > toMinor(principal).minor) problem('fees.amount', 'must be at most the principal');
  }
  const multiple = raw.conventions?.installmentMultipleOf;
  if (typeof multiple === 'string' && currency) {
    const bad = decimalProblem(multiple, currency);
    if (bad) problem('conventions.installmentMultipleOf', bad);
    else {
      const { minor } = toMinor({ amount: multiple, currency });
      if (minor < 1) problem('conventions.installmentMultipleOf', 'must be more than 0');
      else if (minor > L.maxPrincipalMinor) problem('conventions.installmentMultipleOf', `must be at most ${amountText(L.maxPrincipalMinor, currency)}`);
    }
  }

  const n = isWhole(raw.numberOfInstallments, 1, L.maxInstallments) ? raw.numberOfInstallments : undefined;
  for (const field of ['graceOnPrincipalPeriods', 'graceOnInterestPeriods'] as const) {
    if (n !== undefined && isWhole(raw[field], 0, L.maxInstallments) && raw[field] >= n) {
      problem(field, `must be less than numberOfInstallments (${n}): the last installment repays the rest`);
    }
  }
  const disbursement = typeof raw.disbursementDate === 'string' && isIsoDate(raw.disbursementDate) ? raw.disbursementDate : undefined;
  const firstDue = typeof raw.firstDueDate === 'string' && isIsoDate(raw.firstDueDate) ? raw.firstDueDate : undefined;
  let firstDueOk = raw.firstDueDate === undefined;
  if (disbursement && firstDue) {
    const days = daysBetween(disbursement, firstDue);
    if (days < 1) problem('firstDueDate', 'must be after disbursementDate');
    else if (days > L.maxFirstDueDays) problem('firstDueDate', `must be within ${L.maxFirstDueDays} days of disbursementDate`);
    else firstDueOk = true;
  }

  const productGiven = typeof raw.productId === 'string';
  if (!productGiven) {
    if (raw.method === undefined) problem('method', 'is required unless productId is given');
    if (raw.frequency === undefined) problem('frequency', 'is required unless productId is given');
  } else if (!PRODUCT_ID_PATTERN.test(raw.productId)) {
    // The schema names the malformed id.
  } else if (!product || !product.active) {
    problem('productId', `no active product ${raw.productId}`);
  } else {
    const of = `for product ${product.productId}`;
    if (raw.method !== undefined && raw.method !== product.method) problem('method', `must be ${product.method} ${of}, or be left out`);
    if (raw.frequency !== undefined && raw.frequency !== product.frequency) problem('frequency', `must be ${product.frequency} ${of}, or be left out`);
    if (raw.conventions !== undefined) problem('conventions', `must be left out with productId: the conventions of product ${product.productId} apply`);
    if (principal && principal.currency !== product.currency) problem('principal.currency', `must be ${product.currency} ${of}`);
    else if (principal) {
      const { minor } = toMinor(principal);
      if (minor < product.minAmountMinor || minor > product.maxAmountMinor) {
        problem('principal.amount', `must be within ${amountText(product.minAmountMinor, product.currency)}–${amountText(product.maxAmountMinor, product.currency)} ${product.currency} ${of}`);
      }
    }
    const every = isWhole(raw.repaymentEvery, 1, L.maxRepaymentEvery) ? raw.repaymentEvery : raw.repaymentEvery === undefined ? 1 : undefined;
    if (n !== undefined && every !== undefined) {
      const months = termMonths(product.frequency, n, every);
      if (months < product.minTermMonths || months > product.maxTermMonths) {
        problem('numberOfInstallments', `the term must be within ${product.minTermMonths}–${product.maxTermMonths} months ${of} (${n} ${product.frequency} installments are ${months})`);
      }
    }
    if (isWhole(raw.graceOnPrincipalPeriods, 0, L.maxInstallments) && raw.graceOnPrincipalPeriods > product.maxGraceOnPrincipalPeriods) {
      problem('graceOnPrincipalPeriods', `must be at most ${product.maxGraceOnPrincipalPeriods} ${of}`);
    }
    if (isWhole(raw.graceOnInterestPeriods, 1, L.maxInstallments)) problem('graceOnInterestPeriods', `must be 0 ${of}: it defers no interest`);
  }

  // The 50-year limit, once everything it depends on is valid.
  const frequency = productGiven ? product?.frequency : (FREQUENCIES as readonly string[]).includes(raw.frequency) ? (raw.frequency as Frequency) : undefined;
  const every = raw.repaymentEvery === undefined ? 1 : isWhole(raw.repaymentEvery, 1, L.maxRepaymentEvery) ? raw.repaymentEvery : undefined;
  if (n !== undefined && frequency && every !== undefined && disbursement && firstDueOk) {
    const dates = scheduleDueDates({ frequency, repaymentEvery: every, disbursementDate: disbursement, firstDueDate: firstDue, numberOfInstallments: n });
    const last = dates[dates.length - 1]!;
    if (last > addMonths(disbursement, 12 * L.maxTermYears)) {
      problem('numberOfInstallments', `the last installment must be due within ${L.maxTermYears} years of disbursementDate (it would be ${last})`);
    }
  }
  return problems;
}

/** The term of a product loan in months: monthly n × every; otherwise the days it spans in months of 365/12 days, rounded up. */
function termMonths(frequency: Frequency, n: number, every: number): number {
  if (frequency === 'monthly') return n * every;
  const days = n * every * (frequency === 'biweekly' ? 14 : frequency === 'weekly' ? 7 : 1);
  return Math.ceil((days * 12) / 365);
}

/** Schedule terms from a validated request (and its product, when it names one). */
export function quoteTerms(request: QuoteRequest, product?: Product): ScheduleTerms {
  const currency = request.principal.currency;
  const given = request.conventions ?? {};
  const conventions: Partial<ScheduleConventions> = product
    ? {}
    : {
        ...(given.daysInYear ? { daysInYear: given.daysInYear } : {}),
        ...(given.daysInMonth ? { daysInMonth: given.daysInMonth } : {}),
        ...(given.interestPeriod ? { interestPeriod: given.interestPeriod } : {}),
        ...(given.rounding ? { rounding: given.rounding } : {}),
        ...(given.scheduleType ? { scheduleType: given.scheduleType } : {}),
        ...(given.installmentMultipleOf ? { installmentMultipleOfMinor: toMinor({ amount: given.installmentMultipleOf, currency }).minor } : {}),
      };
  return {
    principalMinor: toMinor(request.principal).minor,
    currency,
    annualRatePercent: request.annualRatePercent,
    numberOfInstallments: request.numberOfInstallments,
    frequency: product?.frequency ?? (request.frequency as Frequency),
    repaymentEvery: request.repaymentEvery ?? 1,
    method: product?.method ?? (request.method as ScheduleMethod),
    disbursementDate: request.disbursementDate,
    ...(request.firstDueDate ? { firstDueDate: request.firstDueDate } : {}),
    graceOnPrincipalPeriods: request.graceOnPrincipalPeriods ?? 0,
    graceOnInterestPeriods: request.graceOnInterestPeriods ?? 0,
    feesMinor: request.fees ? toMinor(request.fees).minor : 0,
    conventions,
  };
}

/** One installment with its amounts as decimal strings of the currency (the shape of API.md's quotes and loan schedules). */
export function installmentView(row: ScheduleInstallment, currency: string): QuoteInstallmentView {
  return {
    n: row.n,
    dueDate: row.dueDate,
    principal: amountText(row.principalMinor, currency),
    interest: amountText(row.interestMinor, currency),
    fees: amountText(row.feesMinor, currency),
    total: amountText(row.totalMinor, currency),
    outstandingAfter: amountText(row.outstandingAfterMinor, currency),
  };
}

/** The quote: the schedule a loan with these terms would get, and its APR (fees included). */
export function quote(request: QuoteRequest, product?: Product): QuoteView {
  const terms = quoteTerms(request, product);
  const schedule = generateSchedule(terms);
  const { currency } = terms;
  return {
    currency,
    installments: schedule.installments.map((row) => installmentView(row, currency)),
    totals: {
      principal: amountText(schedule.totals.principalMinor, currency),
      interest: amountText(schedule.totals.interestMinor, currency),
      fees: amountText(schedule.totals.feesMinor, currency),
      total: amountText(schedule.totals.totalMinor, currency),
    },
    aprPercent: aprPercent(scheduleCashFlows(terms, schedule)),
  };
}

// The bank statement (流水) as non-traditional data (issue 12 item 4): 3–12 months of an account's transactions, given
// with the applicant's explicit consent, turned into the figures a lender reads off a statement — verified monthly
// inflow and how regular it is, a salary, how often and how much the customer spends and on what, balance volatility
// and days at a low balance, returned or failed payments, transfers to gambling and to other lenders. Pure: no I/O, no
// clock; amounts are integer minor units, dates YYYY-MM-DD.
//
// What is kept: only these figures (and the statement's period, size and SHA-256), never the transactions themselves —
// counterparties and descriptions are personal data the decision does not need once the figures are computed.
//
// CATEGORIES come from keywords in the counterparty and the description (Chinese and English), the same way a credit
// officer reads a statement; a transaction that matches nothing is `other`. Inflows from lenders (a loan paid out) and
// reversals are not income: the verified inflow leaves them out.

import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { decimalProblem, fromMinor, minorUnitDigits, toMinor } from '../kernel/money';
import { daysBetween, isIsoDate, addDays } from '../lending-math/calendar-days';
import type { FieldProblem } from '../kernel/errors';

export const STATEMENT_LIMITS = {
  maxTransactions: 5_000,
  /** 3 months at the least (12 weeks between the first and the last transaction) … */
  minSpanDays: 84,
  /** … and 12 at the most. */
  maxSpanDays: 372,
  maxCsvChars: 1_000_000,
  maxTextChars: 200,
} as const;

const text = z.string().max(STATEMENT_LIMITS.maxTextChars, `must be at most ${STATEMENT_LIMITS.maxTextChars} characters`);
const decimalText = z.string({ error: 'must be a decimal string such as "1200.50", not a number' }).regex(/^-?\d{1,10}(\.\d{1,3})?$/, 'must be a decimal string such as "1200.50"');

export const statementTransactionSchema = z.strictObject({
  date: z.string().refine(isIsoDate, 'must be a real date YYYY-MM-DD'),
  /** The amount moved, positive; `direction` says which way. */
  amount: decimalText,
  direction: z.enum(['in', 'out']),
  counterparty: text.optional(),
  description: text.optional(),
  /** The account balance after the transaction, when the bank gives it (may be negative: an overdraft). */
  balance: decimalText.optional(),
});
export type StatementTransaction = z.infer<typeof statementTransactionSchema>;

/** A statement as submitted: the transactions as JSON rows, or as CSV with the same column names in a header row. */
export const statementSubmissionSchema = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'),
    transactions: z.array(statementTransactionSchema).max(STATEMENT_LIMITS.maxTransactions, `must hold at most ${STATEMENT_LIMITS.maxTransactions} transactions`).optional(),
    /** Header `date,amount,direction,counterparty,description,balance` (the last three optional), one row per transaction. */
    csv: z.string().max(STATEMENT_LIMITS.maxCsvChars, `must be at most ${STATEMENT_LIMITS.maxCsvChars} characters`).optional(),
  })
  .refine((statement) => (statement.transactions === undefined) !== (statement.csv === undefined), 'must have either transactions or csv, not both');
export type StatementSubmission = z.infer<typeof statementSubmissionSchema>;

export const SPENDING_CATEGORIES = ['groceries', 'dining', 'utilities', 'rent', 'transport', 'shopping', 'gambling', 'lenders', 'transfers', 'other'] as const;
export type SpendingCategory = (typeof SPENDING_CATEGORIES)[number];

/** Keywords per category, checked in this order (the first that matches wins), on counterparty + description, lowercased. */
const CATEGORY_KEYWORDS: readonly [SpendingCategory, readonly string[]][] = [
  ['gambling', ['casino', 'betting', 'bet365', 'lottery', 'poker', '彩票', '博彩', '赌', '棋牌']],
  ['lenders', ['loan', 'lending', 'credit card', 'microfinance', '贷', '借呗', '花呗', '白条', '分期', '还款']],
  ['rent', ['rent', 'landlord', '房租', '租金', '物业']],
  ['utilities', ['electric', 'water', 'gas', 'utility', 'mobile', 'telecom', '电费', '水费', '燃气', '话费', '宽带']],
  ['groceries', ['supermarket', 'grocery', 'market', '超市', '菜市场', '生鲜']],
  ['dining', ['restaurant', 'cafe', 'coffee', 'meituan', 'eleme', '餐', '外卖', '美团', '饿了么']],
  ['transport', ['taxi', 'didi', 'metro', 'railway', 'fuel', 'petrol', '滴滴', '地铁', '公交', '加油', '铁路']],
  ['shopping', ['taobao', 'tmall', 'jd.com', 'pinduoduo', 'shop', 'store', '淘宝', '天猫', '京东', '拼多多', '商场']],
  ['transfers', ['transfer', '转账', '汇款']],
];
const SALARY_KEYWORDS = ['salary', 'payroll', 'wage', '工资', '薪', '代发'];
const RETURNED_KEYWORDS = ['returned', 'reversal', 'bounced', 'insufficient funds', 'failed', 'unpaid', '退回', '退票', '失败', '冲正', '余额不足'];

export interface StatementFeatures {
  currency: string;
  from: string;
  to: string;
  /** Calendar months from the first transaction's to the last's, both counted. */
  months: number;
  transactions: number;
  sha256: string;
  inflow: {
    /** The median month's inflow without loans paid out by lenders and reversals: income as the statement shows it. */
    verifiedMonthlyMinor: number;
    /** 0–1: 1 − the coefficient of variation of the monthly inflows (1: the same every month). */
    regularity: number;
    monthsWithInflow: number;
  };
  salary: { detected: boolean; monthlyMinor: number | null; months: number };
  spending: {
    monthlyOutflowMinor: number;
    outflowsPerMonth: number;
    meanOutflowMinor: number;
    byCategory: Record<SpendingCategory, { count: number; monthlyMinor: number }>;
  };
  balance: { available: boolean; meanMinor: number | null; volatility: number | null; daysAtLowBalance: number | null; lowBalanceMinor: number };
  returnedPayments: number;
  gambling: { count: number; monthlyMinor: number };
  otherLenders: { count: number; monthlyMinor: number };
}

interface Row {
  date: string;
  month: string;
  minor: number;
  direction: 'in' | 'out';
  /** Counterparty and description, lowercased, for the keywords. */
  text: string;
  payer: string | undefined;
  category: SpendingCategory;
  balanceMinor: number | undefined;
}

/** The transactions of a submitted statement, or every problem with it (paths under `statement`). */
export function readStatement(statement: StatementSubmission): { transactions: StatementTransaction[] } | { problems: FieldProblem[] } {
  if (statement.transactions) return checkTransactions(statement.transactions, statement.currency, 'statement.transactions');
  let records: Record<string, string>[];
  try {
    records = parseCsv(statement.csv ?? '', { columns: true, skip_empty_lines: true, trim: true, bom: true, max_record_size: 2_000 });
  } catch (error) {
    return { problems: [{ path: 'statement.csv', message: `is not readable CSV: ${(error as Error).message.slice(0, 120)}` }] };
  }
  if (records.length > STATEMENT_LIMITS.maxTransactions) {
    return { problems: [{ path: 'statement.csv', message: `must hold at most ${STATEMENT_LIMITS.maxTransactions} transactions` }] };
  }
  const rows: unknown[] = records.map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== '')));
  const problems: FieldProblem[] = [];
  const transactions: StatementTransaction[] = [];
  rows.forEach((row, i) => {
    const parsed = statementTransactionSchema.safeParse(row);
    if (parsed.success) transactions.push(parsed.data);
    else for (const issue of parsed.error.issues.slice(0, 3)) problems.push({ path: `statement.csv[${i + 1}]${issue.path.length ? `.${issue.path.join('.')}` : ''}`, message: issue.message });
  });
  if (problems.length > 0) return { problems: problems.slice(0, 20) };
  return checkTransactions(transactions, statement.currency, 'statement.csv');
}

function checkTransactions(transactions: StatementTransaction[], currency: string, path: string): { transactions: StatementTransaction[] } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  transactions.forEach((t, i) => {
    const amountProblem = decimalProblem(t.amount, currency);
    if (amountProblem) problems.push({ path: `${path}[${i}].amount`, message: amountProblem });
    else if (toMinor({ amount: t.amount, currency }).minor <= 0) problems.push({ path: `${path}[${i}].amount`, message: 'must be more than 0 (direction says which way)' });
    const balanceProblem = t.balance === undefined ? undefined : decimalProblem(t.balance.replace(/^-/, ''), currency);
    if (balanceProblem) problems.push({ path: `${path}[${i}].balance`, message: balanceProblem });
  });
  if (problems.length > 0) return { problems: problems.slice(0, 20) };
  if (transactions.length === 0) return { problems: [{ path, message: 'must hold the transactions of 3 to 12 months' }] };
  const dates = transactions.map((t) => t.date).sort();
  const span = daysBetween(dates[0]!, dates[dates.length - 1]!);
  if (span < STATEMENT_LIMITS.minSpanDays || span > STATEMENT_LIMITS.maxSpanDays) {
    return { problems: [{ path, message: `must cover 3 to 12 months (${STATEMENT_LIMITS.minSpanDays}–${STATEMENT_LIMITS.maxSpanDays} days from the first transaction to the last); this one covers ${span} days` }] };
  }
  return { transactions };
}

const monthOf = (date: string) => date.slice(0, 7);

function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = [Number(first.slice(0, 4)), Number(first.slice(5, 7))];
  const end = monthOf(last);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= end) return months;
    month += 1;
    if (month === 13) [year, month] = [year + 1, 1];
  }
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function stdev(values: number[]): number {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
const has = (haystack: string, needles: readonly string[]) => needles.some((needle) => haystack.includes(needle));

export function categoryOf(transaction: Pick<StatementTransaction, 'counterparty' | 'description'>): SpendingCategory {
  const haystack = `${transaction.counterparty ?? ''} ${transaction.description ?? ''}`.toLowerCase();
  return CATEGORY_KEYWORDS.find(([, keywords]) => has(haystack, keywords))?.[0] ?? 'other';
}

/** The figures of a checked statement (readStatement). `lowBalanceMinor`: a day below it counts as a day at low balance. */
export function statementFeatures(transactions: readonly StatementTransaction[], currency: string, options: { lowBalanceMinor: number }): StatementFeatures {
  const rows: Row[] = transactions
    .map((t): Row => ({
      date: t.date,
      month: monthOf(t.date),
      minor: toMinor({ amount: t.amount, currency }).minor,
      direction: t.direction,
      text: `${t.counterparty ?? ''} ${t.description ?? ''}`.toLowerCase(),
      payer: t.counterparty?.trim().toLowerCase() || undefined,
      balanceMinor: t.balance === undefined ? undefined : (t.balance.startsWith('-') ? -1 : 1) * toMinor({ amount: t.balance.replace(/^-/, ''), currency }).minor,
      category: categoryOf(t),
    }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const from = rows[0]!.date;
  const to = rows[rows.length - 1]!.date;
  const months = monthsFrom(from, to);
  const perMonth = (pick: (row: Row) => boolean) => months.map((m) => rows.filter((r) => r.month === m && pick(r)).reduce((sum, r) => sum + r.minor, 0));
  const isReturned = (r: Row) => has(r.text, RETURNED_KEYWORDS);

  const income = (r: Row) => r.direction === 'in' && r.category !== 'lenders' && !isReturned(r);
  const inflows = perMonth(income);
  const inflowMean = mean(inflows);
  const regularity = inflowMean > 0 ? round(Math.max(0, 1 - stdev(inflows) / inflowMean), 2) : 0;

  // A salary: inflows marked as pay, or one payer's inflows in at least 3 months within ±20 % of their median.
  const payInflows = rows.filter((r) => income(r) && has(r.text, SALARY_KEYWORDS));
  const salaryMonths = new Set(payInflows.map((r) => r.month));
  let salaryMonthly: number | null = salaryMonths.size >= 3 ? median(months.map((m) => payInflows.filter((r) => r.month === m).reduce((s, r) => s + r.minor, 0)).filter((v) => v > 0)) : null;
  if (salaryMonthly === null) {
    const byPayer = new Map<string, Row[]>();
    for (const r of rows.filter(income)) if (r.payer) byPayer.set(r.payer, [...(byPayer.get(r.payer) ?? []), r]);
    for (const paid of byPayer.values()) {
      const typical = median(paid.map((r) => r.minor));
      const steady = paid.filter((r) => Math.abs(r.minor - typical) <= typical * 0.2);
      const steadyMonths = new Set(steady.map((r) => r.month));
      if (steadyMonths.size >= 3 && (salaryMonthly === null || typical > salaryMonthly)) {
        salaryMonthly = typical;
        salaryMonths.clear();
        for (const m of steadyMonths) salaryMonths.add(m);
      }
    }
  }

  const outflows = rows.filter((r) => r.direction === 'out');
  const monthCount = months.length;
  const byCategory = Object.fromEntries(
    SPENDING_CATEGORIES.map((category) => {
      const of = outflows.filter((r) => r.category === category);
      return [category, { count: of.length, monthlyMinor: Math.round(of.reduce((s, r) => s + r.minor, 0) / monthCount) }];
    }),
  ) as StatementFeatures['spending']['byCategory'];

  const balances = rows.filter((r) => r.balanceMinor !== undefined);
  let daysAtLowBalance: number | null = null;
  if (balances.length > 0) {
    // The end-of-day balance carried forward over the days without transactions.
    const endOfDay = new Map<string, number>();
    for (const r of balances) endOfDay.set(r.date, r.balanceMinor!);
    daysAtLowBalance = 0;
    let current: number | undefined;
    for (let day = balances[0]!.date; day <= to; day = addDays(day, 1)) {
      current = endOfDay.get(day) ?? current;
      if (current !== undefined && current < options.lowBalanceMinor) daysAtLowBalance += 1;
    }
  }
  const balanceValues = balances.map((r) => r.balanceMinor!);
  const balanceMean = balanceValues.length > 0 ? mean(balanceValues) : null;

  return {
    currency,
    from,
    to,
    months: monthCount,
    transactions: rows.length,
    sha256: createHash('sha256').update(JSON.stringify(transactions)).digest('hex'),
    inflow: { verifiedMonthlyMinor: median(inflows), regularity, monthsWithInflow: inflows.filter((v) => v > 0).length },
    salary: { detected: salaryMonthly !== null, monthlyMinor: salaryMonthly, months: salaryMonthly === null ? 0 : salaryMonths.size },
    spending: {
      monthlyOutflowMinor: median(perMonth((r) => r.direction === 'out')),
      outflowsPerMonth: round(outflows.length / monthCount, 1),
      meanOutflowMinor: Math.round(mean(outflows.map((r) => r.minor))),
      byCategory,
    },
    balance: {
      available: balances.length > 0,
      meanMinor: balanceMean === null ? null : Math.round(balanceMean),
      volatility: balanceMean === null || balanceMean === 0 ? null : round(stdev(balanceValues) / Math.abs(balanceMean), 2),
      daysAtLowBalance,
      lowBalanceMinor: options.lowBalanceMinor,
    },
    returnedPayments: rows.filter(isReturned).length,
    gambling: { count: byCategory.gambling.count, monthlyMinor: byCategory.gambling.monthlyMinor },
    otherLenders: { count: byCategory.lenders.count, monthlyMinor: byCategory.lenders.monthlyMinor },
  };
}

/** The figures as the API shows them (amounts as Money), to the applicant, the reviewer and staff. */
export function statementView(features: StoredStatement) {
  const { consentedAt } = features;
  const money = (minor: number) => fromMinor({ minor, currency: features.currency });
  return {
    from: features.from,
    to: features.to,
    months: features.months,
    transactions: features.transactions,
    sha256: features.sha256,
    consentedAt,
    source: features.source ?? 'applicant',
    verifiedMonthlyInflow: money(features.inflow.verifiedMonthlyMinor),
    inflowRegularity: features.inflow.regularity,
    monthsWithInflow: features.inflow.monthsWithInflow,
    salary: { detected: features.salary.detected, monthly: features.salary.monthlyMinor === null ? null : money(features.salary.monthlyMinor), months: features.salary.months },
    monthlySpending: money(features.spending.monthlyOutflowMinor),
    outflowsPerMonth: features.spending.outflowsPerMonth,
    meanOutflow: money(features.spending.meanOutflowMinor),
    spendingByCategory: Object.fromEntries(
      SPENDING_CATEGORIES.map((category) => [category, { count: features.spending.byCategory[category].count, monthly: money(features.spending.byCategory[category].monthlyMinor) }]),
    ) as Record<SpendingCategory, { count: number; monthly: ReturnType<typeof money> }>,
    balance: {
      available: features.balance.available,
      mean: features.balance.meanMinor === null ? null : money(features.balance.meanMinor),
      volatility: features.balance.volatility,
      daysAtLowBalance: features.balance.daysAtLowBalance,
      lowBalance: money(features.balance.lowBalanceMinor),
    },
    returnedPayments: features.returnedPayments,
    gambling: { count: features.gambling.count, monthly: money(features.gambling.monthlyMinor) },
    otherLenders: { count: features.otherLenders.count, monthly: money(features.otherLenders.monthlyMinor) },
  };
}

/** The balance under which a day counts as a day at low balance: 100 of the currency's units. */
export const lowBalanceMinor = (currency: string) => 100 * 10 ** minorUnitDigits(currency);

/** The stored form: the figures and when the applicant consented; undefined when no statement came. */
export function analyseSubmittedStatement(statement: StatementSubmission | null | undefined, consentedAt: string): StoredStatement | undefined {
  if (!statement) return undefined;
  const read = readStatement(statement);
  if ('problems' in read) return undefined; // refused at validation (application-schema.ts), never here
  return { ...statementFeatures(read.transactions, statement.currency, { lowBalanceMinor: lowBalanceMinor(statement.currency) }), consentedAt, source: 'applicant' };
}

/** A provider's statement, analysed like a submitted one; undefined when it is not 3–12 months of readable rows. */
export function analysePulledStatement(transactions: StatementTransaction[], currency: string, consentedAt: string): StoredStatement | undefined {
  const read = readStatement({ currency, transactions });
  if ('problems' in read) return undefined;
  return { ...statementFeatures(read.transactions, currency, { lowBalanceMinor: lowBalanceMinor(currency) }), consentedAt, source: 'provider' };
}

/** `source`: given with the application, or pulled from the account-data provider at the Score step. */
export type StoredStatement = StatementFeatures & { consentedAt: string; source?: 'applicant' | 'provider' };

/**
 * The statement's figures the decision policy reads (policy.ts STATEMENT_FACTS): the verified inflow over the declared
 * income, a month's gambling and payments to other lenders over the verified inflow (null when there is none to divide
 * by), returned payments, days at low balance (null without balances). Shares to 4 decimals.
 */
export function statementPolicyFacts(statement: StatementFeatures, declaredMonthlyIncomeMinor: number) {
  const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);
  const inflow = statement.inflow.verifiedMonthlyMinor;
  return {
    verifiedIncomeShare: share(inflow, declaredMonthlyIncomeMinor),
    gamblingShareOfInflow: share(statement.gambling.monthlyMinor, inflow),
    otherLendersShareOfInflow: share(statement.otherLenders.monthlyMinor, inflow),
    returnedPayments: statement.returnedPayments,
    daysAtLowBalance: statement.balance.daysAtLowBalance,
  };
}

/**
 * Where statements come from when the applicant consents but gives none with the application: an account-data
 * provider (the sandbox locally and until one is configured). Undefined: nothing on file for this person.
 */
export interface StatementSource {
  pull(request: { applicationId: string; nationalId: string; currency: string }): Promise<StatementTransaction[] | undefined>;
}

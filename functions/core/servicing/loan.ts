// The loan after disbursement (PRODUCT.md §1, §2.8): its installments with what each owes and what has been paid, and
// the allocation of repayments. Pure: dates come in as YYYY-MM-DD strings, amounts as integer minor units.
//
// THE RULES (every amount an integer number of minor units; nothing is ever rounded inside an allocation):
//
// 1. Due first. A repayment on date D pays the installments due on or before D, oldest first; inside each installment
//    penalties → fees → interest → principal. A payment smaller than what is due is a partial payment: it stops where
//    the money runs out (the next part keeps its remainder).
// 2. Payoff. If what is left after (1) covers the payoff amount at D (see `payoffQuote`), the loan is paid off: the
//    payoff amounts are paid, the interest not yet accrued and the fees of later periods are waived (never earned: the
//    balance is declining and has been repaid), the loan is CLOSED, and whatever is still left becomes credit.
// 3. Advance payment of the current period. Otherwise, money left after (1) pays the installment of the current period
//    (the first one due after D) in the same order, in full if it can: paying a few days early never leaves that
//    installment unpaid on its due date.
// 4. Prepayment. Anything left after (3) repays principal from the LAST installment backwards (the term shortens, the
//    installments that remain keep the amounts agreed in the contract; nothing already agreed is ever changed). An
//    installment whose principal is repaid in full this way before its due date is cancelled: its unpaid interest and
//    fees are waived. A partly prepaid installment keeps its interest (the saving is granted per whole installment).
// 5. Credit. Money left over once nothing is owed (only possible in (2), or on a loan that is no longer ACTIVE) is held
//    as the loan's credit: an amount the lender owes the customer, refunded by operations. Credit is never applied to
//    installments automatically, because it only exists when no installment is owed any more.
// 6. Closing. The loan is CLOSED as soon as nothing is owed (every installment's due = paid + waived).
//
// PAYOFF at date D (`payoffQuote`): everything due on or before D and unpaid (penalties, fees, interest, principal), plus
// the principal still outstanding of every later installment, plus the interest of the current period accrued to D pro
// rata by days (its scheduled interest × days elapsed since the period began ÷ days in the period, rounded half up,
// less interest already paid on it), plus the current period's fees (a fee is a charge, not time-based: the schedule
// generator puts the loan's fee on the first installment, and paying off early does not escape it), plus penalties
// charged on later installments (normally none). Interest and fees of periods not yet begun, and the unaccrued part of
// the current period's interest, are not owed. On a due date itself the next period has just begun, so its accrued
// interest is zero.

import type { ProtectedGroup } from '../reporting/fairness';
import type { LateFeeRule } from '../contracting/contract';
import { ConflictError, ValidationError, type FieldProblem } from '../kernel/errors';
import type { ScheduleInstallment } from '../lending-math/schedule';

export const LOAN_STATUSES = ['ACTIVE', 'CLOSED', 'WRITTEN_OFF'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

export const DELINQUENCY_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type DelinquencyBucket = (typeof DELINQUENCY_BUCKETS)[number];

/** The parts of an installment, in minor units. */
export interface Parts {
  principal: number;
  interest: number;
  fees: number;
  penalties: number;
}

/** The order in which a payment settles the parts of one installment. */
export const ALLOCATION_ORDER = ['penalties', 'fees', 'interest', 'principal'] as const satisfies readonly (keyof Parts)[];
export type Part = (typeof ALLOCATION_ORDER)[number];

/** One installment of the schedule a loan is opened with: the schedule generator's row. */
export type ScheduleInstallmentInput = ScheduleInstallment;

export interface LoanInstallment {
  n: number;
  dueDate: string;
  /** What the contract's schedule says, plus penalties as they are charged. */
  due: Parts;
  paid: Parts;
  /** Not owed any more: interest and fees of periods cancelled by a prepayment or a payoff. */
  waived: Parts;
  /** The principal outstanding after this installment according to the agreed schedule. */
  outstandingAfterMinor: number;
  /** The day nothing was owed on this installment any more. */
  settledOn?: string;
  /** YYYY-MM-DD: the last day whose late fee is charged on this installment (the overdue scan, issue 6). */
  lateFeeAccruedThrough?: string;
}

export interface ReminderSent {
  at: string;
  stage: string;
  channel: 'sms' | 'email';
  n?: number;
  /** The channel refused it for good (an invalid number): not delivered, and not tried again. */
  refused?: true;
}

/** What the last overdue scan (or a repayment) found about the loan's arrears (issue 6). */
export interface DelinquencySnapshot {
  /** The lender's day the figures are for. */
  asOf: string;
  daysPastDue: number;
  bucket: DelinquencyBucket;
  /** The payment-history score of functions/core/servicing/overdue.ts (0–100), when the scan computed it. */
  behaviourScore?: number;
}

/** One change of delinquency bucket, as the scan or a repayment saw it (reports, roll rates). */
export interface BucketChange {
  date: string;
  from: DelinquencyBucket;
  to: DelinquencyBucket;
}

/**
 * What the report's portfolio aggregates hold for a loan at its stored version (functions/core/reporting/aggregates.ts): the
 * loan repository writes the change from this to the loan's contribution now in the same transaction as the loan.
 */
export interface PortfolioContribution {
  /** Counted among the active loans (status ACTIVE). */
  active: boolean;
  /** The delinquency bucket it is counted in (the stored snapshot's; 'current' without one). */
  bucket: DelinquencyBucket;
  /** Principal still outstanding (due − paid − waived over the installments) while active; 0 otherwise. */
  principalMinor: number;
  /** How many entries of bucketHistory have been counted as roll movements. */
  historyLength: number;
}

export interface Loan {
  loanId: string;
  applicationId: string;
  /** The customer (the applicant's JWT subject). */
  ownerId: string;
  productId?: string;
  status: LoanStatus;
  currency: string;
  principalMinor: number;
  /** The contract's annual rate as a decimal string, e.g. "12.5". */
  annualRatePercent: string;
  /** The instant the money was sent. */
  disbursedAt: string;
  /** The lender's calendar day of the disbursement: the first period begins here. */
  disbursementDate: string;
  installments: LoanInstallment[];
  /** Money received beyond everything owed, held for the customer (refunded by operations). */
  creditMinor: number;
  /** Early-warning flags (issue 6). */
  riskFlags: string[];
  /** Reminders sent (issue 6). */
  remindersSent: ReminderSent[];
  /** The contract's late-fee rule; absent: DEFAULT_LATE_FEE_RULE (functions/core/contracting/contract.ts). */
  lateFeeRule?: LateFeeRule;
  /** The applicant's groups, for the fairness report's bad rates only (reporting/fairness.ts). */
  protectedGroup?: ProtectedGroup;
  /** What the last overdue scan found (issue 6). */
  delinquency?: DelinquencySnapshot;
  /** Every bucket change the scan or a repayment saw, oldest first (issue 6). */
  bucketHistory?: BucketChange[];
  /** What the report aggregates count for this loan (written by the loan repository with every write; reports). */
  countedAs?: PortfolioContribution;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Optimistic lock: every write expects the version it read. */
  version: number;
}

export interface LineAllocation extends Parts {
  n: number;
}

/** Where one repayment went. totals + creditMinor = the amount paid, exactly. */
export interface RepaymentAllocation {
  /** The day the payment counts on (the lender's day of paidAt). */
  date: string;
  amountMinor: number;
  /** Per installment, only those the payment touched, by n. */
  installments: LineAllocation[];
  totals: Parts;
  /** The part of totals.principal that repaid installments not yet due (advance payment, prepayment, payoff). */
  prepaidPrincipalMinor: number;
  /** Interest and fees of later periods no longer owed because of this payment (not money: a reduction of the debt). */
  waived: Parts;
  creditMinor: number;
  /** The payment covered the payoff amount (rule 2). */
  payoff: boolean;
  /** The loan went from ACTIVE to CLOSED with this payment. */
  closed: boolean;
}

export interface PayoffQuote {
  date: string;
  amountMinor: number;
  breakdown: Parts;
}

const PARTS: readonly Part[] = ALLOCATION_ORDER;

export function zeroParts(): Parts {
  return { principal: 0, interest: 0, fees: 0, penalties: 0 };
}

export function sumParts(parts: Parts): number {
  return parts.principal + parts.interest + parts.fees + parts.penalties;
}

function addParts(a: Parts, b: Parts): Parts {
  return { principal: a.principal + b.principal, interest: a.interest + b.interest, fees: a.fees + b.fees, penalties: a.penalties + b.penalties };
}

/** What an installment still owes, per part. */
export function remainingOf(installment: LoanInstallment): Parts {
  const out = zeroParts();
  for (const part of PARTS) out[part] = installment.due[part] - installment.paid[part] - installment.waived[part];
  return out;
}

export function remainingTotal(installment: LoanInstallment): number {
  return sumParts(remainingOf(installment));
}

/** Everything still owed on the loan per the schedule (future interest included), per part. */
export function outstandingOf(loan: Loan): Parts {
  return loan.installments.reduce((total, installment) => addParts(total, remainingOf(installment)), zeroParts());
}

// ---- dates ---------------------------------------------------------------------------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

// ---- opening a loan ------------------------------------------------------------------------------------------------

export interface NewLoanInput {
  loanId: string;
  applicationId: string;
  ownerId: string;
  productId?: string;
  currency: string;
  principalMinor: number;
  annualRatePercent: string;
  disbursedAt: string;
  disbursementDate: string;
  schedule: readonly ScheduleInstallmentInput[];
  /** The contract's late-fee rule; stored on the loan when given (absent: DEFAULT_LATE_FEE_RULE). */
  lateFeeRule?: LateFeeRule;
  /** The applicant's groups, for the fairness report's bad rates only (reporting/fairness.ts). */
  protectedGroup?: ProtectedGroup;
  /** When the loan record is created (the clock's now). */
  at: string;
}

const isMinor = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Why a schedule cannot become a loan, one problem per field; empty when it can. */
export function scheduleProblems(input: Pick<NewLoanInput, 'principalMinor' | 'disbursementDate' | 'schedule'>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isMinor(input.principalMinor) || input.principalMinor === 0) problems.push({ path: 'principalMinor', message: 'must be a positive whole number of minor units' });
  if (!isCalendarDate(input.disbursementDate)) problems.push({ path: 'disbursementDate', message: 'must be a date YYYY-MM-DD' });
  if (input.schedule.length === 0) problems.push({ path: 'schedule', message: 'must have at least one installment' });
  let previous = input.disbursementDate;
  let principal = 0;
  input.schedule.forEach((row, i) => {
    const at = `schedule[${i}]`;
    if (row.n !== i + 1) problems.push({ path: `${at}.n`, message: `must be ${i + 1} (installments numbered from 1, in order)` });
    if (!isCalendarDate(row.dueDate)) problems.push({ path: `${at}.dueDate`, message: 'must be a date YYYY-MM-DD' });
    else if (isCalendarDate(previous) && daysBetween(previous, row.dueDate) <= 0) {
      problems.push({ path: `${at}.dueDate`, message: `must be after ${previous}` });
    }
    previous = row.dueDate;
    for (const field of ['principalMinor', 'interestMinor', 'feesMinor', 'outstandingAfterMinor'] as const) {
      if (!isMinor(row[field])) problems.push({ path: `${at}.${field}`, message: 'must be a non-negative whole number of minor units' });
    }
    principal += row.principalMinor;
  });
  if (problems.length === 0 && principal !== input.principalMinor) {
    problems.push({ path: 'schedule', message: `principal sums to ${principal}, not the loan's ${input.principalMinor}` });
  }
  return problems;
}

/** A new ACTIVE loan with one installment per schedule row, nothing paid. */
export function createLoan(input: NewLoanInput): Loan {
  const problems = scheduleProblems(input);
  if (problems.length > 0) throw new ValidationError('the schedule cannot open a loan', problems);
  return {
    loanId: input.loanId,
    applicationId: input.applicationId,
    ownerId: input.ownerId,
    ...(input.productId ? { productId: input.productId } : {}),
    status: 'ACTIVE',
    currency: input.currency,
    principalMinor: input.principalMinor,
    annualRatePercent: input.annualRatePercent,
    disbursedAt: input.disbursedAt,
    disbursementDate: input.disbursementDate,
    installments: input.schedule.map((row) => ({
      n: row.n,
      dueDate: row.dueDate,
      due: { principal: row.principalMinor, interest: row.interestMinor, fees: row.feesMinor, penalties: 0 },
      paid: zeroParts(),
      waived: zeroParts(),
      outstandingAfterMinor: row.outstandingAfterMinor,
    })),
    creditMinor: 0,
    riskFlags: [],
    remindersSent: [],
    ...(input.lateFeeRule ? { lateFeeRule: { ...input.lateFeeRule } } : {}),
    ...(input.protectedGroup ? { protectedGroup: { ...input.protectedGroup } } : {}),
    createdAt: input.at,
    updatedAt: input.at,
    version: 1,
  };
}

// ---- payoff --------------------------------------------------------------------------------------------------------

/** The installment of the period running on `date`: the first one due after it (undefined after the last due date). */
function currentIndex(loan: Loan, date: string): number {
  return loan.installments.findIndex((installment) => installment.dueDate > date);
}

/** Interest of the current period accrued to `date`: scheduled interest × elapsed days ÷ period days, half up. */
export function accruedInterest(loan: Loan, index: number, date: string): number {
  const installment = loan.installments[index]!;
  const start = index === 0 ? loan.disbursementDate : loan.installments[index - 1]!.dueDate;
  const periodDays = daysBetween(start, installment.dueDate);
  const elapsed = Math.min(Math.max(daysBetween(start, date), 0), periodDays);
  // Integer half-up rounding of interest × elapsed / periodDays, exact while the product stays a safe integer.
  return Math.floor((2 * installment.due.interest * elapsed + periodDays) / (2 * periodDays));
}

/** What each installment must receive for the loan to be paid off on `date` (see the rules at the top). */
function payoffLines(loan: Loan, date: string): Parts[] {
  const current = currentIndex(loan, date);
  return loan.installments.map((installment, index) => {
    const remaining = remainingOf(installment);
    if (installment.dueDate <= date) return remaining;
    const line: Parts = { principal: remaining.principal, interest: 0, fees: 0, penalties: remaining.penalties };
    if (index === current) {
      line.interest = Math.min(Math.max(accruedInterest(loan, index, date) - installment.paid.interest, 0), remaining.interest);
      line.fees = remaining.fees;
    }
    return line;
  });
}

/** The amount that settles the loan on `date`, with its breakdown. Zero for a loan that is not ACTIVE. */
export function payoffQuote(loan: Loan, date: string): PayoffQuote {
  if (!isCalendarDate(date)) throw new ValidationError('invalid payoff date', [{ path: 'date', message: 'must be a date YYYY-MM-DD' }]);
  if (date < loan.disbursementDate) {
    throw new ValidationError('the payoff date is before the disbursement', [{ path: 'date', message: `must not be before the disbursement date ${loan.disbursementDate}` }]);
  }
  if (loan.status !== 'ACTIVE') return { date, amountMinor: 0, breakdown: zeroParts() };
  const breakdown = payoffLines(loan, date).reduce(addParts, zeroParts());
  return { date, amountMinor: sumParts(breakdown), breakdown };
}

// ---- repayment allocation ------------------------------------------------------------------------------------------

export interface RepaymentInput {
  amountMinor: number;
  /** The lender's calendar day of the payment. */
  date: string;
  /** The instant the repayment is recorded (updatedAt, closedAt). */
  at: string;
}

/**
 * Applies one repayment by the rules at the top of this file. Returns the loan as it is after the payment (same version:
 * the repository moves it) and where every minor unit went.
 */
export function applyRepayment(loan: Loan, input: RepaymentInput): { loan: Loan; allocation: RepaymentAllocation } {
  if (!isMinor(input.amountMinor) || input.amountMinor === 0) {
    throw new ValidationError('invalid repayment amount', [{ path: 'amount', message: 'must be more than zero' }]);
  }
  if (!isCalendarDate(input.date)) throw new ValidationError('invalid repayment date', [{ path: 'paidAt', message: 'must be a date' }]);
  const next: Loan = structuredClone(loan);
  const lines = new Map<number, LineAllocation>();
  const totals = zeroParts();
  const waivedTotals = zeroParts();
  let prepaid = 0;
  let left = input.amountMinor;

  const line = (n: number): LineAllocation => {
    let found = lines.get(n);
    if (!found) lines.set(n, (found = { n, ...zeroParts() }));
    return found;
  };
  /** Pays up to `max` of one part of one installment from what is left. */
  const pay = (installment: LoanInstallment, part: Part, max = Number.POSITIVE_INFINITY): void => {
    const owed = installment.due[part] - installment.paid[part] - installment.waived[part];
    const amount = Math.min(owed, left, max);
    if (amount <= 0) return;
    installment.paid[part] += amount;
    line(installment.n)[part] += amount;
    totals[part] += amount;
    left -= amount;
    if (part === 'principal' && installment.dueDate > input.date) prepaid += amount;
  };
  const waive = (installment: LoanInstallment, part: 'interest' | 'fees'): void => {
    const owed = installment.due[part] - installment.paid[part] - installment.waived[part];
    if (owed <= 0) return;
    installment.waived[part] += owed;
    waivedTotals[part] += owed;
  };

  let payoff = false;
  if (next.status === 'ACTIVE') {
    // 1. Everything due on or before the payment's date, oldest first.
    for (const installment of next.installments) {
      if (installment.dueDate > input.date) break;
      for (const part of PARTS) pay(installment, part);
    }
    // 2. Payoff when what is left covers it.
    const payoffAmounts = payoffLines(next, input.date);
    if (left >= payoffAmounts.reduce((sum, parts) => sum + sumParts(parts), 0)) {
      // A payoff in the proper sense when installments not yet due still owed something (not the last one paid late).
      payoff = next.installments.some((installment) => installment.dueDate > input.date && remainingTotal(installment) > 0);
      next.installments.forEach((installment, index) => {
        for (const part of PARTS) pay(installment, part, payoffAmounts[index]![part]);
        if (installment.dueDate > input.date) {
          waive(installment, 'interest');
          waive(installment, 'fees');
        }
      });
    } else if (left > 0) {
      // 3. The current period's installment, paid in advance.
      const current = next.installments[currentIndex(next, input.date)];
      if (current) for (const part of PARTS) pay(current, part);
      // 4. Prepayment: principal from the last installment backwards; a fully prepaid one is cancelled.
      for (let index = next.installments.length - 1; index >= 0 && left > 0; index -= 1) {
        const installment = next.installments[index]!;
        if (installment.dueDate <= input.date) break;
        const before = installment.paid.principal;
        pay(installment, 'principal');
        if (installment.paid.principal > before && remainingOf(installment).principal === 0) {
          waive(installment, 'interest');
          waive(installment, 'fees');
        }
      }
    }
  }
  // 5. Whatever is left is credit.
  next.creditMinor += left;
  const credit = left;

  for (const installment of next.installments) {
    if (installment.settledOn === undefined && remainingTotal(installment) === 0) installment.settledOn = input.date;
  }
  // 6. Closed when nothing is owed.
  const closed = next.status === 'ACTIVE' && next.installments.every((installment) => remainingTotal(installment) === 0);
  if (closed) {
    next.status = 'CLOSED';
    next.closedAt = input.at;
  }
  next.updatedAt = input.at;

  return {
    loan: next,
    allocation: {
      date: input.date,
      amountMinor: input.amountMinor,
      installments: [...lines.values()].sort((a, b) => a.n - b.n),
      totals,
      prepaidPrincipalMinor: prepaid,
      waived: waivedTotals,
      creditMinor: credit,
      payoff,
      closed,
    },
  };
}

/**
 * Charges a penalty (a late fee by the product's rule, issue 6) on an installment. The caller makes it happen once
 * per day (the repository's optimistic lock and its own record of what it charged).
 */
export function chargePenalty(loan: Loan, input: { n: number; amountMinor: number; at: string }): Loan {
  if (loan.status !== 'ACTIVE') throw new ConflictError(`loan ${loan.loanId} is ${loan.status}; no penalty can be charged`);
  if (!isMinor(input.amountMinor)) throw new ValidationError('invalid penalty', [{ path: 'amountMinor', message: 'must be a non-negative whole number' }]);
  const next = structuredClone(loan);
  const installment = next.installments.find((candidate) => candidate.n === input.n);
  if (!installment) throw new ValidationError('no such installment', [{ path: 'n', message: `loan ${loan.loanId} has no installment ${input.n}` }]);
  installment.due.penalties += input.amountMinor;
  if (input.amountMinor > 0) delete installment.settledOn;
  next.updatedAt = input.at;
  return next;
}

// ---- delinquency and the view's figures ----------------------------------------------------------------------------

export interface Delinquency {
  daysPastDue: number;
  bucket: DelinquencyBucket;
  /** The due date of the oldest installment unpaid past its due date. */
  oldestUnpaidDueDate?: string;
  /** Everything owed on installments past their due date. */
  amountPastDueMinor: number;
}

export function bucketFor(daysPastDue: number): DelinquencyBucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return '1-30';
  if (daysPastDue <= 60) return '31-60';
  if (daysPastDue <= 90) return '61-90';
  return '90+';
}

/** Days past due from the oldest installment still owing after its due date, on `today`. */
export function delinquencyOf(loan: Loan, today: string): Delinquency {
  if (loan.status !== 'ACTIVE') return { daysPastDue: 0, bucket: 'current', amountPastDueMinor: 0 };
  const overdue = loan.installments.filter((installment) => installment.dueDate < today && remainingTotal(installment) > 0);
  const oldest = overdue[0];
  const daysPastDue = oldest ? daysBetween(oldest.dueDate, today) : 0;
  return {
    daysPastDue,
    bucket: bucketFor(daysPastDue),
    ...(oldest ? { oldestUnpaidDueDate: oldest.dueDate } : {}),
    amountPastDueMinor: overdue.reduce((sum, installment) => sum + remainingTotal(installment), 0),
  };
}

/** The next installment to pay on or after `today` that still owes something. */
export function nextDueOf(loan: Loan, today: string): { n: number; dueDate: string; amountMinor: number } | undefined {
  if (loan.status !== 'ACTIVE') return undefined;
  const next = loan.installments.find((installment) => installment.dueDate >= today && remainingTotal(installment) > 0);
  return next ? { n: next.n, dueDate: next.dueDate, amountMinor: remainingTotal(next) } : undefined;
}

export const INSTALLMENT_STATUSES = ['PAID', 'PARTIALLY_PAID', 'DUE', 'OVERDUE', 'FUTURE'] as const;
export type InstallmentStatus = (typeof INSTALLMENT_STATUSES)[number];

/**
 * PAID: nothing owed (paid, or cancelled by a prepayment or payoff). OVERDUE: owing after its due date. DUE: owing,
 * and the first installment due today or later (the one to pay next). PARTIALLY_PAID: a later one with a part paid.
 * FUTURE: a later one, nothing paid.
 */
export function installmentStatus(loan: Loan, installment: LoanInstallment, today: string): InstallmentStatus {
  if (remainingTotal(installment) === 0) return 'PAID';
  if (installment.dueDate < today) return 'OVERDUE';
  if (nextDueOf(loan, today)?.n === installment.n) return 'DUE';
  return sumParts(installment.paid) > 0 ? 'PARTIALLY_PAID' : 'FUTURE';
}

/** The oldest due date still owing anything (the overdue scan's key; issue 6), or undefined when nothing is owed. */
export function oldestUnpaidDueDate(loan: Loan): string | undefined {
  if (loan.status !== 'ACTIVE') return undefined;
  return loan.installments.find((installment) => remainingTotal(installment) > 0)?.dueDate;
}

// The domain rules of the daily overdue scan (PRODUCT.md §2.9, issue 6): reminder stages, quiet hours, the daily
// accrual of late fees, the behaviour score, early-warning flags and the delinquency snapshot with its bucket history.
// Pure: no I/O, no clock; the day (`today`, YYYY-MM-DD in the lender's time zone) and the instant (`at`) come in as
// arguments. functions/core/servicing/overdue-scan.ts runs these rules over the portfolio.
//
// LATE FEES. The contract's rule (`loan.lateFeeRule`, else DEFAULT_LATE_FEE_RULE) gives the late fee of an installment
// whose principal P is unpaid d days after its due date: `lateFeeMinor(rule, P, d)`. The scan charges it a day at a
// time: on `today` it charges lateFeeMinor(rule, P, dNow) − lateFeeMinor(rule, P, dPrev), where dNow counts the days
// from the due date to today and dPrev those to the last day already charged (`lateFeeAccruedThrough`). While P stays
// the same the increments telescope, so the total charged after any number of runs (daily, or with missed days) is
// exactly lateFeeMinor(rule, P, dNow): nothing within the grace days, then the grace days counted too, rounding done
// once on the total. When P falls (a partial payment of principal) the later days are charged on the new P. The
// late fees of an installment never exceed the rule's cap of its scheduled principal, whatever P was on each day.
// A second run on the same day charges nothing (dPrev = dNow).

import { DEFAULT_LATE_FEE_RULE, lateFeeMinor, type LateFeeRule } from '../contracting/contract';
import {
  chargePenalty,
  daysBetween,
  delinquencyOf,
  remainingTotal,
  type BucketChange,
  type DelinquencyBucket,
  type DelinquencySnapshot,
  type Loan,
  type LoanInstallment,
} from './loan';

// ---- reminders -----------------------------------------------------------------------------------------------------

export const REMINDER_STAGES = ['due_in_3_days', 'due_today', 'overdue_1', 'overdue_7', 'overdue_15', 'overdue_30'] as const;
export type ReminderStage = (typeof REMINDER_STAGES)[number];

/** The first day of each stage, counted from the installment's due date. */
export const STAGE_DAY: Record<ReminderStage, number> = {
  due_in_3_days: -3,
  due_today: 0,
  overdue_1: 1,
  overdue_7: 7,
  overdue_15: 15,
  overdue_30: 30,
};

/** The scan reads the loans whose oldest unpaid installment is due by today + this many days (the first reminder). */
export const SCAN_LOOKAHEAD_DAYS = 3;

/**
 * Whether `now` falls in the quiet hours of `timeZone` (no SMS then): from `fromHour`:00 inclusive to `toHour`:00
 * exclusive, local time. A window with fromHour > toHour runs over midnight (21 → 8); fromHour = toHour is empty.
 */
export function isQuietHour(now: Date, timeZone: string, quiet: { fromHour: number; toHour: number } = { fromHour: 21, toHour: 8 }): boolean {
  const hourPart = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' })
    .formatToParts(now)
    .find((part) => part.type === 'hour');
  if (!hourPart) throw new RangeError(`cannot read the hour of ${now.toISOString()} in ${timeZone}`);
  const hour = Number(hourPart.value) % 24;
  const { fromHour, toHour } = quiet;
  if (fromHour === toHour) return false;
  return fromHour < toHour ? hour >= fromHour && hour < toHour : hour >= fromHour || hour < toHour;
}

/**
 * The reminder stage of an installment due on `dueDate`, on `today`: the latest stage whose first day has come, so a
 * scan that missed a day sends the stage that is current, never an obsolete one. Undefined more than 3 days before
 * the due date. (−3…−1 due_in_3_days, 0 due_today, 1…6 overdue_1, 7…14 overdue_7, 15…29 overdue_15, ≥ 30 overdue_30.)
 */
export function reminderStageOn(dueDate: string, today: string): ReminderStage | undefined {
  const day = daysBetween(dueDate, today);
  for (let index = REMINDER_STAGES.length - 1; index >= 0; index -= 1) {
    const stage = REMINDER_STAGES[index]!;
    if (STAGE_DAY[stage] <= day) return stage;
  }
  return undefined;
}

export interface ReminderDue {
  n: number;
  stage: ReminderStage;
  dueDate: string;
  /** What the installment still owes (late fees included). */
  amountMinor: number;
  /** Days from its due date to today, 0 before it. */
  daysPastDue: number;
}

/**
 * The reminders of `today` for an ACTIVE loan: one per installment that still owes something and has a stage today.
 * Whether one was sent already is the caller's question, per channel (`alreadySent`).
 */
export function remindersDue(loan: Loan, today: string): ReminderDue[] {
  if (loan.status !== 'ACTIVE') return [];
  const due: ReminderDue[] = [];
  for (const installment of loan.installments) {
    const amountMinor = remainingTotal(installment);
    if (amountMinor <= 0) continue;
    const stage = reminderStageOn(installment.dueDate, today);
    if (!stage) continue;
    due.push({ n: installment.n, stage, dueDate: installment.dueDate, amountMinor, daysPastDue: Math.max(0, daysBetween(installment.dueDate, today)) });
  }
  return due;
}

/** Whether the reminder of this stage for installment `n` went out on `channel` already. */
export function alreadySent(loan: Loan, n: number, stage: ReminderStage, channel: 'sms' | 'email'): boolean {
  return loan.remindersSent.some((sent) => sent.n === n && sent.stage === stage && sent.channel === channel);
}

// ---- late fees -----------------------------------------------------------------------------------------------------

/** More days than any loan is ever past due: the late fee at this many days is the rule's cap. */
const CAP_DAYS = 1_000_000;

function unpaidPrincipal(installment: LoanInstallment): number {
  return installment.due.principal - installment.paid.principal - installment.waived.principal;
}

/**
 * Charges the late fees of `today` (see the rules at the top of this file). Idempotent per day: a second run with the
 * same `today` changes nothing. Returns the loan unchanged (the same object) when nothing was charged or recorded.
 */
export function accrueLateFees(loan: Loan, today: string, at: string): { loan: Loan; charged: { n: number; amountMinor: number }[] } {
  if (loan.status !== 'ACTIVE') return { loan, charged: [] };
  const rule: LateFeeRule = loan.lateFeeRule ?? DEFAULT_LATE_FEE_RULE;
  const charged: { n: number; amountMinor: number }[] = [];
  let next = loan;
  for (const installment of loan.installments) {
    if (installment.dueDate >= today) continue;
    const principal = unpaidPrincipal(installment);
    if (principal <= 0) continue;
    const through = installment.lateFeeAccruedThrough;
    // Already charged through today (or a later day): nothing to do, and the record never moves back.
    if (through !== undefined && through >= today) continue;
    const dNow = daysBetween(installment.dueDate, today);
    const dPrev = through === undefined ? 0 : Math.max(0, daysBetween(installment.dueDate, through));
    const increment = lateFeeMinor(rule, principal, dNow) - lateFeeMinor(rule, principal, dPrev);
    const cap = lateFeeMinor(rule, installment.due.principal, CAP_DAYS);
    const current = next.installments.find((candidate) => candidate.n === installment.n)!;
    const amountMinor = Math.max(0, Math.min(increment, cap - current.due.penalties));
    if (amountMinor > 0) {
      next = chargePenalty(next, { n: installment.n, amountMinor, at });
      charged.push({ n: installment.n, amountMinor });
    } else if (next === loan) {
      next = structuredClone(loan);
    }
    next.installments.find((candidate) => candidate.n === installment.n)!.lateFeeAccruedThrough = today;
  }
  if (next !== loan) next.updatedAt = at;
  return { loan: next, charged };
}

// ---- behaviour score -----------------------------------------------------------------------------------------------

/**
 * The payment-history score since disbursement, an integer 0–100 (100: every installment due so far was paid on
 * time). Over the N installments due before `today` (`installmentsDue`):
 *
 *   lateness_i = 0                                    paid in full on or before its due date (settledOn ≤ dueDate)
 *              = min(days from dueDate to settledOn, 30)   paid in full late
 *              = min(days from dueDate to today, 30)       still owing
 *   score      = round(100 × (1 − Σ lateness_i ÷ (30 × N)))   (half up), 100 when N = 0.
 *
 * An installment that owes nothing but has no settledOn (cancelled without a recorded day) counts as on time.
 */
export function behaviourScore(loan: Loan, today: string): { score: number; installmentsDue: number } {
  const due = loan.installments.filter((installment) => installment.dueDate < today);
  if (due.length === 0) return { score: 100, installmentsDue: 0 };
  let lateness = 0;
  for (const installment of due) {
    if (remainingTotal(installment) > 0) lateness += Math.min(daysBetween(installment.dueDate, today), 30);
    else if (installment.settledOn !== undefined && installment.settledOn > installment.dueDate) {
      lateness += Math.min(daysBetween(installment.dueDate, installment.settledOn), 30);
    }
  }
  const whole = 30 * due.length;
  // 100 × (whole − lateness) / whole, rounded half up in integers.
  const score = Math.floor((200 * (whole - lateness) + whole) / (2 * whole));
  return { score, installmentsDue: due.length };
}

// ---- early warning and the scan of one loan ------------------------------------------------------------------------

export interface EarlyWarningSettings {
  /** DPD_31_PLUS is raised when the loan is at least this many days past due. */
  daysPastDue: number;
  /** LOW_BEHAVIOUR_SCORE is raised when the behaviour score is below this… */
  behaviourScoreBelow: number;
  /** …once at least this many installments have fallen due (too few say little). */
  minInstallmentsDue: number;
}

export const DEFAULT_EARLY_WARNING: Readonly<EarlyWarningSettings> = Object.freeze({ daysPastDue: 31, behaviourScoreBelow: 50, minInstallmentsDue: 3 });

export const RISK_FLAGS = ['DPD_31_PLUS', 'LOW_BEHAVIOUR_SCORE'] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

export interface LoanScan {
  /** The loan as the scan leaves it (a copy; the input is never modified). */
  loan: Loan;
  feesCharged: { n: number; amountMinor: number }[];
  delinquency: DelinquencySnapshot;
  previousBucket: DelinquencyBucket;
  /** Flags raised by this scan (each loan gets a flag once: they stay on the loan as a record for operations). */
  newRiskFlags: RiskFlag[];
  reminders: ReminderDue[];
  /** The loan differs from the input (fees, accrual record, snapshot, bucket history, flags): it must be saved. */
  changed: boolean;
}

function sameSnapshot(a: DelinquencySnapshot | undefined, b: DelinquencySnapshot): boolean {
  return a !== undefined && a.asOf === b.asOf && a.daysPastDue === b.daysPastDue && a.bucket === b.bucket && a.behaviourScore === b.behaviourScore;
}

/**
 * The daily scan of one loan: accrues the late fees of `today`, takes the delinquency after them, records the snapshot
 * and any bucket change, raises early-warning flags not raised before, and lists the reminders of the day. A loan
 * that is not ACTIVE is left as it is, with no reminders. Running it twice on the same day changes nothing the
 * second time (the snapshot's asOf is the day, so a scan on a new day always records one).
 */
export function scanLoan(loan: Loan, input: { today: string; at: string; earlyWarning: EarlyWarningSettings }): LoanScan {
  const { today, at, earlyWarning } = input;
  const previousBucket: DelinquencyBucket = loan.delinquency?.bucket ?? 'current';
  if (loan.status !== 'ACTIVE') {
    return {
      loan: structuredClone(loan),
      feesCharged: [],
      delinquency: { asOf: today, daysPastDue: 0, bucket: 'current' },
      previousBucket,
      newRiskFlags: [],
      reminders: [],
      changed: false,
    };
  }

  const accrued = accrueLateFees(loan, today, at);
  const next = accrued.loan === loan ? structuredClone(loan) : accrued.loan;
  let changed = accrued.loan !== loan;

  const { daysPastDue, bucket } = delinquencyOf(next, today);
  const behaviour = behaviourScore(next, today);
  const delinquency: DelinquencySnapshot = { asOf: today, daysPastDue, bucket, behaviourScore: behaviour.score };
  if (!sameSnapshot(loan.delinquency, delinquency)) {
    next.delinquency = delinquency;
    changed = true;
  }
  if (bucket !== previousBucket) {
    const change: BucketChange = { date: today, from: previousBucket, to: bucket };
    next.bucketHistory = [...(next.bucketHistory ?? []), change];
    changed = true;
  }

  const newRiskFlags: RiskFlag[] = [];
  if (daysPastDue >= earlyWarning.daysPastDue && !next.riskFlags.includes('DPD_31_PLUS')) newRiskFlags.push('DPD_31_PLUS');
  if (
    behaviour.installmentsDue >= earlyWarning.minInstallmentsDue &&
    behaviour.score < earlyWarning.behaviourScoreBelow &&
    !next.riskFlags.includes('LOW_BEHAVIOUR_SCORE')
  ) {
    newRiskFlags.push('LOW_BEHAVIOUR_SCORE');
  }
  if (newRiskFlags.length > 0) {
    next.riskFlags = [...next.riskFlags, ...newRiskFlags];
    changed = true;
  }

  next.updatedAt = changed ? at : loan.updatedAt;
  return { loan: next, feesCharged: accrued.charged, delinquency, previousBucket, newRiskFlags, reminders: remindersDue(next, today), changed };
}

/**
 * After a repayment on `today`: when the loan's bucket is no longer the stored one (default 'current'), records the
 * new snapshot (keeping the behaviour score) and the change in the bucket history, so paying clears the arrears in
 * the stored bucket at once. Returns the same loan otherwise.
 */
export function recordRepaymentBucket(loan: Loan, today: string): Loan {
  const { daysPastDue, bucket } = delinquencyOf(loan, today);
  const previous: DelinquencyBucket = loan.delinquency?.bucket ?? 'current';
  if (bucket === previous) return loan;
  const next = structuredClone(loan);
  const score = loan.delinquency?.behaviourScore;
  next.delinquency = { asOf: today, daysPastDue, bucket, ...(score !== undefined ? { behaviourScore: score } : {}) };
  next.bucketHistory = [...(loan.bucketHistory ?? []), { date: today, from: previous, to: bucket }];
  return next;
}

// The domain rules of the daily overdue scan (issue 6). Amounts are hand-computed from the default late-fee rule
// (0.05 % a day of the overdue principal, 3 grace days, capped at 10 %): on 1,000.00 CNY (100,000 minor) a day costs
// 0.50 (50 minor) and the cap is 100.00 (10,000 minor).

import fc from 'fast-check';
import { reminderMessage } from '../../../functions/core/applications/applicant-messages';
import { addDays } from '../../../functions/core/lending-math/calendar-days';
import { DEFAULT_LATE_FEE_RULE, lateFeeMinor, type LateFeeRule } from '../../../functions/core/contracting/contract';
import { applyRepayment, chargePenalty, createLoan, delinquencyOf, remainingOf, remainingTotal, type Loan } from '../../../functions/core/servicing/loan';
import {
  accrueLateFees,
  alreadySent,
  behaviourScore,
  DEFAULT_EARLY_WARNING,
  isQuietHour,
  recordRepaymentBucket,
  REMINDER_STAGES,
  reminderStageOn,
  remindersDue,
  scanLoan,
  STAGE_DAY,
  type EarlyWarningSettings,
} from '../../../functions/core/servicing/overdue';
import { DEFAULT_POLICY_DRAFT, policyDraftSchema, policySchema, DEFAULT_POLICY } from '../../../functions/core/decisioning/policy';
import { aLoan, FOUR_MONTHS, scheduleOf } from '../../support/loans';

const AT = '2026-06-01T00:00:00.000Z';
const at = (day: string) => `${day}T01:00:00.000Z`;

/** 4,000.00 CNY, no fees: 1,000.00 principal + 40/30/20/10 interest due 10 Feb, 10 Mar, 10 Apr, 10 May 2026. */
const fourMonths = (overrides: Parameters<typeof aLoan>[0] = {}) => aLoan({ schedule: FOUR_MONTHS, ...overrides });

function pay(loan: Loan, amountMinor: number, date: string): Loan {
  return applyRepayment(loan, { amountMinor, date, at: at(date) }).loan;
}

/** Runs `step` on every day from `from` to `to` inclusive, threading the loan through. */
function eachDay(loan: Loan, from: string, to: string, step: (loan: Loan, day: string) => Loan): Loan {
  let current = loan;
  for (let day = from; day <= to; day = addDays(day, 1)) current = step(current, day);
  return current;
}

const accrue = (loan: Loan, day: string) => accrueLateFees(loan, day, at(day)).loan;
const scan = (loan: Loan, day: string, earlyWarning: EarlyWarningSettings = DEFAULT_EARLY_WARNING) => scanLoan(loan, { today: day, at: at(day), earlyWarning });
const penalties = (loan: Loan, n: number) => loan.installments[n - 1]!.due.penalties;

describe('reminder stages', () => {
  const due = '2026-03-10';
  const on = (offset: number) => reminderStageOn(due, addDays(due, offset));

  it('has a stage from 3 days before the due date, each lasting until the next one begins', () => {
    expect(on(-30)).toBeUndefined();
    expect(on(-4)).toBeUndefined();
    expect([on(-3), on(-2), on(-1)]).toEqual(['due_in_3_days', 'due_in_3_days', 'due_in_3_days']);
    expect(on(0)).toBe('due_today');
    expect([on(1), on(6)]).toEqual(['overdue_1', 'overdue_1']);
    expect([on(7), on(14)]).toEqual(['overdue_7', 'overdue_7']);
    expect([on(15), on(29)]).toEqual(['overdue_15', 'overdue_15']);
    expect([on(30), on(31), on(365)]).toEqual(['overdue_30', 'overdue_30', 'overdue_30']);
  });

  it('begins each stage on its STAGE_DAY, in the order of REMINDER_STAGES', () => {
    for (const stage of REMINDER_STAGES) expect(on(STAGE_DAY[stage])).toBe(stage);
    const days = REMINDER_STAGES.map((stage) => STAGE_DAY[stage]);
    expect(days).toEqual([...days].sort((a, b) => a - b));
  });

  it('counts calendar days across a short month (28 days from 10 Feb to 10 Mar 2026)', () => {
    expect(reminderStageOn('2026-02-10', '2026-03-09')).toBe('overdue_15'); // 27 days
    expect(reminderStageOn('2026-02-10', '2026-03-12')).toBe('overdue_30'); // 30 days
    expect(reminderStageOn('2026-03-02', '2026-02-27')).toBe('due_in_3_days'); // 3 days before, over 28 Feb
  });

  it('after a missed day sends the stage that is current, not the obsolete one', () => {
    // The scan last ran on day 6 (overdue_1 sent by SMS) and missed day 7: on day 8 the stage is overdue_7.
    let loan = fourMonths();
    loan = { ...loan, remindersSent: [{ at: AT, stage: 'overdue_1', channel: 'sms', n: 1 }] };
    const reminders = remindersDue(loan, '2026-02-18');
    expect(reminders.map((r) => [r.n, r.stage])).toEqual([[1, 'overdue_7']]);
    expect(alreadySent(loan, 1, 'overdue_7', 'sms')).toBe(false);
  });
});

describe('quiet hours (Asia/Shanghai is UTC+8 all year)', () => {
  const quiet = (iso: string, zone = 'Asia/Shanghai') => isQuietHour(new Date(iso), zone);

  it('start at 21:00 local time (13:00 UTC), inclusive', () => {
    expect(quiet('2026-03-10T12:59:59.999Z')).toBe(false); // 20:59:59 local
    expect(quiet('2026-03-10T13:00:00.000Z')).toBe(true); // 21:00 local
    expect(quiet('2026-03-10T16:00:00.000Z')).toBe(true); // midnight local
  });

  it('end at 08:00 local time (00:00 UTC), exclusive', () => {
    expect(quiet('2026-03-10T23:59:59.999Z')).toBe(true); // 07:59:59 local on 11 March
    expect(quiet('2026-03-11T00:00:00.000Z')).toBe(false); // 08:00 local
    expect(quiet('2026-03-11T06:00:00.000Z')).toBe(false); // 14:00 local
  });

  it('read the hour in the zone given, and take another window', () => {
    expect(quiet('2026-03-10T13:00:00.000Z', 'UTC')).toBe(false);
    expect(quiet('2026-03-10T21:00:00.000Z', 'UTC')).toBe(true);
    expect(isQuietHour(new Date('2026-03-10T21:30:00.000Z'), 'Asia/Shanghai', { fromHour: 0, toHour: 6 })).toBe(true); // 05:30 local
    expect(isQuietHour(new Date('2026-03-10T22:00:00.000Z'), 'Asia/Shanghai', { fromHour: 0, toHour: 6 })).toBe(false); // 06:00 local
  });
});

describe('reminders due', () => {
  it('lists only installments that still owe something, with what they owe and the days past due', () => {
    const unpaid = fourMonths();
    // 7 March: installment 1 is 25 days past due (overdue_15), installment 2 is due in 3 days.
    expect(remindersDue(unpaid, '2026-03-07')).toEqual([
      { n: 1, stage: 'overdue_15', dueDate: '2026-02-10', amountMinor: 104_000, daysPastDue: 25 },
      { n: 2, stage: 'due_in_3_days', dueDate: '2026-03-10', amountMinor: 103_000, daysPastDue: 0 },
    ]);
    const firstPaid = pay(unpaid, 104_000, '2026-02-10');
    expect(remindersDue(firstPaid, '2026-03-07')).toEqual([{ n: 2, stage: 'due_in_3_days', dueDate: '2026-03-10', amountMinor: 103_000, daysPastDue: 0 }]);
    // Installment 2 paid in advance on 8 March: nothing to remind on its due date.
    expect(remindersDue(pay(firstPaid, 103_000, '2026-03-08'), '2026-03-10')).toEqual([]);
  });

  it('gives an installment partly paid what it still owes', () => {
    const loan = pay(fourMonths(), 4_000 + 30_000, '2026-02-10');
    expect(remindersDue(loan, '2026-02-11')).toEqual([{ n: 1, stage: 'overdue_1', dueDate: '2026-02-10', amountMinor: 70_000, daysPastDue: 1 }]);
  });

  it('gives nothing for a loan that is not ACTIVE', () => {
    const closed = pay(fourMonths(), 1_000_000, '2026-01-20');
    expect(closed.status).toBe('CLOSED');
    expect(remindersDue(closed, '2026-02-10')).toEqual([]);
  });

  it('knows what was sent, per installment, stage and channel', () => {
    const loan: Loan = { ...fourMonths(), remindersSent: [{ at: AT, stage: 'due_today', channel: 'email', n: 1 }] };
    expect(alreadySent(loan, 1, 'due_today', 'email')).toBe(true);
    expect(alreadySent(loan, 1, 'due_today', 'sms')).toBe(false);
    expect(alreadySent(loan, 2, 'due_today', 'email')).toBe(false);
    expect(alreadySent(loan, 1, 'overdue_1', 'email')).toBe(false);
  });
});

describe('late fee accrual', () => {
  it('charges nothing within the grace days, then counts them: 4 days × 0.50 on the first day after', () => {
    let loan = fourMonths();
    const days: { day: string; charged: { n: number; amountMinor: number }[] }[] = [];
    for (const day of ['2026-02-10', '2026-02-11', '2026-02-12', '2026-02-13', '2026-02-14', '2026-02-15']) {
      const result = accrueLateFees(loan, day, at(day));
      days.push({ day, charged: result.charged });
      loan = result.loan;
    }
    expect(days.map((d) => d.charged)).toEqual([[], [], [], [], [{ n: 1, amountMinor: 200 }], [{ n: 1, amountMinor: 50 }]]);
    expect(penalties(loan, 1)).toBe(250);
    expect(loan.installments[0]!.lateFeeAccruedThrough).toBe('2026-02-15');
    // Nothing on the installments not yet due.
    expect(loan.installments.slice(1).map((i) => [i.due.penalties, i.lateFeeAccruedThrough])).toEqual([[0, undefined], [0, undefined], [0, undefined]]);
  });

  it('marks the grace days as accrued (nothing charged) so the day after grace charges them once', () => {
    const loan = accrue(fourMonths(), '2026-02-13');
    expect(penalties(loan, 1)).toBe(0);
    expect(loan.installments[0]!.lateFeeAccruedThrough).toBe('2026-02-13');
    expect(penalties(accrue(loan, '2026-02-14'), 1)).toBe(200);
  });

  it('day by day totals exactly lateFeeMinor for the days past due (27 days: 13.50)', () => {
    const loan = eachDay(fourMonths(), '2026-02-11', '2026-03-09', accrue);
    expect(penalties(loan, 1)).toBe(1_350);
    expect(penalties(loan, 1)).toBe(lateFeeMinor(DEFAULT_LATE_FEE_RULE, 100_000, 27));
  });

  it('rounds once on the total, not per day: 0.5005 minor a day on 10.01', () => {
    // 1,001 minor × 0.05 % = 0.5005 a day. After 10 days the rule gives 5.005 → 5; rounding each day's increment on
    // its own would have charged 1 a day from day 4 (7 in all).
    const loan = eachDay(aLoan({ schedule: scheduleOf([['2026-02-10', 1_001, 0, 0]]) }), '2026-02-11', '2026-02-20', accrue);
    expect(penalties(loan, 1)).toBe(5);
  });

  it('charges once when run twice on a day, and catches up after missed days', () => {
    const once = accrueLateFees(fourMonths(), '2026-02-20', at('2026-02-20'));
    expect(once.charged).toEqual([{ n: 1, amountMinor: 500 }]); // 10 days at once
    const twice = accrueLateFees(once.loan, '2026-02-20', '2026-02-20T09:00:00.000Z');
    expect(twice.charged).toEqual([]);
    expect(twice.loan).toEqual(once.loan);
    // An earlier day after a later one never charges or moves the record back.
    const earlier = accrueLateFees(once.loan, '2026-02-18', at('2026-02-18'));
    expect(earlier.charged).toEqual([]);
    expect(earlier.loan.installments[0]!.lateFeeAccruedThrough).toBe('2026-02-20');
    // Missed the 21st to the 24th: the 25th charges days 11 to 15.
    const later = accrueLateFees(once.loan, '2026-02-25', at('2026-02-25'));
    expect(later.charged).toEqual([{ n: 1, amountMinor: 250 }]);
    expect(penalties(later.loan, 1)).toBe(lateFeeMinor(DEFAULT_LATE_FEE_RULE, 100_000, 15));
  });

  it('stops at the cap of the installment\'s principal (10 % a day for a quick check: 10 % reached on day 10)', () => {
    const rule: LateFeeRule = { dailyRatePercent: '1', graceDays: 0, capPercentOfOverduePrincipal: '10' };
    let loan = fourMonths({ lateFeeRule: rule });
    expect(loan.lateFeeRule).toEqual(rule);
    const charged: number[] = [];
    loan = eachDay(loan, '2026-02-11', '2026-02-25', (current, day) => {
      const result = accrueLateFees(current, day, at(day));
      charged.push(result.charged.find((c) => c.n === 1)?.amountMinor ?? 0);
      return result.loan;
    });
    expect(charged).toEqual([...Array<number>(10).fill(1_000), ...Array<number>(5).fill(0)]);
    expect(penalties(loan, 1)).toBe(10_000);
  });

  it('counts penalties already charged towards the cap', () => {
    const rule: LateFeeRule = { dailyRatePercent: '1', graceDays: 0, capPercentOfOverduePrincipal: '10' };
    const loan = chargePenalty(fourMonths({ lateFeeRule: rule }), { n: 1, amountMinor: 9_500, at: AT });
    const result = accrueLateFees(loan, '2026-02-12', AT); // 2 days = 2,000 by the rule, but only 500 fit under 10,000
    expect(result.charged).toEqual([{ n: 1, amountMinor: 500 }]);
    expect(penalties(result.loan, 1)).toBe(10_000);
    expect(accrueLateFees(result.loan, '2026-02-13', AT).charged).toEqual([]);
  });

  it('charges later days on the principal left after a partial payment', () => {
    // Days 1–9 on 1,000.00 of principal: 9 × 0.50 = 4.50 (grace days included once day 4 came).
    let loan = eachDay(fourMonths(), '2026-02-11', '2026-02-19', accrue);
    expect(penalties(loan, 1)).toBe(450);
    // 20 Feb: pays the 4.50 of late fees, the 40.00 of interest and 600.00 of principal; 400.00 of principal is left.
    loan = pay(loan, 450 + 4_000 + 60_000, '2026-02-20');
    expect(remainingOf(loan.installments[0]!)).toEqual({ principal: 40_000, interest: 0, fees: 0, penalties: 0 });
    // Days 10 and 11 on 400.00: 0.20 each.
    const day10 = accrueLateFees(loan, '2026-02-20', at('2026-02-20'));
    expect(day10.charged).toEqual([{ n: 1, amountMinor: 20 }]);
    const day11 = accrueLateFees(day10.loan, '2026-02-21', at('2026-02-21'));
    expect(day11.charged).toEqual([{ n: 1, amountMinor: 20 }]);
    expect(penalties(day11.loan, 1)).toBe(490);
  });

  it('charges nothing on an installment whose principal is paid, even when something else is still owed on it', () => {
    const paid = pay(fourMonths(), 104_000, '2026-02-10');
    expect(accrueLateFees(paid, '2026-02-20', AT)).toEqual({ loan: paid, charged: [] });
    // A penalty charged by hand after it was paid leaves it owing, but no principal: still no late fee.
    const penaltyOwed = chargePenalty(paid, { n: 1, amountMinor: 100, at: AT });
    expect(remainingTotal(penaltyOwed.installments[0]!)).toBe(100);
    expect(accrueLateFees(penaltyOwed, '2026-02-20', AT).charged).toEqual([]);
  });

  it('leaves a loan that is not ACTIVE alone', () => {
    const closed = pay(fourMonths(), 1_000_000, '2026-01-20');
    expect(accrueLateFees(closed, '2026-03-20', AT)).toEqual({ loan: closed, charged: [] });
  });

  it('property: daily or with gaps, the total is lateFeeMinor of the last day while the principal stays the same', () => {
    const rules = fc.record({
      dailyRatePercent: fc.constantFrom('0.05', '0.1', '0.033', '1', '0.0001'),
      graceDays: fc.integer({ min: 0, max: 10 }),
      capPercentOfOverduePrincipal: fc.constantFrom('10', '5', '24.5', '100'),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5_000_000 }),
        rules,
        fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 30 }),
        (principal, rule, offsets) => {
          const days = [...offsets].sort((a, b) => a - b);
          let loan = aLoan({ schedule: scheduleOf([['2026-02-10', principal, 100, 0]]), lateFeeRule: rule });
          for (const d of days) loan = accrue(loan, addDays('2026-02-10', d));
          const last = days[days.length - 1]!;
          expect(penalties(loan, 1)).toBe(lateFeeMinor(rule, principal, last));
          // Again on the last day: nothing more.
          expect(accrueLateFees(loan, addDays('2026-02-10', last), AT).charged).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('behaviour score', () => {
  it('is 100 before anything falls due, and on the due date itself', () => {
    expect(behaviourScore(fourMonths(), '2026-02-01')).toEqual({ score: 100, installmentsDue: 0 });
    expect(behaviourScore(fourMonths(), '2026-02-10')).toEqual({ score: 100, installmentsDue: 0 });
  });

  it('counts the days an unpaid installment is late: 10 of 30 → 67', () => {
    // 100 × (1 − 10/30) = 66.7
    expect(behaviourScore(fourMonths(), '2026-02-20')).toEqual({ score: 67, installmentsDue: 1 });
  });

  it('mixes on time, paid late and unpaid: (0 + 5 + 10) of 90 → 83', () => {
    let loan = pay(fourMonths(), 104_000, '2026-02-10'); // on time
    loan = pay(loan, 103_000, '2026-03-15'); // 5 days late
    // Installment 3 (10 April) unpaid on 20 April: 10 days. 100 × (1 − 15/90) = 83.3
    expect(behaviourScore(loan, '2026-04-20')).toEqual({ score: 83, installmentsDue: 3 });
  });

  it('caps each installment at 30 days: 30 + 30 + 30 + 10 of 120 → 17', () => {
    // 20 May: 99, 71, 40 and 10 days late. 100 × (1 − 100/120) = 16.7
    expect(behaviourScore(fourMonths(), '2026-05-20')).toEqual({ score: 17, installmentsDue: 4 });
    expect(behaviourScore(fourMonths(), '2027-01-01')).toEqual({ score: 0, installmentsDue: 4 });
  });

  it('rounds half up: 3 days late over 4 installments is 97.5 → 98', () => {
    let loan = pay(fourMonths(), 104_000, '2026-02-10');
    loan = pay(loan, 103_000, '2026-03-13');
    loan = pay(loan, 102_000, '2026-04-10');
    loan = pay(loan, 101_000, '2026-05-10');
    expect(loan.status).toBe('CLOSED');
    expect(behaviourScore(loan, '2026-05-11')).toEqual({ score: 98, installmentsDue: 4 });
  });

  it('counts a prepaid (cancelled) installment as on time', () => {
    // Paid off on 20 Jan: every installment settled before its due date.
    expect(behaviourScore(pay(fourMonths(), 1_000_000, '2026-01-20'), '2026-06-01')).toEqual({ score: 100, installmentsDue: 4 });
  });
});

describe('scanning a loan', () => {
  it('records a snapshot on the first scan, and changes nothing when run again that day', () => {
    const first = scan(fourMonths(), '2026-02-07');
    expect(first.changed).toBe(true);
    expect(first.delinquency).toEqual({ asOf: '2026-02-07', daysPastDue: 0, bucket: 'current', behaviourScore: 100 });
    expect(first.loan.delinquency).toEqual(first.delinquency);
    expect(first.loan.updatedAt).toBe(at('2026-02-07'));
    expect(first.loan.bucketHistory).toBeUndefined();
    expect(first.reminders).toEqual([{ n: 1, stage: 'due_in_3_days', dueDate: '2026-02-10', amountMinor: 104_000, daysPastDue: 0 }]);

    const again = scanLoan(first.loan, { today: '2026-02-07', at: '2026-02-07T10:00:00.000Z', earlyWarning: DEFAULT_EARLY_WARNING });
    expect(again.changed).toBe(false);
    expect(again.loan).toEqual(first.loan);
    expect(again.feesCharged).toEqual([]);
    expect(again.newRiskFlags).toEqual([]);
  });

  it('never modifies the loan it is given', () => {
    const loan = fourMonths();
    const before = structuredClone(loan);
    scan(loan, '2026-04-01');
    expect(loan).toEqual(before);
  });

  it('accrues before it measures, and reminds of what is owed after the fees', () => {
    const result = scan(fourMonths(), '2026-02-20');
    expect(result.feesCharged).toEqual([{ n: 1, amountMinor: 500 }]);
    expect(result.delinquency).toMatchObject({ daysPastDue: 10, bucket: '1-30' });
    expect(result.reminders).toEqual([{ n: 1, stage: 'overdue_7', dueDate: '2026-02-10', amountMinor: 104_500, daysPastDue: 10 }]);
    expect(result.reminders[0]!.amountMinor).toBe(remainingTotal(result.loan.installments[0]!));
  });

  it('raises DPD_31_PLUS on the day days past due reach 31, once', () => {
    const raised: [string, string[]][] = [];
    const loan = eachDay(fourMonths(), '2026-02-10', '2026-03-20', (current, day) => {
      const result = scan(current, day);
      if (result.newRiskFlags.length > 0) raised.push([day, result.newRiskFlags]);
      return result.loan;
    });
    // 10 Feb + 31 days = 13 Mar (February 2026 has 28 days).
    expect(raised).toEqual([['2026-03-13', ['DPD_31_PLUS']]]);
    expect(loan.riskFlags).toEqual(['DPD_31_PLUS']);
    expect(delinquencyOf(loan, '2026-03-20').daysPastDue).toBe(38);
  });

  it('keeps a raised flag after the arrears are paid, and does not raise it again', () => {
    let loan = eachDay(fourMonths(), '2026-03-12', '2026-03-13', (current, day) => scan(current, day).loan);
    expect(loan.riskFlags).toEqual(['DPD_31_PLUS']);
    loan = pay(loan, delinquencyOf(loan, '2026-03-14').amountPastDueMinor, '2026-03-14');
    const after = scan(loan, '2026-03-15');
    expect(after.delinquency.bucket).toBe('current');
    expect(after.loan.riskFlags).toEqual(['DPD_31_PLUS']);
    expect(after.newRiskFlags).toEqual([]);
  });

  it('takes the early-warning thresholds it is given', () => {
    const result = scan(fourMonths(), '2026-02-15', { daysPastDue: 5, behaviourScoreBelow: 50, minInstallmentsDue: 3 });
    expect(result.newRiskFlags).toEqual(['DPD_31_PLUS']);
  });

  it('raises LOW_BEHAVIOUR_SCORE only once enough installments have fallen due', () => {
    // 11 April, nothing paid: installments 1–3 due, late 30, 30 and 1 days: 100 × (1 − 61/90) = 32.2 → 32.
    const loan = fourMonths();
    expect(behaviourScore(loan, '2026-04-11')).toEqual({ score: 32, installmentsDue: 3 });
    const result = scan(loan, '2026-04-11');
    expect(result.newRiskFlags).toEqual(['DPD_31_PLUS', 'LOW_BEHAVIOUR_SCORE']);
    expect(result.delinquency.behaviourScore).toBe(32);
    // On 10 April only two were due (both 30 days or more late: score 0): not enough to judge by the default settings.
    expect(behaviourScore(loan, '2026-04-10')).toEqual({ score: 0, installmentsDue: 2 });
    expect(scan(loan, '2026-04-10').newRiskFlags).toEqual(['DPD_31_PLUS']);
    expect(scan(result.loan, '2026-04-12').newRiskFlags).toEqual([]);
  });

  it('records each bucket change in the history as the days pass, and a repayment clearing the arrears', () => {
    let loan = eachDay(fourMonths(), '2026-02-09', '2026-03-19', (current, day) => scan(current, day).loan);
    expect(loan.bucketHistory).toEqual([
      { date: '2026-02-11', from: 'current', to: '1-30' },
      { date: '2026-03-13', from: '1-30', to: '31-60' },
    ]);
    expect(loan.delinquency).toMatchObject({ asOf: '2026-03-19', daysPastDue: 37, bucket: '31-60' });
    const score = loan.delinquency!.behaviourScore;
    expect(score).toBeDefined();

    // 20 March: pays everything past due (installments 1 and 2 with their late fees).
    loan = pay(loan, delinquencyOf(loan, '2026-03-20').amountPastDueMinor, '2026-03-20');
    const cleared = recordRepaymentBucket(loan, '2026-03-20');
    expect(cleared.delinquency).toEqual({ asOf: '2026-03-20', daysPastDue: 0, bucket: 'current', behaviourScore: score });
    expect(cleared.bucketHistory!.at(-1)).toEqual({ date: '2026-03-20', from: '31-60', to: 'current' });
    // The next scan sees no change of bucket.
    const next = scan(cleared, '2026-03-21');
    expect(next.previousBucket).toBe('current');
    expect(next.loan.bucketHistory).toHaveLength(3);
    expect(next.feesCharged).toEqual([]);
  });

  it('records a jump over a bucket as one change after missed scans', () => {
    const loan = scan(scan(fourMonths(), '2026-02-09').loan, '2026-04-15').loan;
    expect(loan.bucketHistory).toEqual([{ date: '2026-04-15', from: 'current', to: '61-90' }]);
  });

  it('leaves a loan that is not ACTIVE as it is, with no reminders', () => {
    const closed = pay(fourMonths(), 1_000_000, '2026-01-20');
    const result = scan(closed, '2026-05-01');
    expect(result.changed).toBe(false);
    expect(result.loan).toEqual(closed);
    expect(result.reminders).toEqual([]);
    expect(result.feesCharged).toEqual([]);
    expect(result.newRiskFlags).toEqual([]);
  });
});

describe('the bucket after a repayment', () => {
  it('returns the loan unchanged when the bucket stays the same', () => {
    const loan = pay(fourMonths(), 50_000, '2026-02-20'); // still owing past due: 1-30, stored nothing (current)…
    const recorded = recordRepaymentBucket(loan, '2026-02-20');
    // …so the first recording moves it to 1-30; a second call is the same loan.
    expect(recorded.delinquency).toEqual({ asOf: '2026-02-20', daysPastDue: 10, bucket: '1-30' });
    expect(recorded.bucketHistory).toEqual([{ date: '2026-02-20', from: 'current', to: '1-30' }]);
    expect(recordRepaymentBucket(recorded, '2026-02-21')).toBe(recorded);
    const onTime = pay(fourMonths(), 104_000, '2026-02-10');
    expect(recordRepaymentBucket(onTime, '2026-02-10')).toBe(onTime);
  });

  it('records the return to current when the closing payment clears arrears', () => {
    let loan = scan(fourMonths(), '2026-02-20').loan;
    expect(loan.delinquency?.bucket).toBe('1-30');
    loan = pay(loan, 2_000_000, '2026-02-21');
    expect(loan.status).toBe('CLOSED');
    const recorded = recordRepaymentBucket(loan, '2026-02-21');
    expect(recorded.delinquency).toMatchObject({ bucket: 'current', daysPastDue: 0, behaviourScore: loan.delinquency!.behaviourScore });
    expect(recorded.bucketHistory).toEqual([
      { date: '2026-02-20', from: 'current', to: '1-30' },
      { date: '2026-02-21', from: '1-30', to: 'current' },
    ]);
  });
});

describe('the loan record', () => {
  it('stores the late-fee rule given when the loan is opened, and none otherwise', () => {
    const rule: LateFeeRule = { dailyRatePercent: '0.1', graceDays: 5, capPercentOfOverduePrincipal: '20' };
    expect(fourMonths({ lateFeeRule: rule }).lateFeeRule).toEqual(rule);
    expect('lateFeeRule' in fourMonths()).toBe(false);
    expect(
      createLoan({
        loanId: 'L', applicationId: 'A', ownerId: 'o', currency: 'CNY', principalMinor: 400_000, annualRatePercent: '12',
        disbursedAt: '2026-01-10T02:00:00Z', disbursementDate: '2026-01-10', at: AT, schedule: FOUR_MONTHS,
      }).lateFeeRule,
    ).toBeUndefined();
  });
});

describe('early-warning settings in the policy', () => {
  it('default to DEFAULT_EARLY_WARNING in the default policy and when a draft or a stored version leaves them out', () => {
    expect(DEFAULT_POLICY_DRAFT.earlyWarning).toEqual({ daysPastDue: 31, behaviourScoreBelow: 50, minInstallmentsDue: 3 });
    const { earlyWarning: _draft, ...withoutDraft } = structuredClone(DEFAULT_POLICY_DRAFT);
    expect(policyDraftSchema.parse(withoutDraft).earlyWarning).toEqual(DEFAULT_EARLY_WARNING);
    const { earlyWarning: _stored, ...withoutStored } = structuredClone(DEFAULT_POLICY);
    expect(policySchema.parse(withoutStored).earlyWarning).toEqual(DEFAULT_EARLY_WARNING);
  });

  it('refuses thresholds out of range or not whole', () => {
    const body = structuredClone(DEFAULT_POLICY_DRAFT) as any;
    body.earlyWarning = { daysPastDue: 0, behaviourScoreBelow: 101, minInstallmentsDue: 1.5 };
    const result = policyDraftSchema.safeParse(body);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths.sort()).toEqual(['earlyWarning.behaviourScoreBelow', 'earlyWarning.daysPastDue', 'earlyWarning.minInstallmentsDue']);
    body.earlyWarning = { daysPastDue: 31, behaviourScoreBelow: 50, minInstallmentsDue: 3, extra: 1 };
    expect(policyDraftSchema.safeParse(body).success).toBe(false);
  });
});

describe('reminder messages', () => {
  const input = { loanId: 'LOAN1', n: 2, dueDate: '2026-03-10', amount: { amount: '1030.00', currency: 'CNY' }, daysPastDue: 0 };

  it('give the amount and the due date in both languages, for every stage', () => {
    for (const stage of REMINDER_STAGES) {
      for (const language of ['zh-CN', 'en'] as const) {
        const message = reminderMessage(stage, language, { ...input, daysPastDue: Math.max(0, STAGE_DAY[stage]) });
        expect(message.body).toContain('1030.00 CNY');
        expect(message.body).toContain('2026-03-10');
        expect(message.body).toContain('LOAN1');
        expect(message.subject.length).toBeGreaterThan(0);
        expect(message.body).not.toContain('\n');
        expect(message.body.length).toBeLessThanOrEqual(260);
      }
    }
  });

  it('say before the due date when it is due, and on it that it is due today', () => {
    expect(reminderMessage('due_in_3_days', 'en', input).body).toMatch(/is due on 2026-03-10/);
    expect(reminderMessage('due_in_3_days', 'zh-CN', input).body).toMatch(/到期日 2026-03-10/);
    expect(reminderMessage('due_today', 'en', input).body).toMatch(/due today/);
    expect(reminderMessage('due_today', 'zh-CN', input).body).toMatch(/今天/);
  });

  it('after the due date give the days past due, the late fees after the grace period and where to pay', () => {
    const en = reminderMessage('overdue_7', 'en', { ...input, daysPastDue: 9 }).body;
    expect(en).toMatch(/9 days past due/);
    expect(en).toMatch(/[Ll]ate fees/);
    expect(en).toMatch(/grace period/);
    expect(en).toMatch(/in the app/);
    expect(reminderMessage('overdue_1', 'en', { ...input, daysPastDue: 1 }).body).toMatch(/1 day past due/);
    const zh = reminderMessage('overdue_30', 'zh-CN', { ...input, daysPastDue: 33 }).body;
    expect(zh).toMatch(/逾期 33 天/);
    expect(zh).toMatch(/逾期费用/);
    expect(zh).toMatch(/宽限期/);
    expect(zh).toMatch(/应用/);
  });
});

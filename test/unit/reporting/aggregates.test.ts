// The report counters that each change moves (functions/core/reporting/aggregates.ts): applications, reviews, loans and the
// portfolio, on the lender's days (Asia/Shanghai, UTC+8, unless a test says otherwise).

import {
  applicationDeltas,
  loanDeltas,
  mergeCounterDeltas,
  portfolioChange,
  portfolioContribution,
  reviewDeltas,
  type CounterDelta,
} from '../../../functions/core/reporting/aggregates';
import type { Application } from '../../../functions/core/applications/application';
import type { Decision } from '../../../functions/core/decisioning/decision';
import { applyRepayment, payoffQuote, type Loan } from '../../../functions/core/servicing/loan';
import { DEFAULT_EARLY_WARNING, recordRepaymentBucket, scanLoan } from '../../../functions/core/servicing/overdue';
import type { Review } from '../../../functions/core/review/reviews';
import { aLoan } from '../../support/loans';
import { InMemoryReportCounters } from '../../support/report-fakes';

const TZ = 'Asia/Shanghai';

function anApplication(overrides: Partial<Application> = {}): Application {
  return {
    applicationId: 'APP1',
    ownerId: 'alice',
    status: 'SUBMITTED',
    productId: 'personal-consumer',
    channel: 'app',
    customerType: 'individual',
    amountMinor: 800_000,
    currency: 'CNY',
    termMonths: 12,
    purpose: 'electronics',
    nationalIdHash: 'hash',
    preferredLanguage: 'zh-CN',
    profile: {},
    sealedApplicant: 'sealed',
    requiredDocuments: [],
    timeline: [],
    auditHead: { seq: 0, hash: 'x' },
    // 23:30 in Beijing on 29 Nov (15:30 UTC): the lender's day is the 29th.
    createdAt: '2026-11-29T15:30:00.000Z',
    updatedAt: '2026-11-29T15:30:00.000Z',
    version: 1,
    ...overrides,
  };
}

function aDecision(overrides: Partial<Decision> = {}): Decision {
  return {
    outcome: 'APPROVED',
    band: 'A',
    score: 750,
    levelsRequired: 0,
    annualRatePercent: '8.5',
    matchedRules: [],
    reasons: [],
    policyVersion: 1,
    modelVersion: 'm1',
    // 90.6 s after createdAt, and already the 30th in Beijing.
    decidedAt: '2026-11-29T16:01:30.600Z',
    decidedBy: 'policy',
    ...overrides,
  };
}

/** What the repository's transition passes: the stored application and the one after the move. */
function move(before: Application, to: Application['status'], changes: Partial<Application> = {}, at = '2026-11-30T02:00:00.000Z') {
  return applicationDeltas(before, { ...before, ...changes, status: to, updatedAt: at }, TZ);
}

describe('applicationDeltas', () => {
  it('counts a new application as received, by channel and product, on the lender day of createdAt', () => {
    expect(applicationDeltas(undefined, anApplication({ channel: 'web', productId: 'agricultural' }), TZ)).toEqual([
      { day: '2026-11-29', shardOf: 'APP1', add: { received: 1, 'channel#web': 1, 'product#agricultural': 1 } },
    ]);
    // The same instant is the 29th in UTC too; 16:30 UTC is the 30th in Beijing but not in UTC.
    const late = anApplication({ createdAt: '2026-11-29T16:30:00.000Z' });
    expect(applicationDeltas(undefined, late, TZ)[0]!.day).toBe('2026-11-30');
    expect(applicationDeltas(undefined, late, 'UTC')[0]!.day).toBe('2026-11-29');
  });

  it('counts an automatic approval and its time to decision (seconds, milliseconds kept) on the day of decidedAt', () => {
    const assessing = anApplication({ status: 'ASSESSING' });
    expect(move(assessing, 'APPROVED', { decision: aDecision() })).toEqual([
      { day: '2026-11-30', shardOf: 'APP1', add: { autoApproved: 1 }, decisionSeconds: [1890.6] },
    ]);
  });

  it('counts an automatic decline with each reason code once', () => {
    const decision = aDecision({
      outcome: 'DECLINED',
      decidedAt: '2026-11-29T15:30:10.400Z',
      reasons: [
        { code: 'KO_CURRENT_DEFAULT', description: 'a' },
        { code: 'RC01', description: 'b' },
        { code: 'RC01', description: 'b again' },
      ],
    });
    expect(move(anApplication({ status: 'ASSESSING' }), 'DECLINED', { decision })).toEqual([
      { day: '2026-11-29', shardOf: 'APP1', add: { autoDeclined: 1, 'declineReason#KO_CURRENT_DEFAULT': 1, 'declineReason#RC01': 1 }, decisionSeconds: [10.4] },
    ]);
  });

  it('counts the reviewers\' approval and rejection as review decisions', () => {
    const pending = anApplication({ status: 'PENDING_REVIEW', decision: aDecision({ outcome: 'REVIEW', levelsRequired: 1 }) });
    const approved = aDecision({ decidedBy: 'review', decidedAt: '2026-12-01T03:00:00.000Z' });
    expect(move(pending, 'APPROVED', { decision: approved })).toEqual([
      { day: '2026-12-01', shardOf: 'APP1', add: { reviewApproved: 1 }, decisionSeconds: [127_800] },
    ]);
    const rejected = aDecision({ outcome: 'DECLINED', decidedBy: 'review', decidedAt: '2026-12-01T03:00:00.000Z', reasons: [{ code: 'REVIEW_REJECTED', description: 'no' }] });
    expect(move(pending, 'DECLINED', { decision: rejected })).toEqual([
      { day: '2026-12-01', shardOf: 'APP1', add: { reviewRejected: 1, 'declineReason#REVIEW_REJECTED': 1 }, decisionSeconds: [127_800] },
    ]);
  });

  it('counts a review that expired the application on the day of the move, and nothing for an expired offer', () => {
    const pending = anApplication({ status: 'PENDING_REVIEW', decision: aDecision({ outcome: 'REVIEW' }) });
    expect(move(pending, 'EXPIRED', {}, '2026-12-04T17:00:00.000Z')).toEqual([{ day: '2026-12-05', shardOf: 'APP1', add: { reviewExpired: 1 } }]);
    const approved = anApplication({ status: 'APPROVED', decision: aDecision() });
    expect(move(approved, 'EXPIRED')).toEqual([]);
  });

  it('counts an application expired for missing documents as documentsExpired, before review or before payout, not as a review', () => {
    const wait = { since: '2026-11-30T02:00:00.000Z', dueAt: '2026-12-05T02:00:00.000Z', taskToken: 't', expiredAt: '2026-12-05T02:00:00.000Z' };
    const pending = anApplication({ status: 'PENDING_REVIEW', decision: aDecision({ outcome: 'REVIEW' }) });
    expect(move(pending, 'EXPIRED', { documentsWait: { ...wait, before: 'review' } }, '2026-12-05T02:00:00.000Z')).toEqual([
      { day: '2026-12-05', shardOf: 'APP1', add: { documentsExpired: 1 } },
    ]);
    const accepted = anApplication({ status: 'ACCEPTED', decision: aDecision() });
    expect(move(accepted, 'EXPIRED', { documentsWait: { ...wait, before: 'payout' } }, '2026-12-05T02:00:00.000Z')).toEqual([
      { day: '2026-12-05', shardOf: 'APP1', add: { documentsExpired: 1 } },
    ]);
  });

  it('counts nothing for moves that decide nothing, or for the same status again', () => {
    const submitted = anApplication();
    expect(move(submitted, 'ASSESSING')).toEqual([]);
    expect(move(anApplication({ status: 'ASSESSING' }), 'PENDING_REVIEW', { decision: aDecision({ outcome: 'REVIEW' }) })).toEqual([]);
    expect(move(anApplication({ status: 'ASSESSING' }), 'WITHDRAWN')).toEqual([]);
    expect(move(anApplication({ status: 'ASSESSING' }), 'FAILED')).toEqual([]);
    const approved = anApplication({ status: 'APPROVED', decision: aDecision() });
    expect(move(approved, 'ACCEPTED')).toEqual([]);
    // An annotation (no status change) of an approved application does not count its decision again.
    expect(applicationDeltas(approved, { ...approved, notified: ['approved'] }, TZ)).toEqual([]);
  });
});

describe('reviewDeltas', () => {
  const pending: Review = {
    reviewId: 'RVW1',
    applicationId: 'APP1',
    level: 1,
    round: 1,
    reviewerId: 'ada',
    taskToken: 't',
    status: 'PENDING',
    createdAt: '2026-11-29T08:00:00.000Z',
    remindAt: '2026-11-30T08:00:00.000Z',
    escalateAt: '2026-12-01T08:00:00.000Z',
    expiresAt: '2026-12-04T08:00:00.000Z',
    linkExpiresAt: '2026-12-04T08:00:00.000Z',
    version: 3,
  };

  it('counts a decision for its reviewer, request-info included', () => {
    for (const decision of ['APPROVE', 'REJECT', 'REQUEST_INFO'] as const) {
      const decided: Review = { ...pending, status: 'DECIDED', decision: { decision, comment: '', decidedAt: '2026-11-29T16:10:00.000Z' } };
      expect(reviewDeltas(pending, decided, TZ)).toEqual([{ day: '2026-11-30', shardOf: 'RVW1', add: { 'reviewDecided#ada': 1 } }]);
    }
  });

  it('counts an escalation away from a reviewer, and an expiry, as that reviewer\'s SLA breach', () => {
    const escalated: Review = { ...pending, status: 'ESCALATED', escalatedTo: 'RVW2', escalatedAt: '2026-12-01T08:15:00.000Z' };
    expect(reviewDeltas(pending, escalated, TZ)).toEqual([{ day: '2026-12-01', shardOf: 'RVW1', add: { 'slaBreach#ada': 1, slaBreaches: 1 } }]);
    const expired: Review = { ...pending, status: 'EXPIRED', expiredAt: '2026-12-04T08:15:00.000Z' };
    expect(reviewDeltas(pending, expired, TZ)).toEqual([{ day: '2026-12-04', shardOf: 'RVW1', add: { 'slaBreach#ada': 1, slaBreaches: 1 } }]);
  });

  it('counts nothing for a cancellation, a reminder, or a write to a review no longer pending', () => {
    expect(reviewDeltas(pending, { ...pending, status: 'CANCELLED', cancelledAt: '2026-11-30T00:00:00.000Z' }, TZ)).toEqual([]);
    expect(reviewDeltas(pending, { ...pending, remindedAt: '2026-11-30T08:00:00.000Z' }, TZ)).toEqual([]);
    const decided: Review = { ...pending, status: 'DECIDED', decision: { decision: 'APPROVE', comment: '', decidedAt: '2026-11-29T16:10:00.000Z' } };
    expect(reviewDeltas(decided, { ...decided, deliveredAt: '2026-11-29T16:11:00.000Z' }, TZ)).toEqual([]);
  });
});

describe('portfolioContribution and portfolioChange', () => {
  it('counts an active loan by its stored bucket with the principal still owed (due − paid − waived)', () => {
    const loan = aLoan();
    expect(portfolioContribution(loan)).toEqual({ active: true, bucket: 'current', principalMinor: 300_000, historyLength: 0 });
    const paid = applyRepayment(loan, { amountMinor: 102_500, date: '2026-02-10', at: '2026-02-10T02:00:00.000Z' }).loan;
    expect(portfolioContribution(paid).principalMinor).toBe(201_000);
    const waived = structuredClone(paid);
    waived.installments[2]!.waived.principal = 1_000;
    expect(portfolioContribution(waived).principalMinor).toBe(200_000);
    const flagged: Loan = { ...paid, delinquency: { asOf: '2026-02-20', daysPastDue: 10, bucket: '1-30' } };
    expect(portfolioContribution(flagged).bucket).toBe('1-30');
  });

  it('counts a loan that is not active as nothing', () => {
    expect(portfolioContribution({ ...aLoan(), status: 'WRITTEN_OFF' })).toEqual({ active: false, bucket: 'current', principalMinor: 0, historyLength: 0 });
  });

  it('moves a loan between buckets, leaves zeros out, and takes an inactive loan out of everything', () => {
    const was = { active: true, bucket: 'current' as const, principalMinor: 300_000, historyLength: 0 };
    expect(portfolioChange(undefined, was)).toEqual({ activeLoans: 1, outstandingPrincipal: 300_000, 'loans#current': 1, 'principal#current': 300_000 });
    expect(portfolioChange(was, { ...was, bucket: '1-30', historyLength: 1 })).toEqual({
      'loans#current': -1,
      'principal#current': -300_000,
      'loans#1-30': 1,
      'principal#1-30': 300_000,
    });
    expect(portfolioChange(was, { ...was, principalMinor: 200_000 })).toEqual({ outstandingPrincipal: -100_000, 'principal#current': -100_000 });
    expect(portfolioChange(was, was)).toEqual({});
    expect(portfolioChange(was, { active: false, bucket: 'current', principalMinor: 0, historyLength: 0 })).toEqual({
      activeLoans: -1,
      outstandingPrincipal: -300_000,
      'loans#current': -1,
      'principal#current': -300_000,
    });
  });
});

describe('loanDeltas', () => {
  /** What the repository does on a write: the counters applied, the loan stored with countedAs and the next version. */
  function written(counters: InMemoryReportCounters, write: Parameters<typeof loanDeltas>[0]): Loan {
    const { deltas, countedAs } = loanDeltas(write, TZ);
    counters.apply(deltas);
    return { ...write.loan, countedAs, version: write.loan.version + 1 };
  }

  it('follows a loan from disbursement through 1-30 and 31-60 to paid off, back to current and closed', () => {
    const counters = new InMemoryReportCounters();
    // Disbursed 10:00 in Beijing on 10 Jan: 3,000.00 CNY.
    let loan = written(counters, { loan: aLoan(), created: true });
    expect(loan.countedAs).toEqual({ active: true, bucket: 'current', principalMinor: 300_000, historyLength: 0 });
    expect(counters.portfolio).toEqual({ activeLoans: 1, outstandingPrincipal: 300_000, 'loans#current': 1, 'principal#current': 300_000 });
    expect(counters.days.get('2026-01-10')!.counters).toEqual({
      disbursedCount: 1,
      'disbursedAmount#CNY': 300_000,
      'enter#current': 1,
      'pf:activeLoans': 1,
      'pf:outstandingPrincipal': 300_000,
      'pf:loans#current': 1,
      'pf:principal#current': 300_000,
    });

    // The first installment (due 10 Feb) is not paid: the scan of 11 Feb finds it 1 day past due.
    const scan = (day: string) => scanLoan(loan, { today: day, at: `${day}T01:00:00.000Z`, earlyWarning: DEFAULT_EARLY_WARNING }).loan;
    loan = written(counters, { loan: scan('2026-02-11') });
    expect(loan.countedAs).toMatchObject({ bucket: '1-30', historyLength: 1 });
    expect(counters.days.get('2026-02-11')!.counters).toEqual({
      'roll#current->1-30': 1,
      'pf:loans#current': -1,
      'pf:principal#current': -300_000,
      'pf:loans#1-30': 1,
      'pf:principal#1-30': 300_000,
    });
    // A scan the next day changes the snapshot but not the bucket: nothing to count.
    const next = scan('2026-02-12');
    expect(loanDeltas({ loan: next }, TZ).deltas).toEqual([]);
    loan = written(counters, { loan: next });

    // 13 Mar: 31 days past due.
    loan = written(counters, { loan: scan('2026-03-13') });
    expect(counters.portfolio).toEqual({
      activeLoans: 1,
      outstandingPrincipal: 300_000,
      'loans#current': 0,
      'principal#current': 0,
      'loans#1-30': 0,
      'principal#1-30': 0,
      'loans#31-60': 1,
      'principal#31-60': 300_000,
    });
    expect(counters.days.get('2026-03-13')!.counters['roll#1-30->31-60']).toBe(1);

    // Paid off on 14 Mar: closed, and its stored bucket goes back to current.
    const quote = payoffQuote(loan, '2026-03-14');
    const paid = applyRepayment(loan, { amountMinor: quote.amountMinor, date: '2026-03-14', at: '2026-03-14T02:00:00.000Z' }).loan;
    const after = recordRepaymentBucket(paid, '2026-03-14');
    expect(after.status).toBe('CLOSED');
    loan = written(counters, { loan: after, repayment: { amountMinor: quote.amountMinor, currency: 'CNY', recordedAt: '2026-03-14T02:00:00.000Z' } });
    expect(loan.countedAs).toEqual({ active: false, bucket: 'current', principalMinor: 0, historyLength: 3 });
    expect(counters.days.get('2026-03-14')!.counters).toEqual({
      repaymentsCount: 1,
      'repaymentsAmount#CNY': quote.amountMinor,
      'roll#31-60->current': 1,
      'pf:activeLoans': -1,
      'pf:outstandingPrincipal': -300_000,
      'pf:loans#31-60': -1,
      'pf:principal#31-60': -300_000,
    });
    expect(Object.values(counters.portfolio).every((value) => value === 0)).toBe(true);

    // The pf: changes of all days sum to the gauges now, whatever happened in between.
    const sums: Record<string, number> = {};
    for (const day of counters.days.values()) {
      for (const [name, value] of Object.entries(day.counters)) if (name.startsWith('pf:')) sums[name.slice(3)] = (sums[name.slice(3)] ?? 0) + value;
    }
    for (const [name, value] of Object.entries(counters.portfolio)) expect(sums[name] ?? 0).toBe(value);

    // A later write of the closed loan counts nothing more.
    expect(loanDeltas({ loan: { ...loan, updatedAt: '2026-04-01T00:00:00.000Z' } }, TZ).deltas).toEqual([]);
  });

  it('counts a partial repayment: outstanding principal down by the principal it paid, on the day it was recorded', () => {
    const counters = new InMemoryReportCounters();
    let loan = written(counters, { loan: aLoan(), created: true });
    const { loan: paid } = applyRepayment(loan, { amountMinor: 102_500, date: '2026-02-10', at: '2026-02-10T17:00:00.000Z' });
    loan = written(counters, { loan: paid, repayment: { amountMinor: 102_500, currency: 'CNY', recordedAt: '2026-02-10T17:00:00.000Z' } });
    expect(counters.days.get('2026-02-11')!.counters).toEqual({
      repaymentsCount: 1,
      'repaymentsAmount#CNY': 102_500,
      'pf:outstandingPrincipal': -99_000,
      'pf:principal#current': -99_000,
    });
    expect(counters.portfolio).toMatchObject({ activeLoans: 1, outstandingPrincipal: 201_000, 'principal#current': 201_000 });
  });

  it('counts the bucket changes not counted yet, each on its own date (a loan stored before the counters counts all)', () => {
    const loan: Loan = {
      ...aLoan(),
      delinquency: { asOf: '2026-03-13', daysPastDue: 31, bucket: '31-60' },
      bucketHistory: [
        { date: '2026-02-11', from: 'current', to: '1-30' },
        { date: '2026-03-13', from: '1-30', to: '31-60' },
      ],
      updatedAt: '2026-03-13T01:00:00.000Z',
    };
    const counted = { active: true, bucket: '1-30' as const, principalMinor: 300_000, historyLength: 1 };
    expect(loanDeltas({ loan: { ...loan, countedAs: counted } }, TZ).deltas.filter((d) => d.day && Object.keys(d.add).some((n) => n.startsWith('roll#')))).toEqual([
      { day: '2026-03-13', shardOf: 'LOAN1', add: { 'roll#1-30->31-60': 1 } },
    ]);
    const legacy = loanDeltas({ loan }, TZ).deltas;
    expect(legacy.filter((d) => Object.keys(d.add).some((n) => n.startsWith('roll#')))).toHaveLength(2);
    // Never counted: it joins the portfolio now, in its bucket, on the day of this write.
    expect(legacy[0]).toEqual({ shardOf: 'LOAN1', add: { activeLoans: 1, outstandingPrincipal: 300_000, 'loans#31-60': 1, 'principal#31-60': 300_000 } });
    expect(legacy[1]!.day).toBe('2026-03-13');
  });
});

describe('mergeCounterDeltas', () => {
  it('merges deltas on the same item, sums adds, concatenates durations and drops what nets to nothing', () => {
    const deltas: CounterDelta[] = [
      { day: '2026-11-29', shardOf: 'A', add: { received: 1, x: 2 }, decisionSeconds: [5] },
      { day: '2026-11-29', shardOf: 'B', add: { received: 1, x: -2 }, decisionSeconds: [7] },
      { day: '2026-11-30', shardOf: 'A', add: { y: 0 } },
      { shardOf: 'A', add: { activeLoans: 1 } },
      { shardOf: 'C', add: { activeLoans: 1 } },
    ];
    const sameShard = () => 0;
    expect(mergeCounterDeltas(deltas, sameShard)).toEqual([
      { day: '2026-11-29', shardOf: 'A', shard: 0, add: { received: 2 }, decisionSeconds: [5, 7] },
      { shardOf: 'A', shard: 0, add: { activeLoans: 2 } },
    ]);
    const byId = (id: string) => id;
    expect(mergeCounterDeltas(deltas, byId).map((item) => [item.day, item.shard, item.add])).toEqual([
      ['2026-11-29', 'A', { received: 1, x: 2 }],
      ['2026-11-29', 'B', { received: 1, x: -2 }],
      [undefined, 'A', { activeLoans: 1 }],
      [undefined, 'C', { activeLoans: 1 }],
    ]);
  });
});

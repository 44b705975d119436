// The report counters against DynamoDB Local: applications, reviews and loans written through the real repositories
// move the aggregate items in the same transaction as the change, exactly once (a stale or repeated write counts
// nothing), and the report reads them back without touching anything else of the table.

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tablePerFile } from './table-per-file';
import { createApplicationRepository } from '../../functions/adapters/dynamodb/application-repository';
import { createReviewerRepository } from '../../functions/adapters/dynamodb/reviewer-repository';
import { createReviewRepository } from '../../functions/adapters/dynamodb/review-repository';
import { createLoanRepository } from '../../functions/adapters/dynamodb/loan-repository';
import { createReportRepository } from '../../functions/adapters/dynamodb/report-repository';
import { AGGREGATE_SHARDS } from '../../functions/adapters/dynamodb/aggregate-writes';
import { outstandingPrincipalOf } from '../../functions/core/reporting/aggregates';
import type { Application } from '../../functions/core/applications/application';
import { GENESIS_HASH } from '../../functions/core/kernel/audit';
import type { Decision } from '../../functions/core/decisioning/decision';
import { ConcurrentModificationError, ConflictError } from '../../functions/core/kernel/errors';
import { openLoan, recordRepayment } from '../../functions/core/servicing/loan-service';
import { payoffQuote, type Loan } from '../../functions/core/servicing/loan';
import { DEFAULT_EARLY_WARNING, scanLoan } from '../../functions/core/servicing/overdue';
import { DEFAULT_POLICY } from '../../functions/core/decisioning/policy';
import { summaryReport, type ReportSummary } from '../../functions/core/reporting/reports';
import type { Review, Reviewer } from '../../functions/core/review/reviews';
import { THREE_MONTHS } from '../support/loans';

const TZ = 'Asia/Shanghai';
const { tableName, doc } = tablePerFile('reports');
const applications = createApplicationRepository(doc, tableName, { timeZone: TZ });
const reviewers = createReviewerRepository(doc, tableName);
const reviews = createReviewRepository(doc, tableName, { timeZone: TZ });
const loans = createLoanRepository(doc, tableName, { timeZone: TZ });
const reports = createReportRepository(doc, tableName);
const clock = { current: new Date('2026-01-10T02:00:00.000Z'), now() { return this.current; } };

let sequence = 0;
const next = (prefix: string) => `${prefix}${String(++sequence).padStart(26 - prefix.length, '0')}`;

/** 09:00 in Beijing on 10 Jan 2026, plus `seconds`. */
const jan10 = (seconds = 0) => new Date(Date.parse('2026-01-10T01:00:00.000Z') + seconds * 1000).toISOString();

async function submitted(overrides: Partial<Application> = {}): Promise<Application> {
  const applicationId = next('01APP');
  const application: Application = {
    applicationId,
    ownerId: `owner-${applicationId}`,
    status: 'SUBMITTED',
    productId: 'personal-consumer',
    channel: 'app',
    customerType: 'individual',
    amountMinor: 300_000,
    currency: 'CNY',
    termMonths: 3,
    purpose: 'electronics',
    nationalIdHash: `hash-${applicationId}`,
    preferredLanguage: 'zh-CN',
    profile: {},
    sealedApplicant: 'v1.sealed',
    requiredDocuments: [],
    timeline: [{ at: jan10(), status: 'SUBMITTED', by: 'applicant' }],
    createdAt: jan10(),
    updatedAt: jan10(),
    version: 1,
    auditHead: { seq: 0, hash: GENESIS_HASH },
    ...overrides,
  };
  await applications.create({
    application,
    customer: { customerId: application.ownerId, nationalIdHash: application.nationalIdHash, sealedIdentity: 's', preferredLanguage: 'zh-CN', customerType: 'individual', updatedAt: jan10() },
    idempotency: { ownerId: application.ownerId, key: `k-${applicationId}`, requestHash: 'h', response: { statusCode: 202, body: {} }, createdAt: jan10(), expiresAtEpochSeconds: 2_000_000_000 },
    audit: [],
  });
  return application;
}

function decision(outcome: Decision['outcome'], decidedAt: string, overrides: Partial<Decision> = {}): Decision {
  return {
    outcome,
    band: 'A',
    score: 760,
    levelsRequired: outcome === 'REVIEW' ? 1 : 0,
    annualRatePercent: outcome === 'DECLINED' ? null : '8.5',
    matchedRules: [],
    reasons: [],
    policyVersion: 1,
    modelVersion: 'm1',
    decidedAt,
    decidedBy: 'policy',
    ...overrides,
  };
}

async function assessing(overrides: Partial<Application> = {}) {
  return applications.transition({ application: await submitted(overrides), to: 'ASSESSING', at: jan10(1), by: 'pipeline' });
}

async function aReviewer(name: string): Promise<Reviewer> {
  const reviewer: Reviewer = {
    reviewerId: next('01RVWR'),
    name,
    email: `${name.toLowerCase()}-${sequence}@lender.test`,
    level: 1,
    language: 'en',
    active: true,
    openReviews: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  await reviewers.create(reviewer);
  return reviewer;
}

function aReview(reviewer: Reviewer, applicationId: string, createdAt: string): Review {
  const at = (hours: number) => new Date(Date.parse(createdAt) + hours * 3600_000).toISOString();
  return {
    reviewId: next('01RVW'),
    applicationId,
    level: 1,
    round: 1,
    reviewerId: reviewer.reviewerId,
    taskToken: `token-${next('T')}`,
    status: 'PENDING',
    createdAt,
    remindAt: at(24),
    escalateAt: at(48),
    expiresAt: at(120),
    linkExpiresAt: at(120),
    version: 1,
  };
}

async function aggregateItems(): Promise<Record<string, unknown>[]> {
  const result = await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': 'AGG' }, ConsistentRead: true }));
  return result.Items ?? [];
}

async function day(dayString: string): Promise<Record<string, number>> {
  return (await reports.dayCounters(dayString, dayString))[0]?.counters ?? {};
}

const report = (from: string, to: string): Promise<ReportSummary> =>
  summaryReport({ reports, reviews, reviewers, policies: { current: async () => DEFAULT_POLICY }, clock }, { from, to }, { timeZone: TZ });

describe('report counters written with the changes', () => {
  let ada: Reviewer;
  let bob: Reviewer;
  let loan: Loan;

  it('counts applications received and decided, once, even when a stale transition is run again', async () => {
    const approved = await assessing({ channel: 'web' });
    const moved = await applications.transition({ application: approved, to: 'APPROVED', at: jan10(30), by: 'policy', changes: { decision: decision('APPROVED', jan10(30)) } });
    // The same step again from the read it started with (a retried task): refused, and nothing counted again.
    await expect(
      applications.transition({ application: approved, to: 'APPROVED', at: jan10(31), by: 'policy', changes: { decision: decision('APPROVED', jan10(31)) } }),
    ).rejects.toThrow(ConcurrentModificationError);
    expect(moved.status).toBe('APPROVED');

    const declined = await assessing();
    await applications.transition({
      application: declined,
      to: 'DECLINED',
      at: jan10(10),
      by: 'policy',
      changes: { decision: decision('DECLINED', jan10(10), { reasons: [{ code: 'KO_FRAUD_FLAG', description: 'x' }] }) },
    });

    // Two deciders at once from the same read: one wins, and only that one is counted.
    const raced = await assessing({ productId: 'micro-business' });
    const attempts = await Promise.allSettled([
      applications.transition({ application: raced, to: 'APPROVED', at: jan10(20), by: 'policy', changes: { decision: decision('APPROVED', jan10(20)) } }),
      applications.transition({ application: raced, to: 'DECLINED', at: jan10(20), by: 'policy', changes: { decision: decision('DECLINED', jan10(20)) } }),
    ]);
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect(attempts.filter((a) => a.status === 'rejected').map((a) => (a as PromiseRejectedResult).reason)).toEqual([expect.any(ConcurrentModificationError)]);

    const counters = await day('2026-01-10');
    expect(counters).toMatchObject({ received: 3, 'channel#web': 1, 'channel#app': 2, 'product#personal-consumer': 2, 'product#micro-business': 1 });
    expect(counters.autoApproved! + counters.autoDeclined!).toBe(3);
    expect(counters['declineReason#KO_FRAUD_FLAG']).toBe(1);
    const [stored] = await reports.dayCounters('2026-01-10', '2026-01-10');
    expect(stored!.decisionSeconds.sort((a, b) => a - b)).toEqual([10, 20, 30]);
  });

  it('counts many applications written at the same moment exactly (the shared counter items)', async () => {
    const before = (await day('2026-01-10')).received ?? 0;
    await Promise.all(Array.from({ length: 24 }, () => submitted()));
    expect((await day('2026-01-10')).received).toBe(before + 24);
    const items = await aggregateItems();
    const dayItems = items.filter((item) => String(item.SK).startsWith('DAY#2026-01-10#'));
    expect(dayItems.length).toBeGreaterThan(1);
    expect(dayItems.length).toBeLessThanOrEqual(AGGREGATE_SHARDS);
  });

  it('counts reviews decided per reviewer and SLA breaches, once', async () => {
    ada = await aReviewer('Ada');
    bob = await aReviewer('Bob');
    const pending = await applications.transition({
      application: await assessing(),
      to: 'PENDING_REVIEW',
      at: jan10(40),
      by: 'policy',
      changes: { decision: decision('REVIEW', jan10(40)) },
    });

    const first = aReview(ada, pending.applicationId, '2026-01-10T02:00:00.000Z');
    await reviews.create(first);
    await reviews.decide(first, { decision: 'APPROVE', comment: 'ok' }, '2026-01-11T02:00:00.000Z');
    await expect(reviews.decide(first, { decision: 'REJECT', comment: 'again' }, '2026-01-11T02:00:01.000Z')).rejects.toThrow(ConflictError);
    const approved = await applications.transition({
      application: pending,
      to: 'APPROVED',
      at: '2026-01-11T02:00:05.000Z',
      by: 'reviewer',
      changes: { decision: decision('APPROVED', '2026-01-11T02:00:05.000Z', { decidedBy: 'review' }) },
    });
    expect(approved.status).toBe('APPROVED');

    // Escalated away from Ada (an SLA breach of hers), then expired with Bob (his): the application expires.
    const second = aReview(ada, 'APP-X', '2026-01-10T03:00:00.000Z');
    await reviews.create(second);
    const takeover = { ...aReview(bob, 'APP-X', '2026-01-12T03:00:00.000Z') };
    await reviews.escalate(second, takeover, '2026-01-12T03:00:00.000Z');
    await expect(reviews.escalate(second, { ...takeover, reviewId: next('01RVW') }, '2026-01-12T03:00:01.000Z')).rejects.toThrow(ConflictError);
    const stored = (await reviews.get(takeover.reviewId))!;
    await reviews.expire(stored, '2026-01-15T03:00:00.000Z');
    await expect(reviews.expire(stored, '2026-01-15T03:00:01.000Z')).rejects.toThrow(ConflictError);
    const waiting = await applications.transition({
      application: await assessing(),
      to: 'PENDING_REVIEW',
      at: jan10(50),
      by: 'policy',
      changes: { decision: decision('REVIEW', jan10(50)) },
    });
    await applications.transition({ application: waiting, to: 'EXPIRED', at: '2026-01-15T03:00:02.000Z', by: 'pipeline' });

    expect(await day('2026-01-11')).toMatchObject({ [`reviewDecided#${ada.reviewerId}`]: 1, reviewApproved: 1 });
    expect(await day('2026-01-12')).toEqual({ [`slaBreach#${ada.reviewerId}`]: 1, slaBreaches: 1 });
    expect(await day('2026-01-15')).toEqual({ [`slaBreach#${bob.reviewerId}`]: 1, slaBreaches: 1, reviewExpired: 1 });
  });

  it('keeps the portfolio with every loan write: disbursement, repayments, bucket changes, payoff; stale writes count nothing', async () => {
    clock.current = new Date('2026-01-10T02:00:00.000Z');
    const deps = { loans, clock };
    const opened = await openLoan(
      deps,
      { loanId: next('01LOAN'), applicationId: 'APP-L', ownerId: 'lee', currency: 'CNY', principalMinor: 300_000, annualRatePercent: '12', disbursedAt: clock.current.toISOString(), schedule: THREE_MONTHS },
      { timeZone: TZ },
    );
    expect(opened.created).toBe(true);
    // The disbursement step retried: the loan exists, nothing is counted again.
    const again = await openLoan(deps, { loanId: opened.loan.loanId, applicationId: 'APP-L', ownerId: 'lee', currency: 'CNY', principalMinor: 300_000, annualRatePercent: '12', disbursedAt: opened.loan.disbursedAt, schedule: THREE_MONTHS }, { timeZone: TZ });
    expect(again.created).toBe(false);
    expect(again.loan.countedAs).toEqual({ active: true, bucket: 'current', principalMinor: 300_000, historyLength: 0 });
    // The copy openLoan returned never counted the loan: saving it cannot count it a second time.
    await expect(loans.save(opened.loan)).rejects.toThrow(ConcurrentModificationError);
    expect(await reports.portfolioNow()).toEqual({ activeLoans: 1, outstandingPrincipal: 300_000, 'loans#current': 1, 'principal#current': 300_000 });
    expect(await day('2026-01-10')).toMatchObject({ disbursedCount: 1, 'disbursedAmount#CNY': 300_000, 'enter#current': 1, 'pf:activeLoans': 1 });

    const scan = async (dayString: string) => {
      clock.current = new Date(`${dayString}T01:00:00.000Z`);
      const read = (await loans.get(opened.loan.loanId))!;
      const { loan: scanned } = scanLoan(read, { today: dayString, at: clock.current.toISOString(), earlyWarning: DEFAULT_EARLY_WARNING });
      const saved = await loans.save(scanned);
      // The same scan from the same read again (a retried invocation): refused, counted once.
      await expect(loans.save(scanned)).rejects.toThrow(ConcurrentModificationError);
      return saved;
    };
    loan = await scan('2026-02-11');
    expect(loan.countedAs).toMatchObject({ bucket: '1-30', historyLength: 1 });

    clock.current = new Date('2026-02-20T02:00:00.000Z');
    const partial = { loanId: loan.loanId, reference: 'BANK-1', amountMinor: 50_000, currency: 'CNY', paidAt: '2026-02-20T01:00:00.000Z', recordedBy: 'ops:olga', channel: 'staff' as const };
    await recordRepayment(deps, partial, { timeZone: TZ });
    expect((await recordRepayment(deps, partial, { timeZone: TZ })).replayed).toBe(true);
    const afterPartial = (await loans.get(loan.loanId))!;
    const principalAfterPartial = outstandingPrincipalOf(afterPartial);
    expect(principalAfterPartial).toBeLessThan(300_000);

    loan = await scan('2026-03-13');
    expect(loan.countedAs).toMatchObject({ bucket: '31-60', historyLength: 2 });

    clock.current = new Date('2026-03-14T02:00:00.000Z');
    const quote = payoffQuote(loan, '2026-03-14');
    await recordRepayment(deps, { ...partial, reference: 'BANK-2', amountMinor: quote.amountMinor, paidAt: '2026-03-14T01:00:00.000Z' }, { timeZone: TZ });
    const closed = (await loans.get(loan.loanId))!;
    expect(closed).toMatchObject({ status: 'CLOSED', countedAs: { active: false, bucket: 'current', principalMinor: 0, historyLength: 3 } });

    expect(Object.values(await reports.portfolioNow()).every((value) => value === 0)).toBe(true);
    expect(await day('2026-02-11')).toMatchObject({ 'roll#current->1-30': 1, 'pf:loans#1-30': 1, 'pf:loans#current': -1 });
    expect(await day('2026-02-20')).toEqual({
      repaymentsCount: 1,
      'repaymentsAmount#CNY': 50_000,
      'pf:outstandingPrincipal': principalAfterPartial - 300_000,
      'pf:principal#1-30': principalAfterPartial - 300_000,
    });
    expect(await day('2026-03-13')).toMatchObject({ 'roll#1-30->31-60': 1 });
    expect(await day('2026-03-14')).toMatchObject({ repaymentsCount: 1, 'roll#31-60->current': 1, 'pf:activeLoans': -1 });

    // The report as of earlier days: the portfolio taken back with the pf: changes.
    clock.current = new Date('2026-03-20T02:00:00.000Z');
    const amount = (minor: number) => ({ amount: (minor / 100).toFixed(2), currency: 'CNY' });
    expect((await report('2026-03-01', '2026-03-12')).portfolio).toMatchObject({
      asOf: '2026-03-12',
      activeLoans: 1,
      outstandingPrincipal: amount(principalAfterPartial),
      overdueRate: 1,
      par1: 1,
      par30: 0,
    });
    expect((await report('2026-03-13', '2026-03-13')).portfolio).toMatchObject({ par30: 1, byBucket: { '31-60': { loans: 1, principal: amount(principalAfterPartial) } } });
    expect((await report('2026-03-14', '2026-03-14')).portfolio).toMatchObject({ activeLoans: 0, par30: null, overdueRate: null });
  });

  it('reports the whole business from the counters', async () => {
    clock.current = new Date('2026-03-20T02:00:00.000Z');
    const summary = await report('2026-01-10', '2026-03-14');
    expect(summary.applications.received).toBe(3 + 24 + 2);
    expect(summary.decisions).toMatchObject({ reviewApproved: 1, reviewExpired: 1, decided: 4, declineReasons: { KO_FRAUD_FLAG: 1 } });
    expect(summary.timeToDecision.count).toBe(4);
    expect(summary.reviews).toMatchObject({ pending: 0, overdue: 0, slaBreaches: 2 });
    expect(summary.reviews.byReviewer).toEqual([
      { reviewerId: ada.reviewerId, name: 'Ada', level: 1, decided: 1, open: 0, slaBreaches: 1 },
      { reviewerId: bob.reviewerId, name: 'Bob', level: 1, decided: 0, open: 0, slaBreaches: 1 },
    ]);
    expect(summary.disbursed).toEqual({ count: 1, amount: { amount: '3000.00', currency: 'CNY' } });
    expect(summary.repayments.count).toBe(2);
    expect(summary.portfolio).toMatchObject({ asOf: '2026-03-14', activeLoans: 0 });
    // current → 1-30: 1 of the 2 entries into current (the disbursement, and the return at the payoff);
    // 1-30 → 31-60: 1 of 1; 31-60 → 61-90: 0 of 1; 61-90: none.
    expect(summary.portfolio.rollRates).toEqual({ 'current->1-30': 0.5, '1-30->31-60': 1, '31-60->61-90': 0, '61-90->90+': null });
    expect(summary.daily.find((d) => d.day === '2026-03-13')!.par30).toBe(1);

    // Every aggregate item is a day or portfolio shard: nothing else was written under AGG.
    for (const item of await aggregateItems()) expect(String(item.SK)).toMatch(/^(DAY#\d{4}-\d{2}-\d{2}|PORTFOLIO)#[0-7]$/);
  });
});

// The report summary (functions/core/reporting/reports.ts) from hand-made counters: totals of a range, percentiles, rates and
// their nulls, the portfolio as of the end of a day, roll rates, the range rules, and CSV that says what the JSON says.

import { parse } from 'csv-parse/sync';
import {
  buildSummary,
  csvField,
  nearestRank,
  reportRange,
  reportRangeProblems,
  summaryCsv,
  summaryReport,
  summaryRows,
  type DayCounters,
  type ReportSummary,
  type SummaryInput,
} from '../../../functions/core/reporting/reports';
import type { Review } from '../../../functions/core/review/reviews';
import { fakeDeps } from '../../support/fakes';

/**
 * The business of a few days (range 1–3 March, today the 5th):
 *   before the range  one loan of 1,000.00 current (its pf: day is not read); 2 received on 28 Feb (not in the range)
 *   1 Mar  3 received (2 app, 1 web), 1 auto-approved, 1 auto-declined (RC01), decisions of 30 s and 10 s;
 *          2 loans disbursed (5,000.00 CNY, and 9.99 USD that the CNY report leaves out), both enter current;
 *          Ada decided a review
 *   2 Mar  1 received; 1 approved and 1 rejected by review, 1 review expired, decisions of 100 s and 200 s;
 *          a loan of 2,000.00 rolls current → 1-30; Bob breached the SLA; a repayment of 123.45
 *   3 Mar  that loan rolls 1-30 → 31-60
 *   4 Mar  (after the range) 7 received; the old loan of 1,000.00 is paid off and leaves the portfolio
 *   5 Mar  (today) a new loan of 1,000.00 enters current
 */
const DAYS: DayCounters[] = [
  { day: '2026-02-28', counters: { received: 2, 'reviewDecided#ada': 1 }, decisionSeconds: [999] },
  {
    day: '2026-03-01',
    counters: {
      received: 3,
      'channel#app': 2,
      'channel#web': 1,
      'product#personal-consumer': 3,
      autoApproved: 1,
      autoDeclined: 1,
      'declineReason#RC01': 1,
      disbursedCount: 2,
      'disbursedAmount#CNY': 500_000,
      'disbursedAmount#USD': 999,
      'enter#current': 2,
      'reviewDecided#ada': 1,
      'pf:activeLoans': 2,
      'pf:outstandingPrincipal': 500_000,
      'pf:loans#current': 2,
      'pf:principal#current': 500_000,
    },
    decisionSeconds: [30, 10],
  },
  {
    day: '2026-03-02',
    counters: {
      received: 1,
      'channel#app': 1,
      'product#micro-business': 1,
      reviewApproved: 1,
      reviewRejected: 1,
      reviewExpired: 1,
      documentsExpired: 2,
      'declineReason#REVIEW_REJECTED': 1,
      'roll#current->1-30': 1,
      'slaBreach#bob': 1,
      slaBreaches: 1,
      repaymentsCount: 1,
      'repaymentsAmount#CNY': 12_345,
      'pf:loans#current': -1,
      'pf:principal#current': -200_000,
      'pf:loans#1-30': 1,
      'pf:principal#1-30': 200_000,
    },
    decisionSeconds: [100, 200],
  },
  {
    day: '2026-03-03',
    counters: { 'roll#1-30->31-60': 1, 'pf:loans#1-30': -1, 'pf:principal#1-30': -200_000, 'pf:loans#31-60': 1, 'pf:principal#31-60': 200_000 },
    decisionSeconds: [],
  },
  {
    day: '2026-03-04',
    counters: { received: 7, 'pf:activeLoans': -1, 'pf:outstandingPrincipal': -100_000, 'pf:loans#current': -1, 'pf:principal#current': -100_000 },
    decisionSeconds: [5],
  },
  {
    day: '2026-03-05',
    counters: { 'enter#current': 1, 'pf:activeLoans': 1, 'pf:outstandingPrincipal': 100_000, 'pf:loans#current': 1, 'pf:principal#current': 100_000 },
    decisionSeconds: [],
  },
];

const NOW = {
  activeLoans: 3,
  outstandingPrincipal: 600_000,
  'loans#current': 2,
  'principal#current': 400_000,
  'loans#1-30': 0,
  'principal#1-30': 0,
  'loans#31-60': 1,
  'principal#31-60': 200_000,
};

function input(overrides: Partial<SummaryInput> = {}): SummaryInput {
  const from = overrides.from ?? '2026-03-01';
  return {
    from,
    to: '2026-03-03',
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    today: '2026-03-05',
    // What the repository returns: the days from `from` on.
    days: DAYS.filter((day) => day.day >= from),
    portfolioNow: NOW,
    reviews: { pending: 2, overdue: 1 },
    reviewers: [
      { reviewerId: 'ada', name: 'Ada', level: 1, openReviews: 2 },
      { reviewerId: 'bob', name: 'Bob', level: 2, openReviews: 0 },
    ],
    ...overrides,
  };
}

const cny = (amount: string) => ({ amount, currency: 'CNY' });

describe('nearestRank', () => {
  it('is the value at rank ⌈p·n/100⌉ of the sorted values, null for none', () => {
    const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank(ten, 90)).toBe(9);
    expect(nearestRank(ten, 100)).toBe(10);
    expect(nearestRank([42], 50)).toBe(42);
    expect(nearestRank([42], 90)).toBe(42);
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 90)).toBe(4);
    expect(nearestRank([], 50)).toBeNull();
  });
});

describe('buildSummary', () => {
  const summary = buildSummary(input());

  it('totals the applications of the range, with every day of it (zeros included)', () => {
    expect(summary).toMatchObject({ from: '2026-03-01', to: '2026-03-03', timeZone: 'Asia/Shanghai', currency: 'CNY' });
    expect(summary.applications).toEqual({
      received: 4,
      byChannel: { app: 3, web: 1 },
      byProduct: { 'micro-business': 1, 'personal-consumer': 3 },
      byDay: { '2026-03-01': 3, '2026-03-02': 1, '2026-03-03': 0 },
    });
  });

  it('counts decisions, their rates and reasons, and the time to decision by nearest rank', () => {
    expect(summary.decisions).toEqual({
      autoApproved: 1,
      autoDeclined: 1,
      reviewApproved: 1,
      reviewRejected: 1,
      reviewExpired: 1,
      documentsExpired: 2,
      decided: 4,
      approvalRate: 0.5,
      autoDecisionRate: 0.5,
      declineReasons: { RC01: 1, REVIEW_REJECTED: 1 },
    });
    // [10, 30, 100, 200]: p50 at rank 2, p90 at rank 4. The 999 s of 28 Feb and the 5 s of 4 Mar are outside.
    expect(summary.timeToDecision).toEqual({ count: 4, p50Seconds: 30, p90Seconds: 200 });
  });

  it('shows every reviewer with the range\'s decisions and SLA breaches and the open reviews now', () => {
    expect(summary.reviews).toEqual({
      pending: 2,
      overdue: 1,
      slaBreaches: 1,
      byReviewer: [
        { reviewerId: 'ada', name: 'Ada', level: 1, decided: 1, open: 2, slaBreaches: 0 },
        { reviewerId: 'bob', name: 'Bob', level: 2, decided: 0, open: 0, slaBreaches: 1 },
      ],
    });
  });

  it('shows amounts in the lender\'s currency only', () => {
    expect(summary.disbursed).toEqual({ count: 2, amount: cny('5000.00') });
    expect(summary.repayments).toEqual({ count: 1, amount: cny('123.45') });
  });

  it('takes the portfolio back to the end of `to` (the gauges now minus the changes of 4 and 5 March)', () => {
    expect(summary.portfolio).toEqual({
      asOf: '2026-03-03',
      activeLoans: 3,
      outstandingPrincipal: cny('6000.00'),
      overdueRate: 1 / 3,
      par1: 1 / 3,
      par30: 1 / 3,
      par90: 0,
      byBucket: {
        current: { loans: 2, principal: cny('4000.00') },
        '1-30': { loans: 0, principal: cny('0.00') },
        '31-60': { loans: 1, principal: cny('2000.00') },
        '61-90': { loans: 0, principal: cny('0.00') },
        '90+': { loans: 0, principal: cny('0.00') },
      },
      // current: 1 rolled of 1 at the start + 2 that entered; 1-30: 1 of 0 + 1 entered; 31-60: 0 of 0 + 1; 61-90: none.
      rollRates: { 'current->1-30': 1 / 3, '1-30->31-60': 1, '31-60->61-90': 0, '61-90->90+': null },
    });
  });

  it('has one daily row per day of the range with the day\'s figures and PAR30 at its end', () => {
    expect(summary.daily).toEqual([
      { day: '2026-03-01', received: 3, decided: 2, approved: 1, approvalRate: 0.5, p50DecisionSeconds: 10, p90DecisionSeconds: 30, par30: 0 },
      { day: '2026-03-02', received: 1, decided: 2, approved: 1, approvalRate: 0.5, p50DecisionSeconds: 100, p90DecisionSeconds: 200, par30: 0 },
      { day: '2026-03-03', received: 0, decided: 0, approved: 0, approvalRate: null, p50DecisionSeconds: null, p90DecisionSeconds: null, par30: 1 / 3 },
    ]);
  });

  it('shows the portfolio as of an earlier day', () => {
    const first = buildSummary(input({ to: '2026-03-01' }));
    expect(first.portfolio).toMatchObject({
      asOf: '2026-03-01',
      activeLoans: 3,
      outstandingPrincipal: cny('6000.00'),
      overdueRate: 0,
      par1: 0,
      par30: 0,
      byBucket: { current: { loans: 3, principal: cny('6000.00') } },
      rollRates: { 'current->1-30': 0, '1-30->31-60': null },
    });
    // The day before anything happened: one loan of 1,000.00 (the one paid off on the 4th).
    const before = buildSummary(input({ from: '2026-02-28', to: '2026-02-28' }));
    expect(before.portfolio).toMatchObject({ activeLoans: 1, outstandingPrincipal: cny('1000.00'), par1: 0 });
  });

  it('shows the portfolio now when `to` is today or later (asOf today)', () => {
    const later = buildSummary(input({ from: '2026-03-04', to: '2026-03-06', days: DAYS.filter((d) => d.day >= '2026-03-04') }));
    expect(later.portfolio).toMatchObject({ asOf: '2026-03-05', activeLoans: 3, par30: 1 / 3 });
    expect(later.applications.byDay).toEqual({ '2026-03-04': 7, '2026-03-05': 0, '2026-03-06': 0 });
  });

  it('gives null for every rate whose denominator is 0', () => {
    const empty = buildSummary(input({ days: [], portfolioNow: {}, reviews: { pending: 0, overdue: 0 }, reviewers: [] }));
    expect(empty.decisions).toMatchObject({ decided: 0, approvalRate: null, autoDecisionRate: null, declineReasons: {} });
    expect(empty.timeToDecision).toEqual({ count: 0, p50Seconds: null, p90Seconds: null });
    expect(empty.portfolio).toMatchObject({
      activeLoans: 0,
      outstandingPrincipal: cny('0.00'),
      overdueRate: null,
      par1: null,
      par30: null,
      par90: null,
      rollRates: { 'current->1-30': null, '1-30->31-60': null, '31-60->61-90': null, '61-90->90+': null },
    });
    expect(empty.daily.map((d) => d.par30)).toEqual([null, null, null]);
  });
});

describe('the range', () => {
  it('defaults to the 30 days ending today, and `from` to 29 days before a given `to`', () => {
    expect(reportRange({}, '2026-03-05')).toEqual({ from: '2026-02-04', to: '2026-03-05' });
    expect(reportRange({ to: '2026-01-10' }, '2026-03-05')).toEqual({ from: '2025-12-12', to: '2026-01-10' });
    expect(reportRange({ from: '2026-03-01' }, '2026-03-05')).toEqual({ from: '2026-03-01', to: '2026-03-05' });
  });

  it('refuses `from` after `to` and a range over 366 days, naming from', () => {
    expect(reportRangeProblems({ from: '2026-03-02', to: '2026-03-01' }, '2026-03-05')).toEqual([{ path: 'from', message: 'must not be after to (2026-03-01)' }]);
    expect(reportRangeProblems({ from: '2026-03-06' }, '2026-03-05')).toHaveLength(1);
    // 2024 is a leap year: 1 Jan to 31 Dec is 366 days, fine; one more day is not.
    expect(reportRangeProblems({ from: '2024-01-01', to: '2024-12-31' }, '2026-03-05')).toEqual([]);
    expect(reportRangeProblems({ from: '2024-01-01', to: '2025-01-01' }, '2026-03-05')).toEqual([
      { path: 'from', message: 'must be at most 366 days before to, both included (the range has 367)' },
    ]);
    // Bad dates are the schema's to report.
    expect(reportRangeProblems({ from: '2026-02-30' }, '2026-03-05')).toEqual([]);
  });
});

describe('CSV', () => {
  /** The summary's value that a CSV row names. */
  function valueAt(summary: ReportSummary, [section, metric, key]: string[]): unknown {
    const record = summary as unknown as Record<string, unknown>;
    if (section === 'report') return record[metric!];
    if (section === 'daily') return (summary.daily.find((d) => d.day === key) as unknown as Record<string, unknown>)[metric!];
    let node = record[section!] as unknown;
    for (const part of metric!.split('.')) {
      node = (node as Record<string, unknown>)[part];
      if (Array.isArray(node)) node = node.find((item: { reviewerId: string }) => item.reviewerId === key);
      else if (['byChannel', 'byProduct', 'byDay', 'declineReasons', 'byBucket', 'rollRates'].includes(part)) node = (node as Record<string, unknown>)[key!];
    }
    return node;
  }
  const asCell = (value: unknown) => (value === null ? '' : typeof value === 'object' ? (value as { amount: string }).amount : String(value));
  /** Leaves of the JSON, a Money one leaf, the ids of the listed records not counted (they are the rows' keys). */
  function leaves(value: unknown, name = ''): number {
    if (value === null || typeof value !== 'object') return 1;
    if ('amount' in value && 'currency' in value) return 1;
    return Object.entries(value).reduce((sum, [key, inner]) => sum + (key === 'reviewerId' || (key === 'day' && name === 'row') ? 0 : leaves(inner, Array.isArray(value) && name === 'daily' ? 'row' : key)), 0);
  }

  it('has a header and one row per figure of the JSON, each with the JSON\'s value', () => {
    const summary = buildSummary(input());
    const csv = summaryCsv(summary);
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv) as string[][];
    expect(rows[0]).toEqual(['section', 'metric', 'key', 'value']);
    const body = rows.slice(1);
    expect(body).toHaveLength(leaves(summary));
    for (const row of body) expect({ row, value: row[3] }).toEqual({ row, value: asCell(valueAt(summary, row)) });
    expect(body).toEqual(expect.arrayContaining([
      ['report', 'from', '', '2026-03-01'],
      ['applications', 'byDay', '2026-03-03', '0'],
      ['decisions', 'approvalRate', '', '0.5'],
      ['reviews', 'byReviewer.name', 'bob', 'Bob'],
      ['disbursed', 'amount', '', '5000.00'],
      ['portfolio', 'byBucket.principal', '31-60', '2000.00'],
      ['portfolio', 'rollRates', '61-90->90+', ''],
      ['daily', 'par30', '2026-03-03', String(1 / 3)],
      ['daily', 'p50DecisionSeconds', '2026-03-03', ''],
    ]));
    expect(summaryRows(summary)).toEqual(body);
  });

  it('quotes fields per RFC 4180, so names with commas, quotes and line breaks come back whole', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    const odd = 'Ada "The Countess",\r\nLovelace';
    const summary = buildSummary(input({ reviewers: [{ reviewerId: 'ada', name: odd, level: 1, openReviews: 0 }] }));
    const rows = parse(summaryCsv(summary)) as string[][];
    expect(rows).toContainEqual(['reviews', 'byReviewer.name', 'ada', odd]);
  });
});

describe('summaryReport', () => {
  const review = (id: string, createdAt: string, status: Review['status'] = 'PENDING'): Review => ({
    reviewId: id,
    applicationId: `APP-${id}`,
    level: 1,
    round: 1,
    reviewerId: 'ada',
    taskToken: `token-${id}`,
    status,
    createdAt,
    remindAt: new Date(Date.parse(createdAt) + 24 * 3600_000).toISOString(),
    escalateAt: new Date(Date.parse(createdAt) + 48 * 3600_000).toISOString(),
    expiresAt: new Date(Date.parse(createdAt) + 120 * 3600_000).toISOString(),
    linkExpiresAt: new Date(Date.parse(createdAt) + 120 * 3600_000).toISOString(),
    ...(status === 'DECIDED' ? { decision: { decision: 'APPROVE' as const, comment: '', decidedAt: createdAt } } : {}),
    version: 1,
  });

  it('reads the days from `from` through today, the gauges, the pending reviews (overdue past the reminder time) and the reviewers', async () => {
    const deps = fakeDeps();
    deps.clock.current = new Date('2026-03-05T04:00:00.000Z'); // noon in Beijing on the 5th
    for (const day of DAYS) deps.reports.setDay(day.day, day.counters, day.decisionSeconds);
    deps.reports.portfolio = { ...NOW };
    deps.reviewers.add({ reviewerId: 'ada', name: 'Ada', openReviews: 2 });
    deps.reviewers.add({ reviewerId: 'bob', name: 'Bob', level: 2 });
    // The default policy reminds after 24 h: one pending review is older than that, one is not; a decided one is not pending.
    for (const r of [review('R1', '2026-03-04T03:59:00.000Z'), review('R2', '2026-03-04T05:00:00.000Z'), review('R3', '2026-03-01T00:00:00.000Z', 'DECIDED')]) {
      deps.reviews.reviews.set(r.reviewId, r);
    }
    const summary = await summaryReport(deps, { from: '2026-03-01', to: '2026-03-03' }, { timeZone: 'Asia/Shanghai' });
    expect(deps.reports.reads).toEqual([{ from: '2026-03-01', to: '2026-03-05' }]);
    expect(summary).toEqual(buildSummary(input()));
  });
});

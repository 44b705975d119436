// GET /v1/reports/summary (PRODUCT.md §2.10, API.md "Report summary"): the figures of a range of the lender's days,
// from the aggregates kept up to date as events happen (functions/core/reporting/aggregates.ts). Nothing here scans the table:
// the report reads the day counters of the range (and of the days after it, to take the portfolio back to the end of
// the range), the portfolio gauges now, the pending reviews (a sparse index) and the reviewers.
//
// THE FIGURES (all from counters of the days from `from` to `to`, inclusive, unless said otherwise):
//   decided            autoApproved + autoDeclined + reviewApproved + reviewRejected
//   approvalRate       (autoApproved + reviewApproved) ÷ decided; autoDecisionRate (autoApproved + autoDeclined) ÷ decided
//   p50/p90            nearest rank over the decision durations of the range (the value at rank ⌈p·n/100⌉ of n sorted)
//   portfolio          as of the end of `to`: the gauges now minus the pf: changes of every day after `to`
//   overdueRate        loans not current ÷ active loans
//   parN               principal of loans more than N days past due ÷ outstanding principal (PAR1: every bucket but
//                      current; PAR30: 31-60, 61-90, 90+; PAR90: 90+)
//   rollRate b→next    loans that moved from b to a worse bucket in the range ÷ (loans in b at the start of the range
//                      (the portfolio at the end of the day before `from`) + loans that entered b in the range)
// Every rate is a fraction from 0 to 1, null when its denominator is 0. Amounts are Money in the lender's currency.

import { z } from 'zod';
import { calendarDate } from '../applications/application-schema';
import { COUNTER } from './aggregates';
import { dayIn } from '../kernel/dates';
import { NotFoundError, type FieldProblem } from '../kernel/errors';
import { DELINQUENCY_BUCKETS, daysBetween, type DelinquencyBucket } from '../servicing/loan';
import { fromMinor, type Money } from '../kernel/money';
import { DEFAULT_POLICY, type PolicyRepository } from '../decisioning/policy';
import type { Clock } from '../kernel/ports';
import type { Review, ReviewRepository, Reviewer, ReviewerRepository } from '../review/reviews';

/** The lender's currency: amounts are counted per currency and the report shows this one. */
export const LENDER_CURRENCY = 'CNY';
/** Days in the default range (ending today). */
export const DEFAULT_RANGE_DAYS = 30;
/** The longest range a report covers, in days (from and to included). */
export const MAX_RANGE_DAYS = 366;

// ---- the port ------------------------------------------------------------------------------------------------------

/** One day's counters, merged over the shards. */
export interface DayCounters {
  day: string;
  counters: Record<string, number>;
  decisionSeconds: number[];
}

/** The aggregates as the report reads them (functions/adapters/dynamodb/report-repository.ts). */
export interface ReportRepository {
  /** The counters of every day from `from` to `to` (inclusive) that has any, merged over the shards, oldest first. */
  dayCounters(from: string, to: string): Promise<DayCounters[]>;
  /** The portfolio gauges now, merged over the shards. */
  portfolioNow(): Promise<Record<string, number>>;
}

// ---- the query -----------------------------------------------------------------------------------------------------

export const reportQuerySchema = z.object({ from: calendarDate.optional(), to: calendarDate.optional() });
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, inclusive. */
export function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) out.push(day);
  return out;
}

/** The range asked for, with the defaults: `to` today, `from` 29 days before `to` (30 days). */
export function reportRange(query: ReportQuery, today: string): { from: string; to: string } {
  const to = query.to ?? today;
  return { from: query.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1)), to };
}

/** Problems of the range that the schema cannot see: `from` after `to`, or a range longer than MAX_RANGE_DAYS. */
export function reportRangeProblems(raw: unknown, today: string): FieldProblem[] {
  const parsed = reportQuerySchema.safeParse(raw);
  if (!parsed.success) return [];
  const { from, to } = reportRange(parsed.data, today);
  if (from > to) return [{ path: 'from', message: `must not be after to (${to})` }];
  const days = daysBetween(from, to) + 1;
  if (days > MAX_RANGE_DAYS) return [{ path: 'from', message: `must be at most ${MAX_RANGE_DAYS} days before to, both included (the range has ${days})` }];
  return [];
}

// ---- the summary ---------------------------------------------------------------------------------------------------

export type RollRateKey = 'current->1-30' | '1-30->31-60' | '31-60->61-90' | '61-90->90+';

export interface ReviewerFigures {
  reviewerId: string;
  name: string;
  level: number;
  /** Reviews the reviewer decided in the range. */
  decided: number;
  /** Reviews open with the reviewer now. */
  open: number;
  /** Reviews escalated away from, or expired with, the reviewer in the range. */
  slaBreaches: number;
}

export interface DailyFigures {
  day: string;
  received: number;
  decided: number;
  approved: number;
  approvalRate: number | null;
  p50DecisionSeconds: number | null;
  p90DecisionSeconds: number | null;
  /** As of the end of the day. */
  par30: number | null;
}

export interface ReportSummary {
  from: string;
  to: string;
  timeZone: string;
  currency: string;
  applications: { received: number; byChannel: Record<string, number>; byProduct: Record<string, number>; byDay: Record<string, number> };
  decisions: {
    autoApproved: number;
    autoDeclined: number;
    reviewApproved: number;
    reviewRejected: number;
    reviewExpired: number;
    /** Expired waiting for the product's required documents (the checklist gate), before review or before payout. */
    documentsExpired: number;
    decided: number;
    approvalRate: number | null;
    autoDecisionRate: number | null;
    declineReasons: Record<string, number>;
  };
  timeToDecision: { count: number; p50Seconds: number | null; p90Seconds: number | null };
  reviews: { pending: number; overdue: number; slaBreaches: number; byReviewer: ReviewerFigures[] };
  disbursed: { count: number; amount: Money };
  repayments: { count: number; amount: Money };
  portfolio: {
    /** The day whose end the portfolio figures are for: `to`, or today when `to` is later. */
    asOf: string;
    activeLoans: number;
    outstandingPrincipal: Money;
    overdueRate: number | null;
    par1: number | null;
    par30: number | null;
    par90: number | null;
    byBucket: Record<DelinquencyBucket, { loans: number; principal: Money }>;
    rollRates: Record<RollRateKey, number | null>;
  };
  daily: DailyFigures[];
}

export interface SummaryInput {
  from: string;
  to: string;
  timeZone: string;
  currency: string;
  /** The lender's day now. */
  today: string;
  /** The day counters from `from` on, including every day after `to` that has any (they take the portfolio back). */
  days: readonly DayCounters[];
  /** The portfolio gauges now. */
  portfolioNow: Record<string, number>;
  /** Reviews pending now, and how many of them are older than the policy's reminder time. */
  reviews: { pending: number; overdue: number };
  /** Every reviewer, with the open-review count now. */
  reviewers: readonly Pick<Reviewer, 'reviewerId' | 'name' | 'level' | 'openReviews'>[];
}

const ratio = (numerator: number, denominator: number): number | null => (denominator > 0 ? numerator / denominator : null);

/** The nearest-rank percentile `p` (0–100] of `values`: the value at rank ⌈p·n/100⌉ of the n sorted; null when none. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p * sorted.length) / 100)));
  return sorted[rank - 1]!;
}

function sumCounters(days: readonly DayCounters[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const day of days) for (const [name, value] of Object.entries(day.counters)) total[name] = (total[name] ?? 0) + value;
  return total;
}

/** The counters named `<prefix><key>`, by key (sorted), zeros left out. */
function byPrefix(counters: Record<string, number>, prefix: string): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counters)
      .filter(([name, value]) => name.startsWith(prefix) && value !== 0)
      .map(([name, value]) => [name.slice(prefix.length), value] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

const GAUGES: readonly string[] = [
  COUNTER.activeLoans,
  COUNTER.outstandingPrincipal,
  ...DELINQUENCY_BUCKETS.flatMap((bucket) => [COUNTER.loans(bucket), COUNTER.principal(bucket)]),
];

type Gauges = Record<string, number>;

function gaugesOf(source: Record<string, number>): Gauges {
  return Object.fromEntries(GAUGES.map((name) => [name, source[name] ?? 0]));
}

/** The gauges before a day's pf: changes, from the gauges after them. */
function undoDay(gauges: Gauges, day: DayCounters | undefined): void {
  if (!day) return;
  for (const name of GAUGES) gauges[name]! -= day.counters[COUNTER.portfolioChange(name)] ?? 0;
}

const PAST: Record<'par1' | 'par30' | 'par90', readonly DelinquencyBucket[]> = {
  par1: ['1-30', '31-60', '61-90', '90+'],
  par30: ['31-60', '61-90', '90+'],
  par90: ['90+'],
};

function par(gauges: Gauges, which: keyof typeof PAST): number | null {
  const principal = PAST[which].reduce((sum, bucket) => sum + gauges[COUNTER.principal(bucket)]!, 0);
  return ratio(principal, gauges[COUNTER.outstandingPrincipal]!);
}

/** Loans by bucket and PAR30 from the portfolio gauges now (the dashboard's gauges, published after each full scan). */
export function portfolioGauges(source: Record<string, number>): { loansByBucket: Record<DelinquencyBucket, number>; par30: number | null } {
  const gauges = gaugesOf(source);
  const loansByBucket = Object.fromEntries(DELINQUENCY_BUCKETS.map((bucket) => [bucket, gauges[COUNTER.loans(bucket)]!])) as Record<DelinquencyBucket, number>;
  return { loansByBucket, par30: par(gauges, 'par30') };
}

const ROLLS: readonly [RollRateKey, DelinquencyBucket][] = [
  ['current->1-30', 'current'],
  ['1-30->31-60', '1-30'],
  ['31-60->61-90', '31-60'],
  ['61-90->90+', '61-90'],
];

/** The summary from the counters (pure: the same input gives the same figures). */
export function buildSummary(input: SummaryInput): ReportSummary {
  const { from, to, currency } = input;
  const money = (minor: number): Money => fromMinor({ minor, currency });
  const range = daysOf(from, to);
  const byDay = new Map(input.days.map((day) => [day.day, day]));
  const inRange = input.days.filter((day) => day.day >= from && day.day <= to);
  const total = sumCounters(inRange);
  const count = (name: string) => total[name] ?? 0;

  // The portfolio at the end of each day of the range, walking back from now.
  const gauges = gaugesOf(input.portfolioNow);
  for (const day of input.days) if (day.day > to) undoDay(gauges, day);
  const endOf = new Map<string, Gauges>();
  for (const day of [...range].reverse()) {
    endOf.set(day, { ...gauges });
    undoDay(gauges, byDay.get(day));
  }
  const atStart = gauges;
  const atEnd = endOf.get(to)!;

  const autoApproved = count(COUNTER.autoApproved);
  const autoDeclined = count(COUNTER.autoDeclined);
  const reviewApproved = count(COUNTER.reviewApproved);
  const reviewRejected = count(COUNTER.reviewRejected);
  const decided = autoApproved + autoDeclined + reviewApproved + reviewRejected;
  const seconds = inRange.flatMap((day) => day.decisionSeconds);

  const byBucket = Object.fromEntries(
    DELINQUENCY_BUCKETS.map((bucket) => [bucket, { loans: atEnd[COUNTER.loans(bucket)]!, principal: money(atEnd[COUNTER.principal(bucket)]!) }]),
  ) as ReportSummary['portfolio']['byBucket'];
  const notCurrent = DELINQUENCY_BUCKETS.filter((bucket) => bucket !== 'current').reduce((sum, bucket) => sum + atEnd[COUNTER.loans(bucket)]!, 0);

  const rollRates = Object.fromEntries(
    ROLLS.map(([key, bucket]) => {
      const index = DELINQUENCY_BUCKETS.indexOf(bucket);
      const worse = DELINQUENCY_BUCKETS.slice(index + 1);
      const rolled = worse.reduce((sum, to) => sum + count(COUNTER.roll(bucket, to)), 0);
      const entered =
        DELINQUENCY_BUCKETS.filter((other) => other !== bucket).reduce((sum, other) => sum + count(COUNTER.roll(other, bucket)), 0) + count(COUNTER.enter(bucket));
      return [key, ratio(rolled, atStart[COUNTER.loans(bucket)]! + entered)];
    }),
  ) as ReportSummary['portfolio']['rollRates'];

  const slaBreachesOf = byPrefix(total, COUNTER.slaBreach(''));
  const decidedBy = byPrefix(total, COUNTER.reviewDecided(''));

  return {
    from,
    to,
    timeZone: input.timeZone,
    currency,
    applications: {
      received: count(COUNTER.received),
      byChannel: byPrefix(total, COUNTER.channel('')),
      byProduct: byPrefix(total, COUNTER.product('')),
      byDay: Object.fromEntries(range.map((day) => [day, byDay.get(day)?.counters[COUNTER.received] ?? 0])),
    },
    decisions: {
      autoApproved,
      autoDeclined,
      reviewApproved,
      reviewRejected,
      reviewExpired: count(COUNTER.reviewExpired),
      documentsExpired: count(COUNTER.documentsExpired),
      decided,
      approvalRate: ratio(autoApproved + reviewApproved, decided),
      autoDecisionRate: ratio(autoApproved + autoDeclined, decided),
      declineReasons: byPrefix(total, COUNTER.declineReason('')),
    },
    timeToDecision: { count: seconds.length, p50Seconds: nearestRank(seconds, 50), p90Seconds: nearestRank(seconds, 90) },
    reviews: {
      pending: input.reviews.pending,
      overdue: input.reviews.overdue,
      slaBreaches: count(COUNTER.slaBreaches),
      byReviewer: input.reviewers.map((reviewer) => ({
        reviewerId: reviewer.reviewerId,
        name: reviewer.name,
        level: reviewer.level,
        decided: decidedBy[reviewer.reviewerId] ?? 0,
        open: reviewer.openReviews,
        slaBreaches: slaBreachesOf[reviewer.reviewerId] ?? 0,
      })),
    },
    disbursed: { count: count(COUNTER.disbursedCount), amount: money(count(COUNTER.disbursedAmount(currency))) },
    repayments: { count: count(COUNTER.repaymentsCount), amount: money(count(COUNTER.repaymentsAmount(currency))) },
    portfolio: {
      asOf: to < input.today ? to : input.today,
      activeLoans: atEnd[COUNTER.activeLoans]!,
      outstandingPrincipal: money(atEnd[COUNTER.outstandingPrincipal]!),
      overdueRate: ratio(notCurrent, atEnd[COUNTER.activeLoans]!),
      par1: par(atEnd, 'par1'),
      par30: par(atEnd, 'par30'),
      par90: par(atEnd, 'par90'),
      byBucket,
      rollRates,
    },
    daily: range.map((day) => {
      const counters = byDay.get(day)?.counters ?? {};
      const of = (name: string) => counters[name] ?? 0;
      const dayDecided = of(COUNTER.autoApproved) + of(COUNTER.autoDeclined) + of(COUNTER.reviewApproved) + of(COUNTER.reviewRejected);
      const approved = of(COUNTER.autoApproved) + of(COUNTER.reviewApproved);
      const daySeconds = byDay.get(day)?.decisionSeconds ?? [];
      return {
        day,
        received: of(COUNTER.received),
        decided: dayDecided,
        approved,
        approvalRate: ratio(approved, dayDecided),
        p50DecisionSeconds: nearestRank(daySeconds, 50),
        p90DecisionSeconds: nearestRank(daySeconds, 90),
        par30: par(endOf.get(day)!, 'par30'),
      };
    }),
  };
}

// ---- the use case --------------------------------------------------------------------------------------------------

export interface ReportDeps {
  reports: ReportRepository;
  reviews: Pick<ReviewRepository, 'listPending'>;
  reviewers: Pick<ReviewerRepository, 'list'>;
  policies: Pick<PolicyRepository, 'current'>;
  clock: Clock;
}

/** Pending reviews are read a page at a time from the sparse "needing attention" index (bounded by pending work). */
const PENDING_PAGE = 100;

async function pendingReviews(reviews: ReportDeps['reviews']): Promise<Review[]> {
  const out: Review[] = [];
  let cursor: string | undefined;
  do {
    const page = await reviews.listPending(PENDING_PAGE, cursor);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The summary of the days from `from` to `to` (the lender's days in `timeZone`), as of the clock's now. */
export async function summaryReport(
  deps: ReportDeps,
  range: { from: string; to: string },
  options: { timeZone: string; currency?: string },
): Promise<ReportSummary> {
  const now = deps.clock.now();
  const today = dayIn(now, options.timeZone);
  const through = range.to > today ? range.to : today;
  const [days, portfolioNow, pending, reviewers, sla] = await Promise.all([
    deps.reports.dayCounters(range.from, through),
    deps.reports.portfolioNow(),
    pendingReviews(deps.reviews),
    deps.reviewers.list(),
    deps.policies.current().then(
      (policy) => policy.sla,
      (error: unknown) => {
        if (error instanceof NotFoundError) return DEFAULT_POLICY.sla;
        throw error;
      },
    ),
  ]);
  const overdueBefore = now.getTime() - sla.remindAfterHours * 3_600_000;
  return buildSummary({
    ...range,
    timeZone: options.timeZone,
    currency: options.currency ?? LENDER_CURRENCY,
    today,
    days,
    portfolioNow,
    reviews: { pending: pending.length, overdue: pending.filter((review) => Date.parse(review.createdAt) < overdueBefore).length },
    reviewers,
  });
}

// ---- CSV -----------------------------------------------------------------------------------------------------------

export type CsvRow = [section: string, metric: string, key: string, value: string];

export const CSV_HEADER: CsvRow = ['section', 'metric', 'key', 'value'];

/** Maps whose keys are data (a channel, a day, a reason code, a bucket): each entry is a row with that key. */
const KEYED_MAPS = new Set(['byChannel', 'byProduct', 'byDay', 'declineReasons', 'byBucket', 'rollRates']);
/** Lists of records: each record's fields are rows keyed by its id. */
const LIST_IDS: Record<string, string> = { byReviewer: 'reviewerId', daily: 'day' };

function isMoney(value: unknown): value is Money {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 2 && 'amount' in value && 'currency' in value;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (isMoney(value)) return value.amount;
  return String(value);
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

function flatten(section: string, path: string, key: string, value: unknown, rows: CsvRow[]): void {
  if (value === null || typeof value !== 'object' || isMoney(value)) {
    rows.push([section, path, key, cell(value)]);
    return;
  }
  const name = path ? path.split('.').at(-1)! : section;
  const list = LIST_IDS[name];
  if (Array.isArray(value)) {
    for (const record of value as Record<string, unknown>[]) {
      const id = String(record[list ?? ''] ?? '');
      for (const [field, inner] of Object.entries(record)) if (field !== list) flatten(section, join(path, field), id, inner, rows);
    }
    return;
  }
  for (const [field, inner] of Object.entries(value)) {
    if (KEYED_MAPS.has(name) && path) {
      // An entry of a keyed map: its key goes to the key column; a record value's fields extend the metric.
      if (inner !== null && typeof inner === 'object' && !isMoney(inner)) {
        for (const [part, leaf] of Object.entries(inner)) flatten(section, join(path, part), field, leaf, rows);
      } else {
        rows.push([section, path, field, cell(inner)]);
      }
    } else {
      flatten(section, join(path, field), key, inner, rows);
    }
  }
}

/**
 * One row per figure of the summary: `report` rows for from, to, timeZone and currency; then per section its figures,
 * dotted paths as the metric (byReviewer.decided, byBucket.principal), the key of a keyed map or the id of a record
 * (a channel, a day, a reviewer id) as the key, amounts as their decimal string and null as an empty value.
 */
export function summaryRows(summary: ReportSummary): CsvRow[] {
  const rows: CsvRow[] = [];
  for (const [field, value] of Object.entries(summary)) {
    if (value === null || typeof value !== 'object') rows.push(['report', field, '', cell(value)]);
    else flatten(field, '', '', value, rows);
  }
  return rows;
}

/** A field quoted per RFC 4180 when it holds a comma, a double quote or a line break (quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The summary as CSV (RFC 4180: CRLF line ends, a header row `section,metric,key,value`). */
export function summaryCsv(summary: ReportSummary): string {
  return [CSV_HEADER, ...summaryRows(summary)].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

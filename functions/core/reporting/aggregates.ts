// The report's aggregates (PRODUCT.md §2.10, issue 7): counters kept up to date as events happen, so the report never
// scans the table. Pure: from the state before and after a change, the counters that change moves. The repositories
// write them with ADD in the same DynamoDB transaction as the change itself (functions/adapters/dynamodb/
// aggregate-writes.ts), so a retried or lost write changes both or neither and nothing is counted twice.
//
// WHERE A COUNT GOES. Day counters live on the lender's calendar day (dayIn in its time zone) of the instant that the
// counted event happened; portfolio gauges (`day` undefined) are one set of numbers for now. Every item is spread
// over a few shards by the entity's id (`shardOf`) to spread write contention.
//
// THE COUNTERS (attribute names, all numbers moved with ADD unless said otherwise):
//   applications  received, channel#<channel>, product#<productId>                  day of createdAt
//   decisions     autoApproved, autoDeclined (decidedBy policy), reviewApproved, reviewRejected (decidedBy review),
//                 declineReason#<code> (once per declined application and code), and the list decisionSeconds
//                 (decidedAt − createdAt, seconds, ms kept)                         day of decision.decidedAt
//                 reviewExpired (PENDING_REVIEW → EXPIRED), documentsExpired (EXPIRED by the documents
//                 gate's wait, before review or before payout: not a review that ran out) day of the move (updatedAt)
//   reviews       reviewDecided#<reviewerId> (any decision, request-info included)   day of the decision
//                 slaBreach#<reviewerId>, slaBreaches (escalated away from, or expired with, that reviewer)
//                                                                                   day of the escalation/expiry
//   loans         disbursedCount, disbursedAmount#<currency>, enter#current          day of disbursedAt
//                 repaymentsCount, repaymentsAmount#<currency>                       day of the repayment's recordedAt
//                 roll#<from>-><to> per bucket change                                 the change's date
//   portfolio     activeLoans, outstandingPrincipal, loans#<bucket>, principal#<bucket>     (gauges, now)
//                 and the same changes as pf:<name> on the day of the write, so that the portfolio at the end of an
//                 earlier day is the gauges now minus the pf: changes of the days after it.
// Amounts are integer minor units.

import type { Application } from '../applications/application';
import { dayIn } from '../kernel/dates';
import { decisionFairnessCounters, FAIRNESS_COUNTER, groupKeys } from './fairness';
import { DRIFT_COUNTER } from './drift';
import type { DelinquencyBucket, Loan, PortfolioContribution } from '../servicing/loan';
import type { Review } from '../review/reviews';

/** One change to one aggregate item: a day's counters (`day`) or the portfolio gauges (`day` undefined). */
export interface CounterDelta {
  /** The lender's day (YYYY-MM-DD); undefined: the portfolio gauges. */
  day?: string;
  /** The entity id (application, review or loan id) whose hash picks the shard. */
  shardOf: string;
  /** Numbers to add (negative to subtract) by attribute name. */
  add: Record<string, number>;
  /** Decision durations in seconds, appended to the day's list. */
  decisionSeconds?: number[];
}

/** The attribute names of the counters, in one place for the writers and the report. */
export const COUNTER = {
  received: 'received',
  channel: (channel: string) => `channel#${channel}`,
  product: (productId: string) => `product#${productId}`,
  autoApproved: 'autoApproved',
  autoDeclined: 'autoDeclined',
  reviewApproved: 'reviewApproved',
  reviewRejected: 'reviewRejected',
  reviewExpired: 'reviewExpired',
  documentsExpired: 'documentsExpired',
  declineReason: (code: string) => `declineReason#${code}`,
  reviewDecided: (reviewerId: string) => `reviewDecided#${reviewerId}`,
  slaBreach: (reviewerId: string) => `slaBreach#${reviewerId}`,
  slaBreaches: 'slaBreaches',
  disbursedCount: 'disbursedCount',
  disbursedAmount: (currency: string) => `disbursedAmount#${currency}`,
  repaymentsCount: 'repaymentsCount',
  repaymentsAmount: (currency: string) => `repaymentsAmount#${currency}`,
  roll: (from: DelinquencyBucket, to: DelinquencyBucket) => `roll#${from}->${to}`,
  enter: (bucket: DelinquencyBucket) => `enter#${bucket}`,
  activeLoans: 'activeLoans',
  outstandingPrincipal: 'outstandingPrincipal',
  loans: (bucket: DelinquencyBucket) => `loans#${bucket}`,
  principal: (bucket: DelinquencyBucket) => `principal#${bucket}`,
  /** A day's change to a portfolio gauge. */
  portfolioChange: (gauge: string) => `pf:${gauge}`,
} as const;

/** The list attribute of decision durations on a day item. */
export const DECISION_SECONDS = 'decisionSeconds';


function dayOf(instant: string, timeZone: string): string {
  return dayIn(new Date(instant), timeZone);
}

function bump(add: Record<string, number>, name: string, value: number): void {
  add[name] = (add[name] ?? 0) + value;
}

function withoutZeros(add: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(add).filter(([, value]) => value !== 0));
}

// ---- applications --------------------------------------------------------------------------------------------------

/**
 * The counters an application write moves: a new application (`before` undefined) is received; a move into APPROVED
 * or DECLINED with a decision is a decision (auto or review, with its duration and, declined, its reason codes); a move
 * from PENDING_REVIEW into EXPIRED is an expired review, unless the documents gate's wait expired it (documentsExpired,
 * which also counts a wait before payout). Anything else (a move to ASSESSING, an annotation, the same
 * status again) counts nothing.
 */
export function applicationDeltas(before: Application | undefined, after: Application, timeZone: string): CounterDelta[] {
  const shardOf = after.applicationId;
  const deltas: CounterDelta[] = [];
  if (!before) {
    deltas.push({
      day: dayOf(after.createdAt, timeZone),
      shardOf,
      add: { [COUNTER.received]: 1, [COUNTER.channel(after.channel)]: 1, [COUNTER.product(after.productId)]: 1 },
    });
  }
  // Drift (drift.ts): the live distribution of the score and of each input, per model version, on the day scored.
  if (!before?.assessment && after.assessment?.inputBins) {
    const { modelVersion, inputBins, scoreBucket, assessedAt } = after.assessment;
    const add: Record<string, number> = { [DRIFT_COUNTER.scored(modelVersion)]: 1 };
    if (scoreBucket !== undefined) add[DRIFT_COUNTER.score(modelVersion, scoreBucket)] = 1;
    for (const [feature, bin] of Object.entries(inputBins)) add[DRIFT_COUNTER.input(modelVersion, feature, bin)] = 1;
    deltas.push({ day: dayOf(assessedAt, timeZone), shardOf, add });
  }
  const moved = before?.status !== after.status;
  if (!moved) return deltas;
  const decision = after.decision;
  // Decided now: out of assessment or review (a re-drive back from FAILED to APPROVED decides nothing again).
  const deciding = before?.status === 'ASSESSING' || before?.status === 'PENDING_REVIEW';
  if ((after.status === 'APPROVED' || after.status === 'DECLINED') && decision && deciding) {
    const approved = after.status === 'APPROVED';
    const byPolicy = decision.decidedBy === 'policy';
    const name = byPolicy ? (approved ? COUNTER.autoApproved : COUNTER.autoDeclined) : approved ? COUNTER.reviewApproved : COUNTER.reviewRejected;
    const add: Record<string, number> = { [name]: 1 };
    if (!approved) for (const code of new Set(decision.reasons.map((reason) => reason.code))) add[COUNTER.declineReason(code)] = 1;
    // Milliseconds kept (auto decisions take well under a second), as seconds with three decimals.
    const seconds = Math.max(0, Date.parse(decision.decidedAt) - Date.parse(after.createdAt)) / 1000;
    if (after.protectedGroup) Object.assign(add, decisionFairnessCounters(after.protectedGroup, approved, after.assessment?.pd));
    deltas.push({ day: dayOf(decision.decidedAt, timeZone), shardOf, add, decisionSeconds: [seconds] });
  }
  if (after.status === 'EXPIRED' && after.documentsWait?.expiredAt) {
    deltas.push({ day: dayOf(after.updatedAt, timeZone), shardOf, add: { [COUNTER.documentsExpired]: 1 } });
  } else if (after.status === 'EXPIRED' && before?.status === 'PENDING_REVIEW') {
    deltas.push({ day: dayOf(after.updatedAt, timeZone), shardOf, add: { [COUNTER.reviewExpired]: 1 } });
  }
  return deltas;
}

// ---- reviews -------------------------------------------------------------------------------------------------------

/**
 * The counters a review write moves: a PENDING review decided counts for its reviewer; one escalated away from its
 * reviewer, or expired while they held it, is an SLA breach of that reviewer. Other writes count nothing.
 */
export function reviewDeltas(before: Review, after: Review, timeZone: string): CounterDelta[] {
  if (before.status !== 'PENDING' || after.status === 'PENDING') return [];
  const shardOf = after.reviewId;
  if (after.status === 'DECIDED' && after.decision) {
    return [{ day: dayOf(after.decision.decidedAt, timeZone), shardOf, add: { [COUNTER.reviewDecided(before.reviewerId)]: 1 } }];
  }
  const breachedAt = after.status === 'ESCALATED' ? after.escalatedAt : after.status === 'EXPIRED' ? (after.expiredAt ?? after.expiresAt) : undefined;
  if (!breachedAt) return [];
  return [{ day: dayOf(breachedAt, timeZone), shardOf, add: { [COUNTER.slaBreach(before.reviewerId)]: 1, [COUNTER.slaBreaches]: 1 } }];
}

// ---- loans and the portfolio ---------------------------------------------------------------------------------------

/** Principal still owed on the loan's installments (due − paid − waived). */
export function outstandingPrincipalOf(loan: Loan): number {
  return loan.installments.reduce((sum, installment) => sum + installment.due.principal - installment.paid.principal - installment.waived.principal, 0);
}

/** What the portfolio aggregates should hold for the loan as it is. */
export function portfolioContribution(loan: Loan): PortfolioContribution {
  const active = loan.status === 'ACTIVE';
  return {
    active,
    bucket: loan.delinquency?.bucket ?? 'current',
    principalMinor: active ? outstandingPrincipalOf(loan) : 0,
    historyLength: loan.bucketHistory?.length ?? 0,
  };
}

/** The change of the portfolio gauges from one contribution to another (zeros left out). */
export function portfolioChange(was: PortfolioContribution | undefined, now: PortfolioContribution): Record<string, number> {
  const add: Record<string, number> = {};
  const count = (contribution: PortfolioContribution, sign: 1 | -1) => {
    if (!contribution.active) return;
    bump(add, COUNTER.activeLoans, sign);
    bump(add, COUNTER.outstandingPrincipal, sign * contribution.principalMinor);
    bump(add, COUNTER.loans(contribution.bucket), sign);
    bump(add, COUNTER.principal(contribution.bucket), sign * contribution.principalMinor);
  };
  if (was) count(was, -1);
  count(now, 1);
  return withoutZeros(add);
}

export interface LoanWrite {
  /** The loan as written. Its `countedAs` is what the aggregates hold for the stored version (ignored when created). */
  loan: Loan;
  /** The write creates the loan (the disbursement). */
  created?: boolean;
  /** The repayment recorded with this write. */
  repayment?: { amountMinor: number; currency: string; recordedAt: string };
}

/**
 * The counters a loan write moves and the contribution to store on the loan as `countedAs`: the portfolio change from
 * what was counted to what the loan is now (gauges, and the same as pf: changes on the day of the write: the
 * disbursement day for a new loan, else the day of loan.updatedAt), the disbursement, the repayment, and one roll per
 * bucket change not counted yet.
 */
export function loanDeltas(write: LoanWrite, timeZone: string): { deltas: CounterDelta[]; countedAs: PortfolioContribution } {
  const { loan, created = false, repayment } = write;
  const shardOf = loan.loanId;
  const was = created ? undefined : loan.countedAs;
  const now = portfolioContribution(loan);
  const deltas: CounterDelta[] = [];

  const change = portfolioChange(was, now);
  if (Object.keys(change).length > 0) {
    const writeDay = dayOf(created ? loan.disbursedAt : loan.updatedAt, timeZone);
    deltas.push({ shardOf, add: change });
    deltas.push({ day: writeDay, shardOf, add: Object.fromEntries(Object.entries(change).map(([name, value]) => [COUNTER.portfolioChange(name), value])) });
  }
  if (created) {
    deltas.push({
      day: dayOf(loan.disbursedAt, timeZone),
      shardOf,
      add: withoutZeros({
        [COUNTER.disbursedCount]: 1,
        [COUNTER.disbursedAmount(loan.currency)]: loan.principalMinor,
        ...(now.active ? { [COUNTER.enter(now.bucket)]: 1 } : {}),
      }),
    });
  }
  if (repayment) {
    deltas.push({
      day: dayOf(repayment.recordedAt, timeZone),
      shardOf,
      add: withoutZeros({ [COUNTER.repaymentsCount]: 1, [COUNTER.repaymentsAmount(repayment.currency)]: repayment.amountMinor }),
    });
  }
  const history = loan.bucketHistory ?? [];
  const counted = was?.historyLength ?? 0;
  for (const entry of history.slice(counted)) {
    deltas.push({ day: entry.date, shardOf, add: { [COUNTER.roll(entry.from, entry.to)]: 1 } });
  }
  // Fairness (fairness.ts): the loans of each group, and those that ever reached 90+ days past due (counted once).
  if (loan.protectedGroup) {
    const keys = groupKeys(loan.protectedGroup);
    if (created) deltas.push({ shardOf, add: Object.fromEntries(keys.map((key) => [FAIRNESS_COUNTER.loans(key), 1])) });
    const wentBad = (entries: typeof history) => entries.some((entry) => entry.to === '90+');
    if (!wentBad(history.slice(0, counted)) && wentBad(history.slice(counted))) {
      deltas.push({ shardOf, add: Object.fromEntries(keys.map((key) => [FAIRNESS_COUNTER.bad(key), 1])) });
    }
  }
  return { deltas, countedAs: now };
}

// ---- merging -------------------------------------------------------------------------------------------------------

/**
 * Deltas that hit the same item (same day, or both the portfolio, and the same shard by `shardKey`) merged into one,
 * adds summed, durations concatenated; items left with nothing to add are dropped. Order: first appearance.
 */
export function mergeCounterDeltas<K extends string | number>(deltas: readonly CounterDelta[], shardKey: (entityId: string) => K): (CounterDelta & { shard: K })[] {
  const merged = new Map<string, CounterDelta & { shard: K }>();
  for (const delta of deltas) {
    const shard = shardKey(delta.shardOf);
    const key = `${delta.day ?? 'PORTFOLIO'}|${shard}`;
    let item = merged.get(key);
    if (!item) {
      item = { ...(delta.day ? { day: delta.day } : {}), shardOf: delta.shardOf, shard, add: {} };
      merged.set(key, item);
    }
    for (const [name, value] of Object.entries(delta.add)) bump(item.add, name, value);
    if (delta.decisionSeconds?.length) item.decisionSeconds = [...(item.decisionSeconds ?? []), ...delta.decisionSeconds];
  }
  return [...merged.values()]
    .map((item) => ({ ...item, add: withoutZeros(item.add) }))
    .filter((item) => Object.keys(item.add).length > 0 || (item.decisionSeconds?.length ?? 0) > 0);
}

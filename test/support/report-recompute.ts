// The report's figures recomputed from the raw items of the table (a test-only full scan), independently of the
// counters the repositories keep: from the applications, reviews, reviewers, loans and repayments as they are stored.
// The e2e test of the report compares the two.

import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Item = Record<string, any>;

const BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
type Bucket = (typeof BUCKETS)[number];
const ROLLS = ['current->1-30', '1-30->31-60', '31-60->61-90', '61-90->90+'] as const;

export async function scanTable(doc: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const dayOf = (instant: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
const within = (day: string, from: string, to: string) => day >= from && day <= to;
const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);
function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const count = <K extends string>(keys: K[]) => keys.reduce<Record<string, number>>((acc, key) => ({ ...acc, [key]: (acc[key] ?? 0) + 1 }), {});
const unpaidPrincipal = (loan: Item) =>
  (loan.installments as Item[]).reduce((sum, i) => sum + i.due.principal - i.paid.principal - i.waived.principal, 0);

/** The recomputed figures, in the report's shape (the parts a full scan can know). Amounts in minor units. */
export function recompute(items: Item[], input: { from: string; to: string; timeZone: string; now: Date; remindAfterHours: number }) {
  const { from, to, timeZone } = input;
  const applications = items.filter((i) => i.type === 'application');
  const reviews = items.filter((i) => i.type === 'review');
  const reviewers = items.filter((i) => i.type === 'reviewer');
  const loans = items.filter((i) => i.type === 'loan');
  const repayments = items.filter((i) => i.type === 'repayment');

  const received = applications.filter((a) => within(dayOf(a.createdAt, timeZone), from, to));
  const byDay: Record<string, number> = {};
  for (let day = from; day <= to; day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) byDay[day] = 0;
  for (const a of received) byDay[dayOf(a.createdAt, timeZone)]! += 1;

  // Final decisions: APPROVED/DECLINED decisions (or later statuses that came from them) decided in the range.
  const decided = applications.filter((a) => a.decision && a.decision.outcome !== 'REVIEW' && within(dayOf(a.decision.decidedAt, timeZone), from, to));
  const kind = (a: Item) => `${a.decision.decidedBy === 'policy' ? 'auto' : 'review'}${a.decision.outcome === 'APPROVED' ? 'Approved' : 'Declined'}`;
  const kinds = count(decided.map(kind));
  const autoApproved = kinds.autoApproved ?? 0;
  const autoDeclined = kinds.autoDeclined ?? 0;
  const reviewApproved = kinds.reviewApproved ?? 0;
  const reviewRejected = kinds.reviewDeclined ?? 0;
  const total = autoApproved + autoDeclined + reviewApproved + reviewRejected;
  const declineReasons = count(decided.filter((a) => a.decision.outcome === 'DECLINED').flatMap((a) => (a.decision.reasons as Item[]).map((r) => r.code as string)));
  const seconds = decided.map((a) => Math.max(0, Date.parse(a.decision.decidedAt) - Date.parse(a.createdAt)) / 1000);
  const expiredAt = (a: Item) => (a.timeline as Item[]).find((t) => t.status === 'EXPIRED')?.at as string | undefined;
  const expiredInRange = (a: Item) => a.status === 'EXPIRED' && within(dayOf(expiredAt(a)!, timeZone), from, to);
  const byDocuments = (a: Item) => Boolean((a.documentsWait as Item | undefined)?.expiredAt);
  const expired = applications.filter((a) => expiredInRange(a) && a.decision?.outcome === 'REVIEW' && !byDocuments(a)).length;
  const documentsExpired = applications.filter((a) => expiredInRange(a) && byDocuments(a)).length;

  // Reviews: pending now, overdue (pending past the remind time), decided and SLA breaches per reviewer in the range.
  const pending = reviews.filter((r) => r.status === 'PENDING');
  const overdue = pending.filter((r) => input.now.getTime() - Date.parse(r.createdAt) > input.remindAfterHours * 3_600_000);
  const breachedAt = (r: Item): string | undefined => r.escalatedAt ?? r.expiredAt;
  const byReviewer = reviewers
    .map((reviewer) => ({
      reviewerId: reviewer.reviewerId as string,
      decided: reviews.filter((r) => r.reviewerId === reviewer.reviewerId && r.decision && within(dayOf(r.decision.decidedAt, timeZone), from, to)).length,
      slaBreaches: reviews.filter((r) => r.reviewerId === reviewer.reviewerId && breachedAt(r) && within(dayOf(breachedAt(r)!, timeZone), from, to)).length,
    }))
    .sort((a, b) => a.reviewerId.localeCompare(b.reviewerId));

  // Loans and repayments.
  const disbursed = loans.filter((l) => within(dayOf(l.disbursedAt, timeZone), from, to));
  const repaid = repayments.filter((r) => within(dayOf(r.recordedAt, timeZone), from, to));

  // The portfolio now: ACTIVE loans by their stored bucket (the scan's and repayments' snapshot).
  const active = loans.filter((l) => l.status === 'ACTIVE');
  const bucketOf = (loan: Item): Bucket => (loan.delinquency?.bucket as Bucket | undefined) ?? 'current';
  const byBucket = Object.fromEntries(
    BUCKETS.map((bucket) => {
      const inBucket = active.filter((l) => bucketOf(l) === bucket);
      return [bucket, { loans: inBucket.length, principalMinor: inBucket.reduce((sum, l) => sum + unpaidPrincipal(l), 0) }];
    }),
  ) as Record<Bucket, { loans: number; principalMinor: number }>;
  const outstanding = BUCKETS.reduce((sum, b) => sum + byBucket[b].principalMinor, 0);
  const principalPast = (buckets: Bucket[]) => buckets.reduce((sum, b) => sum + byBucket[b].principalMinor, 0);

  // Roll rates from each loan's bucket history: moves out of b to a worse bucket in the range ÷ (loans in b at the
  // start of the range + entries into b during the range; a loan disbursed in the range enters `current`).
  const rank = (bucket: string) => BUCKETS.indexOf(bucket as Bucket);
  const rollRates: Record<string, number | null> = {};
  for (const roll of ROLLS) {
    const bucket = roll.split('->')[0] as Bucket;
    let moves = 0;
    let exposed = 0;
    for (const loan of loans) {
      const history = ((loan.bucketHistory ?? []) as Item[]).filter((h) => h.date >= dayOf(loan.disbursedAt, timeZone));
      const disbursedDay = dayOf(loan.disbursedAt, timeZone);
      if (disbursedDay < from) {
        const before = history.filter((h) => h.date < from).at(-1);
        const closedBefore = loan.status !== 'ACTIVE' && loan.closedAt && dayOf(loan.closedAt, timeZone) < from;
        if (!closedBefore && ((before?.to as string | undefined) ?? 'current') === bucket) exposed += 1;
      } else if (disbursedDay <= to && bucket === 'current') exposed += 1;
      for (const h of history.filter((entry) => within(entry.date, from, to))) {
        if (h.to === bucket) exposed += 1;
        if (h.from === bucket && rank(h.to) > rank(bucket)) moves += 1;
      }
    }
    rollRates[roll] = ratio(moves, exposed);
  }

  return {
    applications: { received: received.length, byChannel: count(received.map((a) => a.channel)), byProduct: count(received.map((a) => a.productId)), byDay },
    decisions: {
      autoApproved,
      autoDeclined,
      reviewApproved,
      reviewRejected,
      reviewExpired: expired,
      documentsExpired,
      decided: total,
      approvalRate: ratio(autoApproved + reviewApproved, total),
      autoDecisionRate: ratio(autoApproved + autoDeclined, total),
      declineReasons,
    },
    timeToDecision: { count: seconds.length, p50Seconds: nearestRank(seconds, 50), p90Seconds: nearestRank(seconds, 90) },
    reviews: { pending: pending.length, overdue: overdue.length, slaBreaches: byReviewer.reduce((s, r) => s + r.slaBreaches, 0), byReviewer },
    disbursed: { count: disbursed.length, amountMinor: disbursed.reduce((sum, l) => sum + l.principalMinor, 0) },
    repayments: { count: repaid.length, amountMinor: repaid.reduce((sum, r) => sum + r.amountMinor, 0) },
    portfolio: {
      activeLoans: active.length,
      outstandingPrincipalMinor: outstanding,
      overdueRate: ratio(active.filter((l) => bucketOf(l) !== 'current').length, active.length),
      par1: ratio(principalPast(['1-30', '31-60', '61-90', '90+']), outstanding),
      par30: ratio(principalPast(['31-60', '61-90', '90+']), outstanding),
      par90: ratio(principalPast(['90+']), outstanding),
      byBucket,
      rollRates,
    },
  };
}

// Reports end to end (issue 7): a scripted run of more than 50 applications through every path on the local stack —
// auto-approved (some accepted, disbursed, repaid on time, paid off, or left unpaid into arrears), auto-declined by the
// scorecard and by knock-outs, reviewed and approved, rejected, asked for information, escalated and expired, still
// pending — over several local days, with the overdue scan run every day. Then the report's figures (kept as counters
// written with each state change) must equal the figures recomputed here from the raw items of the table, and the
// CSV must say the same as the JSON.

import { sandboxIdentity } from '../../functions/adapters/bureau/sandbox-bureau';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb';
import { uniqueIdentity, validApplication, BAND_D_PROFILE, REVIEW_SIZED_LOAN, disbursementAccount } from '../support/applications';
import { recompute, scanTable } from '../support/report-recompute';
import { bootStack, call, eventually, uploadDocument, type E2eContext } from './support';

let ctx: E2eContext;
let admin: string;
let ops: string;

beforeAll(async () => {
  ctx = await bootStack();
  [admin, ops] = await Promise.all([ctx.token('root', ['admin']), ctx.token('olga', ['ops'])]);
});

afterAll(async () => {
  await ctx?.close();
});

interface OutboxMessage {
  at: string;
  to: string;
  body: string;
  attributes?: Record<string, string>;
}

const DAY = 86_400_000;
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const minor = (money: { amount: string }) => Math.round(Number(money.amount) * 100);

const CHANNELS = ['app', 'web', 'partner', 'branch'];

let applicants = 0;
async function submit(overrides: Record<string, unknown>, identity = uniqueIdentity()) {
  applicants += 1;
  const token = await ctx.token(`report-applicant-${applicants}`);
  const body = validApplication({ channel: CHANNELS[applicants % CHANNELS.length], ...disbursementAccount(), ...overrides }, identity);
  const response = await call(ctx.url, 'POST', '/v1/applications', { token, body, headers: { 'Idempotency-Key': `report-${applicants}` } });
  expect(response.status).toBe(202);
  return { id: response.json.applicationId as string, token };
}
async function settled(id: string, token: string, statuses: string[]) {
  const read = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => statuses.includes(r.json?.status));
  expect(statuses).toContain(read.json.status);
  return read.json;
}
const setDay = (day: string, hour = 10) => call(ctx.url, 'POST', '/_local/clock', { body: { now: new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString() } });
const outbox = async (): Promise<OutboxMessage[]> => (await call(ctx.url, 'GET', '/_local/outbox')).json;
async function reviewLinkFor(id: string): Promise<string> {
  const messages = await eventually(outbox, (list) => list.some((m) => m.attributes?.applicationId === id && /\/v1\/reviews\//.test(m.body)));
  const newest = messages.filter((m) => m.attributes?.applicationId === id && /\/v1\/reviews\//.test(m.body)).at(-1)!;
  return /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(newest.body)![0];
}
async function decide(link: string, decision: string) {
  const url = new URL(link);
  url.pathname = `${url.pathname}/decision`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ decision, comment: `${decision} in the scripted run` }) });
  expect(response.status).toBe(200);
}

/** Flattens the JSON report into `section,metric,key` → value, the way the CSV lists it. */
function csvRows(csv: string): Map<string, string> {
  const rows = new Map<string, string>();
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe('section,metric,key,value');
  for (const line of lines.slice(1)) {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i]!;
      if (quoted && c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    cells.push(cell);
    rows.set(cells.slice(0, 3).join('|'), cells[3] ?? '');
  }
  return rows;
}

describe('the summary report after a scripted run', () => {
  it('equals the figures recomputed from the raw items, in JSON and CSV alike', async () => {
    const start = '2027-01-04';
    await setDay(start);
    const reviewers = [];
    for (const name of ['Ada', 'Bo']) {
      const added = await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email: `${name.toLowerCase()}.reports@lender.example`, name, level: 1, language: 'en' } });
      expect(added.status).toBe(201);
      reviewers.push(added.json.reviewerId as string);
    }

    // Day 0–2: applications of every kind.
    const approved: { id: string; token: string }[] = [];
    let total = 0;
    for (let day = 0; day < 3; day += 1) {
      await setDay(addDays(start, day), 9 + day);
      for (let i = 0; i < 10; i += 1) {
        const a = await submit(i % 3 === 0 ? { productId: 'personal-consumer' } : {});
        approved.push(a);
        total += 1;
      }
      for (let i = 0; i < 2; i += 1) {
        const d = await submit(BAND_D_PROFILE, uniqueIdentity('2004-05-01'));
        expect((await settled(d.id, d.token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW'])).status).toBe('DECLINED');
        total += 1;
      }
      // Knock-outs: one person's report shows a current default, another's a fraud flag (one open application each).
      for (const scenario of ['current_default', 'fraud_flag'] as const) {
        const k = await submit({}, sandboxIdentity(scenario));
        expect((await settled(k.id, k.token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW'])).status).toBe('DECLINED');
        total += 1;
      }
    }
    for (const a of approved) expect((await settled(a.id, a.token, ['APPROVED'])).status).toBe('APPROVED');

    const loans: { loanId: string; token: string }[] = [];
    // Day 2: ten of the approved applicants accept (offers are valid 7 days); the loans are disbursed.
    for (const a of approved.slice(0, 10)) {
      const view = (await call(ctx.url, 'GET', `/v1/applications/${a.id}`, { token: a.token })).json;
      const accepted = await call(ctx.url, 'POST', `/v1/applications/${a.id}/contract/accept`, { token: a.token, body: { contractSha256: view.offer.contract.sha256 } });
      expect(accepted.status).toBe(200);
    }
    for (const a of approved.slice(0, 10)) {
      const disbursed = await settled(a.id, a.token, ['DISBURSED', 'FAILED']);
      expect(disbursed.status).toBe('DISBURSED');
      loans.push({ loanId: disbursed.loanId, token: a.token });
    }

    // Day 3: reviews — approved, rejected, info then approved, and two left waiting until they expire.
    await setDay(addDays(start, 3));
    const reviewed: { id: string; token: string }[] = [];
    for (let i = 0; i < 8; i += 1) {
      reviewed.push(await submit(REVIEW_SIZED_LOAN));
      total += 1;
    }
    for (const r of reviewed) await settled(r.id, r.token, ['PENDING_REVIEW']);
    // The product's checklist (proof_of_income) comes first: reviewers are asked once it is uploaded.
    for (const r of reviewed) await uploadDocument(ctx.url, r.token, r.id);
    for (const [index, r] of reviewed.entries()) {
      if (index < 6) {
        const link = await reviewLinkFor(r.id);
        if (index === 5) {
          await decide(link, 'REQUEST_INFO');
          await eventually(outbox, (list) => list.filter((m) => m.attributes?.applicationId === r.id && /\/v1\/reviews\//.test(m.body)).length >= 2);
          await decide(await reviewLinkFor(r.id), 'APPROVE');
        } else await decide(link, index < 3 ? 'APPROVE' : 'REJECT');
      }
    }
    for (const [index, r] of reviewed.entries()) if (index < 6) await settled(r.id, r.token, index < 3 || index === 5 ? ['APPROVED'] : ['DECLINED']);
    expect(total).toBeGreaterThanOrEqual(50);

    // Day 5: the SLA check escalates the waiting reviews; day 9 it expires them (day 3 + 5 days + a little).
    await setDay(addDays(start, 5), 12);
    await call(ctx.url, 'POST', '/_local/schedules/review-sla/run');
    // One more review, submitted late, stays pending to the end.
    const stillPending = await submit(REVIEW_SIZED_LOAN);
    total += 1;
    await settled(stillPending.id, stillPending.token, ['PENDING_REVIEW']);
    await uploadDocument(ctx.url, stillPending.token, stillPending.id);
    await setDay(addDays(start, 8), 14);
    await call(ctx.url, 'POST', '/_local/schedules/review-sla/run');
    for (const r of reviewed.slice(6)) await settled(r.id, r.token, ['EXPIRED']);

    // Day 9 → 8 + 75: the overdue scan every day. Loans 0–3 pay each installment on its due date, loan 4 pays off
    // early, loans 5–9 never pay (they roll current → 1-30 → 31-60 → 61-90).
    const schedules = await Promise.all(
      loans.map(async (l) => (await call(ctx.url, 'GET', `/v1/loans/${l.loanId}/schedule`, { token: l.token })).json.installments as { dueDate: string; total: { amount: string } }[]),
    );
    let references = 0;
    const end = addDays(start, 8 + 75);
    for (let day = addDays(start, 9); day <= end; day = addDays(day, 1)) {
      await setDay(day);
      for (const [index, loan] of loans.entries()) {
        const due = schedules[index]!.find((row) => row.dueDate === day);
        if (index < 4 && due) {
          references += 1;
          const paid = await call(ctx.url, 'POST', `/v1/loans/${loan.loanId}/repayments`, {
            token: ops,
            body: { amount: due.total, paidAt: new Date(Date.parse(`${day}T01:00:00Z`)).toISOString(), reference: `scripted-${references}` },
          });
          expect(paid.status).toBe(201);
        }
        if (index === 4 && day === addDays(start, 20)) {
          const quote = (await call(ctx.url, 'GET', `/v1/loans/${loan.loanId}/payoff?date=${day}`, { token: loan.token })).json;
          references += 1;
          const paid = await call(ctx.url, 'POST', `/v1/loans/${loan.loanId}/repayments`, {
            token: ops,
            body: { amount: quote.amount, paidAt: new Date(Date.parse(`${day}T01:00:00Z`)).toISOString(), reference: `scripted-${references}` },
          });
          expect(paid.status).toBe(201);
        }
      }
      expect((await call(ctx.url, 'POST', '/_local/schedules/overdue-scan/run')).status).toBe(200);
    }

    // The report and its recomputation.
    const now = new Date((await call(ctx.url, 'GET', '/_local/clock')).json.now);
    const raw = await scanTable(
      createDocumentClient({ region: LOCAL_REGION, endpoint: ctx.stack.dynamoEndpoint, credentials: { ...LOCAL_CREDENTIALS } }),
      ctx.stack.tableName,
    );
    const policy = (await call(ctx.url, 'GET', '/v1/policy', { token: admin })).json;
    for (const [from, to] of [
      [start, end],
      [addDays(start, 1), addDays(start, 3)],
    ] as const) {
      const report = await call(ctx.url, 'GET', `/v1/reports/summary?from=${from}&to=${to}`, { token: ops });
      expect(report.status).toBe(200);
      const expected = recompute(raw, { from, to, timeZone: 'Asia/Shanghai', now, remindAfterHours: policy.sla.remindAfterHours });
      const r = report.json;
      expect({ from: r.from, to: r.to }).toEqual({ from, to });
      expect(r.applications).toEqual(expected.applications);
      expect(r.decisions).toEqual(expected.decisions);
      expect(r.timeToDecision).toEqual(expected.timeToDecision);
      expect({ pending: r.reviews.pending, overdue: r.reviews.overdue, slaBreaches: r.reviews.slaBreaches }).toEqual({
        pending: expected.reviews.pending,
        overdue: expected.reviews.overdue,
        slaBreaches: expected.reviews.slaBreaches,
      });
      const byReviewer = (r.reviews.byReviewer as { reviewerId: string; decided: number; slaBreaches: number }[])
        .map(({ reviewerId, decided, slaBreaches }) => ({ reviewerId, decided, slaBreaches }))
        .sort((a, b) => a.reviewerId.localeCompare(b.reviewerId));
      expect(byReviewer).toEqual(expected.reviews.byReviewer);
      expect({ count: r.disbursed.count, amountMinor: minor(r.disbursed.amount) }).toEqual(expected.disbursed);
      expect({ count: r.repayments.count, amountMinor: minor(r.repayments.amount) }).toEqual(expected.repayments);
      if (to === end) {
        const p = r.portfolio;
        expect({
          activeLoans: p.activeLoans,
          outstandingPrincipalMinor: minor(p.outstandingPrincipal),
          overdueRate: p.overdueRate,
          par1: p.par1,
          par30: p.par30,
          par90: p.par90,
          byBucket: Object.fromEntries(Object.entries(p.byBucket as Record<string, { loans: number; principal: { amount: string } }>).map(([b, v]) => [b, { loans: v.loans, principalMinor: minor(v.principal) }])),
          rollRates: p.rollRates,
        }).toEqual(expected.portfolio);
      }

      // The CSV says the same: every leaf of the JSON has its row with the same value.
      const csv = await fetch(`${ctx.url}/v1/reports/summary?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${ops}`, accept: 'text/csv' } });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const rows = csvRows(await csv.text());
      expect(rows.get('applications|received|')).toBe(String(r.applications.received));
      expect(rows.get('decisions|approvalRate|')).toBe(r.decisions.approvalRate === null ? '' : String(r.decisions.approvalRate));
      for (const [day, n] of Object.entries(r.applications.byDay as Record<string, number>)) expect(rows.get(`applications|byDay|${day}`)).toBe(String(n));
      for (const [code, n] of Object.entries(r.decisions.declineReasons as Record<string, number>)) expect(rows.get(`decisions|declineReasons|${code}`)).toBe(String(n));
      expect(rows.get('portfolio|par30|')).toBe(r.portfolio.par30 === null ? '' : String(r.portfolio.par30));
    }

    // Fairness: decisions of the range and loans to date by sex and age band, as the table's items say.
    const fairness = await call(ctx.url, 'GET', `/v1/reports/fairness?from=${start}&to=${end}`, { token: ops });
    expect(fairness.status).toBe(200);
    const items = raw as Record<string, any>[];
    const decidedItems = items.filter((i) => i.type === 'application' && i.decision && i.decision.outcome !== 'REVIEW' && i.protectedGroup);
    const loanItems = items.filter((i) => i.type === 'loan' && i.protectedGroup);
    for (const dimension of ['sex', 'ageBand'] as const) {
      for (const figures of fairness.json.groups[dimension] as { group: string; decided: number; approved: number; loans: number }[]) {
        const of = decidedItems.filter((a) => a.protectedGroup[dimension] === figures.group);
        expect({ dimension, group: figures.group, decided: figures.decided, approved: figures.approved, loans: figures.loans }).toEqual({
          dimension,
          group: figures.group,
          decided: of.length,
          approved: of.filter((a) => a.decision.outcome === 'APPROVED').length,
          loans: loanItems.filter((l) => l.protectedGroup[dimension] === figures.group).length,
        });
      }
    }
    expect((fairness.json.groups.sex as { decided: number }[]).reduce((sum, g) => sum + g.decided, 0)).toBeGreaterThan(0);

    // Drift: every application scored in the range, by the shipped model, with the PSI of its score and inputs.
    const drift = await call(ctx.url, 'GET', `/v1/reports/drift?from=${start}&to=${end}`, { token: ops });
    expect(drift.status).toBe(200);
    const assessed = items.filter((i) => i.type === 'application' && i.assessment?.inputBins && i.assessment.modelVersion === drift.json.modelVersion);
    expect(drift.json.scored).toBe(assessed.length);
    expect(drift.json.scored).toBeGreaterThan(0);
    expect(typeof drift.json.scorePsi).toBe('number');
    expect(drift.json.inputs.every((i: { psi: number | null }) => typeof i.psi === 'number')).toBe(true);

    // Sanity: the run really went through every path.
    const all = recompute(raw, { from: start, to: end, timeZone: 'Asia/Shanghai', now, remindAfterHours: policy.sla.remindAfterHours });
    expect(all.applications.received).toBe(total);
    expect(all.decisions.autoApproved).toBeGreaterThan(0);
    expect(all.decisions.autoDeclined).toBeGreaterThan(0);
    expect(all.decisions.reviewApproved).toBeGreaterThan(0);
    expect(all.decisions.reviewRejected).toBeGreaterThan(0);
    expect(all.decisions.reviewExpired).toBeGreaterThan(0);
    expect(all.reviews.pending).toBeGreaterThan(0);
    expect(all.reviews.slaBreaches).toBeGreaterThan(0);
    expect(all.portfolio.byBucket['61-90'].loans + all.portfolio.byBucket['31-60'].loans).toBeGreaterThan(0);
    expect(Object.values(all.portfolio.rollRates).filter((rate) => rate !== null && rate > 0).length).toBeGreaterThan(1);
  }, 600_000);
});

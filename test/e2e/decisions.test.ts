// Decisions end to end on the local stack (issue 4): automatic approval and decline, review levels decided through
// the links in the outbox, a request for information, SLA escalation and expiry on the local clock, a double click.

import { sandboxIdentity } from '../../functions/adapters/bureau/sandbox-bureau';
import { uniqueIdentity, validApplication, BAND_D_PROFILE, REVIEW_SIZED_LOAN } from '../support/applications';
import { bootStack, call, eventually, uploadDocument, type E2eContext } from './support';
import { salariedStatement } from '../support/statements';
import { sandboxStatementIdentity } from '../../functions/adapters/statements/sandbox-statements';

let ctx: E2eContext;
let admin: string;
let ops: string;

interface OutboxMessage {
  id: string;
  at: string;
  channel: string;
  to: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
}

beforeAll(async () => {
  ctx = await bootStack();
  [admin, ops] = await Promise.all([ctx.token('root', ['admin']), ctx.token('olga', ['ops'])]);
});

afterAll(async () => {
  await ctx?.close();
});

let applicants = 0;

async function submit(overrides: Record<string, unknown> = {}, identity = uniqueIdentity()) {
  applicants += 1;
  const sub = `applicant-${applicants}`;
  const token = await ctx.token(sub);
  const response = await call(ctx.url, 'POST', '/v1/applications', {
    token,
    body: validApplication(overrides, identity),
    headers: { 'Idempotency-Key': `decide-${sub}-${Date.now()}` },
  });
  expect(response.status).toBe(202);
  return { id: response.json.applicationId as string, token };
}

const view = (id: string, token: string) => call(ctx.url, 'GET', `/v1/applications/${id}`, { token });

async function waitForStatus(id: string, token: string, statuses: string[]) {
  const read = await eventually(() => view(id, token), (r) => statuses.includes(r.json?.status));
  expect(statuses).toContain(read.json.status);
  return read.json;
}

async function outbox(to?: string): Promise<OutboxMessage[]> {
  return (await call(ctx.url, 'GET', `/_local/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`)).json;
}

async function addReviewer(name: string, level: number) {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@lender.example`;
  const response = await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email, name, level, language: 'en' } });
  expect(response.status).toBe(201);
  return { reviewerId: response.json.reviewerId as string, email };
}

/** The newest review link e-mailed to `email` (after `since`, if given). */
async function reviewLink(email: string, since?: string): Promise<string> {
  const messages = await eventually(
    () => outbox(email),
    (list) => list.some((m) => /\/v1\/reviews\//.test(m.body) && (!since || m.at > since)),
    15_000,
  );
  const newest = messages.filter((m) => /\/v1\/reviews\//.test(m.body)).at(-1)!;
  return /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(newest.body)![0];
}

function decisionUrl(link: string): string {
  const url = new URL(link);
  url.pathname = `${url.pathname}/decision`;
  return url.toString();
}

async function decide(link: string, decision: string, comment = '') {
  const response = await fetch(decisionUrl(link), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ decision, comment }),
  });
  return { status: response.status, text: await response.text() };
}

async function auditActions(id: string) {
  const audit = await call(ctx.url, 'GET', `/v1/applications/${id}/audit`, { token: ops });
  expect(audit.status).toBe(200);
  expect(audit.json.verified).toBe(true);
  return audit.json.events.map((e: { action: string }) => e.action) as string[];
}

describe('automatic decisions', () => {
  it('approves a strong small application with no human, with an offer, and tells the applicant', async () => {
    const { id, token } = await submit();
    const application = await waitForStatus(id, token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(application.status).toBe('APPROVED');
    expect(application.decision).toMatchObject({ outcome: 'APPROVED', band: 'A', decidedBy: 'policy', policyVersion: 1 });
    expect(application.offer).toMatchObject({ principal: { amount: '8000.00', currency: 'CNY' }, annualRatePercent: '8.5', termMonths: 12 });
    expect(application.timeline.map((t: { status: string }) => t.status)).toEqual(['SUBMITTED', 'ASSESSING', 'APPROVED']);
    // The applicant is told right after the decision is stored (the status is visible a moment earlier).
    const sms = await eventually(async () => (await outbox('+8613800138000')).filter((m) => m.body.includes(id)), (found) => found.length > 0);
    expect(sms.map((m) => m.channel)).toContain('sms');
    expect(await auditActions(id)).toEqual(expect.arrayContaining(['application.submitted', 'bureau.report_pulled', 'application.scored', 'policy.evaluated', 'applicant.notified']));
    // Step Functions bills state transitions: the automatic path enters five states to the decision (the entry routes
    // on the stored status), then waits for the contract's acceptance.
    const states = await eventually(async () => ctx.stack.workflow.statesEntered(id), (list) => list.includes('PrepareContract'));
    expect(states).toEqual(['Resume', 'RouteResume', 'Score', 'Decide', 'RouteDecision', 'PrepareContract']);
  });

  it('declines a band-D application with the scorecard\'s reasons', async () => {
    const { id, token } = await submit(BAND_D_PROFILE, uniqueIdentity('2004-05-01'));
    const application = await waitForStatus(id, token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(application.status).toBe('DECLINED');
    expect(application.decision.band).toBe('D');
    expect(application.decision.reasons.length).toBeGreaterThan(0);
    expect(application.decision.reasons.length).toBeLessThanOrEqual(4);
    expect(application.decision.reasons[0].code).toMatch(/^RC\d\d$/);
    expect(application.offer).toBeUndefined();
  });

  it('declines on a knock-out: the bureau shows a current default', async () => {
    const { id, token } = await submit({}, sandboxIdentity('current_default'));
    const application = await waitForStatus(id, token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(application.status).toBe('DECLINED');
    expect(application.decision.reasons.map((r: { code: string }) => r.code)).toContain('KO_CURRENT_DEFAULT');
  });
});

describe('the bank statement in the decision (issue 12)', () => {
  const withStatement = (salaryMinor: number) => ({
    statement: { currency: 'CNY', transactions: salariedStatement(salaryMinor) },
    consents: { creditCheck: true, dataProcessing: true, statementAnalysis: true },
  });

  it('refers an applicant whose statement verifies far less than the declared income, and approves one it bears out', async () => {
    const low = await submit(withStatement(5_000_00));
    const referred = await waitForStatus(low.id, low.token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(referred.status).toBe('PENDING_REVIEW');
    expect(referred.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['STATEMENT_INCOME_BELOW_DECLARED']);
    expect(referred.statement).toMatchObject({ months: 6, verifiedMonthlyInflow: { amount: '5000.00', currency: 'CNY' }, salary: { detected: true } });
    const audit = await call(ctx.url, 'GET', `/v1/applications/${low.id}/audit`, { token: ops });
    const evaluated = audit.json.events.find((e: { action: string }) => e.action === 'policy.evaluated');
    expect(evaluated.details.statementRules).toEqual([{ id: 'STATEMENT_INCOME_BELOW_DECLARED', fact: 'verifiedIncomeShare', value: 0.3333, atMost: 0.6, action: 'REVIEW' }]);
    expect((await call(ctx.url, 'POST', `/v1/applications/${low.id}/withdraw`, { token: low.token })).status).toBe(200);

    // Consent and no statement: the Score step pulls the account-data provider's (the sandbox's) statement.
    const pulled = await submit({ consents: { creditCheck: true, dataProcessing: true, statementAnalysis: true } }, sandboxStatementIdentity('low_income_statement'));
    const referredByPulled = await waitForStatus(pulled.id, pulled.token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(referredByPulled.status).toBe('PENDING_REVIEW');
    expect(referredByPulled.statement).toMatchObject({ source: 'provider', verifiedMonthlyInflow: { amount: '5000.00', currency: 'CNY' } });
    expect((await call(ctx.url, 'POST', `/v1/applications/${pulled.id}/withdraw`, { token: pulled.token })).status).toBe(200);

    const matching = await submit(withStatement(15_000_00));
    const approved = await waitForStatus(matching.id, matching.token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(approved.status).toBe('APPROVED');
    expect(approved.statement.verifiedMonthlyInflow).toEqual({ amount: '15000.00', currency: 'CNY' });
  });
});

describe('bureau history in the decision (issue 12)', () => {
  async function auditEvent(id: string, action: string) {
    const audit = await call(ctx.url, 'GET', `/v1/applications/${id}/audit`, { token: ops });
    expect(audit.json.verified).toBe(true);
    return audit.json.events.find((e: { action: string }) => e.action === action);
  }

  it('declines the critical-account identity (95 days late in 24 months) with the bureau reason, where it was auto-approved before', async () => {
    const { id, token } = await submit({}, sandboxIdentity('critical_account'));
    const application = await waitForStatus(id, token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(application.status).toBe('DECLINED');
    expect(application.offer).toBeUndefined();
    expect(application.decision).toMatchObject({ outcome: 'DECLINED', decidedBy: 'policy', policyVersion: 1 });
    expect(application.decision.reasons).toEqual([{ code: 'BUREAU_DPD_90_24M', description: '征信报告显示近24个月内有逾期90天及以上的记录' }]);
    // The basis is in the audit trail: the rule, the value it read from the report and its threshold.
    const evaluated = await auditEvent(id, 'policy.evaluated');
    expect(evaluated.details).toMatchObject({
      outcome: 'DECLINED',
      matchedRules: expect.arrayContaining(['BUREAU_DPD_90_24M']),
      bureauRules: [{ id: 'BUREAU_DPD_90_24M', fact: 'maxDaysPastDueLast24Months', value: 95, atLeast: 90, action: 'DECLINE' }],
    });
    expect((await auditEvent(id, 'bureau.report_pulled')).details).toMatchObject({ maxDaysPastDueLast24Months: 95, accountsInArrears: 0, revolvingUtilisation: 0.95 });
    // The applicant is told why, in their language.
    const sms = await eventually(async () => (await outbox('+8613800138000')).filter((m) => m.body.includes(id)), (found) => found.length > 0);
    expect(sms.some((m) => m.body.includes('逾期90天'))).toBe(true);
  });

  it('refers the many-inquiries identity to a reviewer with the bureau reason instead of auto-approving it', async () => {
    const { id, token } = await submit({}, sandboxIdentity('many_inquiries'));
    const application = await waitForStatus(id, token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW']);
    expect(application.status).toBe('PENDING_REVIEW');
    expect(application.decision).toMatchObject({ outcome: 'REVIEW', decidedBy: 'policy' });
    expect(application.decision.reasons.map((r: { code: string }) => r.code)).toEqual(['BUREAU_INQUIRIES_6M']);
    expect((await auditEvent(id, 'policy.evaluated')).details.bureauRules).toEqual([
      { id: 'BUREAU_INQUIRIES_6M', fact: 'inquiriesLast6Months', value: 9, atLeast: 6, action: 'REVIEW' },
    ]);
    // Not left waiting for the review tests below.
    expect((await call(ctx.url, 'POST', `/v1/applications/${id}/withdraw`, { token })).status).toBe(200);
  });
});

describe('human review', () => {
  let level1: { reviewerId: string; email: string };
  let level1b: { reviewerId: string; email: string };
  let level2: { reviewerId: string; email: string };

  beforeAll(async () => {
    level1 = await addReviewer('Ada Level One', 1);
    level1b = await addReviewer('Bo Level One', 1);
    level2 = await addReviewer('Cy Level Two', 2);
  });

  it('sends an 80,000 CNY application through two levels and two different reviewers, decided by the links', async () => {
    const { id, token } = await submit({ loan: { amount: { amount: '80000.00', currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } });
    await uploadDocument(ctx.url, token, id); // the product's checklist, required before review
    const pending = await waitForStatus(id, token, ['PENDING_REVIEW', 'APPROVED', 'DECLINED']);
    expect(pending.status).toBe('PENDING_REVIEW');
    expect(pending.review).toEqual({ levelsRequired: 2, levelsDone: 0 });

    const first = await eventually(
      async () => (await outbox()).filter((m) => m.attributes?.reviewerId && m.body.includes('/v1/reviews/')),
      (list) => list.some((m) => [level1.email, level1b.email].includes(m.to) && m.body.length > 0),
    );
    const firstReviewer = first.find((m) => [level1.email, level1b.email].includes(m.to))!.to;
    const link1 = await reviewLink(firstReviewer);
    expect((await fetch(link1)).status).toBe(200);
    expect((await decide(link1, 'APPROVE', 'income verified')).status).toBe(200);

    const link2 = await reviewLink(level2.email);
    expect((await decide(link2, 'APPROVE', 'fine')).status).toBe(200);
    const approved = await waitForStatus(id, token, ['APPROVED', 'DECLINED']);
    expect(approved.status).toBe('APPROVED');
    expect(approved.decision.decidedBy).toBe('review');
    expect(approved.review).toEqual({ levelsRequired: 2, levelsDone: 2 });
    expect(approved.timeline.map((t: { status: string }) => t.status)).toEqual(['SUBMITTED', 'ASSESSING', 'PENDING_REVIEW', 'APPROVED']);
    const actions = await auditActions(id);
    expect(actions.filter((a) => a === 'review.decided')).toHaveLength(2);
    expect(actions).toEqual(expect.arrayContaining(['review.assigned', 'review.email_sent', 'review.viewed', 'review.concluded']));
    const reviewers = (await ctx.stack.deps.reviews.listByApplication(id)).filter((r) => r.decision?.decision === 'APPROVE').map((r) => r.reviewerId);
    expect(new Set(reviewers).size).toBe(2);
    const states = await eventually(async () => ctx.stack.workflow.statesEntered(id), (list) => list.includes('PrepareContract'));
    expect(states).toEqual([
      'Resume', 'RouteResume', 'Score', 'Decide', 'RouteDecision',
      'StartReview', 'AwaitReviewDocuments', 'RouteReviewDocuments', 'RequestReview', 'RouteReview', 'NextLevel', 'RequestReview', 'RouteReview', 'ApproveAfterReview', 'PrepareContract',
    ]);
  });

  it('loops on a request for information: the applicant is told, the level waits again, then approves', async () => {
    const { id, token } = await submit(REVIEW_SIZED_LOAN);
    await uploadDocument(ctx.url, token, id); // the product's checklist, required before review
    await waitForStatus(id, token, ['PENDING_REVIEW']);
    const firstEmail = (await eventually(() => outbox(), (l) => l.some((m) => m.body.includes('/v1/reviews/') && m.attributes?.applicationId === id))).find(
      (m) => m.body.includes('/v1/reviews/') && m.attributes?.applicationId === id,
    );
    const reviewer = firstEmail?.to ?? level1.email;
    const link = await reviewLink(reviewer);
    const asked = new Date().toISOString();
    expect((await decide(link, 'REQUEST_INFO', 'Please upload your last three payslips')).status).toBe(200);
    const told = await eventually(() => outbox('+8613800138000'), (l) => l.some((m) => m.body.includes('payslips') && m.body.includes(id)));
    expect(told.some((m) => m.body.includes('payslips'))).toBe(true);
    const again = await reviewLink(reviewer, asked);
    expect(again).not.toBe(link);
    expect((await decide(again, 'APPROVE', 'payslips received')).status).toBe(200);
    expect((await waitForStatus(id, token, ['APPROVED', 'DECLINED'])).status).toBe('APPROVED');
  });

  it('rejects with the reviewer\'s reason, and answers a second click with 409 and one decision', async () => {
    const { id, token } = await submit(REVIEW_SIZED_LOAN);
    await uploadDocument(ctx.url, token, id); // the product's checklist, required before review
    await waitForStatus(id, token, ['PENDING_REVIEW']);
    const email = await eventually(() => outbox(), (l) => l.some((m) => m.body.includes('/v1/reviews/') && m.attributes?.applicationId === id));
    const reviewer = email.filter((m) => m.body.includes('/v1/reviews/') && m.attributes?.applicationId === id).at(-1)!.to;
    const link = await reviewLink(reviewer);
    const [a, b] = await Promise.all([decide(link, 'REJECT', 'income does not cover the installment'), decide(link, 'REJECT', 'second click')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const declined = await waitForStatus(id, token, ['DECLINED', 'APPROVED']);
    expect(declined.status).toBe('DECLINED');
    expect(declined.decision.reasons).toEqual([{ code: 'REVIEW_REJECTED', description: expect.stringMatching(/income does not cover|second click/) }]);
    expect((await auditActions(id)).filter((x) => x === 'review.decided')).toHaveLength(1);
    expect((await decide(link, 'APPROVE', 'late')).status).toBe(409);
  });

  it('reminds, escalates to another reviewer of the level, then expires the application, on the local clock', async () => {
    const { id, token } = await submit(REVIEW_SIZED_LOAN);
    await uploadDocument(ctx.url, token, id); // the product's checklist, required before review
    await waitForStatus(id, token, ['PENDING_REVIEW']);
    const assigned = (await eventually(() => outbox(), (l) => l.some((m) => m.body.includes('/v1/reviews/') && m.attributes?.applicationId === id))).filter(
      (m) => m.body.includes('/v1/reviews/') && m.attributes?.applicationId === id,
    );
    const firstReviewer = assigned.at(-1)!.to;
    const firstLink = await reviewLink(firstReviewer);
    const runSla = async () => (await call(ctx.url, 'POST', '/_local/schedules/review-sla/run')).json;

    await call(ctx.url, 'POST', '/_local/clock', { body: { advanceDays: 1.05 } });
    await runSla();
    const reminders = (await outbox(firstReviewer)).filter((m) => m.attributes?.applicationId === id);
    expect(reminders.length).toBe(2); // the assignment and one reminder
    await runSla();
    expect((await outbox(firstReviewer)).filter((m) => m.attributes?.applicationId === id)).toHaveLength(2); // not twice

    await call(ctx.url, 'POST', '/_local/clock', { body: { advanceDays: 1 } });
    await runSla();
    const other = firstReviewer === level1.email ? level1b.email : level1.email;
    const escalatedLink = await reviewLink(other);
    expect(escalatedLink).not.toBe(firstLink);
    expect((await decide(firstLink, 'APPROVE', 'too late')).status).toBe(409);

    await call(ctx.url, 'POST', '/_local/clock', { body: { advanceDays: 3 } });
    await runSla();
    const expired = await waitForStatus(id, token, ['EXPIRED']);
    expect(expired.timeline.map((t: { status: string }) => t.status)).toEqual(['SUBMITTED', 'ASSESSING', 'PENDING_REVIEW', 'EXPIRED']);
    expect((await decide(escalatedLink, 'APPROVE', 'after expiry')).status).toBe(409);
    expect(await auditActions(id)).toEqual(expect.arrayContaining(['review.reminded', 'review.escalated', 'review.expired', 'review.timed_out']));
  });
});

// Credit assessment end to end on the local stack: the Score step pulls the sandbox bureau, scores with the shipped
// scorecard and shows score, band and reasons on the application; bureau outages are retried, then fail visibly.

import { sandboxIdentity } from '../../functions/adapters/bureau/sandbox-bureau';
import shippedModel from '../../models/german-credit/model.json' with { type: 'json' };
import { validApplication } from '../support/applications';
import { bootStack, call, eventually, type E2eContext } from './support';

let ctx: E2eContext;
let token: string;
let ops: string;

beforeAll(async () => {
  ctx = await bootStack();
  [token, ops] = await Promise.all([ctx.token('carol'), ctx.token('olga', ['ops'])]);
});

afterAll(async () => {
  await ctx?.close();
});

async function submitAndWait(identity: { nationalId: string; dateOfBirth: string }, overrides: Record<string, unknown> = {}) {
  const submitted = await call(ctx.url, 'POST', '/v1/applications', {
    token,
    body: validApplication(overrides, identity),
    headers: { 'Idempotency-Key': `score-e2e-${Math.random().toString(36).slice(2)}` },
  });
  expect(submitted.status).toBe(202);
  const id = submitted.json.applicationId as string;
  const view = await eventually(
    () => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }),
    (r) => (r.json?.assessment !== undefined && r.json?.status !== 'ASSESSING') || r.json?.status === 'FAILED',
  );
  // Each test's applicant is withdrawn afterwards so the next can use the same account.
  return { id, view: view.json };
}

async function withdraw(id: string) {
  await call(ctx.url, 'POST', `/v1/applications/${id}/withdraw`, { token });
}

describe('the Score step', () => {
  it('scores a clean applicant with the shipped model: score, band, reasons, model version', async () => {
    const { id, view } = await submitAndWait(sandboxIdentity('all_paid_duly'));
    expect(view.status).not.toBe('FAILED');
    expect(view.assessment).toMatchObject({ modelVersion: shippedModel.version, band: expect.stringMatching(/^[ABCD]$/) });
    expect(view.assessment.score).toBeGreaterThanOrEqual(300);
    expect(view.assessment.score).toBeLessThanOrEqual(850);
    expect(view.assessment.reasons.length).toBeLessThanOrEqual(4);
    for (const reason of view.assessment.reasons) expect(reason).toEqual({ code: expect.stringMatching(/^RC\d\d$/), description: expect.any(String) });
    const audit = ctx.stack.deps.applications.listAudit(id);
    expect((await audit).map((e) => e.action).slice(0, 4)).toEqual(['application.submitted', 'status.changed', 'bureau.report_pulled', 'application.scored']);
    await withdraw(id);
  });

  it('scores a critical account lower than a clean history, other answers equal', async () => {
    const clean = await submitAndWait(sandboxIdentity('all_paid_duly'));
    await withdraw(clean.id);
    const critical = await submitAndWait(sandboxIdentity('critical_account'));
    await withdraw(critical.id);
    expect(shippedModel.features.map((f: { name: string }) => f.name)).toContain('credit_history');
    expect(critical.view.assessment.score).toBeLessThan(clean.view.assessment.score);
    expect(critical.view.assessment.reasons.map((r: { code: string }) => r.code)).toContain('RC03');
  });

  it('retries a bureau that fails twice, then scores', async () => {
    const { id, view } = await submitAndWait(sandboxIdentity('transient_failure'));
    expect(view.status).not.toBe('FAILED');
    expect(view.assessment.score).toEqual(expect.any(Number));
    await withdraw(id);
  });

  it('moves the application to FAILED and alerts operations when the bureau stays down', async () => {
    const { id, view } = await submitAndWait(sandboxIdentity('unavailable'));
    expect(view.status).toBe('FAILED');
    // The alert follows the status change (the same step publishes it after the write).
    const alertsFor = async () => (await call(ctx.url, 'GET', '/_local/outbox')).json.filter((m: { subject: string }) => m.subject.includes(id));
    const alerts = await eventually(alertsFor, (list) => list.length > 0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].body).toContain('BureauUnavailableError');
    const staff = await call(ctx.url, 'GET', `/v1/applications/${id}`, { token: ops });
    expect(staff.json.timeline.map((t: { status: string }) => t.status)).toEqual(['SUBMITTED', 'ASSESSING', 'FAILED']);
  });
});

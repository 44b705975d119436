// The document checklist gate end to end on the local stack (PRODUCT.md §2.2, §3): a reviewed personal-consumer
// application without proof_of_income stays PENDING_REVIEW, awaiting documents, and no reviewer is asked; the upload
// resumes the pipeline, the reviewer is e-mailed that the checklist is complete, and the review and the payout follow.

import { uniqueIdentity, validApplication, REVIEW_SIZED_LOAN, disbursementAccount } from '../support/applications';
import { bootStack, call, eventually, uploadDocument, type E2eContext } from './support';

let ctx: E2eContext;
let admin: string;

beforeAll(async () => {
  ctx = await bootStack();
  admin = await ctx.token('root', ['admin']);
});

afterAll(async () => {
  await ctx?.close();
});

const view = (id: string, token: string) => call(ctx.url, 'GET', `/v1/applications/${id}`, { token });
const outbox = async (to: string) => (await call(ctx.url, 'GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).json as { body: string; at: string }[];

describe('documents required before review', () => {
  it('holds a reviewed application without proof_of_income until it is uploaded, then the reviewer is asked and told the checklist is complete; it is paid out after approval', async () => {
    const email = `doc.reviewer.${Date.now()}@lender.example`;
    expect((await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email, name: 'Dora', level: 1, language: 'en' } })).status).toBe(201);
    const token = await ctx.token('doc-applicant');
    const submitted = await call(ctx.url, 'POST', '/v1/applications', {
      token,
      body: validApplication({ ...REVIEW_SIZED_LOAN, ...disbursementAccount() }, uniqueIdentity()),
      headers: { 'Idempotency-Key': `documents-${Date.now()}` },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.json.applicationId as string;

    const waiting = await eventually(() => view(id, token), (r) => r.json?.awaiting === 'documents');
    expect(waiting.json).toMatchObject({ status: 'PENDING_REVIEW', awaiting: 'documents', documents: { missing: ['proof_of_income'], requiredBefore: 'review' } });
    expect(waiting.json.review).toMatchObject({ levelsRequired: 1, levelsDone: 0 });
    // The execution waits at the documents gate; no reviewer was asked.
    const executions = (await call(ctx.url, 'GET', '/_local/executions')).json.items as { name: string; currentState: string; waitingForTaskToken: boolean }[];
    expect(executions.find((e) => e.name === id)).toMatchObject({ currentState: 'AwaitReviewDocuments', waitingForTaskToken: true });
    expect((await outbox(email)).filter((m) => /\/v1\/reviews\//.test(m.body))).toEqual([]);
    const queue = await call(ctx.url, 'GET', '/v1/reviews', { token: admin });
    expect((queue.json?.items ?? []).map((r: { applicationId: string }) => r.applicationId)).not.toContain(id);

    await uploadDocument(ctx.url, token, id);
    const mails = await eventually(() => outbox(email), (list) => list.some((m) => /\/v1\/reviews\//.test(m.body)));
    const mail = mails.find((m) => /\/v1\/reviews\//.test(m.body))!;
    expect(mail.body).toContain('Documents: the checklist is complete (proof of income).');
    const resumed = await view(id, token);
    expect(resumed.json.awaiting).toBeUndefined();
    expect(resumed.json.documents.missing).toEqual([]);

    const link = /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(mail.body)![0];
    const decisionUrl = new URL(link);
    decisionUrl.pathname = `${decisionUrl.pathname}/decision`;
    const decided = await fetch(decisionUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ decision: 'APPROVE', comment: 'income verified' }) });
    expect(decided.status).toBe(200);
    const approved = await eventually(() => view(id, token), (r) => r.json?.status === 'APPROVED' && r.json?.offer?.contract);
    expect(approved.json.status).toBe('APPROVED');
    const accepted = await call(ctx.url, 'POST', `/v1/applications/${id}/contract/accept`, { token, body: { contractSha256: approved.json.offer.contract.sha256 } });
    expect(accepted.status).toBe(200);
    const disbursed = await eventually(() => view(id, token), (r) => r.json?.status === 'DISBURSED');
    expect(disbursed.json.status).toBe('DISBURSED');
    const audit = await call(ctx.url, 'GET', `/v1/applications/${id}/audit`, { token: admin });
    const actions = audit.json.events.map((e: { action: string }) => e.action) as string[];
    expect(actions.indexOf('documents.awaited')).toBeLessThan(actions.indexOf('documents.completed'));
    expect(actions.indexOf('documents.completed')).toBeLessThan(actions.indexOf('review.assigned'));
  });
});

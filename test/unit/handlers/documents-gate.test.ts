// The document checklist as a gate (PRODUCT.md §2.2, §3), through the handlers on the fakes: a reviewed application
// whose required documents are missing waits at the step its product names — before review (the default), before
// acceptance or before payout — until the upload that completes the checklist resumes it; the applicant is reminded
// once after 2 days, and the wait expires the application at its deadline. An automatic approval is never held.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createConclude } from '../../../functions/handlers/pipeline-conclude';
import { createHandler as createPrepare } from '../../../functions/handlers/pipeline-prepare-contract';
import { createHandler as createAccept } from '../../../functions/handlers/accept-contract';
import { createHandler as createRequestReview } from '../../../functions/handlers/pipeline-request-review';
import { createHandler as createDocuments } from '../../../functions/handlers/pipeline-documents';
import { createHandler as createUploadRequest } from '../../../functions/handlers/request-document-upload';
import { createHandler as createUploaded } from '../../../functions/handlers/document-uploaded';
import { createHandler as createQuery } from '../../../functions/handlers/query-applications';
import { createHandler as createProducts } from '../../../functions/handlers/products';
import { createHandler as createReviewSla } from '../../../functions/handlers/review-sla';
import { documentGateOf, documentsHolding } from '../../../functions/core/applications/document-checklist';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { disbursementAccount, productBody, REVIEW_SIZED_LOAN, validApplication } from '../../support/applications';
import { newToken } from '../../support/reviews';

type Deps = ReturnType<typeof fakeDeps>;
const DAY_MS = 24 * 3600 * 1000;

async function submitted(deps: Deps, overrides: Record<string, unknown>, language: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> {
  const body = validApplication({ ...overrides, ...disbursementAccount() });
  (body.applicant as Record<string, unknown>).preferredLanguage = language;
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `docs-${Math.random()}` }, body, sub: 'alice' }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(202);
  return parse(result).applicationId as string;
}

/** A personal-consumer application of 30,000 CNY, decided by the policy: one review level (PENDING_REVIEW). */
async function routedToReview(deps: Deps, language: 'zh-CN' | 'en' = 'zh-CN'): Promise<string> {
  deps.scorer.result = 700;
  const applicationId = await submitted(deps, REVIEW_SIZED_LOAN, language);
  await createResume(deps)({ applicationId });
  await createScore(deps)({ applicationId });
  expect(await createDecide(deps)({ applicationId })).toMatchObject({ outcome: 'REVIEW', status: 'PENDING_REVIEW' });
  return applicationId;
}

async function upload(deps: Deps, applicationId: string, kind = 'proof_of_income') {
  const requested = await createUploadRequest(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/documents', pathParameters: { applicationId }, sub: 'alice', body: { kind, contentType: 'application/pdf', sizeBytes: 1000 } }),
    lambdaContext,
  );
  expect(requested.statusCode).toBe(201);
  const { documentId } = parse(requested);
  deps.uploadedFiles.put(`applications/${applicationId}/${documentId}`, '%PDF-1.7\n% proof of income\n');
  await createUploaded(deps)({ 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name: 'documents' }, object: { key: `applications/${applicationId}/${documentId}`, size: 1000 } } } as never);
}

const view = async (deps: Deps, applicationId: string) =>
  parse(await createQuery(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}', pathParameters: { applicationId }, sub: 'alice' }), lambdaContext));

const accept = (deps: Deps, applicationId: string) =>
  createAccept(deps)(
    httpEvent({
      method: 'POST',
      routePath: '/v1/applications/{applicationId}/contract/accept',
      pathParameters: { applicationId },
      sub: 'alice',
      body: { contractSha256: deps.applications.applications.get(applicationId)!.offer!.contract!.sha256 },
    }),
    lambdaContext,
  );

function setGate(deps: Deps, gate: 'review' | 'acceptance' | 'payout') {
  deps.products.products.get('personal-consumer')!.documentsRequiredBefore = gate;
}

/** The last review level approved: APPROVED with the offer and its contract. */
async function approvedAfterReview(deps: Deps, applicationId: string) {
  await createConclude(deps)({ step: 'conclude', applicationId, outcome: 'APPROVED', review: { decision: 'APPROVE', comment: 'ok', reviewerId: 'R1', reviewId: 'REV1', level: 1 } });
  expect(deps.applications.applications.get(applicationId)!.status).toBe('APPROVED');
}

describe('the gate decision (core)', () => {
  const base = { requiredDocuments: ['proof_of_income' as const], documentsRequiredBefore: 'review' as const };
  const reviewed = { ...base, decision: { levelsRequired: 1 } as never };

  it('holds a reviewed application at its product’s step while a required document is missing, and only there', () => {
    expect(documentGateOf(reviewed)).toBe('review');
    expect(documentsHolding(reviewed, [], 'review')).toEqual(['proof_of_income']);
    expect(documentsHolding(reviewed, [], 'payout')).toEqual([]);
    expect(documentsHolding({ ...reviewed, documentsRequiredBefore: 'payout' }, [], 'payout')).toEqual(['proof_of_income']);
    const received = [{ documentId: 'D1', kind: 'proof_of_income' as const, contentType: 'application/pdf', sizeBytes: 1, status: 'RECEIVED' as const, createdAt: '2026-11-29T08:00:00.000Z' }];
    expect(documentsHolding(reviewed, received, 'review')).toEqual([]);
    // Uploaded but not yet arrived does not count.
    expect(documentsHolding(reviewed, [{ ...received[0]!, status: 'PENDING_UPLOAD' }], 'review')).toEqual(['proof_of_income']);
  });

  it('never holds an application decided without review, one not decided yet, or one with no required document', () => {
    expect(documentGateOf({ ...base, decision: { levelsRequired: 0 } as never })).toBeUndefined();
    expect(documentGateOf(base)).toBeUndefined();
    expect(documentGateOf({ ...reviewed, requiredDocuments: [] })).toBeUndefined();
    // Applications stored before the setting gate before review.
    expect(documentGateOf({ requiredDocuments: ['proof_of_income'], decision: { levelsRequired: 2 } as never })).toBe('review');
  });
});

describe('the product setting documentsRequiredBefore', () => {
  const post = (deps: Deps, body: unknown) => createProducts(deps)(httpEvent({ method: 'POST', routePath: '/v1/products', sub: 'root', roles: ['admin'], body }), lambdaContext);

  it('defaults to review, is stored and shown, and an unknown value is a 422 naming the field (nothing stored)', async () => {
    const deps = fakeDeps();
    const listed = parse(await createProducts(deps)(httpEvent({ method: 'GET', routePath: '/v1/products', sub: 'alice' }), lambdaContext));
    expect(listed.items.map((p: { documentsRequiredBefore: string }) => p.documentsRequiredBefore)).toEqual(['review', 'review', 'review']);

    const created = await post(deps, productBody({ documentChecklist: [{ kind: 'proof_of_income' }], documentsRequiredBefore: 'payout' }));
    expect(created.statusCode).toBe(201);
    expect(parse(created).documentsRequiredBefore).toBe('payout');
    expect(deps.products.products.get('green-energy')!.documentsRequiredBefore).toBe('payout');

    const bad = await post(deps, productBody({ productId: 'bad-gate', documentsRequiredBefore: 'disbursement' }));
    expect(bad.statusCode).toBe(422);
    expect(parse(bad).errors).toEqual([{ path: 'documentsRequiredBefore', message: 'must be one of review, acceptance, payout' }]);
    expect(deps.products.products.has('bad-gate')).toBe(false);
  });
});

describe('documents required before review (the default)', () => {
  it('keeps the application PENDING_REVIEW awaiting documents until the upload completes the checklist, then resumes the pipeline', async () => {
    const deps = fakeDeps();
    const applicationId = await routedToReview(deps);
    const taskToken = newToken();
    expect(await createDocuments(deps)({ step: 'await', gate: 'review', applicationId, taskToken })).toMatchObject({ outcome: 'waiting', missing: ['proof_of_income'] });
    expect(deps.workflow.answers).toEqual([]);

    const waiting = await view(deps, applicationId);
    expect(waiting).toMatchObject({ status: 'PENDING_REVIEW', awaiting: 'documents', documents: { missing: ['proof_of_income'], requiredBefore: 'review', dueBy: new Date(deps.clock.now().getTime() + 5 * DAY_MS).toISOString() } });

    await upload(deps, applicationId);
    expect(deps.workflow.answers).toEqual([{ taskToken, output: { complete: true } }]);
    const resumed = await view(deps, applicationId);
    expect(resumed.awaiting).toBeUndefined();
    expect(resumed.documents.missing).toEqual([]);
    const actions = deps.applications.audit.get(applicationId)!.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['documents.awaited', 'documents.completed']));
  });

  it('e-mails the reviewer, assigned once the documents are in, that the checklist is complete', async () => {
    const deps = fakeDeps();
    deps.reviewers.add({ reviewerId: 'R1', level: 1, name: 'Ada', email: 'ada@lender.test', language: 'en' });
    const applicationId = await routedToReview(deps);
    await createDocuments(deps)({ step: 'await', gate: 'review', applicationId, taskToken: newToken() });
    await upload(deps, applicationId);
    await createRequestReview(deps)({ applicationId, level: 1, taskToken: newToken() });
    const email = deps.notifier.sent.find((n) => n.topic === 'review' && n.to === 'ada@lender.test')!;
    expect(email.body).toContain('Documents: the checklist is complete (proof of income).');
  });

  it('answers at once when the documents are in already, and does not hold an automatic approval at all', async () => {
    const deps = fakeDeps();
    const applicationId = await routedToReview(deps);
    await upload(deps, applicationId);
    const taskToken = newToken();
    expect(await createDocuments(deps)({ step: 'await', gate: 'review', applicationId, taskToken })).toMatchObject({ outcome: 'complete' });
    expect(deps.workflow.answers).toEqual([{ taskToken, output: { complete: true } }]);

    deps.scorer.result = 750;
    const small = await submitted(deps, {});
    await createResume(deps)({ applicationId: small });
    await createScore(deps)({ applicationId: small });
    expect(await createDecide(deps)({ applicationId: small })).toMatchObject({ status: 'APPROVED' });
    expect((await view(deps, small)).awaiting).toBeUndefined();
    expect((await accept(deps, small)).statusCode).toBe(200);
  });

  it('routes a restarted execution of a reviewed application without reviews to the documents wait', async () => {
    const deps = fakeDeps();
    const applicationId = await routedToReview(deps);
    expect(await createResume(deps)({ applicationId })).toMatchObject({ status: 'PENDING_REVIEW', next: 'AwaitReviewDocuments', review: { level: 1, levelsRequired: 1 } });
  });

  it('reminds the applicant once after 2 days, in their language, and expires the application at the review SLA’s deadline', async () => {
    const deps = fakeDeps();
    const zh = await routedToReview(deps, 'zh-CN');
    const en = await routedToReview(deps, 'en');
    const tokens = { [zh]: newToken(), [en]: newToken() };
    for (const id of [zh, en]) await createDocuments(deps)({ step: 'await', gate: 'review', applicationId: id, taskToken: tokens[id]! });
    const sla = createReviewSla(deps);
    const reminders = () => deps.notifier.sent.filter((n) => n.attributes?.kind === 'documents_reminder');

    deps.clock.current = new Date(deps.clock.current.getTime() + DAY_MS);
    await sla();
    expect(reminders()).toEqual([]);

    deps.clock.current = new Date(deps.clock.current.getTime() + DAY_MS + 60_000);
    expect(await sla()).toMatchObject({ documentsReminded: 2 });
    await sla();
    expect(reminders().filter((n) => n.channel === 'sms')).toHaveLength(2);
    const zhSms = reminders().find((n) => n.attributes?.applicationId === zh && n.channel === 'sms')!;
    const enSms = reminders().find((n) => n.attributes?.applicationId === en && n.channel === 'sms')!;
    expect(zhSms.body).toContain('收入证明');
    expect(enSms.body).toContain('proof of income');

    deps.clock.current = new Date(deps.clock.current.getTime() + 3 * DAY_MS);
    expect(await sla()).toMatchObject({ documentsExpired: 2 });
    expect(deps.workflow.answers).toEqual(expect.arrayContaining([{ taskToken: tokens[zh], error: 'DocumentsExpired' }, { taskToken: tokens[en], error: 'DocumentsExpired' }]));
    const expired = await view(deps, en);
    expect(expired).toMatchObject({ status: 'EXPIRED', expiry: { reason: 'documents_not_received' } });
    expect(expired.awaiting).toBeUndefined();
    const told = deps.notifier.sent.filter((n) => n.attributes?.kind === 'documents_expired' && n.attributes?.applicationId === en && n.channel === 'sms');
    expect(told).toHaveLength(1);
    expect(told[0]!.body).toContain('proof of income');
    // The pipeline's check after the failed wait finds it ended.
    expect(await createDocuments(deps)({ step: 'check', gate: 'review', applicationId: en })).toEqual({ status: 'EXPIRED', next: 'End' });
  });

  it('after its backstop timeout, waits again while the deadline is ahead and goes on once the checklist is complete', async () => {
    const deps = fakeDeps();
    const applicationId = await routedToReview(deps);
    await createDocuments(deps)({ step: 'await', gate: 'review', applicationId, taskToken: newToken() });
    expect(await createDocuments(deps)({ step: 'check', gate: 'review', applicationId })).toEqual({ status: 'PENDING_REVIEW', next: 'Wait' });
    const since = deps.applications.applications.get(applicationId)!.documentsWait!.since;
    // Re-entered with a new token: the same wait (start and deadline kept), no second audit event.
    await createDocuments(deps)({ step: 'await', gate: 'review', applicationId, taskToken: newToken() });
    expect(deps.applications.applications.get(applicationId)!.documentsWait!.since).toBe(since);
    expect(deps.applications.audit.get(applicationId)!.filter((e) => e.action === 'documents.awaited')).toHaveLength(1);
    deps.workflow.goneTokens.add(deps.applications.applications.get(applicationId)!.documentsWait!.taskToken);
    await upload(deps, applicationId);
    expect(await createDocuments(deps)({ step: 'check', gate: 'review', applicationId })).toEqual({ status: 'PENDING_REVIEW', next: 'Continue' });
  });
});

describe('documents required before acceptance', () => {
  it('refuses the acceptance with 409 naming the missing documents until they are in', async () => {
    const deps = fakeDeps();
    setGate(deps, 'acceptance');
    const applicationId = await routedToReview(deps);
    await approvedAfterReview(deps, applicationId);
    await createPrepare(deps)({ applicationId, taskToken: newToken() });
    expect(await view(deps, applicationId)).toMatchObject({ status: 'APPROVED', awaiting: 'documents', documents: { missing: ['proof_of_income'], requiredBefore: 'acceptance' } });

    const refused = await accept(deps, applicationId);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers?.['content-type']).toBe('application/problem+json');
    expect(parse(refused).detail).toMatch(/proof_of_income/);
    expect(parse(refused).errors).toEqual([{ path: 'documents.missing', message: expect.stringContaining('proof_of_income') }]);
    expect(deps.applications.applications.get(applicationId)!.status).toBe('APPROVED');

    await upload(deps, applicationId);
    const accepted = await accept(deps, applicationId);
    expect(accepted.statusCode).toBe(200);
    expect(parse(accepted).status).toBe('ACCEPTED');
  });
});

describe('documents required before payout', () => {
  it('accepts the contract, then holds the payout until the upload completes the checklist', async () => {
    const deps = fakeDeps();
    setGate(deps, 'payout');
    const applicationId = await routedToReview(deps);
    await approvedAfterReview(deps, applicationId);
    await createPrepare(deps)({ applicationId, taskToken: newToken() });
    expect((await accept(deps, applicationId)).statusCode).toBe(200);
    expect(await createResume(deps)({ applicationId })).toMatchObject({ status: 'ACCEPTED', next: 'AwaitPayoutDocuments' });

    const taskToken = newToken();
    expect(await createDocuments(deps)({ step: 'await', gate: 'payout', applicationId, taskToken })).toMatchObject({ outcome: 'waiting' });
    expect(await view(deps, applicationId)).toMatchObject({ status: 'ACCEPTED', awaiting: 'documents', documents: { requiredBefore: 'payout' } });
    await upload(deps, applicationId);
    expect(deps.workflow.answers.at(-1)).toEqual({ taskToken, output: { complete: true } });
    expect((await view(deps, applicationId)).awaiting).toBeUndefined();
  });
});

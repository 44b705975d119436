// The intake slice end to end on the local stack, over HTTP only: what an applicant's app and staff see.

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/dynamodb';
import { productBody, uniqueIdentity, validApplication } from '../support/applications';
import { malformedCases } from '../support/malformed-bodies';
import { bootStack, call, eventually, type E2eContext } from './support';

let ctx: E2eContext;
let alice: string;
let bob: string;
let ops: string;
let admin: string;

beforeAll(async () => {
  ctx = await bootStack();
  [alice, bob, ops, admin] = await Promise.all([ctx.token('alice'), ctx.token('bob'), ctx.token('olga', ['ops']), ctx.token('root', ['admin'])]);
});

afterAll(async () => {
  await ctx?.close();
});

const submit = (token: string, body: unknown, key: string) =>
  call(ctx.url, 'POST', '/v1/applications', { token, body, headers: { 'Idempotency-Key': key } });

const view = (token: string, id: string) => call(ctx.url, 'GET', `/v1/applications/${id}`, { token });

async function scanTable() {
  const doc = createDocumentClient({ endpoint: ctx.stack.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: ctx.stack.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  doc.destroy();
  return items;
}

describe('local stack', () => {
  it('reports healthy', async () => {
    const health = await call(ctx.url, 'GET', '/_local/health');
    expect(health.status).toBe(200);
  });

  it('refuses API calls without a valid token, as the Cognito authorizer does', async () => {
    expect((await call(ctx.url, 'GET', '/v1/applications')).status).toBe(401);
    expect((await call(ctx.url, 'GET', '/v1/applications', { token: `${alice}x` })).status).toBe(401);
  });

  it('serves the OpenAPI document without login', async () => {
    const openapi = await call(ctx.url, 'GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.json.paths['/v1/applications'].post.requestBody).toBeDefined();
  });
});

describe('an applicant submits and follows an application', () => {
  const body = validApplication();
  let applicationId: string;

  it('submits: 202 with the id and links', async () => {
    const response = await submit(alice, body, 'alice-first-0001');
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ status: 'SUBMITTED', links: { self: expect.stringMatching(/^\/v1\/applications\//) } });
    applicationId = response.json.applicationId;
  });

  it('is assessed and, small and strong, approved by the state machine', async () => {
    const read = await eventually(() => view(alice, applicationId), (r) => r.json?.status === 'APPROVED');
    expect(read.status).toBe(200);
    expect(read.json.status).toBe('APPROVED');
    expect(read.json.timeline.map((t: { status: string; by: string }) => `${t.status}/${t.by}`)).toEqual([
      'SUBMITTED/applicant',
      'ASSESSING/pipeline',
      'APPROVED/policy',
    ]);
  });

  it('replays the first response for a retried request and creates nothing new', async () => {
    const replay = await submit(alice, body, 'alice-first-0001');
    expect(replay.status).toBe(202);
    expect(replay.json.applicationId).toBe(applicationId);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const list = await call(ctx.url, 'GET', '/v1/applications', { token: alice });
    expect(list.json.items.map((a: { applicationId: string }) => a.applicationId)).toEqual([applicationId]);
  });

  it('refuses the same key with a different body', async () => {
    const other = await submit(alice, { ...body, channel: 'web' }, 'alice-first-0001');
    expect(other.status).toBe(422);
    expect(other.json.errors[0].path).toBe('Idempotency-Key');
  });

  it('refuses a second open application for the same person with 409', async () => {
    const again = await submit(alice, { ...body, channel: 'web' }, 'alice-second-0001');
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('hides the application from another applicant (404), lets staff see it', async () => {
    expect((await view(bob, applicationId)).status).toBe(404);
    expect((await call(ctx.url, 'POST', `/v1/applications/${applicationId}/withdraw`, { token: bob })).status).toBe(404);
    const bobsList = await call(ctx.url, 'GET', '/v1/applications', { token: bob });
    expect(bobsList.json.items).toEqual([]);
    expect((await view(ops, applicationId)).status).toBe(200);
    const staffList = await call(ctx.url, 'GET', '/v1/applications?status=APPROVED', { token: ops });
    expect(staffList.json.items.map((a: { applicationId: string }) => a.applicationId)).toContain(applicationId);
  });

  it('uploads a document through the signed URL and shows it received', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% proof of income\n');
    const requested = await call(ctx.url, 'POST', `/v1/applications/${applicationId}/documents`, {
      token: alice,
      body: { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: pdf.length },
    });
    expect(requested.status).toBe(201);
    // Whatever signs the URL (S3's pre-signing in the deployed form, the local HMAC from source), a changed signature is refused.
    const tampered = await fetch(requested.json.uploadUrl.replace(/(X-Amz-Signature|sig)=[0-9a-f]+/, '$1=00'), { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf });
    expect(tampered.status).toBe(403);
    const upload = await fetch(requested.json.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf });
    expect(upload.status).toBe(200);
    const read = await eventually(() => view(alice, applicationId), (r) => r.json.documents.received.length > 0);
    expect(read.json.documents).toMatchObject({ required: ['proof_of_income'], received: ['proof_of_income'], missing: [] });
  });

  it('rejects an HTML file uploaded as a PDF (the bytes are checked), keeps it missing, and takes a real PDF through a new URL', async () => {
    const submitted = await submit(bob, validApplication({}, uniqueIdentity()), `bob-documents-${Date.now()}`);
    expect(submitted.status).toBe(202);
    const id = submitted.json.applicationId as string;
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const requested = await call(ctx.url, 'POST', `/v1/applications/${id}/documents`, {
      token: bob,
      body: { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: html.length },
    });
    expect(requested.status).toBe(201);
    expect((await fetch(requested.json.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: html })).status).toBe(200);
    const rejected = await eventually(() => view(bob, id), (r) => r.json.documents.items.some((d: { status: string }) => d.status !== 'PENDING_UPLOAD'));
    expect(rejected.json.documents).toMatchObject({ received: [], missing: ['proof_of_income'] });
    expect(rejected.json.documents.items).toEqual([
      expect.objectContaining({ documentId: requested.json.documentId, status: 'REJECTED', rejectionReason: 'file_signature_mismatch' }),
    ]);
    const audit = await call(ctx.url, 'GET', `/v1/applications/${id}/audit`, { token: ops });
    expect(audit.json.events.map((e: { action: string }) => e.action)).toContain('document.rejected');

    const pdf = Buffer.from('%PDF-1.7\n% the real proof of income\n');
    const again = await call(ctx.url, 'POST', `/v1/applications/${id}/documents`, {
      token: bob,
      body: { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: pdf.length },
    });
    expect(again.status).toBe(201);
    expect((await fetch(again.json.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf })).status).toBe(200);
    const received = await eventually(() => view(bob, id), (r) => r.json.documents.received.length > 0);
    expect(received.json.documents).toMatchObject({ received: ['proof_of_income'], missing: [] });
    expect(received.json.documents.items.map((d: { status: string }) => d.status).sort()).toEqual(['RECEIVED', 'REJECTED']);
    expect((await call(ctx.url, 'POST', `/v1/applications/${id}/withdraw`, { token: bob })).status).toBe(200);
  });

  it('withdraws once, and the person may then apply again', async () => {
    const withdrawn = await call(ctx.url, 'POST', `/v1/applications/${applicationId}/withdraw`, { token: alice });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.json.status).toBe('WITHDRAWN');
    const again = await call(ctx.url, 'POST', `/v1/applications/${applicationId}/withdraw`, { token: alice });
    expect(again.status).toBe(200);
    expect(again.json.timeline.filter((t: { status: string }) => t.status === 'WITHDRAWN')).toHaveLength(1);
    const next = await submit(alice, { ...body, channel: 'web' }, 'alice-after-withdraw-1');
    expect(next.status).toBe(202);
  });

  it('never stores the national ID, name, phone or email in clear', async () => {
    const dump = JSON.stringify(await scanTable());
    for (const secret of [body.applicant.nationalId, 'Li Wei', '+8613800138000', 'li.wei@example.com']) expect(dump).not.toContain(secret);
  });
});

describe('products', () => {
  it('are seeded on first start and readable by applicants', async () => {
    const products = await call(ctx.url, 'GET', '/v1/products', { token: bob });
    expect(products.json.items.map((p: { productId: string }) => p.productId)).toEqual(['agricultural', 'micro-business', 'personal-consumer']);
  });

  it('are created by admins only', async () => {
    const product = productBody({
      productId: 'solar-pump',
      name: 'Solar pump loan',
      customerType: 'farmer',
      minAmount: { amount: '3000.00', currency: 'CNY' },
      maxAmount: { amount: '30000.00', currency: 'CNY' },
      maxTermMonths: 18,
      method: 'flat',
    });
    expect((await call(ctx.url, 'POST', '/v1/products', { token: ops, body: product })).status).toBe(403);
    expect((await call(ctx.url, 'POST', '/v1/products', { token: admin, body: product })).status).toBe(201);
    const farmer = validApplication({ productId: 'solar-pump', customerType: 'farmer', loan: { amount: { amount: '2000.00', currency: 'CNY' }, termMonths: 12, purpose: 'agriculture' } });
    const tooSmall = await submit(bob, farmer, 'bob-solar-pump-1');
    expect(tooSmall.status).toBe(422);
    expect(tooSmall.json.errors).toEqual([{ path: 'loan.amount.amount', message: 'must be within 3000.00–30000.00 CNY for product solar-pump' }]);
  });
});

/** Everything stored for bob: his applications, customer record and idempotency records. */
async function bobsItems() {
  return (await scanTable()).filter((item) => item.ownerId === 'bob' || item.customerId === 'bob' || String(item.PK).startsWith('IDEMP#bob#'));
}

describe('bad input never causes a 5xx and never stores anything', () => {
  it.each(malformedCases())('$name → $status naming "$path"', async (testCase) => {
    const before = (await bobsItems()).length;
    const response = await call(ctx.url, 'POST', '/v1/applications', {
      token: bob,
      headers: { 'Idempotency-Key': `bob-bad-${Math.random().toString(36).slice(2)}`, ...(testCase.contentType ? { 'content-type': testCase.contentType } : {}) },
      ...(testCase.raw !== undefined ? { raw: testCase.raw } : { body: testCase.body }),
    });
    expect(response.status).toBe(testCase.status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json.errors.map((e: { path: string }) => e.path)).toContain(testCase.path);
    expect((await bobsItems()).length).toBe(before);
  });

  it('a body of 30 problems reports all of them in one answer', async () => {
    const body = JSON.parse(JSON.stringify(validApplication({}, uniqueIdentity())));
    body.applicant = { fullName: '', nationalId: 'x', dateOfBirth: 'x', phone: 'x', email: 'x', preferredLanguage: 'x', address: {} };
    body.household = {};
    body.employment = {};
    body.finances = {};
    body.loan = {};
    body.consents = {};
    const response = await submit(bob, body, 'bob-many-problems-1');
    expect(response.status).toBe(422);
    expect(response.json.errors.length).toBeGreaterThanOrEqual(25);
  });
});

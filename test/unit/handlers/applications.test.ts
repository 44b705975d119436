import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createQuery } from '../../../functions/handlers/query-applications';
import { createHandler as createWithdraw } from '../../../functions/handlers/withdraw-application';
import { createHandler as createDocuments } from '../../../functions/handlers/request-document-upload';
import { createHandler as createUploaded } from '../../../functions/handlers/document-uploaded';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createRecordFailure } from '../../../functions/handlers/pipeline-record-failure';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication, withValue } from '../../support/applications';

type Deps = ReturnType<typeof fakeDeps>;

async function submitAs(deps: Deps, sub: string, body: Record<string, unknown> = validApplication()) {
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `k-${Math.random()}`.padEnd(12, '0') }, body, sub }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(202);
  return parse(result).applicationId as string;
}

const get = (deps: Deps, sub: string, applicationId: string, roles: string[] = []) =>
  createQuery(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}', pathParameters: { applicationId }, sub, roles }), lambdaContext);

const list = (deps: Deps, sub: string, query: Record<string, string> = {}, roles: string[] = []) =>
  createQuery(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications', query, sub, roles }), lambdaContext);

const withdraw = (deps: Deps, sub: string, applicationId: string) =>
  createWithdraw(deps)(httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/withdraw', pathParameters: { applicationId }, sub }), lambdaContext);

const requestUpload = (deps: Deps, sub: string, applicationId: string, body: unknown) =>
  createDocuments(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/documents', pathParameters: { applicationId }, sub, body }),
    lambdaContext,
  );

function objectCreated(key: string) {
  return { 'detail-type': 'Object Created', source: 'aws.s3', detail: { bucket: { name: 'documents' }, object: { key, size: 100 } } } as never;
}

describe('GET /v1/applications/{id}', () => {
  it('shows the owner the application view of API.md', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const result = await get(deps, 'alice', id);
    expect(result.statusCode).toBe(200);
    expect(parse(result)).toMatchObject({
      applicationId: id,
      status: 'SUBMITTED',
      productId: 'personal-consumer',
      loan: { amount: { amount: '8000.00', currency: 'CNY' }, termMonths: 12, purpose: 'electronics' },
      documents: { required: ['proof_of_income'], received: [] },
      timeline: [{ status: 'SUBMITTED', by: 'applicant', at: '2026-11-29T08:00:00.000Z' }],
    });
  });

  it('answers 404 to another applicant, the same as for an id that does not exist', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const other = await get(deps, 'bob', id);
    const missing = await get(deps, 'bob', '01NOSUCHAPPLICATION0000000');
    expect(other.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(parse(other).title).toBe(parse(missing).title);
  });

  it('lets staff read any application', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    expect((await get(deps, 'olga', id, ['ops'])).statusCode).toBe(200);
  });
});

describe('GET /v1/applications', () => {
  it('lists only the caller\'s own applications, newest first, with a cursor', async () => {
    const deps = fakeDeps();
    const first = await submitAs(deps, 'alice');
    deps.clock.current = new Date('2026-11-29T09:00:00Z');
    const second = await submitAs(deps, 'alice');
    await submitAs(deps, 'bob');
    const page1 = parse(await list(deps, 'alice', { limit: '1' }));
    expect(page1.items.map((a: { applicationId: string }) => a.applicationId)).toEqual([second]);
    const page2 = parse(await list(deps, 'alice', { limit: '1', cursor: page1.nextCursor }));
    expect(page2.items.map((a: { applicationId: string }) => a.applicationId)).toEqual([first]);
    expect(page2.nextCursor).toBeNull();
  });

  it('lets staff list everything and filter by status', async () => {
    const deps = fakeDeps();
    const a = await submitAs(deps, 'alice');
    await submitAs(deps, 'bob');
    await withdraw(deps, 'alice', a);
    const all = parse(await list(deps, 'olga', {}, ['ops']));
    expect(all.items).toHaveLength(2);
    const withdrawn = parse(await list(deps, 'olga', { status: 'WITHDRAWN' }, ['ops']));
    expect(withdrawn.items.map((x: { applicationId: string }) => x.applicationId)).toEqual([a]);
  });

  it('refuses an unknown status and a bad limit with the parameter named', async () => {
    const deps = fakeDeps();
    const badStatus = await list(deps, 'alice', { status: 'PAID' });
    expect(badStatus.statusCode).toBe(400);
    expect(parse(badStatus).errors[0].path).toBe('status');
    const badLimit = await list(deps, 'alice', { limit: '1000' });
    expect(badLimit.statusCode).toBe(400);
    expect(parse(badLimit).errors[0].path).toBe('limit');
  });
});

describe('POST /v1/applications/{id}/withdraw', () => {
  it('withdraws, stops the pipeline, frees the person to apply again, and is harmless when repeated', async () => {
    const deps = fakeDeps();
    const body = validApplication();
    const id = await submitAs(deps, 'alice', body);
    const first = await withdraw(deps, 'alice', id);
    expect(first.statusCode).toBe(200);
    expect(parse(first).status).toBe('WITHDRAWN');
    expect(deps.workflow.stopped).toEqual([id]);
    const again = await withdraw(deps, 'alice', id);
    expect(again.statusCode).toBe(200);
    expect(parse(again).timeline.filter((t: { status: string }) => t.status === 'WITHDRAWN')).toHaveLength(1);
    await submitAs(deps, 'alice', { ...body, channel: 'web' });
  });

  it('withdraws during a burst of pipeline writes (each read goes stale once) instead of answering 409', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    // The pipeline writes the application right after each of the withdrawal's first five reads.
    const read = deps.applications.get.bind(deps.applications);
    let bursts = 5;
    deps.applications.get = async (applicationId: string) => {
      const application = await read(applicationId);
      if (application && bursts-- > 0) await deps.applications.annotate({ application, at: '2026-11-29T08:00:00.000Z', audit: [{ actor: 'pipeline', action: 'test.write', details: {} }] });
      return application;
    };
    const withdrawn = await withdraw(deps, 'alice', id);
    expect(withdrawn.statusCode).toBe(200);
    expect(parse(withdrawn).status).toBe('WITHDRAWN');
  });

  it('refuses another applicant with 404 and a finished application with 409', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    expect((await withdraw(deps, 'bob', id)).statusCode).toBe(404);
    await createRecordFailure(deps)({ applicationId: id, error: { Error: 'Boom' } });
    const late = await withdraw(deps, 'alice', id);
    expect(late.statusCode).toBe(409);
    expect(parse(late).detail).toMatch(/FAILED can no longer be withdrawn/);
  });
});

describe('documents', () => {
  it('issues an upload URL for a declared file and counts it received when the upload arrives', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const result = await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 120_000 });
    expect(result.statusCode).toBe(201);
    const upload = parse(result);
    expect(upload).toMatchObject({ kind: 'proof_of_income', uploadUrl: expect.stringContaining(`applications/${id}/`), expiresAt: '2026-11-29T08:15:00.000Z' });
    deps.uploadedFiles.put(`applications/${id}/${upload.documentId}`, '%PDF-1.7\n% proof of income\n');
    const uploaded = createUploaded(deps);
    const event = objectCreated(`applications/${id}/${upload.documentId}`);
    await uploaded(event);
    await uploaded(event);
    const view = parse(await get(deps, 'alice', id));
    expect(view.documents).toMatchObject({ required: ['proof_of_income'], received: ['proof_of_income'], missing: [] });
    expect(view.documents.items).toMatchObject([{ documentId: upload.documentId, status: 'RECEIVED', receivedAt: '2026-11-29T08:00:00.000Z' }]);
    // Only the first bytes are read, never the whole file; nothing is deleted.
    expect(deps.uploadedFiles.reads.every((read) => read.bytes === 16)).toBe(true);
    expect(deps.uploadedFiles.removed).toEqual([]);
  });

  it.each([
    ['an HTML page declared as a PDF', 'application/pdf', '<!DOCTYPE html><html><body>not a pdf</body></html>'],
    ['a PNG declared as a JPEG', 'image/jpeg', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['a PDF declared as a PNG', 'image/png', '%PDF-1.4\n'],
    ['an empty-looking file', 'application/pdf', '%PD'],
  ])('rejects %s: REJECTED (file_signature_mismatch), still missing, the object deleted, audited; a repeated event changes nothing', async (_name, contentType, content) => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const upload = parse(await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType, sizeBytes: 100 }));
    const objectKey = `applications/${id}/${upload.documentId}`;
    deps.uploadedFiles.put(objectKey, content);
    const uploaded = createUploaded(deps);
    await uploaded(objectCreated(objectKey));
    await uploaded(objectCreated(objectKey));

    const view = parse(await get(deps, 'alice', id));
    expect(view.documents).toMatchObject({ required: ['proof_of_income'], received: [], missing: ['proof_of_income'] });
    expect(view.documents.items).toEqual([
      expect.objectContaining({ documentId: upload.documentId, status: 'REJECTED', rejectionReason: 'file_signature_mismatch', rejectedAt: '2026-11-29T08:00:00.000Z' }),
    ]);
    expect(view.documents.items[0].receivedAt).toBeUndefined();
    expect(deps.uploadedFiles.files.has(objectKey)).toBe(false);
    const rejections = (await deps.applications.listAudit(id)).filter((event) => event.action === 'document.rejected');
    expect(rejections).toHaveLength(1);
    expect(rejections[0]!.details).toMatchObject({ documentId: upload.documentId, kind: 'proof_of_income', declaredContentType: contentType, reason: 'file_signature_mismatch' });
  });

  it('lets the applicant upload a rejected document again through a new URL, and then counts it received', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const uploaded = createUploaded(deps);
    const first = parse(await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 100 }));
    deps.uploadedFiles.put(`applications/${id}/${first.documentId}`, '<html>oops</html>');
    await uploaded(objectCreated(`applications/${id}/${first.documentId}`));

    const again = await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 100 });
    expect(again.statusCode).toBe(201);
    const second = parse(again);
    expect(second.documentId).not.toBe(first.documentId);
    deps.uploadedFiles.put(`applications/${id}/${second.documentId}`, '%PDF-1.7\nthe real one');
    await uploaded(objectCreated(`applications/${id}/${second.documentId}`));
    const view = parse(await get(deps, 'alice', id));
    expect(view.documents).toMatchObject({ received: ['proof_of_income'], missing: [] });
    expect(view.documents.items.map((d: { status: string }) => d.status)).toEqual(['REJECTED', 'RECEIVED']);
  });

  it('rejects a received document whose object is replaced by a file of another type (the signed URL used again)', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const uploaded = createUploaded(deps);
    const upload = parse(await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'image/png', sizeBytes: 100 }));
    const objectKey = `applications/${id}/${upload.documentId}`;
    deps.uploadedFiles.put(objectKey, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
    await uploaded(objectCreated(objectKey));
    expect(parse(await get(deps, 'alice', id)).documents.received).toEqual(['proof_of_income']);
    deps.uploadedFiles.put(objectKey, '<script>alert(1)</script>');
    await uploaded(objectCreated(objectKey));
    const view = parse(await get(deps, 'alice', id));
    expect(view.documents).toMatchObject({ received: [], missing: ['proof_of_income'] });
    expect(view.documents.items[0]).toMatchObject({ status: 'REJECTED', rejectionReason: 'file_signature_mismatch' });
    expect(deps.uploadedFiles.files.has(objectKey)).toBe(false);
  });

  it('leaves a document pending when its object is not there (a late event for a deleted object)', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const upload = parse(await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 100 }));
    await createUploaded(deps)(objectCreated(`applications/${id}/${upload.documentId}`));
    expect(parse(await get(deps, 'alice', id)).documents.items[0]).toMatchObject({ status: 'PENDING_UPLOAD' });
  });

  it('refuses other types, oversize files and other people\'s applications', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const exe = await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'application/x-msdownload', sizeBytes: 10 });
    expect(exe.statusCode).toBe(422);
    expect(parse(exe).errors[0].path).toBe('contentType');
    const huge = await requestUpload(deps, 'alice', id, { kind: 'proof_of_income', contentType: 'image/png', sizeBytes: 10 * 1024 * 1024 + 1 });
    expect(parse(huge).errors[0]).toEqual({ path: 'sizeBytes', message: 'must be at most 10 MB (10485760 bytes)' });
    expect((await requestUpload(deps, 'bob', id, { kind: 'proof_of_income', contentType: 'image/png', sizeBytes: 10 })).statusCode).toBe(404);
    expect(deps.applications.documents.size).toBe(0);
  });
});

describe('pipeline tasks', () => {
  it('moves SUBMITTED to ASSESSING once, however often the task runs', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    const task = createResume(deps);
    expect(await task({ applicationId: id })).toEqual({ status: 'ASSESSING', next: 'Score', review: null, reviewResult: null });
    expect(await task({ applicationId: id })).toEqual({ status: 'ASSESSING', next: 'Score', review: null, reviewResult: null });
    const view = parse(await get(deps, 'alice', id));
    expect(view.timeline.map((t: { status: string }) => t.status)).toEqual(['SUBMITTED', 'ASSESSING']);
  });

  it('leaves a withdrawn application alone', async () => {
    const deps = fakeDeps();
    const id = await submitAs(deps, 'alice');
    await withdraw(deps, 'alice', id);
    expect(await createResume(deps)({ applicationId: id })).toEqual({ status: 'WITHDRAWN', next: 'End', review: null, reviewResult: null });
  });

  it('records a failure as FAILED and alerts operations once, without personal data', async () => {
    const deps = fakeDeps();
    const body = withValue(validApplication(), 'applicant.fullName', 'Zhang San');
    const id = await submitAs(deps, 'alice', body);
    const task = createRecordFailure(deps);
    expect(await task({ applicationId: id, executionName: id, error: { Error: 'Lambda.Unknown', Cause: 'x' } })).toEqual({ status: 'FAILED' });
    expect(await task({ applicationId: id, executionName: id, error: { Error: 'Lambda.Unknown' } })).toEqual({ status: 'FAILED' });
    expect(deps.notifier.sent).toHaveLength(1);
    expect(deps.notifier.sent[0]).toMatchObject({ topic: 'ops', subject: expect.stringContaining(id) });
    expect(JSON.stringify(deps.notifier.sent)).not.toContain('Zhang San');
  });
});

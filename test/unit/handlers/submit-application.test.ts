import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';
import { malformedCases } from '../../support/malformed-bodies';

function submit(deps: ReturnType<typeof fakeDeps>, body: unknown, options: { key?: string | null; sub?: string; contentType?: string; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (options.key !== null) headers['Idempotency-Key'] = options.key ?? `key-${Math.random().toString(36).slice(2)}`;
  const handler = createSubmit(deps);
  return handler(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers, sub: options.sub ?? 'alice', ...(options.raw !== undefined ? { rawBody: options.raw } : { body }) }),
    lambdaContext,
  );
}

describe('POST /v1/applications', () => {
  it('accepts a valid application with 202, stores it SUBMITTED and starts one pipeline execution named by its id', async () => {
    const deps = fakeDeps();
    const result = await submit(deps, validApplication());
    expect(result.statusCode).toBe(202);
    const body = parse(result);
    expect(body).toMatchObject({ status: 'SUBMITTED', links: { self: `/v1/applications/${body.applicationId}` } });
    expect(result.headers?.location).toBe(`/v1/applications/${body.applicationId}`);
    const stored = deps.applications.applications.get(body.applicationId)!;
    expect(stored).toMatchObject({ ownerId: 'alice', status: 'SUBMITTED', amountMinor: 800_000, currency: 'CNY', termMonths: 12 });
    expect(deps.workflow.started).toEqual([body.applicationId]);
  });

  it('keeps PII out of the clear: the national ID only as a keyed hash, identity sealed', async () => {
    const deps = fakeDeps();
    const application = validApplication();
    const body = parse(await submit(deps, application));
    const stored = deps.applications.applications.get(body.applicationId)!;
    const serialized = JSON.stringify(stored);
    expect(serialized).not.toContain(application.applicant.nationalId);
    expect(serialized).not.toContain('Li Wei');
    expect(serialized).not.toContain('+8613800138000');
    expect(serialized).not.toContain('li.wei@example.com');
    expect(stored.nationalIdHash).toBe(await deps.pii.keyedHash(`CN:${application.applicant.nationalId}`));
    expect(await deps.pii.open<{ applicant: { fullName: string } }>(stored.sealedApplicant)).toMatchObject({ applicant: { fullName: 'Li Wei' } });
    const customer = deps.applications.customers.get('alice')!;
    expect(JSON.stringify(customer)).not.toContain(application.applicant.nationalId);
    expect(await deps.pii.open(customer.sealedIdentity)).toMatchObject({ phone: '+8613800138000', email: 'li.wei@example.com' });
  });

  it('replays the first response for the same key and body, without storing or starting anything again', async () => {
    const deps = fakeDeps();
    const application = validApplication();
    const first = await submit(deps, application, { key: 'retry-key-0001' });
    const second = await submit(deps, application, { key: 'retry-key-0001' });
    expect(second.statusCode).toBe(202);
    expect(second.body).toBe(first.body);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(deps.applications.applications.size).toBe(1);
    expect(deps.workflow.started).toHaveLength(1);
  });

  it('restarts the pipeline on replay when the first attempt stored the application but could not start it', async () => {
    const deps = fakeDeps();
    deps.workflow.failNextStart = true;
    const application = validApplication();
    const first = await submit(deps, application, { key: 'retry-key-0002' });
    expect(first.statusCode).toBe(503);
    expect(first.headers?.['retry-after']).toBe('1');
    expect(parse(first).detail).toMatch(/retry with the same Idempotency-Key/);
    const second = await submit(deps, application, { key: 'retry-key-0002' });
    expect(second.statusCode).toBe(202);
    expect(deps.workflow.started).toEqual([parse(second).applicationId]);
    expect(deps.applications.applications.size).toBe(1);
  });

  it('refuses the same key with another body (422) and changes nothing', async () => {
    const deps = fakeDeps();
    await submit(deps, validApplication(), { key: 'retry-key-0003' });
    const other = await submit(deps, validApplication(), { key: 'retry-key-0003' });
    expect(other.statusCode).toBe(422);
    expect(parse(other).errors[0].path).toBe('Idempotency-Key');
    expect(deps.applications.applications.size).toBe(1);
  });

  it('answers a write that outlives the function 503 with Retry-After; the retry with the same key replays the stored result', async () => {
    const deps = fakeDeps();
    const create = deps.applications.create.bind(deps.applications);
    let writeDone!: Promise<void>;
    let unstall!: () => void;
    // The first write stalls (DynamoDB slow) past the function's time, then succeeds.
    deps.applications.create = (input) => {
      deps.applications.create = create;
      writeDone = new Promise<void>((resolve) => (unstall = resolve)).then(() => create(input));
      return writeDone;
    };
    const application = validApplication();
    const headers = { 'content-type': 'application/json', 'Idempotency-Key': 'timeout-key-0001' };
    const event = () => httpEvent({ method: 'POST', routePath: '/v1/applications', headers, sub: 'alice', body: application });
    const first = await createSubmit(deps)(event(), { ...lambdaContext, getRemainingTimeInMillis: () => 600 });
    expect(first.statusCode).toBe(503);
    expect(first.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '1' });
    expect(parse(first).detail).toMatch(/retry it \(with the same Idempotency-Key/);

    unstall();
    await writeDone;
    const retry = await createSubmit(deps)(event(), lambdaContext);
    expect(retry.statusCode).toBe(202);
    expect(retry.headers?.['idempotent-replayed']).toBe('true');
    expect(deps.applications.applications.size).toBe(1);
    expect(parse(retry).applicationId).toBe([...deps.applications.applications.keys()][0]);
  });

  it('answers a retry with the same key while the first write is still in progress 409 with Retry-After, never as a new request', async () => {
    const deps = fakeDeps();
    let unstall!: () => void;
    deps.applications.stallCreates = new Promise<void>((resolve) => (unstall = resolve));
    const application = validApplication();
    const pending = submit(deps, application, { key: 'in-progress-key-1' });
    await new Promise((resolve) => setImmediate(resolve));
    const retry = await submit(deps, application, { key: 'in-progress-key-1' });
    expect(retry.statusCode).toBe(409);
    expect(retry.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '1' });
    expect(parse(retry)).toMatchObject({ title: 'Idempotency key in use', errors: [{ path: 'Idempotency-Key' }] });
    expect(parse(retry).detail).toMatch(/a request with this Idempotency-Key is in progress/);

    deps.applications.stallCreates = undefined;
    unstall();
    const first = await pending;
    expect(first.statusCode).toBe(202);
    const later = await submit(deps, application, { key: 'in-progress-key-1' });
    expect(later.statusCode).toBe(202);
    expect(later.headers?.['idempotent-replayed']).toBe('true');
    expect(later.body).toBe(first.body);
    expect(deps.applications.applications.size).toBe(1);
  });

  it('requires an Idempotency-Key', async () => {
    const deps = fakeDeps();
    const result = await submit(deps, validApplication(), { key: null });
    expect(result.statusCode).toBe(400);
    expect(parse(result).errors).toEqual([{ path: 'Idempotency-Key', message: 'is required' }]);
    expect(deps.applications.applications.size).toBe(0);
  });

  it('refuses a second open application for the same national ID with 409, even from another account', async () => {
    const deps = fakeDeps();
    const application = validApplication();
    expect((await submit(deps, application, { sub: 'alice' })).statusCode).toBe(202);
    const again = await submit(deps, { ...application, channel: 'web' }, { sub: 'mallory' });
    expect(again.statusCode).toBe(409);
    expect(parse(again).detail).toMatch(/open application already exists/);
    expect(deps.applications.applications.size).toBe(1);
  });

  it('needs a signed-in user', async () => {
    const deps = fakeDeps();
    const result = await submit(deps, validApplication(), { sub: '' });
    expect(result.statusCode).toBe(401);
  });

  describe.each(malformedCases())('malformed: $name', (testCase) => {
    it(`answers ${testCase.status} naming ${testCase.path || 'the body'} and stores nothing`, async () => {
      const deps = fakeDeps();
      const result = await submit(deps, testCase.body, {
        ...(testCase.raw !== undefined ? { raw: testCase.raw } : {}),
        ...(testCase.contentType ? { contentType: testCase.contentType } : {}),
      });
      expect(result.statusCode).toBe(testCase.status);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      const problem = parse(result);
      expect(problem).toMatchObject({ status: testCase.status, title: expect.any(String), detail: expect.any(String) });
      expect(problem.errors.map((e: { path: string }) => e.path)).toContain(testCase.path);
      expect(deps.applications.applications.size).toBe(0);
      expect(deps.workflow.started).toHaveLength(0);
    });
  });
});

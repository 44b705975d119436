import { inspect } from 'node:util';
import { createHttpBureau, mapWireReport, retryAfterMs, type HttpBureauEvent, type HttpBureauOptions } from '../../../functions/adapters/bureau/http-bureau';
import {
  BureauRequestRejectedError,
  BureauResponseError,
  BureauUnavailableError,
  bureauReportSchema,
  type BureauRequest,
} from '../../../functions/core/assessment/bureau';
import { FixedClock } from '../../support/fakes';
import { nationalIdFor } from '../../support/applications';
import { startFakeBureau, wireReport, type FakeBureau } from './fake-bureau-server';

const request: BureauRequest = {
  nationalId: nationalIdFor('1990-03-07', 457, '330106'),
  fullName: 'Ouyang Xiaoming',
  dateOfBirth: '1990-03-07',
  applicationId: '01JDQ8Z3M4V7N2K5P9R1S6T0XA',
};
const PII = [request.nationalId, request.fullName, request.dateOfBirth, request.dateOfBirth.replaceAll('-', '')];

/** The request's identity data echoed back, as a careless bureau (or a proxy's error page) might. */
const echoingPii = (r: { body: Record<string, unknown> }) => `upstream failed for ${String(r.body.nationalId)} ${String(r.body.fullName)} ${String(r.body.dateOfBirth)}`;

function expectNoPii(error: unknown) {
  const rendered = [String(error), inspect(error, { depth: 10 }), JSON.stringify(error)].join('\n');
  for (const value of PII) expect(rendered).not.toContain(value);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expectNoPii(error);
    return error as Error;
  }
  throw new Error('expected the pull to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HTTP credit bureau adapter', () => {
  let fake: FakeBureau;
  const clock = new FixedClock(new Date('2026-11-29T08:00:00.000Z'));
  let events: HttpBureauEvent[];
  let keyReads: number;

  const bureau = (overrides: Partial<HttpBureauOptions> = {}) =>
    createHttpBureau({
      baseUrl: fake.url,
      apiKey: async () => {
        keyReads += 1;
        return 'test-key-123';
      },
      timeoutMs: 250,
      maxAttempts: 3,
      baseDelayMs: 5,
      maxDelayMs: 20,
      circuit: { consecutiveFailures: 5, halfOpenAfterMs: 150 },
      clock,
      onEvent: (event) => events.push(event),
      ...overrides,
    });

  beforeAll(async () => {
    fake = await startFakeBureau();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    events = [];
    keyReads = 0;
  });

  it('posts the request with the bearer key and the application id as Idempotency-Key, and maps the report', async () => {
    fake.script({
      body: wireReport(request.applicationId, {
        file: {
          credit_history: 'PAST_DELAYS',
          open_credit_lines: 3,
          max_dpd_24m: 45,
          hard_inquiries_6m: 4,
          accounts_in_arrears: 1,
          arrears: { amount_minor: 45_000, currency: 'CNY' },
          revolving_utilisation: 0.925,
        },
        alerts: ['ADDRESS_CHANGED'],
      }),
    });
    const report = await bureau().report(request);

    expect(report).toEqual({
      reportId: `CRR-${request.applicationId}`,
      bureau: new URL(fake.url).host,
      pulledAt: '2026-11-29T08:00:00.000Z',
      subject: { reference: request.applicationId, fileFound: true },
      creditHistory: 'past_delays',
      existingCredits: 3,
      totalMonthlyDebtPayments: { minor: 120_000, currency: 'CNY' },
      maxDaysPastDueLast24Months: 45,
      currentDefault: false,
      fraudFlag: false,
      inquiriesLast6Months: 4,
      accountsInArrears: 1,
      currentArrears: { minor: 45_000, currency: 'CNY' },
      revolvingUtilisation: 0.925,
      bureauScore: 712,
    });
    expect(bureauReportSchema.parse(report)).toEqual(report);
    for (const value of PII) expect(JSON.stringify(report)).not.toContain(value);

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent!.method).toBe('POST');
    expect(sent!.url).toBe('/v1/reports');
    expect(sent!.headers.authorization).toBe('Bearer test-key-123');
    expect(sent!.headers['idempotency-key']).toBe(request.applicationId);
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.body).toEqual({
      nationalId: request.nationalId,
      fullName: request.fullName,
      dateOfBirth: request.dateOfBirth,
      reference: request.applicationId,
    });
  });

  it('keeps a base path and ignores a trailing slash', async () => {
    await bureau({ baseUrl: `${fake.url}/bureau/` }).report(request);
    expect(fake.requests[0]!.url).toBe('/bureau/v1/reports');
  });

  it('turns the bureau\'s "subject not found" into a thin-file report', async () => {
    fake.script({ status: 404, body: { error: 'subject_not_found', report_id: 'CRR-NOFILE-1' } });
    const report = await bureau().report(request);
    expect(report).toMatchObject({
      reportId: 'CRR-NOFILE-1',
      subject: { reference: request.applicationId, fileFound: false },
      creditHistory: 'no_credits',
      existingCredits: 0,
      totalMonthlyDebtPayments: null,
      maxDaysPastDueLast24Months: 0,
      currentDefault: false,
      fraudFlag: false,
      inquiriesLast6Months: 0,
      bureauScore: null,
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses any other 404 (a wrong base URL) without retrying', async () => {
    fake.script({ status: 404, body: '<html>Not Found</html>', headers: { 'content-type': 'text/html' } });
    const error = await failure(bureau().report(request));
    expect(error).toBeInstanceOf(BureauRequestRejectedError);
    expect(error.message).toMatch(/base URL/);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries a slow bureau (beyond the timeout) and gives up with BureauUnavailableError after maxAttempts', async () => {
    fake.script({ delayMs: 1000 }, { delayMs: 1000 }, { delayMs: 1000 }, { delayMs: 1000 });
    const error = await failure(bureau().report(request));

    expect(error).toBeInstanceOf(BureauUnavailableError);
    expect(error.name).toBe('BureauUnavailableError');
    expect(error).toMatchObject({ reason: 'timeout', attempts: 3 });
    expect(error.message).toBe('credit bureau unavailable: no answer within 250 ms (3 attempts)');
    expect(fake.requests).toHaveLength(3);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      expect.objectContaining({ attempt: 1, reason: 'timeout' }),
      expect.objectContaining({ attempt: 2, reason: 'timeout' }),
    ]);
    // One key read per pull, not per attempt; every attempt carries the same idempotency key.
    expect(keyReads).toBe(1);
    expect(new Set(fake.requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set([request.applicationId]));
  });

  it('times out a body that trickles in after the headers, then succeeds on the retry', async () => {
    fake.script({ status: 200, bodyDelayMs: 1000, body: wireReport(request.applicationId) });
    const report = await bureau().report(request);
    expect(report.reportId).toBe(`CRR-${request.applicationId}`);
    expect(fake.requests).toHaveLength(2);
  });

  it('succeeds on the retry after a 500', async () => {
    fake.script({ status: 500, body: echoingPii });
    const report = await bureau().report(request);
    expect(report.creditHistory).toBe('paid_duly_till_now');
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', attempt: 1, reason: 'server_error', status: 500 }));
  });

  it('gives up after maxAttempts 5xx answers, without the bodies in the error', async () => {
    fake.script({ status: 503, body: echoingPii }, { status: 502, body: echoingPii }, { status: 500, body: echoingPii });
    const error = await failure(bureau().report(request));
    expect(error).toMatchObject({ name: 'BureauUnavailableError', reason: 'server_error', status: 500, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a 429, honouring a short Retry-After', async () => {
    fake.script({ status: 429, headers: { 'retry-after': '0' } });
    await bureau().report(request);
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'rate_limited', status: 429 }));
  });

  it('caps a long Retry-After at maxDelayMs', async () => {
    fake.script({ status: 429, headers: { 'retry-after': '3600' } });
    await bureau().report(request);
    const retry = events.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ delayMs: 20 });
  });

  it('gives up on a bureau that keeps answering 429', async () => {
    fake.script({ status: 429 }, { status: 429 }, { status: 429 });
    const error = await failure(bureau().report(request));
    expect(error).toMatchObject({ name: 'BureauUnavailableError', reason: 'rate_limited', attempts: 3 });
  });

  it.each([400, 401, 403, 409, 422])('does not retry a %i', async (status) => {
    fake.script({ status, body: echoingPii });
    const error = await failure(bureau().report(request));
    expect(error).toBeInstanceOf(BureauRequestRejectedError);
    expect(error).toMatchObject({ name: 'BureauRequestRejectedError', status });
    if (status === 401 || status === 403) expect(error.message).toMatch(/API key/);
    expect(fake.requests).toHaveLength(1);
  });

  it('does not follow a redirect (the key must not travel elsewhere)', async () => {
    fake.script({ status: 307, headers: { location: 'http://127.0.0.1:9/v1/reports' } });
    const error = await failure(bureau().report(request));
    expect(error).toMatchObject({ name: 'BureauRequestRejectedError', status: 307 });
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a body that is not JSON into BureauResponseError, not retried, without quoting the body', async () => {
    fake.script({ status: 200, body: (r) => `{"report_id": "x", "nationalId": "${String(r.body.nationalId)}", ` });
    const error = await failure(bureau().report(request));
    expect(error).toBeInstanceOf(BureauResponseError);
    expect(error).toMatchObject({ name: 'BureauResponseError', problem: 'invalid_json', status: 200 });
    expect(error.cause).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a schema mismatch into BureauResponseError naming the fields, never an undefined value', async () => {
    const body = wireReport(request.applicationId) as unknown as { file: Record<string, unknown>; score: unknown };
    delete body.file.in_default;
    body.file.open_credit_lines = request.nationalId;
    body.score = { value: 'high' };
    fake.script({ status: 200, body });
    const error = await failure(bureau().report(request));

    expect(error).toBeInstanceOf(BureauResponseError);
    const { issues, problem } = error as BureauResponseError;
    expect(problem).toBe('schema_mismatch');
    expect(issues).toEqual(expect.arrayContaining(['file.open_credit_lines: invalid_type', 'file.in_default: invalid_type', 'score.value: invalid_type']));
    expect(error.message).toMatch(/file\.in_default/);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['an unknown credit history code', { file: { credit_history: 'EXCELLENT' } }],
    ['a missing alerts list', { alerts: undefined }],
    ['a negative count', { file: { hard_inquiries_6m: -1 } }],
    ['a fractional count', { file: { open_credit_lines: 1.5 } }],
    ['a missing count of accounts in arrears', { file: { accounts_in_arrears: undefined } }],
    ['a missing arrears amount (null when not reported)', { file: { arrears: undefined } }],
    ['a missing utilisation (null when there is no revolving line)', { file: { revolving_utilisation: undefined } }],
    ['a negative utilisation', { file: { revolving_utilisation: -0.1 } }],
    ['a utilisation given in percent', { file: { revolving_utilisation: 92.5 } }],
    ['an empty report id', { report_id: '' }],
  ] as const)('refuses %s', async (_what, overrides) => {
    fake.script({ status: 200, body: wireReport(request.applicationId, overrides as never) });
    const error = await failure(bureau().report(request));
    expect(error).toMatchObject({ name: 'BureauResponseError', problem: 'schema_mismatch' });
  });

  it("refuses another application's report", async () => {
    fake.script({ status: 200, body: wireReport('01JDQ8Z3M4V7N2K5P9R1S6T0ZZ') });
    const error = await failure(bureau().report(request));
    expect(error).toMatchObject({ name: 'BureauResponseError', problem: 'reference_mismatch' });
  });

  it('retries a dropped connection', async () => {
    fake.script({ destroy: true });
    await bureau().report(request);
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'network' }));
  });

  it('reports a network failure (nothing listening) as BureauUnavailableError', async () => {
    const closed = await startFakeBureau();
    await closed.close();
    const error = await failure(bureau({ baseUrl: closed.url }).report(request));
    expect(error).toMatchObject({ name: 'BureauUnavailableError', reason: 'network', attempts: 3 });
  });

  it('reports an unreadable API key as BureauUnavailableError without calling the bureau', async () => {
    const error = await failure(
      bureau({
        apiKey: async () => {
          throw new Error('secrets manager throttled');
        },
      }).report(request),
    );
    expect(error).toMatchObject({ name: 'BureauUnavailableError', reason: 'credentials', attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it('opens the circuit after consecutive failures, fails fast without calling the bureau, and closes after a good probe', async () => {
    const adapter = bureau({ maxAttempts: 1, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 150 } });
    fake.script({ status: 500 }, { status: 500 }, { status: 500 });
    for (let i = 0; i < 3; i += 1) await failure(adapter.report(request));
    expect(adapter.circuitState).toBe('open');
    expect(events).toContainEqual({ type: 'circuit_open' });

    const fast = await failure(adapter.report(request));
    expect(fast).toMatchObject({ name: 'BureauUnavailableError', reason: 'circuit_open', attempts: 0 });
    expect(fake.requests).toHaveLength(3);

    await sleep(200);
    const report = await adapter.report(request); // the half-open probe; the fake answers 200
    expect(report.subject.reference).toBe(request.applicationId);
    expect(adapter.circuitState).toBe('closed');
    expect(events).toEqual(expect.arrayContaining([{ type: 'circuit_half_open' }, { type: 'circuit_closed' }]));
    expect(fake.requests).toHaveLength(4);
  });

  it('reopens the circuit when the half-open probe fails', async () => {
    const adapter = bureau({ maxAttempts: 1, circuit: { consecutiveFailures: 2, halfOpenAfterMs: 100 } });
    fake.script({ status: 503 }, { status: 503 }, { status: 503 });
    await failure(adapter.report(request));
    await failure(adapter.report(request));
    expect(adapter.circuitState).toBe('open');
    await sleep(130);
    await failure(adapter.report(request)); // the probe gets the third 503
    expect(adapter.circuitState).toBe('open');
    await expect(adapter.report(request)).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(fake.requests).toHaveLength(3);
  });

  it('counts every failed attempt: the circuit can open in the middle of a pull, which then stops retrying', async () => {
    const adapter = bureau({ maxAttempts: 3, circuit: { consecutiveFailures: 4, halfOpenAfterMs: 10_000 } });
    fake.script(...Array.from({ length: 6 }, () => ({ status: 500 })));
    await expect(adapter.report(request)).rejects.toMatchObject({ reason: 'server_error', attempts: 3 });
    await expect(adapter.report(request)).rejects.toMatchObject({ reason: 'circuit_open', attempts: 1 });
    expect(fake.requests).toHaveLength(4);
  });

  it('does not count refused requests (4xx) or bad bodies towards the circuit', async () => {
    const adapter = bureau({ circuit: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
    fake.script({ status: 400 }, { status: 422 }, { status: 200, body: 'nope' }, { status: 400 });
    for (let i = 0; i < 4; i += 1) await failure(adapter.report(request));
    expect(adapter.circuitState).toBe('closed');
    await adapter.report(request);
  });

  it('a success resets the count of consecutive failures', async () => {
    const adapter = bureau({ maxAttempts: 1, circuit: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
    fake.script({ status: 500 }, { status: 200, body: (r) => wireReport(String(r.body.reference)) }, { status: 500 });
    await failure(adapter.report(request));
    await adapter.report(request);
    await failure(adapter.report(request));
    expect(adapter.circuitState).toBe('closed');
  });

  it('refuses plain http to anything but a loopback host, and nonsense settings', () => {
    const apiKey = async () => 'k';
    expect(() => createHttpBureau({ baseUrl: 'http://bureau.example', apiKey })).toThrow(/https/);
    expect(() => createHttpBureau({ baseUrl: 'not a url', apiKey })).toThrow(/absolute URL/);
    expect(() => createHttpBureau({ baseUrl: 'https://bureau.example', apiKey, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createHttpBureau({ baseUrl: 'https://bureau.example', apiKey, timeoutMs: 1.5 })).toThrow(/timeoutMs/);
    expect(createHttpBureau({ baseUrl: 'https://bureau.example', apiKey }).circuitState).toBe('closed');
  });
});

describe('bureau wire format', () => {
  const wire = wireReport('app-1');

  it('sets the fraud flag for fraud and identity alerts only', () => {
    for (const alert of ['FRAUD_SUSPECTED', 'IDENTITY_THEFT', 'IDENTITY_MISMATCH']) {
      expect(mapWireReport({ ...wire, alerts: ['ADDRESS_CHANGED', alert] }, 'b', '2026-11-29T08:00:00.000Z').fraudFlag).toBe(true);
    }
    expect(mapWireReport({ ...wire, alerts: ['ADDRESS_CHANGED'] }, 'b', '2026-11-29T08:00:00.000Z').fraudFlag).toBe(false);
  });

  it('maps every credit history code and the nullable fields', () => {
    const codes = { NO_CREDITS: 'no_credits', ALL_PAID_DULY: 'all_paid_duly', PAID_DULY_TILL_NOW: 'paid_duly_till_now', PAST_DELAYS: 'past_delays', CRITICAL_ACCOUNT: 'critical_account' } as const;
    for (const [code, history] of Object.entries(codes)) {
      expect(mapWireReport({ ...wire, file: { ...wire.file, credit_history: code as keyof typeof codes } }, 'b', '2026-11-29T08:00:00.000Z').creditHistory).toBe(history);
    }
    const bare = mapWireReport(
      { ...wire, score: null, file: { ...wire.file, monthly_obligations: null, in_default: true, arrears: null, revolving_utilisation: null } },
      'b',
      '2026-11-29T08:00:00.000Z',
    );
    expect(bare).toMatchObject({ bureauScore: null, totalMonthlyDebtPayments: null, currentDefault: true, currentArrears: null, revolvingUtilisation: null });
  });

  it('maps current arrears, their amount and the revolving utilisation', () => {
    const mapped = mapWireReport(
      { ...wire, file: { ...wire.file, accounts_in_arrears: 2, arrears: { amount_minor: 120_050, currency: 'CNY' }, revolving_utilisation: 1.05 } },
      'b',
      '2026-11-29T08:00:00.000Z',
    );
    expect(mapped).toMatchObject({ accountsInArrears: 2, currentArrears: { minor: 120_050, currency: 'CNY' }, revolvingUtilisation: 1.05 });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const clock = new FixedClock(new Date('2026-11-29T08:00:00.000Z'));
    expect(retryAfterMs('2', clock)).toBe(2000);
    expect(retryAfterMs('Sun, 29 Nov 2026 08:00:05 GMT', clock)).toBe(5000);
    expect(retryAfterMs('Sun, 29 Nov 2026 07:00:00 GMT', clock)).toBe(0);
    expect(retryAfterMs('soon', clock)).toBeUndefined();
    expect(retryAfterMs(null, clock)).toBeUndefined();
  });
});

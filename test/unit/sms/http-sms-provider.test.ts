import { inspect } from 'node:util';
import {
  createHttpSmsProvider,
  smsReference,
  SmsProviderUnavailableError,
  SmsRejectedError,
  type HttpSmsProviderEvent,
  type HttpSmsProviderOptions,
} from '../../../functions/adapters/sms/http-sms-provider';
import { TemporarilyUnavailableError } from '../../../functions/core/kernel/errors';
import type { Notification } from '../../../functions/core/kernel/ports';
import { FixedClock } from '../../support/fakes';
import { startFakeSmsGateway, type FakeSmsGateway } from './fake-sms-gateway';

const PHONE = '+8613800138000';
const TEXT = '您的贷款申请已批准：8000.00 CNY，12 期。';
const APPLICATION_ID = '01JDQ8Z3M4V7N2K5P9R1S6T0XA';

const sms = (overrides: Partial<Notification> = {}): Notification => ({
  topic: 'applicant',
  channel: 'sms',
  to: PHONE,
  subject: '您的贷款申请已批准',
  body: TEXT,
  attributes: { kind: 'approved', applicationId: APPLICATION_ID },
  ...overrides,
});

/** The phone number and the text echoed back, as a careless gateway (or a proxy's error page) might. */
const echoing = (r: { body: Record<string, unknown> }) => ({ error: 'bad request', detail: `cannot send ${String(r.body.text)} to ${String(r.body.to)}` });

function expectNoPersonalData(error: unknown) {
  const rendered = [String(error), inspect(error, { depth: 10 }), JSON.stringify(error)].join('\n');
  for (const value of [PHONE, PHONE.slice(1), TEXT, 'sms-key-123']) expect(rendered).not.toContain(value);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expectNoPersonalData(error);
    return error as Error;
  }
  throw new Error('expected the publish to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HTTP SMS provider adapter', () => {
  let fake: FakeSmsGateway;
  const clock = new FixedClock(new Date('2026-11-29T08:00:00.000Z'));
  let events: HttpSmsProviderEvent[];
  let keyReads: number;

  const provider = (overrides: Partial<HttpSmsProviderOptions> = {}) =>
    createHttpSmsProvider({
      baseUrl: fake.url,
      apiKey: async () => {
        keyReads += 1;
        return 'sms-key-123';
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
    fake = await startFakeSmsGateway();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    events = [];
    keyReads = 0;
  });

  it('posts {to, text, reference} with the bearer key to /v1/sms; a 2xx is accepted', async () => {
    await provider().publish(sms());

    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent!.method).toBe('POST');
    expect(sent!.url).toBe('/v1/sms');
    expect(sent!.headers.authorization).toBe('Bearer sms-key-123');
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.body).toEqual({ to: PHONE, text: TEXT, reference: `approved:${APPLICATION_ID}` });
    expect(keyReads).toBe(1);
    expect(events).toEqual([]);
  });

  it.each([200, 201, 204])('accepts a %i whatever its body', async (status) => {
    fake.script({ status, ...(status === 204 ? {} : { body: 'not json at all' }) });
    await expect(provider().publish(sms())).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps a base path and ignores a trailing slash', async () => {
    await provider({ baseUrl: `${fake.url}/gateway/` }).publish(sms());
    expect(fake.requests[0]!.url).toBe('/gateway/v1/sms');
  });

  it('retries a 500 and succeeds, with the same reference on every attempt and one key read', async () => {
    fake.script({ status: 500, body: echoing });
    await provider().publish(sms());
    expect(fake.requests).toHaveLength(2);
    expect(new Set(fake.requests.map((r) => r.body.reference))).toEqual(new Set([`approved:${APPLICATION_ID}`]));
    expect(keyReads).toBe(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', attempt: 1, reason: 'server_error', status: 500 }));
  });

  it('retries a 429, honouring a short Retry-After', async () => {
    fake.script({ status: 429, headers: { 'retry-after': '0' } });
    await provider().publish(sms());
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'rate_limited', status: 429 }));
  });

  it('retries a dropped connection', async () => {
    fake.script({ destroy: true });
    await provider().publish(sms());
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'network' }));
  });

  it('gives up on a gateway slower than the timeout with SmsProviderUnavailableError after maxAttempts', async () => {
    fake.script({ delayMs: 1000 }, { delayMs: 1000 }, { delayMs: 1000 });
    const error = await failure(provider().publish(sms()));

    expect(error).toBeInstanceOf(SmsProviderUnavailableError);
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    expect(error.name).toBe('SmsProviderUnavailableError');
    expect(error).toMatchObject({ reason: 'timeout', attempts: 3 });
    expect(error.message).toBe('SMS provider unavailable: no answer within 250 ms (3 attempts)');
    expect(fake.requests).toHaveLength(3);
    expect(events.filter((e) => e.type === 'retry')).toEqual([
      expect.objectContaining({ attempt: 1, reason: 'timeout' }),
      expect.objectContaining({ attempt: 2, reason: 'timeout' }),
    ]);
  });

  it('gives up after maxAttempts 5xx or 429 answers, without the bodies in the error', async () => {
    fake.script({ status: 503, body: echoing }, { status: 502, body: echoing }, { status: 500, body: echoing });
    const error = await failure(provider().publish(sms()));
    expect(error).toMatchObject({ name: 'SmsProviderUnavailableError', reason: 'server_error', status: 500, attempts: 3 });

    fake.reset();
    fake.script({ status: 429 }, { status: 429 }, { status: 429 });
    const limited = await failure(provider().publish(sms()));
    expect(limited).toMatchObject({ name: 'SmsProviderUnavailableError', reason: 'rate_limited', attempts: 3 });
  });

  it('reports a network failure (nothing listening) as SmsProviderUnavailableError', async () => {
    const closed = await startFakeSmsGateway();
    await closed.close();
    const error = await failure(provider({ baseUrl: closed.url }).publish(sms()));
    expect(error).toMatchObject({ name: 'SmsProviderUnavailableError', reason: 'network', attempts: 3 });
  });

  it.each([
    [400, 'request_rejected'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [404, 'request_rejected'],
    [409, 'request_rejected'],
    [422, 'request_rejected'],
  ] as const)('does not retry a %i: SmsRejectedError %s, without the body', async (status, reason) => {
    fake.script({ status, body: echoing });
    const error = await failure(provider().publish(sms()));
    expect(error).toBeInstanceOf(SmsRejectedError);
    expect(error).toMatchObject({ name: 'SmsRejectedError', reason, status });
    if (reason === 'unauthorized') expect(error.message).toMatch(/API key/);
    expect(fake.requests).toHaveLength(1);
  });

  it("names the provider's error code: invalid_number is an invalid recipient", async () => {
    fake.script({ status: 422, body: { error: 'INVALID_NUMBER' } }, { status: 400, body: { error: 'template_not_approved' } });
    const invalid = await failure(provider().publish(sms()));
    expect(invalid).toMatchObject({ name: 'SmsRejectedError', reason: 'invalid_recipient', status: 422, providerCode: 'invalid_number' });
    expect(invalid.message).toBe('SMS provider refused the message with HTTP 422 (invalid_number)');
    const other = await failure(provider().publish(sms()));
    expect(other).toMatchObject({ reason: 'request_rejected', providerCode: 'template_not_approved' });
  });

  it('does not follow a redirect (the key must not travel elsewhere)', async () => {
    fake.script({ status: 307, headers: { location: 'http://127.0.0.1:9/v1/sms' } });
    const error = await failure(provider().publish(sms()));
    expect(error).toMatchObject({ name: 'SmsRejectedError', reason: 'request_rejected', status: 307 });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses, without calling the gateway, what it cannot send: no E.164 number, no text, not an SMS', async () => {
    for (const to of [undefined, '13800138000', '+0123456789', 'li.wei@example.com']) {
      const error = await failure(provider().publish(sms({ to })));
      expect(error).toMatchObject({ name: 'SmsRejectedError', reason: 'invalid_recipient' });
    }
    await expect(provider().publish(sms({ body: '  ' }))).rejects.toMatchObject({ name: 'SmsRejectedError', reason: 'request_rejected' });
    await expect(provider().publish(sms({ channel: 'email', to: 'li.wei@example.com' }))).rejects.toMatchObject({ name: 'SmsRejectedError' });
    await expect(provider().publish({ topic: 'ops', subject: 'alert', body: 'x' })).rejects.toMatchObject({ name: 'SmsRejectedError' });
    expect(fake.requests).toHaveLength(0);
    expect(keyReads).toBe(0);
  });

  it('reports an unreadable API key as SmsProviderUnavailableError without calling the gateway', async () => {
    const error = await failure(
      provider({
        apiKey: async () => {
          throw new Error('secrets manager throttled');
        },
      }).publish(sms()),
    );
    expect(error).toMatchObject({ name: 'SmsProviderUnavailableError', reason: 'credentials', attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it('opens the circuit after consecutive failures, fails fast, and closes after a good probe', async () => {
    // The breaker keeps real time: a wide half-open delay keeps the fail-fast call inside it on a busy machine.
    const adapter = provider({ maxAttempts: 1, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 2_000 } });
    fake.script({ status: 500 }, { status: 500 }, { status: 500 });
    for (let i = 0; i < 3; i += 1) await failure(adapter.publish(sms()));
    expect(adapter.circuitState).toBe('open');

    const fast = await failure(adapter.publish(sms()));
    expect(fast).toMatchObject({ name: 'SmsProviderUnavailableError', reason: 'circuit_open', attempts: 0 });
    expect(fake.requests).toHaveLength(3);

    await sleep(2_100);
    await adapter.publish(sms()); // the half-open probe; the gateway accepts
    expect(adapter.circuitState).toBe('closed');
    expect(events).toEqual(expect.arrayContaining([{ type: 'circuit_open' }, { type: 'circuit_half_open' }, { type: 'circuit_closed' }]));
  });

  it('does not count refusals (4xx) towards the circuit', async () => {
    const adapter = provider({ circuit: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
    fake.script({ status: 400 }, { status: 422 }, { status: 400 });
    for (let i = 0; i < 3; i += 1) await failure(adapter.publish(sms()));
    expect(adapter.circuitState).toBe('closed');
  });

  it('refuses plain http to anything but a loopback host, and nonsense settings', () => {
    const apiKey = async () => 'k';
    expect(() => createHttpSmsProvider({ baseUrl: 'http://sms.example', apiKey })).toThrow(/https/);
    expect(() => createHttpSmsProvider({ baseUrl: 'not a url', apiKey })).toThrow(/absolute URL/);
    expect(() => createHttpSmsProvider({ baseUrl: 'https://sms.example', apiKey, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(createHttpSmsProvider({ baseUrl: 'https://sms.example', apiKey }).circuitState).toBe('closed');
  });
});

describe('SMS idempotency reference', () => {
  it('joins the identifying attributes in a fixed order', () => {
    expect(smsReference(sms())).toBe(`approved:${APPLICATION_ID}`);
    expect(
      smsReference(sms({ attributes: { installment: '3', stage: 'overdue_7', loanId: 'LOAN1', kind: 'reminder', channel: 'sms', note: 'ignored' } })),
    ).toBe('reminder:LOAN1:overdue_7:3');
  });

  it('is the same for a retried message and differs between messages', () => {
    const reminder = (stage: string, installment: string) => sms({ attributes: { kind: 'reminder', loanId: 'LOAN1', stage, installment } });
    expect(smsReference(reminder('due', '2'))).toBe(smsReference(reminder('due', '2')));
    const references = new Set([reminder('due', '2'), reminder('due', '3'), reminder('overdue_1', '2'), sms(), sms({ attributes: { kind: 'declined', applicationId: APPLICATION_ID } })].map(smsReference));
    expect(references.size).toBe(5);
    // A kind sent more than once per application carries its notificationKey.
    const ask = (reviewId: string) => sms({ attributes: { kind: 'info_requested', applicationId: APPLICATION_ID, notificationKey: `info_requested:${reviewId}` } });
    expect(smsReference(ask('R1'))).not.toBe(smsReference(ask('R2')));
  });

  it('hashes what is too long or not a plain token, and a message without identifying attributes', () => {
    const long = smsReference(sms({ attributes: { kind: 'approved', applicationId: 'A'.repeat(200) } }));
    expect(long).toMatch(/^h:[0-9a-f]{40}$/);
    expect(smsReference(sms({ attributes: { kind: 'approved', applicationId: 'a b' } }))).toMatch(/^h:[0-9a-f]{40}$/);
    const bare = smsReference(sms({ attributes: {} }));
    expect(bare).toMatch(/^h:[0-9a-f]{40}$/);
    expect(bare).toBe(smsReference(sms({ attributes: undefined })));
    expect(bare).not.toBe(smsReference(sms({ attributes: {}, body: 'another text' })));
    expect(bare).not.toContain(PHONE.slice(1));
  });
});

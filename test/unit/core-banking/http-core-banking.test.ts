import { inspect } from 'node:util';
import {
  createHttpCoreBanking,
  retryAfterMs,
  type HttpCoreBankingEvent,
  type HttpCoreBankingOptions,
} from '../../../functions/adapters/core-banking/http-core-banking';
import {
  CORE_BANKING_ERROR_NAMES,
  CoreBankingUnavailableError,
  TransferRejectedError,
  type TransferRequest,
} from '../../../functions/core/contracting/core-banking';
import { TemporarilyUnavailableError } from '../../../functions/core/kernel/errors';
import { FixedClock } from '../../support/fakes';
import { startFakeCoreBank, wireTransfer, type FakeCoreBank, type RecordedRequest } from './fake-core-banking-server';

const request: TransferRequest = {
  idempotencyKey: '01JDQ8Z3M4V7N2K5P9R1S6T0XA',
  amount: { minor: 800_000, currency: 'CNY' },
  toAccount: { bank: 'Example Bank Beijing Branch', accountNumber: '6222021234567890123', holderName: 'Ouyang Xiaoming' },
  reference: 'Loan 01JDQ8Z3M4V7N2K5P9R1S6T0XA',
};
const PII = [request.toAccount.accountNumber, request.toAccount.holderName];

/** The request's account data echoed back, as a careless bank (or a proxy's error page) might. */
const echoingPii = (r: RecordedRequest) => `transfer to ${String(r.body.creditor?.account_number)} ${String(r.body.creditor?.holder_name)} failed`;

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
  throw new Error('expected the transfer to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HTTP core-banking adapter', () => {
  let fake: FakeCoreBank;
  const clock = new FixedClock(new Date('2026-11-29T08:00:00.000Z'));
  let events: HttpCoreBankingEvent[];
  let keyReads: number;

  const bank = (overrides: Partial<HttpCoreBankingOptions> = {}) =>
    createHttpCoreBanking({
      baseUrl: fake.url,
      apiKey: async () => {
        keyReads += 1;
        return 'bank-key-123';
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
    fake = await startFakeCoreBank();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    events = [];
    keyReads = 0;
  });

  it('posts the transfer with the bearer key and the loan id as Idempotency-Key, and returns the completed transfer', async () => {
    const result = await bank().transfer(request);

    expect(result).toEqual({ transferId: `TRF-${request.idempotencyKey}`, status: 'COMPLETED', completedAt: '2026-11-29T08:00:05.000Z' });
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent!.method).toBe('POST');
    expect(sent!.url).toBe('/v1/transfers');
    expect(sent!.headers.authorization).toBe('Bearer bank-key-123');
    expect(sent!.headers['idempotency-key']).toBe(request.idempotencyKey);
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(sent!.body).toEqual({
      amount: { amount_minor: 800_000, currency: 'CNY' },
      creditor: { bank_name: 'Example Bank Beijing Branch', account_number: '6222021234567890123', holder_name: 'Ouyang Xiaoming' },
      reference: request.reference,
    });
  });

  describe('findTransfer (asked before paying)', () => {
    it('finds the transfer made under the key, and none before it', async () => {
      const core = bank();
      expect(await core.findTransfer(request.idempotencyKey)).toBeUndefined();
      const made = await core.transfer(request);
      expect(await core.findTransfer(request.idempotencyKey)).toEqual(made);
      const lookups = fake.requests.filter((r) => r.method === 'GET');
      expect(lookups.map((r) => r.url)).toEqual([`/v1/transfers/${request.idempotencyKey}`, `/v1/transfers/${request.idempotencyKey}`]);
      expect(lookups[0]!.headers.authorization).toBe('Bearer bank-key-123');
    });

    it('treats a rejected transfer as none (nothing was paid) and a pending one as not known yet', async () => {
      fake.script({ status: 200, body: { transfer_id: 'TRF-1', status: 'REJECTED', reject_reason: 'ACCOUNT_CLOSED', amount: { amount_minor: 800_000, currency: 'CNY' } } });
      expect(await bank().findTransfer(request.idempotencyKey)).toBeUndefined();
      fake.script({ status: 200, body: { transfer_id: 'TRF-1', status: 'PENDING', amount: { amount_minor: 800_000, currency: 'CNY' } } });
      const pending = await failure(bank().findTransfer(request.idempotencyKey));
      expect(pending).toBeInstanceOf(CoreBankingUnavailableError);
      expect((pending as CoreBankingUnavailableError).reason).toBe('pending');
    });

    it('retries a bank that is down, then says it cannot tell (transient); a refused key is permanent', async () => {
      fake.script({ status: 503 }, { status: 503 }, { status: 503 });
      const down = await failure(bank().findTransfer(request.idempotencyKey));
      expect(down).toBeInstanceOf(CoreBankingUnavailableError);
      expect(fake.requests).toHaveLength(3);
      fake.script({ status: 401 });
      expect(await failure(bank().findTransfer(request.idempotencyKey))).toBeInstanceOf(TransferRejectedError);
    });
  });

  it('leaves out an unknown bank name and keeps a base path', async () => {
    await bank({ baseUrl: `${fake.url}/core/` }).transfer({ ...request, toAccount: { accountNumber: '12345678', holderName: 'Li Wei' } });
    expect(fake.requests[0]!.url).toBe('/core/v1/transfers');
    expect(fake.requests[0]!.body.creditor).toEqual({ account_number: '12345678', holder_name: 'Li Wei' });
  });

  it('normalises the completion time to UTC', async () => {
    fake.script({ status: 200, body: (r) => wireTransfer(r, { completed_at: '2026-11-29T16:00:05+08:00' }) });
    expect((await bank().transfer(request)).completedAt).toBe('2026-11-29T08:00:05.000Z');
  });

  it('answers a repeated transfer (HTTP 409 already processed) with the ORIGINAL transfer: success, paid once', async () => {
    const adapter = bank();
    const first = await adapter.transfer(request);
    const second = await adapter.transfer(request); // the honest fake answers 409 with the first transfer
    expect(second).toEqual(first);
    expect(fake.requests.map((r) => r.headers['idempotency-key'])).toEqual([request.idempotencyKey, request.idempotencyKey]);
    expect(fake.transfers.size).toBe(1);
    expect(events).toContainEqual({ type: 'replayed', transferId: first.transferId });
  });

  it('retries a transfer whose answer timed out; the bank had booked it, so the retry gets the 409 replay, not a second payment', async () => {
    fake.script({
      delayMs: 1000,
      onReceive: (r) => fake.transfers.set(String(r.headers['idempotency-key']), wireTransfer(r, { transfer_id: 'TRF-ORIGINAL' })),
      body: (r) => fake.transfers.get(String(r.headers['idempotency-key'])),
    });
    const result = await bank().transfer(request);
    expect(result.transferId).toBe('TRF-ORIGINAL');
    expect(fake.requests).toHaveLength(2);
    expect(fake.transfers.size).toBe(1);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'retry', attempt: 1, reason: 'timeout' }), { type: 'replayed', transferId: 'TRF-ORIGINAL' }]));
    // One key read per transfer, not per attempt; every attempt carries the same idempotency key.
    expect(keyReads).toBe(1);
  });

  it('gives up on a bank that stays too slow with CoreBankingUnavailableError (transient, named for the state machine)', async () => {
    fake.script({ delayMs: 1000 }, { delayMs: 1000 }, { delayMs: 1000 });
    const error = await failure(bank().transfer(request));
    expect(error).toBeInstanceOf(CoreBankingUnavailableError);
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    expect(error.name).toBe(CORE_BANKING_ERROR_NAMES.unavailable);
    expect(error.name).toBe('CoreBankingUnavailableError');
    expect(error).toMatchObject({ reason: 'timeout', attempts: 3 });
    expect(error.message).toBe('core banking unavailable: no answer within 250 ms (3 attempts)');
    expect(fake.requests).toHaveLength(3);
  });

  it('succeeds on the retry after a 500', async () => {
    fake.script({ status: 500, body: echoingPii });
    const result = await bank().transfer(request);
    expect(result.status).toBe('COMPLETED');
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', attempt: 1, reason: 'server_error', status: 500 }));
  });

  it('gives up after maxAttempts 5xx answers, without the bodies in the error', async () => {
    fake.script({ status: 503, body: echoingPii }, { status: 502, body: echoingPii }, { status: 500, body: echoingPii });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'server_error', status: 500, attempts: 3 });
    expect(fake.transfers.size).toBe(0);
  });

  it('retries a 429, honouring a short Retry-After, and caps a long one', async () => {
    fake.script({ status: 429, headers: { 'retry-after': '3600' } });
    await bank().transfer(request);
    expect(fake.requests).toHaveLength(2);
    expect(events.find((e) => e.type === 'retry')).toMatchObject({ reason: 'rate_limited', status: 429, delayMs: 20 });
  });

  it('retries a dropped connection', async () => {
    fake.script({ destroy: true });
    await bank().transfer(request);
    expect(fake.requests).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry', reason: 'network' }));
  });

  it('reports nothing listening as CoreBankingUnavailableError (network)', async () => {
    const closed = await startFakeCoreBank();
    await closed.close();
    const error = await failure(bank({ baseUrl: closed.url }).transfer(request));
    expect(error).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'network', attempts: 3 });
  });

  it.each([
    ['account_closed', 'account_closed'],
    ['account_frozen', 'account_closed'],
    ['account_invalid', 'account_invalid'],
    ['account_not_found', 'account_invalid'],
    ['holder_name_mismatch', 'account_invalid'],
    ['something_new', 'request_rejected'],
  ] as const)('maps a 422 "%s" to TransferRejectedError %s, not retried', async (code, reason) => {
    fake.script({ status: 422, body: { error: code, detail: 'account 6222021234567890123 of Ouyang Xiaoming' } });
    const error = await failure(bank().transfer(request));
    expect(error).toBeInstanceOf(TransferRejectedError);
    expect(error.name).toBe(CORE_BANKING_ERROR_NAMES.rejected);
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason, status: 422 });
    expect(fake.requests).toHaveLength(1);
  });

  it('maps a 200 with status REJECTED to TransferRejectedError', async () => {
    fake.script({ status: 200, body: (r) => wireTransfer(r, { status: 'REJECTED', reject_reason: 'ACCOUNT_CLOSED', completed_at: undefined }) });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason: 'account_closed' });
  });

  it.each([400, 401, 403, 404])('does not retry a %i', async (status) => {
    fake.script({ status, body: echoingPii });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason: 'request_rejected', status });
    if (status === 401 || status === 403) expect(error.message).toMatch(/API key/);
    expect(fake.requests).toHaveLength(1);
  });

  it('does not follow a redirect (the key must not travel elsewhere)', async () => {
    fake.script({ status: 307, headers: { location: 'http://127.0.0.1:9/v1/transfers' } });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason: 'request_rejected', status: 307 });
    expect(fake.requests).toHaveLength(1);
  });

  it('treats a 409 without the original transfer (key reused with another body) as a permanent idempotency conflict', async () => {
    fake.script({ status: 409, body: { error: 'idempotency_key_reused' } });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason: 'idempotency_conflict', status: 409 });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a replayed transfer of another amount as an idempotency conflict', async () => {
    fake.script({ status: 409, body: (r) => ({ error: 'already_processed', transfer: wireTransfer(r, { amount: { amount_minor: 1, currency: 'CNY' } }) }) });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason: 'idempotency_conflict' });
  });

  it('turns a 2xx body that is not JSON into CoreBankingUnavailableError (outcome unknown), not retried, without quoting it', async () => {
    fake.script({ status: 200, body: (r) => `{"transfer_id": "x", "to": "${String(r.body.creditor?.account_number)}", ` });
    const error = await failure(bank().transfer(request));
    expect(error).toBeInstanceOf(CoreBankingUnavailableError);
    expect(error).toMatchObject({ reason: 'invalid_response', status: 200, attempts: 1 });
    expect(error.message).toMatch(/outcome is unknown/);
    expect(fake.requests).toHaveLength(1);
  });

  it('turns a schema mismatch into CoreBankingUnavailableError naming the fields', async () => {
    fake.script({ status: 201, body: (r) => ({ ...wireTransfer(r), transfer_id: 42 }) });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'invalid_response' });
    expect(error.message).toMatch(/transfer_id: invalid_type/);

    fake.script({ status: 201, body: (r) => ({ ...wireTransfer(r), completed_at: undefined }) });
    const missing = await failure(bank().transfer(request));
    expect(missing).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'invalid_response' });
    expect(missing.message).toMatch(/completed_at: custom/);
  });

  it('reports an accepted but not completed transfer (202 PENDING) as transient', async () => {
    fake.script({ status: 202, body: (r) => wireTransfer(r, { status: 'PENDING', completed_at: undefined }) });
    const error = await failure(bank().transfer(request));
    expect(error).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'pending', status: 202 });
  });

  it('reports an unreadable API key as CoreBankingUnavailableError without calling the bank', async () => {
    const error = await failure(
      bank({
        apiKey: async () => {
          throw new Error('secrets manager throttled');
        },
      }).transfer(request),
    );
    expect(error).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'credentials', attempts: 0 });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a non-positive amount without calling the bank', async () => {
    const error = await failure(bank().transfer({ ...request, amount: { minor: 0, currency: 'CNY' } }));
    expect(error).toMatchObject({ name: 'TransferRejectedError', reason: 'request_rejected' });
    expect(fake.requests).toHaveLength(0);
  });

  it('opens the circuit after consecutive failures, fails fast without calling the bank, and closes after a good probe', async () => {
    const adapter = bank({ maxAttempts: 1, circuit: { consecutiveFailures: 3, halfOpenAfterMs: 150 } });
    fake.script({ status: 500 }, { status: 500 }, { status: 500 });
    for (let i = 0; i < 3; i += 1) await failure(adapter.transfer(request));
    expect(adapter.circuitState).toBe('open');
    expect(events).toContainEqual({ type: 'circuit_open' });

    const fast = await failure(adapter.transfer(request));
    expect(fast).toMatchObject({ name: 'CoreBankingUnavailableError', reason: 'circuit_open', attempts: 0 });
    expect(fake.requests).toHaveLength(3);

    await sleep(200);
    const result = await adapter.transfer(request); // the half-open probe; the fake completes the transfer
    expect(result.status).toBe('COMPLETED');
    expect(adapter.circuitState).toBe('closed');
    expect(events).toEqual(expect.arrayContaining([{ type: 'circuit_half_open' }, { type: 'circuit_closed' }]));
  });

  it('does not count refusals (4xx) or unreadable bodies towards the circuit', async () => {
    const adapter = bank({ circuit: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } });
    fake.script({ status: 400 }, { status: 422, body: { error: 'account_closed' } }, { status: 200, body: 'nope' }, { status: 400 });
    for (let i = 0; i < 4; i += 1) await failure(adapter.transfer(request));
    expect(adapter.circuitState).toBe('closed');
    await adapter.transfer(request);
  });

  it('refuses plain http to anything but a loopback host, and nonsense settings', () => {
    const apiKey = async () => 'k';
    expect(() => createHttpCoreBanking({ baseUrl: 'http://core.bank.example', apiKey })).toThrow(/https/);
    expect(() => createHttpCoreBanking({ baseUrl: 'not a url', apiKey })).toThrow(/absolute URL/);
    expect(() => createHttpCoreBanking({ baseUrl: 'https://core.bank.example', apiKey, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => createHttpCoreBanking({ baseUrl: 'https://core.bank.example', apiKey, timeoutMs: 1.5 })).toThrow(/timeoutMs/);
    expect(createHttpCoreBanking({ baseUrl: 'https://core.bank.example', apiKey }).circuitState).toBe('closed');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2', clock)).toBe(2000);
    expect(retryAfterMs('Sun, 29 Nov 2026 08:00:05 GMT', clock)).toBe(5000);
    expect(retryAfterMs('soon', clock)).toBeUndefined();
    expect(retryAfterMs(null, clock)).toBeUndefined();
  });
});

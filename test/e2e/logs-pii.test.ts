// Logs of an end-to-end run (issue 7, logs and traces): everything the local stack writes while applications go
// through the API and the state machine — one approved, accepted, disbursed and repaid, one declined, one decided by a
// reviewer, one refused as malformed — is captured and searched. The lines are Powertools JSON with the correlation
// keys (the API request id as `correlation_id`, carried into every task with applicationId and executionName), and no
// national ID, phone number, e-mail address, name or bank account of an applicant appears anywhere in them.

import { format } from 'node:util';
import { nationalIdFor, uniqueIdentity, validApplication, BAND_D_PROFILE, REVIEW_SIZED_LOAN, disbursementAccount } from '../support/applications';
import { bootStack, call, eventually, uploadDocument, type E2eContext } from './support';

/** Everything written to stdout and stderr (and through the console) from `start()` until `stop()`. */
class OutputCapture {
  private readonly chunks: string[] = [];
  private restore: (() => void) | undefined;

  start(): void {
    const record = (chunk: unknown) => {
      this.chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    };
    const { stdout, stderr } = process;
    const writes = [stdout.write, stderr.write] as const;
    // Powertools' logger writes through its own Console bound to process.stdout/stderr, which calls their write().
    const capture = ((chunk: unknown, ...rest: unknown[]) => {
      record(chunk);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
    stdout.write = capture;
    stderr.write = capture;
    // The stack's own lines ([local] …) go through the global console, which the test runner may buffer elsewhere.
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((name) => console[name]);
    for (const name of methods) console[name] = (...args: unknown[]) => record(`${format(...args)}\n`);
    this.restore = () => {
      [stdout.write, stderr.write] = writes;
      methods.forEach((name, i) => (console[name] = originals[i]!));
    };
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  get text(): string {
    return this.chunks.join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line.trim() !== '');
  }
}

const capture = new OutputCapture();
let ctx: E2eContext;
let admin: string;
let ops: string;
const run = Date.now().toString(36);

interface Person {
  fullName: string;
  nationalId: string;
  dateOfBirth: string;
  phone: string;
  email: string;
  accountNumber: string;
}

function person(fullName: string, phone: string, dateOfBirth = '1990-03-07', accountNumber = '6222020012345678'): Person {
  const identity = uniqueIdentity(dateOfBirth);
  const email = `${fullName.toLowerCase().replace(/\s+/g, '.')}.${run}@example.com`;
  return { fullName, ...identity, phone, email, accountNumber };
}

const approved = person('Zhang Xiaoming', '+8613912340001');
const declined = person('Chen Meiling', '+8615812340002', '2004-05-01', '6222020087654321');
const reviewed = person('Liu Haoran', '+8618612340003', '1986-09-15', '6222020011112222');
const malformed = (() => {
  const valid = nationalIdFor('1992-12-24', 456, '310104');
  // The same ID with a wrong check character: the format of a national ID, but not a valid one.
  const wrongCheck = valid.endsWith('0') ? `${valid.slice(0, -1)}1` : `${valid.slice(0, -1)}0`;
  return { fullName: 'Wang Fangfang', nationalId: wrongCheck, dateOfBirth: '1992-12-24', phone: '+8617712340004', email: `wang.fangfang.${run}@@example`, accountNumber: '6222020033334444' };
})();
const reviewer = { name: `Reviewer Sun Li ${run}`, email: `sun.li.${run}@lender.example` };

function applicationOf(who: Person, overrides: Record<string, unknown> = {}) {
  const body = validApplication(
    { ...overrides, ...disbursementAccount(who.accountNumber, who.fullName) },
    { nationalId: who.nationalId, dateOfBirth: who.dateOfBirth },
  );
  return { ...body, applicant: { ...body.applicant, fullName: who.fullName, phone: who.phone, email: who.email } };
}

let submitted = 0;

async function submit(who: Person, overrides: Record<string, unknown> = {}) {
  submitted += 1;
  const token = await ctx.token(`logs-pii-${submitted}-${run}`);
  const response = await call(ctx.url, 'POST', '/v1/applications', {
    token,
    body: applicationOf(who, overrides),
    headers: { 'Idempotency-Key': `logs-pii-${submitted}-${run}` },
  });
  return { response, token, requestId: response.headers.get('apigw-requestid') };
}

async function waitForStatus(id: string, token: string, statuses: string[]) {
  const read = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => statuses.includes(r.json?.status));
  expect(statuses).toContain(read.json.status);
  return read.json;
}

/** What the run produced, for the log assertions at the end. */
const seen: { approvedId?: string; approvedRequestId?: string | null; declinedId?: string; reviewedId?: string } = {};

beforeAll(async () => {
  capture.start();
  try {
    // Every function at DEBUG, as an operator would set LOG_LEVEL on the deployed functions to investigate.
    ctx = await bootStack({ logLevel: 'DEBUG', functionEnvironment: { LOG_LEVEL: 'DEBUG' } });
    [admin, ops] = await Promise.all([ctx.token('root', ['admin']), ctx.token('olga', ['ops'])]);
  } catch (error) {
    capture.stop();
    throw error;
  }
});

afterAll(async () => {
  capture.stop();
  await ctx?.close();
});

describe('an end-to-end run with logging at DEBUG', () => {
  it('declines a weak application', async () => {
    const { response, token } = await submit(declined, BAND_D_PROFILE);
    expect(response.status).toBe(202);
    seen.declinedId = response.json.applicationId;
    expect((await waitForStatus(seen.declinedId!, token, ['APPROVED', 'DECLINED', 'PENDING_REVIEW'])).status).toBe('DECLINED');
  });

  it('sends a 30,000 CNY application to a reviewer, who approves it through the e-mailed link', async () => {
    const added = await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email: reviewer.email, name: reviewer.name, level: 1, language: 'en' } });
    expect(added.status).toBe(201);
    const { response, token } = await submit(reviewed, REVIEW_SIZED_LOAN);
    expect(response.status).toBe(202);
    const id = response.json.applicationId as string;
    seen.reviewedId = id;
    expect((await waitForStatus(id, token, ['PENDING_REVIEW', 'APPROVED', 'DECLINED'])).status).toBe('PENDING_REVIEW');
    await uploadDocument(ctx.url, token, id); // the product's checklist, required before review

    const messages = await eventually(
      async () => (await call(ctx.url, 'GET', `/_local/outbox?to=${encodeURIComponent(reviewer.email)}`)).json as { body: string; attributes?: Record<string, string> }[],
      (list) => list.some((m) => m.attributes?.applicationId === id && /\/v1\/reviews\//.test(m.body)),
      15_000,
    );
    const email = messages.filter((m) => m.attributes?.applicationId === id && /\/v1\/reviews\//.test(m.body)).at(-1)!;
    const link = /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(email.body)![0];
    expect((await fetch(link)).status).toBe(200); // the case page shows the applicant to the reviewer, not to the logs
    const decisionUrl = new URL(link);
    decisionUrl.pathname = `${decisionUrl.pathname}/decision`;
    const decided = await fetch(decisionUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ decision: 'APPROVE', comment: 'income verified' }),
    });
    expect(decided.status).toBe(200);
    expect((await waitForStatus(id, token, ['APPROVED', 'DECLINED'])).status).toBe('APPROVED');
  });

  it('refuses a malformed application (national ID checksum, e-mail) with 422', async () => {
    const { response } = await submit(malformed);
    expect(response.status).toBe(422);
    const paths = (response.json.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['applicant.nationalId', 'applicant.email']));
  });

  it('approves, accepts, disburses and takes a repayment', async () => {
    const { response, token, requestId } = await submit(approved);
    expect(response.status).toBe(202);
    const id = response.json.applicationId as string;
    seen.approvedId = id;
    seen.approvedRequestId = requestId;
    const view = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => r.json?.offer?.contract?.sha256 !== undefined);
    expect(view.json.status).toBe('APPROVED');
    const accepted = await call(ctx.url, 'POST', `/v1/applications/${id}/contract/accept`, { token, body: { contractSha256: view.json.offer.contract.sha256 } });
    expect(accepted.status).toBe(200);
    const disbursed = await waitForStatus(id, token, ['DISBURSED', 'FAILED']);
    expect(disbursed.status).toBe('DISBURSED');
    const loanId = disbursed.loanId as string;

    const schedule = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token })).json.installments as { dueDate: string; total: { amount: string } | string }[];
    const first = schedule[0]!;
    const amount = typeof first.total === 'string' ? first.total : first.total.amount;
    await call(ctx.url, 'POST', '/_local/clock', { body: { now: `${first.dueDate}T10:00:00Z` } });
    const paid = await call(ctx.url, 'POST', `/v1/loans/${loanId}/repayments`, {
      token: ops,
      body: { amount: { amount, currency: 'CNY' }, paidAt: `${first.dueDate}T09:00:00Z`, reference: `logs-pii-${run}` },
    });
    expect(paid.status).toBe(201);
    expect((await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token })).status).toBe(200);
  });

  it('logged JSON lines with the correlation keys, and no applicant\'s (or reviewer\'s) personal data', async () => {
    // The last task of the approved application logs right after its status changes; the reviewed one waits for its
    // contract's acceptance (the pipeline is not idle), so wait for that line rather than for the stack.
    await eventually(async () => capture.text, (text) => text.includes('"disbursement step"'));
    capture.stop();
    const lines = capture.lines;
    expect(lines.length).toBeGreaterThan(20);

    // JSON lines: every line is a Powertools log record (the stack's own "[local]" lines are errors and would show
    // here), apart from Node's own process warnings (the test runner's VM modules are experimental).
    const nodeWarning = /^\(node:\d+\) \w*Warning: |^\(Use `node --trace-warnings/;
    const records = lines.filter((line) => !nodeWarning.test(line)).map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { unparsed: line };
      }
    });
    expect(records.filter((r) => 'unparsed' in r)).toEqual([]);
    for (const record of records) expect(record).toMatchObject({ level: expect.any(String), message: expect.any(String), timestamp: expect.any(String), service: 'microloan-approval' });
    // No attribute was dropped for clashing with a Powertools key (level, message, timestamp, …).
    expect(records.filter((r) => /is a reserved key/.test(String(r.message)))).toEqual([]);

    // HTTP lines carry the API request id as the correlation id, with the route.
    const submittedLine = records.find((r) => r.message === 'application submitted' && r.applicationId === seen.approvedId);
    expect(seen.approvedRequestId).toEqual(expect.any(String));
    expect(submittedLine).toMatchObject({ correlation_id: seen.approvedRequestId, requestId: seen.approvedRequestId, route: 'POST /v1/applications' });

    // The ids a route names are on its lines too.
    const acceptedLine = records.find((r) => r.message === 'contract accepted');
    expect(acceptedLine).toMatchObject({ applicationId: seen.approvedId, route: 'POST /v1/applications/{applicationId}/contract/accept', correlation_id: expect.any(String) });
    expect(acceptedLine!.correlation_id).not.toBe(seen.approvedRequestId); // a request of its own

    // Task lines carry applicationId, executionName (the application id) and the submit's request id, in every step.
    const taskLines = records.filter((r) => r.applicationId === seen.approvedId && r.executionName !== undefined);
    const steps = ['pipeline entered', 'application scored', 'application decided', 'contract step', 'disbursement step'];
    for (const step of steps) {
      expect(taskLines.find((r) => r.message === step)).toMatchObject({ applicationId: seen.approvedId, executionName: seen.approvedId, correlation_id: seen.approvedRequestId });
    }
    const reviewLines = records.filter((r) => r.applicationId === seen.reviewedId && r.executionName !== undefined).map((r) => r.message);
    expect(reviewLines).toEqual(expect.arrayContaining(['review requested', 'review step conclude', 'contract step']));
    expect(records.some((r) => r.applicationId === seen.declinedId && r.message === 'application decided' && r.correlation_id)).toBe(true);
    for (const record of records.filter((r) => r.executionName !== undefined)) {
      expect(record).toMatchObject({ executionName: record.applicationId, correlation_id: expect.any(String) });
    }

    // No personal data anywhere in the output, in any form it was sent in.
    const text = capture.text.toLowerCase();
    const secrets = [approved, declined, reviewed, malformed].flatMap((p) => [
      p.nationalId,
      p.phone,
      p.phone.replace(/^\+86/, ''), // the 11-digit national form
      p.email,
      p.fullName,
      p.accountNumber,
    ]);
    secrets.push(reviewer.email, reviewer.name);
    const leaked = secrets.filter((secret) => text.includes(secret.toLowerCase()));
    const where = leaked.map((secret) => lines.find((line) => line.toLowerCase().includes(secret.toLowerCase())));
    expect({ leaked, where }).toEqual({ leaked: [], where: [] });
  });
});

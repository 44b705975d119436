// The contract and its acceptance, through the handlers, on the fakes: the contract made with the approval, the
// Contract step (a task with a token), the view's link, accept (the API), expire-offer.

import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { createHandler as createResume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as createScore } from '../../../functions/handlers/pipeline-score';
import { createHandler as createDecide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as createPrepare } from '../../../functions/handlers/pipeline-prepare-contract';
import { createHandler as createAccept } from '../../../functions/handlers/accept-contract';
import { createHandler as createQuery } from '../../../functions/handlers/query-applications';
import { createHandler as createWithdraw } from '../../../functions/handlers/withdraw-application';
import { verifyChain } from '../../../functions/core/kernel/audit';
import { contractSha256 } from '../../../functions/core/contracting/contract';
import { disbursementAccountOf } from '../../../functions/core/contracting/contracting';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';

type Deps = ReturnType<typeof fakeDeps>;

const ACCOUNT = { bankName: 'Example Bank', accountNumber: '6222 0212 3456 7890 123', holderName: 'Li Wei' };

/** An application approved by the policy (band A, 8,000 CNY) with its offer. */
async function approved(deps: Deps, overrides: Record<string, unknown> = { disbursementAccount: ACCOUNT }, sub = 'alice') {
  deps.scorer.result = 750;
  const result = await createSubmit(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': `contract-${Math.random()}` }, body: validApplication(overrides), sub }),
    lambdaContext,
  );
  expect(result.statusCode).toBe(202);
  const applicationId = parse(result).applicationId as string;
  await createResume(deps)({ applicationId });
  await createScore(deps)({ applicationId });
  expect(await createDecide(deps)({ applicationId })).toMatchObject({ status: 'APPROVED' });
  return applicationId;
}

let tokens = 0;
const newToken = () => `contract-token-${(tokens += 1)}`;

async function prepared(deps: Deps, overrides?: Record<string, unknown>) {
  const applicationId = await approved(deps, overrides);
  const taskToken = newToken();
  const result = await createPrepare(deps)({ applicationId, taskToken });
  expect(result).toMatchObject({ outcome: 'waiting', status: 'APPROVED' });
  const contract = deps.applications.applications.get(applicationId)!.offer!.contract!;
  return { applicationId, taskToken, contract };
}

const accept = (deps: Deps, applicationId: string, body: unknown, options: { sub?: string; roles?: string[]; headers?: Record<string, string> } = {}) =>
  createAccept(deps)(
    httpEvent({
      method: 'POST',
      routePath: '/v1/applications/{applicationId}/contract/accept',
      pathParameters: { applicationId },
      sub: options.sub ?? 'alice',
      ...(options.roles ? { roles: options.roles } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      body,
    }),
    lambdaContext,
  );

const view = (deps: Deps, applicationId: string, sub = 'alice') =>
  createQuery(deps)(httpEvent({ method: 'GET', routePath: '/v1/applications/{applicationId}', pathParameters: { applicationId }, sub }), lambdaContext);

function snapshot(deps: Deps, applicationId: string) {
  return {
    application: structuredClone(deps.applications.applications.get(applicationId)),
    audit: deps.applications.audit.get(applicationId)!.length,
    answers: deps.workflow.answers.length,
  };
}

describe('the contract, made with the approval, and the Contract step (pipeline-prepare-contract, with a task token)', () => {
  it('renders and stores the contract with the approval, records it with its hash and terms, audits it and tells the applicant once; the step records the token', async () => {
    const deps = fakeDeps();
    const { applicationId, taskToken, contract } = await prepared(deps);

    const stored = deps.applications.applications.get(applicationId)!;
    expect(contract).toEqual({
      contractId: expect.any(String),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      objectKey: `contracts/${applicationId}/${contract.contractId}.txt`,
      generatedAt: '2026-11-29T08:00:00.000Z',
      templateVersion: 'contract-v2',
      terms: { principalMinor: 800_000, currency: 'CNY', annualRatePercent: '8.5', numberOfInstallments: 12, frequency: 'monthly', method: 'equal_installments' },
    });
    expect(stored.contractTaskToken).toBe(taskToken);
    expect(stored.status).toBe('APPROVED');

    const text = deps.contracts.texts.get(contract.objectKey)!;
    expect(contractSha256(text)).toBe(contract.sha256);
    expect(text.startsWith('小额贷款合同 / MICROLOAN CONTRACT')).toBe(true); // the applicant's language (zh-CN) first
    expect(text).toContain('借款人：Li Wei');
    expect(text).toContain('Principal: 8,000.00 CNY');
    expect(text).toContain('Annual interest rate (nominal): 8.5%');
    expect(text).toMatch(/Annual percentage rate \(APR, all fees included\): \d+\.\d{2}%/);
    expect(text).toContain('The schedule below assumes disbursement on 2026-11-29.');
    expect(text).not.toContain('6222021234567890123'); // no account in the contract

    const events = deps.applications.audit.get(applicationId)!;
    expect(events.find((e) => e.action === 'contract.generated')!.details).toMatchObject({ contractId: contract.contractId, sha256: contract.sha256, templateVersion: 'contract-v2', installments: 12 });
    expect(verifyChain(events)).toBe(true);

    const ready = deps.notifier.sent.filter((n) => n.attributes?.kind === 'approved');
    expect(ready.map((n) => [n.channel, n.to])).toEqual([
      ['sms', '+8613800138000'],
      ['email', 'li.wei@example.com'],
    ]);
    expect(ready[0]!.subject).toBe('您的贷款申请已获批准');
    expect(ready[0]!.body).toContain('贷款合同已生成');
    expect(ready[0]!.body).toContain('2026-12-06');
  });

  it('is idempotent: a retried task keeps the contract; a new token is recorded, nothing is sent twice', async () => {
    const deps = fakeDeps();
    const { applicationId, taskToken, contract } = await prepared(deps);
    const prepare = createPrepare(deps);
    expect(await prepare({ applicationId, taskToken })).toMatchObject({ outcome: 'waiting', contractId: contract.contractId });
    const next = newToken();
    expect(await prepare({ applicationId, taskToken: next })).toMatchObject({ outcome: 'waiting', contractId: contract.contractId, sha256: contract.sha256 });
    const stored = deps.applications.applications.get(applicationId)!;
    expect(stored.contractTaskToken).toBe(next);
    expect(stored.offer!.contract).toEqual(contract);
    expect(deps.contracts.texts.size).toBe(1);
    expect(deps.notifier.sent.filter((n) => n.attributes?.kind === 'approved')).toHaveLength(2); // SMS + e-mail, once
    expect(deps.applications.audit.get(applicationId)!.filter((e) => e.action === 'contract.generated')).toHaveLength(1);
  });

  it('approves nothing when the contract cannot be stored: the decision task fails, is retried, and then approves with it', async () => {
    const deps = fakeDeps();
    deps.scorer.result = 750;
    const submitted = await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': 'contract-store-down' }, body: validApplication({ disbursementAccount: ACCOUNT }), sub: 'alice' }),
      lambdaContext,
    );
    const applicationId = parse(submitted).applicationId as string;
    await createResume(deps)({ applicationId });
    await createScore(deps)({ applicationId });
    deps.contracts.failNextPut = true;
    await expect(createDecide(deps)({ applicationId })).rejects.toThrow('S3 unavailable');
    const stored = deps.applications.applications.get(applicationId)!;
    expect(stored.status).toBe('ASSESSING');
    expect(stored.offer).toBeUndefined();
    expect(await createDecide(deps)({ applicationId })).toMatchObject({ status: 'APPROVED' });
    expect(deps.applications.applications.get(applicationId)!.offer!.contract).toEqual(expect.objectContaining({ sha256: expect.any(String) }));
  });

  it('answers the token at once for an application no longer APPROVED, so the pipeline can end', async () => {
    const deps = fakeDeps();
    const applicationId = await approved(deps);
    await createWithdraw(deps)(httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/withdraw', pathParameters: { applicationId }, sub: 'alice' }), lambdaContext);
    const taskToken = newToken();
    expect(await createPrepare(deps)({ applicationId, taskToken })).toEqual({ outcome: 'not_approved', status: 'WITHDRAWN' });
    expect(deps.workflow.answers).toEqual([{ taskToken, output: { accepted: false, status: 'WITHDRAWN' } }]);
  });

  it('answers a re-entered task with the acceptance when the applicant has accepted already', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    expect((await accept(deps, applicationId, { contractSha256: contract.sha256 })).statusCode).toBe(200);
    const again = newToken();
    expect(await createPrepare(deps)({ applicationId, taskToken: again })).toMatchObject({ outcome: 'accepted', status: 'ACCEPTED', contractId: contract.contractId });
    expect(deps.workflow.answers.at(-1)).toEqual({ taskToken: again, output: expect.objectContaining({ accepted: true, sha256: contract.sha256 }) });
  });
});

describe('GET /v1/applications/{id} with a contract', () => {
  it('shows offer.contract with its id, hash and a fresh link, never the storage key', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    const body = parse(await view(deps, applicationId));
    expect(body.offer.contract).toEqual({
      contractId: contract.contractId,
      sha256: contract.sha256,
      generatedAt: contract.generatedAt,
      url: `https://contracts.test/${contract.objectKey}?expires=900&sig=x`,
    });
    expect(JSON.stringify(body)).not.toContain('objectKey');
    expect(deps.contracts.links).toEqual([{ objectKey: contract.objectKey, expiresInSeconds: 900 }]);
  });

  it('still shows the view, without the link, when no link can be made', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    deps.contracts.link = async () => {
      throw new Error('no credentials');
    };
    const result = await view(deps, applicationId);
    expect(result.statusCode).toBe(200);
    expect(parse(result).offer.contract).toEqual({ contractId: contract.contractId, sha256: contract.sha256, generatedAt: contract.generatedAt });
  });
});

describe('POST /v1/applications/{id}/contract/accept', () => {
  it('accepts the contract by its hash: ACCEPTED, the acceptance recorded and audited, the pipeline resumed', async () => {
    const deps = fakeDeps();
    const { applicationId, taskToken, contract } = await prepared(deps);
    deps.clock.current = new Date('2026-11-30T09:15:00.000Z');
    const result = await accept(deps, applicationId, { contractSha256: contract.sha256.toUpperCase() }, { headers: { 'x-channel': 'App' } });

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['idempotent-replayed']).toBeUndefined();
    const acceptance = { contractId: contract.contractId, sha256: contract.sha256, acceptedAt: '2026-11-30T09:15:00.000Z', channel: 'app' };
    expect(parse(result)).toEqual({ applicationId, status: 'ACCEPTED', acceptance });

    const stored = deps.applications.applications.get(applicationId)!;
    expect(stored.status).toBe('ACCEPTED');
    expect(stored.acceptance).toEqual({ ...acceptance, acceptedBy: 'applicant:alice' });
    expect(stored.timeline.at(-1)).toEqual({ at: '2026-11-30T09:15:00.000Z', status: 'ACCEPTED', by: 'applicant' });
    expect(deps.workflow.answers).toEqual([{ taskToken, output: { accepted: true, ...acceptance } }]);

    const events = deps.applications.audit.get(applicationId)!;
    expect(events.find((e) => e.action === 'contract.accepted')).toMatchObject({
      actor: 'applicant:alice',
      details: { contractId: contract.contractId, sha256: contract.sha256, channel: 'app', disbursementAccountFrom: 'application' },
    });
    expect(verifyChain(events)).toBe(true);
    expect(parse(await view(deps, applicationId)).acceptance).toEqual(acceptance);
  });

  it("records the channel 'api' when the client does not name one", async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    expect(parse(await accept(deps, applicationId, { contractSha256: contract.sha256 })).acceptance.channel).toBe('api');
  });

  it('refuses a wrong hash with 422 naming contractSha256, and changes nothing', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    const before = snapshot(deps, applicationId);
    const wrong = contract.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const result = await accept(deps, applicationId, { contractSha256: wrong });
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors).toEqual([{ path: 'contractSha256', message: expect.stringContaining('does not match the offered contract') }]);
    expect(snapshot(deps, applicationId)).toEqual(before);
  });

  it('is idempotent: accepting again answers 200 with the same acceptance, and another hash then is refused', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    const first = await accept(deps, applicationId, { contractSha256: contract.sha256 });
    deps.clock.current = new Date('2026-11-29T10:00:00.000Z');
    const second = await accept(deps, applicationId, { contractSha256: contract.sha256 }, { headers: { 'x-channel': 'web' } });
    expect(second.statusCode).toBe(200);
    expect(second.headers?.['idempotent-replayed']).toBe('true');
    expect(parse(second)).toEqual(parse(first));
    const stored = deps.applications.applications.get(applicationId)!;
    expect(stored.timeline.filter((t) => t.status === 'ACCEPTED')).toHaveLength(1);
    expect(deps.workflow.answers).toHaveLength(1); // the second answer found the token gone: harmless

    const other = await accept(deps, applicationId, { contractSha256: 'a'.repeat(64) });
    expect(other.statusCode).toBe(422);
    expect(parse(other).errors[0].path).toBe('contractSha256');
  });

  it('repairs a lost resume: when Step Functions could not be told, 503, and the retry delivers it', async () => {
    const deps = fakeDeps();
    const { applicationId, taskToken, contract } = await prepared(deps);
    const send = deps.workflow.sendTaskSuccess.bind(deps.workflow);
    let failures = 1;
    deps.workflow.sendTaskSuccess = async (token, output) => {
      if (failures-- > 0) throw new Error('Step Functions throttled');
      return send(token, output);
    };
    const first = await accept(deps, applicationId, { contractSha256: contract.sha256 });
    expect(first.statusCode).toBe(503);
    expect(parse(first).detail).toMatch(/acceptance is recorded/);
    expect(deps.applications.applications.get(applicationId)!.status).toBe('ACCEPTED');
    const retry = await accept(deps, applicationId, { contractSha256: contract.sha256 });
    expect(retry.statusCode).toBe(200);
    expect(deps.workflow.answers).toEqual([{ taskToken, output: expect.objectContaining({ accepted: true }) }]);
  });

  it('answers 404 to another applicant and to staff (only the owner accepts), as for an id that does not exist', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    const before = snapshot(deps, applicationId);
    for (const options of [{ sub: 'bob' }, { sub: 'olga', roles: ['ops'] }]) {
      const result = await accept(deps, applicationId, { contractSha256: contract.sha256 }, options);
      expect(result.statusCode).toBe(404);
    }
    expect((await accept(deps, '01NOSUCHAPPLICATION0000000', { contractSha256: contract.sha256 })).statusCode).toBe(404);
    expect(snapshot(deps, applicationId)).toEqual(before);
  });

  it('refuses an expired offer with 409 and changes nothing', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    const before = snapshot(deps, applicationId);
    deps.clock.current = new Date('2026-12-06T08:00:00.000Z'); // the offer's expiresAt
    const result = await accept(deps, applicationId, { contractSha256: contract.sha256 });
    expect(result.statusCode).toBe(409);
    expect(parse(result).detail).toBe('the offer expired at 2026-12-06T08:00:00.000Z; it can no longer be accepted');
    expect(snapshot(deps, applicationId)).toEqual(before);
  });

  it('refuses with 409 before the approval, and once the application has moved on', async () => {
    const deps = fakeDeps();
    const submitted = await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', headers: { 'idempotency-key': 'accept-too-early' }, body: validApplication({ disbursementAccount: ACCOUNT }), sub: 'alice' }),
      lambdaContext,
    );
    const applicationId = parse(submitted).applicationId as string;
    const early = await accept(deps, applicationId, { contractSha256: 'a'.repeat(64) });
    expect(early.statusCode).toBe(409);
    expect(parse(early).detail).toBe('an application in status SUBMITTED has no contract to accept');

    await createWithdraw(deps)(httpEvent({ method: 'POST', routePath: '/v1/applications/{applicationId}/withdraw', pathParameters: { applicationId }, sub: 'alice' }), lambdaContext);
    const late = await accept(deps, applicationId, { contractSha256: 'a'.repeat(64) });
    expect(late.statusCode).toBe(409);
    expect(parse(late).detail).toBe('an application in status WITHDRAWN has no contract to accept');
  });

  it('needs a disbursement account: from the application, or given with the acceptance (sealed, never in clear)', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps, {});
    const before = snapshot(deps, applicationId);
    const missing = await accept(deps, applicationId, { contractSha256: contract.sha256 });
    expect(missing.statusCode).toBe(422);
    expect(parse(missing).errors).toEqual([{ path: 'disbursementAccount', message: expect.stringContaining('is required') }]);
    expect(snapshot(deps, applicationId)).toEqual(before);

    const given = await accept(deps, applicationId, { contractSha256: contract.sha256, disbursementAccount: { accountNumber: 'gb82 west 1234 5698 7654 32', holderName: 'Li Wei' } });
    expect(given.statusCode).toBe(200);
    const stored = deps.applications.applications.get(applicationId)!;
    expect(stored.sealedDisbursementAccount).toEqual(expect.any(String));
    expect(JSON.stringify(stored)).not.toContain('GB82WEST12345698765432');
    expect(JSON.stringify(deps.applications.audit.get(applicationId))).not.toContain('GB82WEST');
    expect(await disbursementAccountOf(deps, stored)).toEqual({ accountNumber: 'GB82WEST12345698765432', holderName: 'Li Wei' });
    expect(deps.applications.audit.get(applicationId)!.at(-1)!.details).toMatchObject({ disbursementAccountFrom: 'acceptance' });
  });

  it('keeps the account given at submission sealed with the applicant, for the Disburse step', async () => {
    const deps = fakeDeps();
    const { applicationId } = await prepared(deps);
    const stored = deps.applications.applications.get(applicationId)!;
    expect(JSON.stringify(stored)).not.toContain('6222021234567890123');
    expect(await disbursementAccountOf(deps, stored)).toEqual({ bankName: 'Example Bank', accountNumber: '6222021234567890123', holderName: 'Li Wei' });
  });

  it.each([
    ['no hash', {}, 'contractSha256'],
    ['a hash that is not 64 hex digits', { contractSha256: 'abc' }, 'contractSha256'],
    ['an unknown field', { contractSha256: 'a'.repeat(64), signature: 'x' }, 'signature'],
    ['a bad account number', { contractSha256: 'a'.repeat(64), disbursementAccount: { accountNumber: '12-34', holderName: 'Li Wei' } }, 'disbursementAccount.accountNumber'],
    ['an account without holder', { contractSha256: 'a'.repeat(64), disbursementAccount: { accountNumber: '12345678' } }, 'disbursementAccount.holderName'],
  ])('refuses %s with 422 naming the field', async (_what, body, path) => {
    const deps = fakeDeps();
    const { applicationId } = await prepared(deps);
    const result = await accept(deps, applicationId, body);
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('refuses an unknown channel header with 422', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    const result = await accept(deps, applicationId, { contractSha256: contract.sha256 }, { headers: { 'x-channel': 'fax' } });
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors).toEqual([{ path: 'X-Channel', message: 'must be one of web, app, partner, branch, api' }]);
  });
});

describe('submission with a disbursement account', () => {
  it('validates it with every other problem', async () => {
    const deps = fakeDeps();
    const result = await createSubmit(deps)(
      httpEvent({
        method: 'POST',
        routePath: '/v1/applications',
        headers: { 'idempotency-key': `contract-${Math.random()}` },
        body: validApplication({ disbursementAccount: { accountNumber: '1234', holderName: '' }, channel: 'fax' }),
        sub: 'alice',
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(422);
    expect(parse(result).errors.map((e: { path: string }) => e.path).sort()).toEqual(['channel', 'disbursementAccount.accountNumber', 'disbursementAccount.holderName']);
  });
});

describe('expire-offer (after the wait timed out)', () => {
  it('leaves an offer that has not expired yet (the pipeline waits again), and expires one that has', async () => {
    const deps = fakeDeps();
    const { applicationId } = await prepared(deps);
    const prepare = createPrepare(deps);
    expect(await prepare({ step: 'expire-offer', applicationId })).toEqual({ status: 'APPROVED', changed: false });

    deps.clock.current = new Date('2026-12-06T08:00:00.000Z');
    expect(await prepare({ step: 'expire-offer', applicationId })).toEqual({ status: 'EXPIRED', changed: true });
    expect(await prepare({ step: 'expire-offer', applicationId })).toEqual({ status: 'EXPIRED', changed: false });
    const events = deps.applications.audit.get(applicationId)!;
    expect(events.find((e) => e.action === 'offer.expired')!.details).toMatchObject({ expiresAt: '2026-12-06T08:00:00.000Z' });
    const told = deps.notifier.sent.filter((n) => n.attributes?.kind === 'offer_expired');
    expect(told).toHaveLength(2);
    expect(told[0]!.subject).toBe('您的贷款要约已过期');
    expect(deps.applications.openSlots.size).toBe(0); // the person may apply again
  });

  it('leaves an application the applicant accepted meanwhile (the pipeline goes on to disburse)', async () => {
    const deps = fakeDeps();
    const { applicationId, contract } = await prepared(deps);
    await accept(deps, applicationId, { contractSha256: contract.sha256 });
    deps.clock.current = new Date('2026-12-07T00:00:00.000Z');
    expect(await createPrepare(deps)({ step: 'expire-offer', applicationId })).toEqual({ status: 'ACCEPTED', changed: false });
  });
});

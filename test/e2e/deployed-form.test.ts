// What ships is what runs: every function of the synthesized template, as the bundle `cdk deploy` uploads, with
// exactly the template's environment (references resolved to local values) and its own credentials, invoked with
// events of its kind — through the API, the state machine, EventBridge (uploads), the schedules, a CloudFormation
// custom resource — while the local AWS emulator checks every AWS call against the function's role in the template.
// The test fails if a function throws while wiring itself or makes one call its role does not allow.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { sandboxIdentity } from '../../functions/adapters/bureau/sandbox-bureau';
import { signWebhookBody } from '../../functions/core/servicing/repayment-webhook';
import { FUNCTION_DEFINITIONS } from '../../lib/function-definitions';
import { BINDINGS } from '../../functions/shared/bindings';
import type { HandlerName } from '../../functions/shared/routes';
import { productBody, uniqueIdentity, validApplication } from '../support/applications';
import { startCloudFormationResponses, type CloudFormationResponses } from '../support/cloudformation-response';
import { bootStack, call, eventually, uploadDocument, type E2eContext } from './support';

let ctx: E2eContext;
let cfn: CloudFormationResponses;
let admin: string;
let ops: string;

const ACCOUNT = { bankName: 'Example Bank', accountNumber: '6222021234567890123', holderName: 'Li Wei' };

beforeAll(async () => {
  cfn = await startCloudFormationResponses();
  ctx = await bootStack({ extraCaCertificates: [cfn.certificate] });
  [admin, ops] = await Promise.all([ctx.token('root', ['admin']), ctx.token('olga', ['ops'])]);
});

afterAll(async () => {
  await ctx?.close();
  await cfn?.close();
});

const deployed = () => ctx.stack.deployed!;

async function submit(sub: string, overrides: Record<string, unknown> = {}, identity = uniqueIdentity()) {
  const token = await ctx.token(sub);
  const response = await call(ctx.url, 'POST', '/v1/applications', { token, body: validApplication(overrides, identity), headers: { 'Idempotency-Key': `deployed-${sub}-${Date.now()}` } });
  expect(response.status).toBe(202);
  return { id: response.json.applicationId as string, token };
}

const view = (id: string, token: string) => call(ctx.url, 'GET', `/v1/applications/${id}`, { token });
const waitFor = async (id: string, token: string, statuses: string[]) => {
  const read = await eventually(() => view(id, token), (r) => statuses.includes(r.json?.status));
  expect(statuses).toContain(read.json.status);
  return read.json;
};
const outbox = async (to?: string) => (await call(ctx.url, 'GET', `/_local/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`)).json as { to: string; body: string; at: string }[];

async function reviewLink(email: string): Promise<string> {
  const messages = await eventually(() => outbox(email), (list) => list.some((m) => m.body.includes('/v1/reviews/')));
  return /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(messages.filter((m) => m.body.includes('/v1/reviews/')).at(-1)!.body)![0];
}

async function decide(link: string, decision: string, comment: string) {
  const url = new URL(link);
  url.pathname = `${url.pathname}/decision`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ decision, comment }) });
  expect(response.status).toBe(200);
}

describe('the deployed form: every function of the template, with its environment and role', () => {
  it('runs a tour that invokes every function, with no wiring failure and no call outside a role', async () => {
    // The API's public and staff routes.
    expect((await call(ctx.url, 'GET', '/openapi.json')).status).toBe(200);
    const quote = await call(ctx.url, 'POST', '/v1/quotes', {
      body: { principal: { amount: '10000.00', currency: 'CNY' }, annualRatePercent: '12', numberOfInstallments: 12, frequency: 'monthly', method: 'equal_installments', disbursementDate: '2026-12-10' },
    });
    expect(quote.status).toBe(200);
    expect((await call(ctx.url, 'GET', '/v1/products', { token: admin })).status).toBe(200);
    const product = productBody({ productId: 'deployed-form-test', name: 'Deployed form test', customerType: 'farmer', method: 'flat' });
    expect((await call(ctx.url, 'POST', '/v1/products', { token: admin, body: product })).status).toBe(201);
    const policy = await call(ctx.url, 'GET', '/v1/policy', { token: admin });
    expect(policy.status).toBe(200);
    const level1 = `l1.${Date.now()}@lender.example`;
    const level2 = `l2.${Date.now()}@lender.example`;
    expect((await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email: level1, name: 'Ada One', level: 1, language: 'en' } })).status).toBe(201);
    expect((await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email: level2, name: 'Bo Two', level: 2, language: 'en' } })).status).toBe(201);
    expect((await call(ctx.url, 'GET', '/v1/reviewers', { token: admin })).status).toBe(200);

    // Submit → automatic decision → contract → payout → repayment (ops and the bank's webhook).
    const alice = await submit('alice', { disbursementAccount: ACCOUNT });
    const approved = await waitFor(alice.id, alice.token, ['APPROVED']);
    const withContract = approved.offer.contract ? approved : (await eventually(() => view(alice.id, alice.token), (r) => Boolean(r.json.offer?.contract))).json;
    expect((await fetch(withContract.offer.contract.url)).status).toBe(200);
    const upload = await call(ctx.url, 'POST', `/v1/applications/${alice.id}/documents`, { token: alice.token, body: { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 9 } });
    expect(upload.status).toBe(201);
    expect((await fetch(upload.json.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.4\n') })).status).toBe(200);
    await eventually(() => view(alice.id, alice.token), (r) => r.json.documents.received.includes('proof_of_income'));
    const accepted = await call(ctx.url, 'POST', `/v1/applications/${alice.id}/contract/accept`, { token: alice.token, body: { contractSha256: withContract.offer.contract.sha256 } });
    expect(accepted.status).toBe(200);
    const disbursed = await waitFor(alice.id, alice.token, ['DISBURSED']);
    const loanId = disbursed.loanId as string;
    expect((await call(ctx.url, 'GET', `/v1/loans/${loanId}`, { token: alice.token })).status).toBe(200);
    expect((await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token: alice.token })).status).toBe(200);
    const paidAt = ctx.stack.clock.now().toISOString();
    const repaid = await call(ctx.url, 'POST', `/v1/loans/${loanId}/repayments`, { token: ops, body: { amount: { amount: '100.00', currency: 'CNY' }, paidAt, reference: 'OPS-0001' } });
    expect(repaid.status).toBe(201);
    const webhookBody = JSON.stringify({ loanId, amount: { amount: '50.00', currency: 'CNY' }, paidAt, reference: 'BANK-0001' });
    const webhookSecret = readFileSync(join(ctx.stack.dataDir, 'secrets', 'repayment-webhook.key'), 'utf8').trim();
    const webhook = await call(ctx.url, 'POST', '/v1/webhooks/repayments', { raw: webhookBody, headers: { 'x-signature': signWebhookBody(webhookSecret, webhookBody) } });
    expect(webhook.status).toBe(201);
    expect((await call(ctx.url, 'GET', `/v1/applications/${alice.id}/audit`, { token: ops })).json.verified).toBe(true);
    expect((await call(ctx.url, 'GET', '/v1/applications', { token: ops })).status).toBe(200);

    // A two-level review decided by the links; the staff queue; the SLA check.
    const bob = await submit('bob', { loan: { amount: { amount: '80000.00', currency: 'CNY' }, termMonths: 24, purpose: 'electronics' } });
    await waitFor(bob.id, bob.token, ['PENDING_REVIEW']);
    await uploadDocument(ctx.url, bob.token, bob.id); // the product's checklist, required before review
    expect((await call(ctx.url, 'GET', '/v1/reviews?status=PENDING', { token: ops })).status).toBe(200);
    const link1 = await reviewLink(level1);
    expect((await fetch(link1)).status).toBe(200);
    await decide(link1, 'APPROVE', 'income verified');
    await decide(await reviewLink(level2), 'APPROVE', 'fine');
    await waitFor(bob.id, bob.token, ['APPROVED']);
    expect((await call(ctx.url, 'POST', '/_local/schedules/review-sla/run')).status).toBe(200);

    // Withdrawal; a failed application re-driven by operations; the overdue scan; the report.
    const carol = await submit('carol');
    await waitFor(carol.id, carol.token, ['APPROVED']);
    expect((await call(ctx.url, 'POST', `/v1/applications/${carol.id}/withdraw`, { token: carol.token })).status).toBe(200);
    const dave = await submit('dave', {}, sandboxIdentity('unavailable'));
    await waitFor(dave.id, dave.token, ['FAILED']);
    const redriven = await call(ctx.url, 'POST', `/v1/applications/${dave.id}/redrive`, { token: ops });
    expect(redriven.status).toBe(200);
    expect((await call(ctx.url, 'POST', '/_local/schedules/overdue-scan/run')).status).toBe(200);
    expect((await call(ctx.url, 'GET', '/v1/reports/summary', { token: ops })).status).toBe(200);

    // The product seed, as CloudFormation runs it on deploy: the provider framework invokes the seed function.
    const framework = deployed().functions().find((fn) => fn.handler === 'framework.onEvent')!;
    const seed = deployed().functionOf('seed-products');
    const event = {
      RequestType: 'Create',
      ServiceToken: framework.arn,
      ResponseURL: cfn.responseUrl('seed-1'),
      StackId: `arn:aws:cloudformation:us-east-1:000000000000:stack/${ctx.stack.deployed!.template.account.stackName}/local`,
      RequestId: 'seed-1',
      LogicalResourceId: 'ProductSeedDefaultProducts',
      ResourceType: 'Custom::MicroloanProductSeed',
      ResourceProperties: { ServiceToken: framework.arn, Revision: '1' },
    };
    const outcome = await deployed().runtime.invoke(framework.functionName, event);
    expect(outcome.status).toBe('ok');
    expect(cfn.received.get('seed-1')).toMatchObject({ Status: 'SUCCESS' });
    expect(deployed().calls().some((c) => c.caller === framework.logicalId && c.operation === 'Invoke' && c.allowed)).toBe(true);
    expect(deployed().runtime.stats()[seed.functionName]?.invocations).toBeGreaterThan(0);

    // The functions' work settled (executions waiting on people, e.g. bob's contract, keep waiting).
    await deployed().idle();

    // Every function of the template ran.
    const stats = deployed().runtime.stats();
    const functions = deployed().functions();
    const notRun = functions.filter((fn) => !(stats[fn.functionName]?.invocations ?? 0));
    expect(notRun.map((fn) => fn.logicalId)).toEqual([]);
    // No function failed to wire itself (a setting or a port missing), and none was refused a call.
    const wiring = deployed().failures().filter((f) => f.outcome.kind === 'init' || /missing configuration|not bound to|ZodError|TABLE_NAME|_ARN/.test(`${f.outcome.errorType} ${f.outcome.errorMessage}`));
    expect(wiring).toEqual([]);
    const calls = deployed().calls();
    const denied = calls.filter((c) => !c.allowed);
    expect(denied).toEqual([]);
    const checks = calls.reduce((n, c) => n + c.checks.length, 0);
    console.log(`deployed form: ${functions.length} functions executed; ${calls.length} AWS calls recorded, ${checks} IAM checks, ${denied.length} outside the caller's role`);
  });

  it('refuses a call outside the role as AWS would (the checker is not a rubber stamp)', async () => {
    // The quotes function may read the table only; with its own credentials, a write is AccessDenied.
    const quotes = deployed().functionOf('quotes');
    const credentials = deployed().emulator.credentialsFor(quotes.logicalId);
    const dynamo = new DynamoDBClient({ endpoint: deployed().emulator.endpoint, region: 'us-east-1', credentials });
    const write = dynamo.send(new PutItemCommand({ TableName: ctx.stack.tableName, Item: { PK: { S: 'X' }, SK: { S: 'Y' } } }));
    await expect(write).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(dynamo.send(new CreateTableCommand({ TableName: 'other', AttributeDefinitions: [], KeySchema: [] }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    // And it may not message anyone.
    const sns = new SNSClient({ endpoint: deployed().emulator.endpoint, region: 'us-east-1', credentials });
    await expect(sns.send(new PublishCommand({ PhoneNumber: '+8613800138000', Message: 'hello' }))).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
    expect(deployed().calls().filter((c) => c.caller === quotes.logicalId && !c.allowed).length).toBeGreaterThanOrEqual(3);
  });

  it('gives each function exactly its declaration’s settings, resolved', () => {
    for (const [handler, definition] of Object.entries(FUNCTION_DEFINITIONS) as [HandlerName, (typeof FUNCTION_DEFINITIONS)[HandlerName]][]) {
      const environment = deployed().functionOf(handler).environment;
      for (const binding of definition.bindings) {
        for (const setting of BINDINGS[binding].settings) {
          expect({ handler, setting, value: environment[setting] }).toEqual({ handler, setting, value: expect.stringMatching(/\S/) });
        }
      }
    }
  });
});

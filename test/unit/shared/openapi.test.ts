// GET /openapi.json as a contract: every route documented with a summary and schemas, lint-clean by Redocly's
// recommended rules, listed in API.md, and every real success response of every route valid against its schema.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../../functions/shared/openapi';
import { API_ROUTES, type HttpHandlerName } from '../../../functions/shared/routes';
import type { HttpHandler } from '../../../functions/shared/http';
import { createHandler as submitApplication } from '../../../functions/handlers/submit-application';
import { createHandler as queryApplications } from '../../../functions/handlers/query-applications';
import { createHandler as withdrawApplication } from '../../../functions/handlers/withdraw-application';
import { createHandler as redriveApplication } from '../../../functions/handlers/redrive-application';
import { createHandler as acceptContract } from '../../../functions/handlers/accept-contract';
import { createHandler as requestDocumentUpload } from '../../../functions/handlers/request-document-upload';
import { createHandler as applicationAudit } from '../../../functions/handlers/application-audit';
import { createHandler as products } from '../../../functions/handlers/products';
import { createHandler as policy } from '../../../functions/handlers/policy';
import { createHandler as reviewers } from '../../../functions/handlers/reviewers';
import { createHandler as reviewPage } from '../../../functions/handlers/review-page';
import { createHandler as reviewQueue } from '../../../functions/handlers/review-queue';
import { createHandler as openapi } from '../../../functions/handlers/openapi';
import { createHandler as quotes } from '../../../functions/handlers/quotes';
import { createHandler as loans } from '../../../functions/handlers/loans';
import { createHandler as repayments } from '../../../functions/handlers/repayments';
import { createHandler as reports } from '../../../functions/handlers/reports';
import { createHandler as resume } from '../../../functions/handlers/pipeline-resume';
import { createHandler as score } from '../../../functions/handlers/pipeline-score';
import { createHandler as decide } from '../../../functions/handlers/pipeline-decide';
import { createHandler as prepareContract } from '../../../functions/handlers/pipeline-prepare-contract';
import { createHandler as disburse } from '../../../functions/handlers/pipeline-disburse';
import { DEFAULT_POLICY_DRAFT } from '../../../functions/core/decisioning/policy';
import { openLoan } from '../../../functions/core/servicing/loan-service';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, type EventInput } from '../../support/events';
import { disbursementAccount, productBody, validApplication } from '../../support/applications';
import { pendingReview } from '../../support/reviews';
import { signTestWebhook } from '../../support/loan-fakes';
import { THREE_MONTHS } from '../../support/loans';
import { TIME_ZONE } from '../../support/settings';

type Operation = {
  operationId?: string;
  summary?: string;
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }>;
};

const document = buildOpenApiDocument();
const operations = API_ROUTES.map((route) => ({
  route,
  key: `${route.method} ${route.path}`,
  operation: (document.paths[route.path] as Record<string, Operation>)[route.method.toLowerCase()]!,
}));
const parameter = (key: string, name: string) => operations.find((o) => o.key === key)!.operation.parameters?.find((p) => p.name === name);

describe('the OpenAPI document', () => {
  it('gives every operation an operationId, a summary and a schema for every success body', () => {
    const ids = new Set<string>();
    for (const { key, operation } of operations) {
      expect({ key, operationId: typeof operation.operationId, summary: typeof operation.summary }).toEqual({ key, operationId: 'string', summary: 'string' });
      ids.add(operation.operationId!);
      const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect(successes.length).toBeGreaterThan(0);
      for (const [status, response] of successes) {
        for (const [type, media] of Object.entries(response.content ?? {})) expect({ key, status, type, schema: media.schema !== undefined }).toEqual({ key, status, type, schema: true });
      }
    }
    expect(ids.size).toBe(operations.length);
  });

  it('states the syntax the server enforces on headers, query parameters, money, dates and account numbers', () => {
    expect(parameter('POST /v1/applications', 'Idempotency-Key')?.schema.pattern).toBe('^[A-Za-z0-9_.:-]{8,128}$');
    expect(parameter('POST /v1/applications/{applicationId}/contract/accept', 'X-Channel')?.schema.enum).toEqual(['web', 'app', 'partner', 'branch', 'api']);
    expect(parameter('GET /v1/applications', 'status')?.schema.enum).toContain('PENDING_REVIEW');
    expect(parameter('GET /v1/applications', 'limit')?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    expect(parameter('GET /v1/reviews', 'cursor')?.schema.pattern).toBeDefined();
    expect(parameter('GET /v1/loans/{loanId}/payoff', 'date')?.schema.format).toBe('date');
    const submission = (document.components.schemas as Record<string, any>).ApplicationSubmission;
    expect(submission.properties.loan.properties.amount.properties.amount.pattern).toBeDefined();
    expect(submission.properties.applicant.properties.dateOfBirth.format).toBe('date');
    expect(submission.properties.applicant.properties.nationalId.pattern).toBeDefined();
    expect(submission.properties.disbursementAccount.anyOf[0].properties.accountNumber.pattern).toBeDefined();
  });

  it('describes the policy\'s bureau rules in the PUT /v1/policy body: the facts, the actions and the thresholds', () => {
    const draft = (document.components.schemas as Record<string, any>).PolicyDraft;
    const rules = draft.properties.bureauRules;
    expect(rules.type).toBe('array');
    const variants: any[] = rules.items.oneOf ?? rules.items.anyOf;
    expect(variants.map((v) => v.properties.fact.const).sort()).toEqual(
      ['accountsInArrears', 'existingCredits', 'inquiriesLast6Months', 'maxDaysPastDueLast24Months', 'revolvingUtilisation'],
    );
    for (const variant of variants) {
      expect(variant.properties.action.enum).toEqual(['DECLINE', 'REVIEW']);
      expect(variant.properties.atLeast.type).toMatch(/number|integer/);
      expect(variant.required).toEqual(expect.arrayContaining(['id', 'fact', 'atLeast', 'action', 'description']));
    }
    expect(draft.required ?? []).not.toContain('bureauRules');
  });

  it("documents the 200 of a product replace and of a repeated repayment, API Gateway's own answers and 503 with Retry-After", () => {
    const responses = (key: string) => operations.find((o) => o.key === key)!.operation.responses;
    expect(Object.keys(responses('POST /v1/products'))).toEqual(expect.arrayContaining(['200', '201']));
    expect(responses('POST /v1/loans/{loanId}/repayments')['200']?.headers).toHaveProperty('Idempotent-Replayed');
    expect(responses('POST /v1/webhooks/repayments')['200']).toBeDefined();
    expect(responses('POST /v1/applications')['413']?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/GatewayMessage' });
    expect(responses('GET /v1/loans/{loanId}')['401']?.content).toHaveProperty('application/json');
    expect(responses('GET /v1/loans/{loanId}')['404']?.content).toHaveProperty('application/json');
    for (const { operation } of operations) expect(operation.responses['503']?.headers).toHaveProperty('Retry-After');
  });

  it('passes Redocly lint (recommended rules) with no errors, offline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      // Telemetry and the update check are the CLI's only network calls; both off.
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' };
      const run = await promisify(execFile)(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--extends=recommended', '--format=json'], { env }).catch(
        (failed: { stdout: string }) => failed,
      );
      const problems = (JSON.parse(run.stdout) as { problems: { severity: string; ruleId: string; message: string }[] }).problems;
      expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every route, and API.md (with the repo\'s additions) names every route too', () => {
    const normalise = (path: string) => path.replace(/\{[A-Za-z]*Id\}/g, '{id}');
    // API.md is the shared design document beside the repository (README: ../shared/design/API.md); docs/design/API.md
    // is its verbatim copy, so that a clone without the design folder beside it (CI) checks the same text.
    const shared = join(process.cwd(), '../shared/design/API.md');
    const copy = readFileSync(join(process.cwd(), 'docs/design/API.md'), 'utf8');
    if (existsSync(shared)) expect(copy).toBe(readFileSync(shared, 'utf8'));
    const texts = [copy, readFileSync(join(process.cwd(), 'docs/API-additions.md'), 'utf8')];
    const named = new Set<string>();
    for (const [, methods, path] of texts.join('\n').matchAll(/`((?:GET|POST|PUT|PATCH|DELETE)(?:\/(?:GET|POST|PUT|PATCH|DELETE))*) (\/[^\s`?]*)/g)) {
      for (const method of methods!.split('/')) named.add(`${method} ${normalise(path!)}`);
    }
    const missing = API_ROUTES.map((route) => `${route.method} ${normalise(route.path)}`).filter((key) => !named.has(key));
    expect(missing).toEqual([]);
    for (const route of API_ROUTES) expect((document.paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()]).toBeDefined();
  });
});

describe('every route, called for real on the fakes', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  ajv.addSchema(document, 'openapi.json');

  const deps = fakeDeps();
  const handlers: Record<HttpHandlerName, HttpHandler> = {
    'submit-application': submitApplication(deps),
    'query-applications': queryApplications(deps),
    'withdraw-application': withdrawApplication(deps),
    'redrive-application': redriveApplication(deps),
    'accept-contract': acceptContract(deps),
    'request-document-upload': requestDocumentUpload(deps),
    'application-audit': applicationAudit(deps),
    products: products(deps),
    policy: policy(deps),
    reviewers: reviewers(deps),
    'review-page': reviewPage(deps),
    'review-queue': reviewQueue(deps),
    openapi: openapi(deps),
    quotes: quotes(deps),
    loans: loans(deps),
    repayments: repayments(deps),
    reports: reports(deps),
  };
  const checked = new Set<string>();

  /** Calls the route's handler and checks the answer against the document: a documented status, media type and body. */
  async function call(routeKey: string, input: Omit<EventInput, 'method' | 'routePath'> = {}): Promise<{ statusCode: number; body: any }> {
    const entry = operations.find((o) => o.key === routeKey)!;
    const [method, routePath] = routeKey.split(' ') as [string, string];
    const result = await handlers[entry.route.handler](httpEvent({ method, routePath, sub: 'alice', ...input }), lambdaContext);
    const status = String(result.statusCode);
    expect({ routeKey, status, success: status.startsWith('2') }).toEqual({ routeKey, status, success: true });
    const mediaType = String(result.headers?.['content-type']).split(';')[0]!;
    const documented = entry.operation.responses[status]?.content?.[mediaType];
    expect({ routeKey, status, mediaType, documented: documented !== undefined }).toEqual({ routeKey, status, mediaType, documented: true });
    const body = mediaType.endsWith('json') ? JSON.parse(result.body ?? 'null') : result.body;
    const validate = ajv.compile({ $ref: `openapi.json#/paths/${pointer(routePath)}/${method.toLowerCase()}/responses/${status}/content/${pointer(mediaType)}/schema` });
    const valid = validate(body);
    expect({ routeKey, status, errors: valid ? [] : validate.errors }).toEqual({ routeKey, status, errors: [] });
    checked.add(routeKey);
    return { statusCode: result.statusCode!, body };
  }
  const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

  it('answers the catalogue, policy, reviewer and calculator routes as documented', async () => {
    await call('GET /openapi.json');
    await call('GET /v1/products');
    expect((await call('POST /v1/products', { roles: ['admin'], body: productBody() })).statusCode).toBe(201);
    expect((await call('POST /v1/products', { roles: ['admin'], body: productBody({ name: 'Green energy loan 2' }) })).statusCode).toBe(200);
    await call('GET /v1/policy', { roles: ['admin'] });
    await call('PUT /v1/policy', { roles: ['admin'], body: DEFAULT_POLICY_DRAFT });
    await call('POST /v1/reviewers', { roles: ['admin'], body: { email: 'zhao.min@lender.test', name: 'Zhao Min', level: 1 } });
    await call('GET /v1/reviewers', { roles: ['admin'] });
    await call('POST /v1/quotes', {
      body: { principal: { amount: '3000.00', currency: 'CNY' }, annualRatePercent: '12', numberOfInstallments: 3, frequency: 'monthly', method: 'equal_installments', disbursementDate: '2026-12-01' },
    });
  });

  it('answers the application routes as documented, from submission to the accepted contract', async () => {
    deps.scorer.result = 750;
    const submitted = await call('POST /v1/applications', { headers: { 'idempotency-key': 'openapi-approved-1' }, body: validApplication(disbursementAccount()) });
    const applicationId = submitted.body.applicationId as string;
    const path = { pathParameters: { applicationId } };
    await resume(deps)({ applicationId });
    await score(deps)({ applicationId });
    await decide(deps)({ applicationId });
    await prepareContract(deps)({ applicationId, taskToken: 'openapi-contract-token' });
    await call('POST /v1/applications/{applicationId}/documents', { ...path, body: { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 1000 } });
    const view = await call('GET /v1/applications/{applicationId}', path);
    expect(view.body.offer.contract).toBeDefined();
    await call('POST /v1/applications/{applicationId}/contract/accept', { ...path, headers: { 'x-channel': 'app' }, body: { contractSha256: view.body.offer.contract.sha256 } });
    await disburse(deps)({ applicationId });
    expect((await call('GET /v1/applications/{applicationId}', path)).body.disbursement).toBeDefined();
    await call('GET /v1/applications', { query: { limit: '5' } });
    await call('GET /v1/applications/{applicationId}/audit', { ...path, roles: ['ops'] });

    const another = await call('POST /v1/applications', { headers: { 'idempotency-key': 'openapi-withdrawn-1' }, body: validApplication() });
    await call('POST /v1/applications/{applicationId}/withdraw', { pathParameters: { applicationId: another.body.applicationId } });
    const stuck = await call('POST /v1/applications', { headers: { 'idempotency-key': 'openapi-redriven-1' }, body: validApplication() });
    await call('POST /v1/applications/{applicationId}/redrive', { pathParameters: { applicationId: stuck.body.applicationId }, roles: ['ops'] });
  });

  it('answers the review routes as documented', async () => {
    const { reviewId, sig, exp } = await pendingReview(deps);
    await call('GET /v1/reviews', { roles: ['reviewer'] });
    const link = { pathParameters: { reviewId }, query: { sig, exp: String(exp) }, sub: '' };
    await call('GET /v1/reviews/{reviewId}', link);
    await call('POST /v1/reviews/{reviewId}/decision', { ...link, body: { decision: 'APPROVE', comment: 'income and history check out' } });
  });

  it('answers the loan, repayment and report routes as documented', async () => {
    await openLoan(deps, {
      loanId: 'LOAN1',
      applicationId: 'APP1',
      ownerId: 'alice',
      productId: 'personal-consumer',
      currency: 'CNY',
      principalMinor: 300_000,
      annualRatePercent: '12',
      disbursedAt: '2026-01-10T02:00:00.000Z',
      schedule: THREE_MONTHS,
    }, { timeZone: TIME_ZONE });
    const loan = { pathParameters: { loanId: 'LOAN1' } };
    const repayment = { amount: { amount: '1025.00', currency: 'CNY' }, paidAt: '2026-02-10T02:00:00Z', reference: 'OPENAPI-0001' };
    expect((await call('POST /v1/loans/{loanId}/repayments', { ...loan, roles: ['ops'], body: repayment })).statusCode).toBe(201);
    expect((await call('POST /v1/loans/{loanId}/repayments', { ...loan, roles: ['ops'], body: repayment })).statusCode).toBe(200);
    const rawBody = JSON.stringify({ loanId: 'LOAN1', amount: { amount: '500.00', currency: 'CNY' }, paidAt: '2026-03-10T02:00:00Z', reference: 'OPENAPI-0002' });
    await call('POST /v1/webhooks/repayments', { rawBody, headers: { 'X-Signature': signTestWebhook(rawBody) }, sub: '' });
    await call('GET /v1/loans/{loanId}', loan);
    await call('GET /v1/loans/{loanId}/schedule', loan);
    await call('GET /v1/loans/{loanId}/payoff', { ...loan, query: { date: '2026-12-01' } });
    await call('GET /v1/loans/{loanId}/repayments', loan);
    await call('GET /v1/reports/summary', { roles: ['ops'] });
    await call('GET /v1/reports/summary', { roles: ['ops'], headers: { accept: 'text/csv' } });
    await call('GET /v1/reports/fairness', { roles: ['ops'] });
    await call('GET /v1/reports/drift', { roles: ['ops'] });
  });

  it('has called every route', () => {
    expect(API_ROUTES.map((route) => `${route.method} ${route.path}`).filter((key) => !checked.has(key))).toEqual([]);
  });
});

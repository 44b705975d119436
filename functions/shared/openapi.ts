// GET /openapi.json: the OpenAPI 3.1 document, generated from the zod schemas that validate the requests and
// describe the responses (response-schemas.ts), so the published contract cannot drift from what the API does.

import { z } from 'zod';
import {
  applicationSubmissionSchema,
  documentUploadRequestSchema,
  nationalIdSchema,
  productSchema,
} from '../core/applications/application-schema';
import { APPLICATION_STATUSES } from '../core/applications/lifecycle';
import { policyDraftSchema } from '../core/decisioning/policy';
import { newReviewerSchema, reviewDecisionSchema } from '../core/review/review-schemas';
import { REVIEWER_LANGUAGES } from '../core/review/reviews';
import { repaymentSchema, webhookRepaymentSchema } from '../core/servicing/loan-views';
import { WEBHOOK_SIGNATURE_PATTERN } from '../core/servicing/repayment-webhook';
import { ACCEPTANCE_CHANNELS } from '../core/contracting/contract';
import { contractAcceptanceSchema } from '../core/contracting/contracting';
import { quoteRequestSchema } from '../core/lending-math/quote';
import { IDEMPOTENCY_KEY_PATTERN } from './headers';
import { responseComponents } from './response-schemas';
import { API_ROUTES, type ApiRoute } from './routes';

type JsonSchema = Record<string, unknown>;
type RouteKey = `${ApiRoute['method']} ${string}`;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** The request bodies, validated by these schemas (described as the server reads them: `io: 'input'`). */
const REQUEST_SCHEMAS = {
  ApplicationSubmission: applicationSubmissionSchema,
  DocumentUploadRequest: documentUploadRequestSchema,
  Product: productSchema,
  PolicyDraft: policyDraftSchema,
  NewReviewer: newReviewerSchema,
  ReviewDecision: reviewDecisionSchema,
  ContractAcceptance: contractAcceptanceSchema,
  Repayment: repaymentSchema,
  WebhookRepayment: webhookRepaymentSchema,
  QuoteRequest: quoteRequestSchema,
} satisfies Record<string, z.ZodType>;

const REQUEST_BODIES: Partial<Record<RouteKey, keyof typeof REQUEST_SCHEMAS>> = {
  'POST /v1/applications': 'ApplicationSubmission',
  'POST /v1/applications/{applicationId}/documents': 'DocumentUploadRequest',
  'POST /v1/products': 'Product',
  'PUT /v1/policy': 'PolicyDraft',
  'POST /v1/reviewers': 'NewReviewer',
  'POST /v1/reviews/{reviewId}/decision': 'ReviewDecision',
  'POST /v1/applications/{applicationId}/contract/accept': 'ContractAcceptance',
  'POST /v1/loans/{loanId}/repayments': 'Repayment',
  'POST /v1/webhooks/repayments': 'WebhookRepayment',
  'POST /v1/quotes': 'QuoteRequest',
};

const json = (schemaId: string) => ({ 'application/json': { schema: ref(schemaId) } });
const html = { 'text/html': { schema: { type: 'string' } } };
const replayedHeader = {
  'Idempotent-Replayed': { description: '`true` when this answers a repeat of an earlier request', schema: { type: 'string', enum: ['true'] } },
};

interface SuccessResponse {
  description: string;
  content: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

/** What each route answers on success, by status (the schemas are in response-schemas.ts). */
const SUCCESS: Record<RouteKey, Record<string, SuccessResponse>> = {
  'POST /v1/applications': {
    '202': { description: 'received (a repeat with the same Idempotency-Key and body gets the same answer)', content: json('SubmissionAccepted'), headers: replayedHeader },
  },
  'GET /v1/applications': { '200': { description: 'a page of applications', content: json('ApplicationPage') } },
  'GET /v1/applications/{applicationId}': { '200': { description: 'the application', content: json('ApplicationView') } },
  'POST /v1/applications/{applicationId}/withdraw': { '200': { description: 'withdrawn (also when it was already)', content: json('ApplicationView') } },
  'POST /v1/applications/{applicationId}/redrive': { '200': { description: 're-driven', content: json('Redrive') } },
  'POST /v1/applications/{applicationId}/contract/accept': {
    '200': { description: 'accepted (a repeated acceptance gets the same answer)', content: json('ContractAccepted'), headers: replayedHeader },
  },
  'POST /v1/applications/{applicationId}/documents': { '201': { description: 'the upload URL', content: json('DocumentUpload') } },
  'GET /v1/applications/{applicationId}/audit': { '200': { description: 'the audit trail', content: json('AuditTrail') } },
  'GET /v1/products': { '200': { description: 'the products', content: json('ProductPage') } },
  'POST /v1/products': {
    '201': { description: 'created', content: json('ProductView') },
    '200': { description: 'an existing product replaced', content: json('ProductView') },
  },
  'GET /v1/policy': { '200': { description: 'the policy', content: json('PolicyView') } },
  'PUT /v1/policy': { '201': { description: 'published as the next version', content: json('PolicyView') } },
  'GET /v1/reviewers': { '200': { description: 'the reviewers', content: json('ReviewerPage') } },
  'POST /v1/reviewers': {
    '201': { description: 'added', content: json('Reviewer') },
    '200': { description: 'already there: its email subscription completed', content: json('Reviewer') },
  },
  'GET /v1/reviews': { '200': { description: 'the pending reviews', content: json('ReviewQueue') } },
  'GET /v1/reviews/{reviewId}': { '200': { description: 'the case page with the decision form', content: html } },
  'POST /v1/reviews/{reviewId}/decision': {
    '200': { description: 'decided: JSON for a JSON request, the confirmation page for a form', content: { ...json('ReviewDecided'), ...html } },
  },
  'GET /openapi.json': { '200': { description: 'this document', content: json('OpenApiDocument') } },
  'POST /v1/quotes': { '200': { description: 'the quote', content: json('Quote') } },
  'GET /v1/loans/{loanId}': { '200': { description: 'the loan', content: json('LoanView') } },
  'GET /v1/loans/{loanId}/schedule': { '200': { description: 'the schedule', content: json('LoanSchedule') } },
  'GET /v1/loans/{loanId}/payoff': { '200': { description: 'the payoff quote', content: json('Payoff') } },
  'GET /v1/loans/{loanId}/repayments': { '200': { description: 'the repayments', content: json('RepaymentPage') } },
  'POST /v1/loans/{loanId}/repayments': {
    '201': { description: 'recorded', content: json('Repayment') },
    '200': { description: 'this reference was recorded before: the same repayment, unchanged', content: json('Repayment'), headers: replayedHeader },
  },
  'POST /v1/webhooks/repayments': {
    '201': { description: 'recorded', content: json('Repayment') },
    '200': { description: 'this reference was recorded before: the same repayment, unchanged', content: json('Repayment'), headers: replayedHeader },
  },
  'GET /v1/reports/fairness': { '200': { description: 'the fairness figures of the range', content: json('FairnessReport') } },
  'GET /v1/reports/drift': { '200': { description: 'the stability of the range against the training data', content: json('DriftReport') } },
  'GET /v1/reports/summary': {
    '200': {
      description: 'the summary (CSV with Accept: text/csv)',
      content: { ...json('ReportSummary'), 'text/csv': { schema: { type: 'string', description: 'section,metric,key,value rows' } } },
    },
  },
};

const pathParameter = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } });
const dayParameter = (name: string, description: string) => ({ name, in: 'query', required: false, description, schema: { type: 'string', format: 'date' } });
const pageParameters = [
  { name: 'limit', in: 'query', required: false, description: 'items per page', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
  { name: 'cursor', in: 'query', required: false, description: 'nextCursor of the page before', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,1024}$' } },
];
const reviewLinkParameters = [
  { name: 'sig', in: 'query', required: true, description: 'the signature of the emailed link', schema: { type: 'string' } },
  { name: 'exp', in: 'query', required: true, description: 'the expiry of the emailed link, epoch seconds', schema: { type: 'string', pattern: '^\\d{1,12}$' } },
  { name: 'lang', in: 'query', required: false, description: "the page's language (default: the reviewer's)", schema: { type: 'string', enum: [...REVIEWER_LANGUAGES] } },
];

/** Headers and query parameters the handlers read (and reject with a 4xx naming them when malformed). */
const PARAMETERS: Partial<Record<RouteKey, unknown[]>> = {
  'POST /v1/applications': [
    { name: 'Idempotency-Key', in: 'header', required: true, description: 'a repeat with the same key answers as the first request did', schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source } },
  ],
  'GET /v1/applications': [{ name: 'status', in: 'query', required: false, schema: { type: 'string', enum: [...APPLICATION_STATUSES] } }, ...pageParameters],
  'POST /v1/applications/{applicationId}/contract/accept': [
    {
      name: 'X-Channel',
      in: 'header',
      required: false,
      description: 'where the acceptance came from, recorded with it (case-insensitive); absent: api',
      schema: { type: 'string', enum: [...ACCEPTANCE_CHANNELS] },
    },
  ],
  'GET /v1/policy': [{ name: 'version', in: 'query', required: false, description: 'a published version; absent: the current one', schema: { type: 'integer', minimum: 1 } }],
  'GET /v1/reviews': [{ name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['PENDING'], default: 'PENDING' } }, ...pageParameters],
  'GET /v1/reviews/{reviewId}': reviewLinkParameters,
  'POST /v1/reviews/{reviewId}/decision': reviewLinkParameters,
  'POST /v1/webhooks/repayments': [
    { name: 'X-Signature', in: 'header', required: true, description: "HMAC-SHA256 of the raw body with the bank's shared secret", schema: { type: 'string', pattern: WEBHOOK_SIGNATURE_PATTERN.source } },
  ],
  'GET /v1/loans/{loanId}/payoff': [dayParameter('date', "the lender's day to pay off on; default today")],
  'GET /v1/reports/summary': [
    dayParameter('from', 'first day (default: 29 days before `to`); at most 366 days, both included'),
    dayParameter('to', 'last day (default: today)'),
  ],
  'GET /v1/reports/drift': [
    dayParameter('from', 'first scoring day (default: 29 days before `to`); at most 366 days, both included'),
    dayParameter('to', 'last scoring day (default: today)'),
  ],
  'GET /v1/reports/fairness': [
    dayParameter('from', 'first decision day (default: 29 days before `to`); at most 366 days, both included'),
    dayParameter('to', 'last decision day (default: today)'),
  ],
};

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` names each field (or header, or query parameter) at fault.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const problem = { 'application/problem+json': { schema: ref('Problem') } };

function errorResponses(route: ApiRoute, hasBody: boolean): Record<string, unknown> {
  const pages = route.handler === 'review-page' ? html : {};
  return {
    ...(route.auth === 'user'
      ? { '401': { description: 'no valid token (API Gateway answers `{"message"}`)', content: { ...json('GatewayMessage'), ...problem } } }
      : {}),
    '404': { description: 'not found, or not the caller\'s (an unknown route: API Gateway\'s `{"message"}`)', content: { ...problem, ...json('GatewayMessage'), ...pages } },
    ...(hasBody ? { '413': { description: 'the body is over the size limit (API Gateway\'s `{"message"}`)', content: json('GatewayMessage') } } : {}),
    '4XX': { description: 'a problem with the request: 400, 403, 409, 415, 422', content: { ...problem, ...pages } },
    '503': {
      description: 'a system behind the API did not answer in time; nothing was lost, retry after the given seconds',
      headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 0 } } },
      content: problem,
    },
  };
}

/**
 * Refinements (money decimals, national IDs, calendar days, account numbers) have no JSON Schema form of their own:
 * their syntax is added here, so the document says what the validators accept.
 */
function describeRefinements(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) {
  const { jsonSchema } = ctx;
  const properties = jsonSchema.properties as Record<string, JsonSchema> | undefined;
  if (ctx.zodSchema === nationalIdSchema) {
    Object.assign(jsonSchema, { pattern: '^\\d{17}[\\dX]$', description: 'an 18-character CN resident ID (ISO 7064 MOD 11-2 check digit)' });
  }
  if (jsonSchema.type === 'string' && jsonSchema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') jsonSchema.format = 'date';
  if (properties?.amount?.type === 'string' && properties.currency?.pattern === '^[A-Z]{3}$' && properties.amount.pattern === undefined) {
    // decimalProblem (kernel/money.ts): at most the currency's minor-unit digits after the point.
    Object.assign(properties.amount, { pattern: '^(0|[1-9]\\d{0,14})(\\.\\d+)?$', description: 'a decimal string such as "12000.00", in the currency\'s minor unit' });
  }
  if (properties?.accountNumber?.type === 'string' && properties.accountNumber.pattern === undefined) {
    // Spaces are dropped and letters upper-cased before the check of 8–34 digits or letters.
    Object.assign(properties.accountNumber, { pattern: '^\\s*([0-9A-Za-z]\\s*){8,34}$' });
  }
}

function componentSchemas(): Record<string, JsonSchema> {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const common = { target: 'draft-2020-12', unrepresentable: 'any', override: describeRefinements } as const;
  const requests = Object.fromEntries(
    Object.entries(REQUEST_SCHEMAS).map(([id, schema]) => [id, withoutDialect(z.toJSONSchema(schema, { ...common, io: 'input' }) as JsonSchema)]),
  );
  // Responses as the server writes them (`io: 'output'`): closed objects, so a field the views add is caught.
  const { schemas: responses } = z.toJSONSchema(responseComponents, { ...common, io: 'output', uri });
  return { ...requests, ...Object.fromEntries(Object.entries(responses).map(([id, schema]) => [id, withoutDialect(schema as JsonSchema)])) };
}

/** The document's dialect is 3.1's default (JSON Schema 2020-12): no per-schema `$schema`/`$id`. */
function withoutDialect({ $schema: _schema, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const routeKey: RouteKey = `${route.method} ${route.path}`;
    const success = SUCCESS[routeKey];
    if (!success) throw new Error(`openapi.ts: no success response for ${routeKey}`);
    const parameters = [...[...route.path.matchAll(/\{(\w+)\}/g)].map((m) => pathParameter(m[1]!)), ...(PARAMETERS[routeKey] ?? [])];
    const body = REQUEST_BODIES[routeKey];
    const bodyContent = body ? { 'application/json': { schema: ref(body) } } : undefined;
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      security: route.auth === 'user' ? [{ bearer: [] }] : [],
      ...(parameters.length ? { parameters } : {}),
      ...(bodyContent
        ? {
            requestBody: {
              required: true,
              // The reviewer's form posts too (the decision page), besides JSON.
              content: route.handler === 'review-page' ? { ...bodyContent, 'application/x-www-form-urlencoded': { schema: ref(body!) } } : bodyContent,
            },
          }
        : {}),
      responses: { ...success, ...errorResponses(route, body !== undefined) },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Microloan Approval API',
      version: '1.0.0',
      description: 'Loan intake, credit assessment, human review, disbursement and servicing. Money is `{amount, currency}` with a decimal string; dates are YYYY-MM-DD in the lender\'s time zone.',
    },
    servers: [{ url: '/', description: 'this deployment (API Gateway in AWS, http://localhost:3000 locally)' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { ...componentSchemas(), Problem: problemSchema },
    },
  };
}

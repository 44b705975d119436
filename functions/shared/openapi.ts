// GET /openapi.json: the OpenAPI 3.1 document, generated from the same zod schemas that validate requests, so the
// published contract cannot drift from what the API enforces.

import { z } from 'zod';
import { applicationSubmissionSchema, documentUploadRequestSchema, productSchema } from '../core/applications/application-schema';
import { policyDraftSchema } from '../core/decisioning/policy';
import { newReviewerSchema, reviewDecisionSchema } from '../core/review/review-schemas';
import { repaymentSchema, webhookRepaymentSchema } from '../core/servicing/loan-views';
import { contractAcceptanceSchema } from '../core/contracting/contracting';
import { quoteRequestSchema } from '../core/lending-math/quote';
import { API_ROUTES } from './routes';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

const REQUEST_BODIES: Record<string, string> = {
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

const SUCCESS: Record<string, string> = {
  'POST /v1/applications': '202',
  'POST /v1/applications/{applicationId}/documents': '201',
  'POST /v1/products': '201',
  'PUT /v1/policy': '201',
  'POST /v1/reviewers': '201',
  'POST /v1/loans/{loanId}/repayments': '201',
  'POST /v1/webhooks/repayments': '201',
};

/** Routes that answer more than JSON (content negotiation on Accept). */
const SUCCESS_CONTENT: Record<string, Record<string, unknown>> = {
  'GET /v1/reports/summary': { 'application/json': {}, 'text/csv': { schema: { type: 'string', description: 'section,metric,key,value rows' } } },
};

export function buildOpenApiDocument() {
  const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const routeKey = `${route.method} ${route.path}`;
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (routeKey === 'POST /v1/applications') {
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' } });
    }
    if (routeKey === 'POST /v1/applications/{applicationId}/contract/accept') {
      // Where the acceptance came from (recorded with it): web, app, partner or branch; "api" when absent.
      parameters.push({ name: 'X-Channel', in: 'header', required: false, schema: { type: 'string' } });
    }
    if (routeKey === 'POST /v1/webhooks/repayments') {
      // The bank's HMAC-SHA256 of the raw body with the shared secret: "sha256=<hex>".
      parameters.push({ name: 'X-Signature', in: 'header', required: true, schema: { type: 'string' } });
    }
    if (routeKey === 'GET /v1/loans/{loanId}/payoff') {
      parameters.push({ name: 'date', in: 'query', required: false, schema: { type: 'string' } });
    }
    if (routeKey === 'GET /v1/reports/summary') {
      // The lender's days, YYYY-MM-DD; default the 30 days ending today; at most 366 days, from and to included.
      parameters.push({ name: 'from', in: 'query', required: false, schema: { type: 'string' } });
      parameters.push({ name: 'to', in: 'query', required: false, schema: { type: 'string' } });
    }
    const body = REQUEST_BODIES[routeKey];
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      ...(route.auth === 'user' ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${body}` } } } } } : {}),
      responses: {
        [SUCCESS[routeKey] ?? '200']: { description: 'success', content: SUCCESS_CONTENT[routeKey] ?? { 'application/json': {} } },
        '4XX': { description: 'a problem with the request', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Microloan Approval API', version: '1.0.0' },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        ApplicationSubmission: schema(applicationSubmissionSchema),
        DocumentUploadRequest: schema(documentUploadRequestSchema),
        Product: schema(productSchema),
        PolicyDraft: schema(policyDraftSchema),
        NewReviewer: schema(newReviewerSchema),
        ReviewDecision: schema(reviewDecisionSchema),
        ContractAcceptance: schema(contractAcceptanceSchema),
        Repayment: schema(repaymentSchema),
        WebhookRepayment: schema(webhookRepaymentSchema),
        QuoteRequest: schema(quoteRequestSchema),
        Problem: problemSchema,
      },
    },
  };
}

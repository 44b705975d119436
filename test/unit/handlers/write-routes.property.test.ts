// Fuzz-style property: whatever body arrives on a write route (POST/PUT/PATCH/DELETE in functions/shared/routes.ts) —
// nested thousands deep, odd numbers (1e-200, 5e-324, 1e300, -0), long or odd strings, wrong types, duplicate keys,
// non-object JSON, invalid JSON or UTF-8 — the answer is never a 5xx; a 400/415/422 problem names a field or the body;
// and nothing stored holds a number DynamoDB would refuse. The handlers run in-process on the fakes.

import fc from 'fast-check';
import { API_ROUTES, type ApiRoute, type HttpHandlerName } from '../../../functions/shared/routes';
import type { HttpHandler } from '../../../functions/shared/http';
import { DEFAULT_POLICY_DRAFT } from '../../../functions/core/decisioning/policy';
import { DEFAULT_PRODUCTS } from '../../../functions/core/applications/products';
import { toProductView } from '../../../functions/core/applications/application-schema';
import { openLoan } from '../../../functions/core/servicing/loan-service';
import { createHandler as submitApplication } from '../../../functions/handlers/submit-application';
import { createHandler as withdrawApplication } from '../../../functions/handlers/withdraw-application';
import { createHandler as redriveApplication } from '../../../functions/handlers/redrive-application';
import { createHandler as acceptContract } from '../../../functions/handlers/accept-contract';
import { createHandler as requestDocumentUpload } from '../../../functions/handlers/request-document-upload';
import { createHandler as products } from '../../../functions/handlers/products';
import { createHandler as policy } from '../../../functions/handlers/policy';
import { createHandler as reviewers } from '../../../functions/handlers/reviewers';
import { createHandler as reviewPage } from '../../../functions/handlers/review-page';
import { createHandler as quotes } from '../../../functions/handlers/quotes';
import { createHandler as repayments } from '../../../functions/handlers/repayments';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext } from '../../support/events';
import { validApplication } from '../../support/applications';
import { signTestWebhook } from '../../support/loan-fakes';
import { THREE_MONTHS } from '../../support/loans';
import { TIME_ZONE } from '../../support/settings';

type Deps = ReturnType<typeof fakeDeps>;
type Json = Record<string, unknown>;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const WRITE_ROUTES = API_ROUTES.filter((route) => WRITE_METHODS.has(route.method));

const HANDLERS: Partial<Record<HttpHandlerName, (deps: Deps) => HttpHandler>> = {
  'submit-application': submitApplication,
  'withdraw-application': withdrawApplication,
  'redrive-application': redriveApplication,
  'accept-contract': acceptContract,
  'request-document-upload': requestDocumentUpload,
  products,
  policy,
  reviewers,
  'review-page': reviewPage,
  quotes,
  repayments,
};

const money = (amount: string) => ({ amount, currency: 'CNY' });
const repayment = { amount: money('100.00'), paidAt: '2026-02-10T03:00:00Z', reference: 'BANK-0001' };

/** A valid body of each write route: the fuzzer's starting point, so odd values also reach the checks past the schema. */
function validBody(route: ApiRoute): Json {
  switch (`${route.method} ${route.path}`) {
    case 'POST /v1/applications': return validApplication();
    case 'POST /v1/applications/{applicationId}/contract/accept': return { contractSha256: 'a'.repeat(64) };
    case 'POST /v1/applications/{applicationId}/documents': return { kind: 'proof_of_income', contentType: 'application/pdf', sizeBytes: 120_000 };
    case 'POST /v1/products': return { ...toProductView(DEFAULT_PRODUCTS[2]!), productId: 'fuzz-product' };
    case 'PUT /v1/policy': return structuredClone(DEFAULT_POLICY_DRAFT) as Json;
    case 'POST /v1/reviewers': return { email: 'rita@example.com', name: 'Rita', level: 1, language: 'en' };
    case 'POST /v1/reviews/{reviewId}/decision': return { decision: 'REJECT', comment: 'income not proven' };
    case 'POST /v1/quotes': return { principal: money('8000.00'), annualRatePercent: '12', numberOfInstallments: 12, disbursementDate: '2026-03-15' };
    case 'POST /v1/loans/{loanId}/repayments': return { ...repayment };
    case 'POST /v1/webhooks/repayments': return { loanId: 'LOAN1', ...repayment };
    default: return {}; // withdraw, redrive: no body is read
  }
}

const oddNumber = fc.oneof(
  fc.constantFrom(1e-200, -1e-200, 5e-324, 1e-131, 1e126, 1e300, -1e300, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, -0, 0.1 + 0.2, 1e21, 1e-7, -1, 0, 2.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const oddString = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '\uFFFD', '💥', 'NaN', 'Infinity', '-0', '1e-200', '999999999999999999999.99', '0.000000001', '<script>', 'é'.repeat(300)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 8000 }),
);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(oddNumber, oddString, fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.jsonValue({ maxDepth: 3 }));

/** Every path into a value (objects and arrays), for picking a place to break. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_v, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

function setAt(body: Json, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(body);
  let target = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  if (value === undefined) delete target[path[path.length - 1]!];
  else target[path[path.length - 1]!] = value;
  return copy;
}

const nested = (depth: number, arrays: boolean, inner: string) => (arrays ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`);

/** A request body: its raw text (or bytes, base64-encoded, for invalid UTF-8). */
interface Body {
  text: string;
  base64?: boolean;
}

function bodies(route: ApiRoute): fc.Arbitrary<Body> {
  const base = validBody(route);
  const basePaths = paths(base);
  const json = (value: unknown): Body => ({ text: JSON.stringify(value) ?? 'null' });
  const numberPaths = basePaths.filter((path) => typeof path.reduce<unknown>((at, key) => (at as Record<string | number, unknown>)[key], base) === 'number');
  return fc.oneof(
    // A number of a valid body replaced by an odd one (the most likely to be stored as it came).
    ...(numberPaths.length > 0 ? [{ arbitrary: fc.tuple(fc.constantFrom(...numberPaths), oddNumber).map(([path, value]) => json(setAt(base, path, value))), weight: 3 }] : []),
    // One value somewhere in a valid body replaced by an odd one, removed, or a field added.
    fc.tuple(fc.constantFrom(...basePaths), fc.option(oddValue, { nil: undefined })).map(([path, value]) => json(setAt(base, path, value))),
    fc.tuple(fc.string({ maxLength: 20 }), oddValue).map(([key, value]) => json({ ...base, [key]: value })),
    // Deep nesting, alone or inside a valid body.
    fc.tuple(fc.integer({ min: 20, max: 5000 }), fc.boolean(), fc.boolean()).map(([depth, arrays, inside]) => {
      const deep = nested(depth, arrays, '0');
      return { text: inside ? JSON.stringify({ ...base, extra: '__DEEP__' }).replace('"__DEEP__"', deep) : deep };
    }),
    // Number literals JavaScript reads as 0, Infinity or an inexact value.
    fc.tuple(fc.constantFrom('1e-400', '-1e999', '123456789012345678901234567890', '0.1e-999999'), fc.constantFrom(...basePaths)).map(([literal, path]) =>
      path.length === 0 ? { text: literal } : { text: JSON.stringify(setAt(base, path, '__N__')).replace('"__N__"', literal) },
    ),
    // Duplicate keys: the later one wins in JSON.parse.
    fc.tuple(fc.constantFrom(...Object.keys(base), 'x'), oddValue).map(([key, value]) => ({ text: `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},${JSON.stringify(base).slice(1)}` })),
    // Not an object, not JSON, not UTF-8.
    fc.jsonValue({ maxDepth: 4 }).map(json),
    fc.string({ maxLength: 200 }).map((text) => ({ text })),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({ text: Buffer.from(bytes).toString('base64'), base64: true })),
  );
}

/** DynamoDB numbers: 0, or a magnitude from 1e-130 to below 1e126 (a JavaScript number never has more than 38 digits). */
function unstorableNumbers(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return value === 0 || (Number.isFinite(value) && Math.abs(value) >= 1e-130 && Math.abs(value) < 1e126) ? [] : [`${path}=${value}`];
  if (value instanceof Map) return [...value.entries()].flatMap(([key, v]) => unstorableNumbers(v, `${path}[${String(key)}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => unstorableNumbers(v, `${path}.${key}`));
}

async function fixtures(): Promise<{ deps: Deps; applicationId: string }> {
  const deps = fakeDeps();
  const submitted = await submitApplication(deps)(
    httpEvent({ method: 'POST', routePath: '/v1/applications', sub: 'alice', headers: { 'Idempotency-Key': 'fixture-key-0001' }, body: validApplication() }),
    lambdaContext,
  );
  const applicationId = JSON.parse(submitted.body ?? '{}').applicationId as string;
  await openLoan(deps, {
    loanId: 'LOAN1', applicationId: 'APP1', ownerId: 'alice', productId: 'personal-consumer', currency: 'CNY', principalMinor: 300_000,
    annualRatePercent: '12', disbursedAt: '2026-01-10T02:00:00.000Z', schedule: THREE_MONTHS,
  }, { timeZone: TIME_ZONE });
  return { deps, applicationId };
}

describe('every write route, fuzzed', () => {
  it('lists write routes this test knows how to call', () => {
    expect(WRITE_ROUTES.length).toBeGreaterThan(0);
    expect(WRITE_ROUTES.filter((route) => !HANDLERS[route.handler])).toEqual([]);
  });

  it.each(WRITE_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))('%s: never a 5xx, problems name a field or the body, nothing unstorable is stored', async (_name, route) => {
    const { deps, applicationId } = await fixtures();
    const handler = HANDLERS[route.handler]!(deps);
    let request = 0;
    await fc.assert(
      fc.asyncProperty(bodies(route), async (body) => {
        request += 1;
        const headers: Record<string, string> = { 'content-type': 'application/json', 'Idempotency-Key': `fuzz-key-${String(request).padStart(6, '0')}` };
        if (route.path === '/v1/webhooks/repayments') headers['X-Signature'] = signTestWebhook(body.base64 ? Buffer.from(body.text, 'base64').toString('utf8') : body.text);
        const event = httpEvent({
          method: route.method,
          routePath: route.path,
          pathParameters: { applicationId, loanId: 'LOAN1', reviewId: 'REVIEW1' },
          query: { sig: 'not-a-signature', exp: '4102444800' },
          headers,
          rawBody: body.text,
          sub: 'alice',
          roles: ['admin', 'ops', 'reviewer'],
        });
        event.isBase64Encoded = Boolean(body.base64);
        const result = await handler(event, lambdaContext);
        expect(result.statusCode).toBeLessThan(500);
        if ([400, 415, 422].includes(result.statusCode!)) {
          expect(result.headers?.['content-type']).toBe('application/problem+json');
          const problem = JSON.parse(result.body ?? '{}');
          expect(problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/\S/) })]));
        }
      }),
      { seed: 11, numRuns: 100 },
    );
    const stores = { applications: deps.applications, products: deps.products.products, policies: deps.policies.versions, reviewers: deps.reviewers, loans: deps.loans };
    expect(unstorableNumbers(stores)).toEqual([]);
  });
});

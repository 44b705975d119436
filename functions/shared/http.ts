// The HTTP edge shared by every API handler: a fixed middy chain (Powertools logger context, problem+json errors),
// the caller's identity from the JWT authorizer, and JSON bodies validated by zod. Handlers stay thin.

import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { z } from 'zod';
import {
  ConcurrentModificationError,
  ConflictError,
  DocumentsMissingError,
  DomainError,
  ForbiddenError,
  IdempotencyKeyInProgressError,
  IdempotencyKeyMismatchError,
  NotFoundError,
  TemporarilyUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type FieldProblem,
} from '../core/kernel/errors';
import { toFieldProblems } from '../core/applications/application-schema';
import type { BusinessMetrics } from '../core/kernel/ports';
import { publishMetrics } from './metrics';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export const ROLES = ['applicant', 'reviewer', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The customer identity (JWT `sub`). */
  subject: string;
  roles: Role[];
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The deepest nesting of objects and arrays a JSON body may have. The deepest legitimate body (a policy's review tiers
 * by customer type) nests 7 levels; anything past this is refused before it is parsed, hashed or validated, all of
 * which walk the value and would otherwise be open to a body nested thousands of levels deep.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Time kept back before the Lambda timeout to answer 503 (with Retry-After) instead of letting the invocation die,
 * which API Gateway reports as a bare 500. Enough to build the response, log and publish metrics.
 */
export const TIMEOUT_RESPONSE_RESERVE_MS = 500;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function problem(status: number, title: string, detail: string, errors?: FieldProblem[]): HttpResult {
  const type = `https://microloan-approval.dev/problems/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({ type, title, status, detail, ...(errors ? { errors } : {}) }),
  };
}

/** A problem the client may retry in a second (the `Retry-After` header). */
const retryInASecond = (result: HttpResult): HttpResult => ({ ...result, headers: { ...result.headers, 'retry-after': '1' } });

/** Domain errors become problems; anything else is a 500 whose details stay in the log, never in the response. */
export function errorToProblem(error: unknown, logger: Logger): HttpResult {
  if (error instanceof ValidationError) return problem(422, 'Validation failed', error.message, error.errors);
  if (error instanceof UnsupportedMediaTypeError) return problem(415, 'Unsupported media type', error.message, [{ path: 'content-type', message: 'must be application/json' }]);
  if (error instanceof BadRequestError) return problem(400, 'Bad request', error.message, error.errors);
  if (error instanceof UnauthorizedError) return problem(401, 'Unauthorized', error.message);
  if (error instanceof ForbiddenError) return problem(403, 'Forbidden', error.message);
  if (error instanceof NotFoundError) return problem(404, 'Not found', error.message);
  if (error instanceof IdempotencyKeyMismatchError) return problem(422, 'Idempotency key reused', error.message, [{ path: 'Idempotency-Key', message: error.message }]);
  if (error instanceof IdempotencyKeyInProgressError) {
    return retryInASecond(problem(409, 'Idempotency key in use', error.message, [{ path: 'Idempotency-Key', message: 'a request with this key is in progress' }]));
  }
  if (error instanceof ConcurrentModificationError) return problem(409, 'Concurrent modification', 'the resource changed meanwhile; read it again and retry');
  if (error instanceof DocumentsMissingError) {
    return problem(409, 'Documents missing', error.message, [{ path: 'documents.missing', message: `${error.missing.join(', ')} must be uploaded first` }]);
  }
  if (error instanceof ConflictError) return problem(409, 'Conflict', error.message);
  if (error instanceof TemporarilyUnavailableError) return retryInASecond(problem(503, 'Temporarily unavailable', error.message));
  if (error instanceof DomainError) return problem(400, 'Bad request', error.message);
  logger.error('unhandled error', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return problem(500, 'Internal error', 'the request could not be completed; it is safe to retry with the same Idempotency-Key');
}

/** A request that cannot be read at all (bad JSON, a missing header, a bad query parameter). */
export class BadRequestError extends DomainError {
  constructor(
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
  }
}

/**
 * Wraps an API handler in the house middy chain. Errors never escape as 502s: every throw is mapped to a problem.
 * With `metrics`, what the handler recorded is published at the end of every invocation (after the response is
 * built, error responses included).
 */
export function httpHandler(
  logger: Logger,
  handle: (event: HttpEvent, context: Context) => Promise<HttpResult>,
  options: { metrics?: BusinessMetrics } = {},
): HttpHandler {
  const { metrics } = options;
  // Not Powertools' logMetrics middleware: it warns on every invocation that recorded nothing (most of them).
  const publish = () => {
    if (metrics) publishMetrics(metrics, logger);
  };
  const wrapped = middy<HttpEvent, HttpResult>({
    timeoutEarlyInMillis: TIMEOUT_RESPONSE_RESERVE_MS,
    // The handler may still be waiting on a write that completes later; the retry with the same Idempotency-Key
    // then replays the stored result (or, while that write is still going on, gets 409 "in progress" with
    // Retry-After; a retry that writes first is the one request, and the late write finds the key used).
    timeoutEarlyResponse: () => {
      logger.error('request timed out', { remainingMs: TIMEOUT_RESPONSE_RESERVE_MS });
      return errorToProblem(new TemporarilyUnavailableError('the request took too long to complete; retry it (with the same Idempotency-Key, if it had one)'), logger);
    },
  })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({ after: publish, onError: publish })
    .handler(async (event, context) => {
      try {
        // The API request id is the correlation id (Powertools' `correlation_id`): the submit path hands it to the
        // state machine, whose tasks log it too. The ids a route names are appended, so every line of the request has them.
        const requestId = event.requestContext?.requestId;
        if (requestId) logger.setCorrelationId(requestId);
        logger.appendKeys({ route: event.routeKey, requestId, ...routeIds(event) });
        return await handle(event, context);
      } catch (error) {
        return errorToProblem(error, logger);
      }
    });
  return (event, context) => wrapped(event, context);
}

/** Path parameters that name a resource, appended to the log keys of the request (only well-formed ids). */
const LOGGED_PATH_IDS = ['applicationId', 'loanId', 'reviewId'] as const;

function routeIds(event: HttpEvent): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const name of LOGGED_PATH_IDS) {
    const value = event.pathParameters?.[name];
    if (value && /^[A-Za-z0-9_-]{1,64}$/.test(value)) ids[name] = value;
  }
  return ids;
}

/** The caller, from the JWT claims that the authorizer (Cognito in AWS, the local issuer locally) has verified. */
export function principalOf(event: HttpEvent): Principal {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject.length === 0) throw new UnauthorizedError('a signed-in user is required');
  const groups = parseGroups(claims?.['cognito:groups']);
  const roles = new Set<Role>(['applicant']);
  for (const group of groups) if ((ROLES as readonly string[]).includes(group)) roles.add(group as Role);
  return { subject, roles: [...roles] };
}

/**
 * The group names of the `cognito:groups` claim, each whole. The HTTP API JWT authorizer passes a list claim as one
 * string, its items space-separated in brackets ("[reviewer ops]"); an already decoded claim is a JSON array. Cognito
 * group names cannot hold whitespace but can hold commas, brackets and quotes, so only whitespace separates names and a
 * name is never split further. Anything else (a bare string, an array with non-strings) is not a list: no group.
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.every((group) => typeof group === 'string') ? value : [];
  if (typeof value !== 'string') return [];
  const match = /^\[(.*)\]$/s.exec(value);
  if (!match) return [];
  return match[1]!.split(/\s+/).filter(Boolean);
}

export function isStaff(principal: Principal): boolean {
  return principal.roles.some((role) => role === 'reviewer' || role === 'ops' || role === 'admin');
}

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.some((role) => principal.roles.includes(role))) {
    throw new ForbiddenError(`this needs the role ${roles.join(' or ')}`);
  }
}

export function header(event: HttpEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** The raw JSON body: content type must be JSON, size bounded, syntax valid. */
export function readJson(event: HttpEvent): unknown {
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeError(`content-type must be application/json, got "${contentType || 'none'}"`);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new BadRequestError(`the body must be at most ${MAX_BODY_BYTES} bytes`, [{ path: 'body', message: 'too large' }]);
  }
  if (text.trim() === '') throw new BadRequestError('the body is empty; a JSON object is required', [{ path: 'body', message: 'is required' }]);
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new BadRequestError(`the body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`, [
      { path: 'body', message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : 'invalid JSON';
    throw new BadRequestError(`the body is not valid JSON: ${message}`, [{ path: 'body', message: 'must be valid JSON' }]);
  }
}

/**
 * Whether JSON text opens more than `max` objects or arrays inside one another: one pass over the text, brackets
 * inside strings ignored. Run before JSON.parse, so nothing recursive ever sees a deep body. Not a syntax check.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* backslash: skip the escaped character */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/** Parses and validates a JSON body; every problem is reported at once with its path. */
export function parseBody<S extends z.ZodType>(event: HttpEvent, schema: S, extraProblems?: (raw: unknown) => FieldProblem[]): z.infer<S> {
  return validate(readJson(event), schema, extraProblems);
}

/** Validates an already-read value against a schema plus checks the schema cannot make (they need stored data). */
export function validate<S extends z.ZodType>(raw: unknown, schema: S, extraProblems: (raw: unknown) => FieldProblem[] = () => []): z.infer<S> {
  const result = schema.safeParse(raw);
  const problems = [...(result.success ? [] : toFieldProblems(result.error)), ...extraProblems(raw)];
  if (!result.success || problems.length > 0) {
    throw new ValidationError(`the request has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, dedupe(problems));
  }
  return result.data;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function pathParam(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value || !/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new NotFoundError(`no such ${name}`);
  return value;
}

export function pageParams(event: HttpEvent): { limit: number; cursor?: string } {
  const q = event.queryStringParameters ?? {};
  const limit = q.limit === undefined ? 20 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new BadRequestError('limit must be a whole number from 1 to 100', [{ path: 'limit', message: 'must be 1–100' }]);
  }
  if (q.cursor !== undefined && !/^[A-Za-z0-9_-]{1,1024}$/.test(q.cursor)) {
    throw new BadRequestError('cursor is not one this API returned', [{ path: 'cursor', message: 'is invalid' }]);
  }
  return { limit, ...(q.cursor ? { cursor: q.cursor } : {}) };
}

// The local HTTP server: every route of functions/shared/routes.ts served as API Gateway serves it (JWT check, v2.0
// event, Lambda context, the handler's result written back), plus the /_local/* endpoints of API.md.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { HttpHandler } from '../functions/shared/http';
import type { ApiRoute, HttpHandlerName } from '../functions/shared/routes';
import { fromHandlerResult, lambdaContext, matchRoute, toApiGatewayEvent, authorizerClaims } from './api-gateway';
import type { LocalClock } from './clock';
import { BodyTooLargeError, parseJsonBody, readBody, send, sendHtml, sendJson, sendProblem } from './http-util';
import type { LocalTokenIssuer } from './jwt';
import { parseMintRequest } from './jwt';
import type { LocalLog } from './log';
import { renderOutboxHtml, type LocalOutbox } from './outbox';
import { handleUploadPut, UPLOAD_PATH_PREFIX, type UploadEndpointOptions } from './uploads';
import { CONTRACT_PATH_PREFIX, handleContractGet, type ContractEndpointOptions } from './contracts';
import { handleOpsRequest, isOpsPath } from './ops-page';

/** API Gateway's own limit is 10 MB; the API's JSON bodies are far smaller, so 1 MB is plenty and catches mistakes. */
export const MAX_API_BODY_BYTES = 1024 * 1024;

/** A schedule's handler run on demand, as EventBridge would run it. */
export type ScheduleRunner = () => Promise<unknown>;

export interface HealthReport {
  ok: boolean;
  parts: Record<string, 'ok' | string>;
}

export interface LocalServerOptions {
  routes: readonly ApiRoute[];
  httpHandlers: Record<HttpHandlerName, HttpHandler>;
  tokens: LocalTokenIssuer;
  outbox: LocalOutbox;
  clock: LocalClock;
  schedules: ReadonlyMap<string, ScheduleRunner>;
  health: () => Promise<HealthReport>;
  /** The state machine's executions (GET /_local/executions), as Step Functions' console lists them. */
  executions?: () => unknown[];
  uploads: UploadEndpointOptions;
  /** Serves contract texts behind signed links (local/contracts.ts); without it, contract links answer 404. */
  contracts?: ContractEndpointOptions;
  /** The lender's time zone: the operations page's default range is its last 30 days. */
  timeZone: string;
  log: LocalLog;
}

export function createLocalServer(options: LocalServerOptions): Server {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.log.error(`${req.method} ${req.url} failed`, error);
      send(res, 500, JSON.stringify({ message: 'Internal Server Error' }), { 'content-type': 'application/json' });
    });
  });
  // Keep-alive sockets would hold close() open; shutdown closes them explicitly.
  server.keepAliveTimeout = 5000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: LocalServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // The operations page (/ops) and its assets are local-only, like /_local: nothing in AWS answers these paths.
  if (isOpsPath(url.pathname)) return handleOpsRequest(req, res, url, { clock: options.clock, timeZone: options.timeZone });
  if (url.pathname === '/_local' || url.pathname.startsWith('/_local/')) return handleLocal(req, res, url, options);
  return handleApi(req, res, options);
}

async function handleApi(req: IncomingMessage, res: ServerResponse, options: LocalServerOptions): Promise<void> {
  const method = req.method ?? 'GET';
  const rawUrl = req.url ?? '/';
  const path = rawUrl.split('?')[0] ?? '/';
  const matched = matchRoute(options.routes, method, path);
  // API Gateway's own answers are `{"message": …}`, not problem+json; the handlers never see these requests.
  if (!matched) return sendJson(res, 404, { message: 'Not Found' });

  let body: Buffer;
  try {
    body = await readBody(req, MAX_API_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, { message: 'Request Entity Too Large' });
    }
    throw error;
  }

  let claims: Record<string, string> | undefined;
  if (matched.route.auth === 'user') {
    const token = bearerToken(req.headers.authorization);
    if (!token) return sendJson(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
    try {
      claims = authorizerClaims(await options.tokens.verify(token));
    } catch {
      return sendJson(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
  }

  const requestId = randomUUID();
  const event = toApiGatewayEvent(
    {
      method,
      url: rawUrl,
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      host: req.headers.host ?? 'localhost',
      protocol: `HTTP/${req.httpVersion}`,
    },
    matched,
    claims,
    new Date(),
    requestId,
  );
  const handler = options.httpHandlers[matched.route.handler];
  let result;
  try {
    result = await handler(event, lambdaContext(`microloan-local-${matched.route.handler}`, 10_000, randomUUID()));
  } catch (error) {
    // A throw out of a Lambda behind API Gateway is a bare 500; the handlers' middleware should make this impossible.
    options.log.error(`handler ${matched.route.handler} threw`, error);
    return sendJson(res, 500, { message: 'Internal Server Error' }, { 'apigw-requestid': requestId });
  }
  const response = fromHandlerResult(result, requestId);
  res.writeHead(response.statusCode, { ...response.headers, 'content-length': String(response.body.length) });
  res.end(response.body);
}

/** API Gateway's JWT authorizer takes the Authorization header with or without the "Bearer " prefix. */
function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token === '' ? undefined : token;
}

async function handleLocal(req: IncomingMessage, res: ServerResponse, url: URL, options: LocalServerOptions): Promise<void> {
  const method = req.method ?? 'GET';
  const path = url.pathname;

  if (path.startsWith(UPLOAD_PATH_PREFIX)) {
    if (method !== 'PUT') return methodNotAllowed(res, 'PUT');
    return handleUploadPut(req, res, url, options.uploads);
  }

  if (path.startsWith(CONTRACT_PATH_PREFIX) && options.contracts) {
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    return handleContractGet(req, res, url, options.contracts);
  }

  const readJson = async (): Promise<{ ok: true; value: unknown } | { ok: false }> => {
    try {
      return parseJsonBody(res, await readBody(req, 64 * 1024));
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.setHeader('connection', 'close');
      sendProblem(res, 413, 'Payload too large', `the body must be at most ${error.limit} bytes`);
      return { ok: false };
    }
  };

  switch (path) {
    case '/_local/tokens': {
      if (method !== 'POST') return methodNotAllowed(res, 'POST');
      const body = await readJson();
      if (!body.ok) return;
      const parsed = parseMintRequest(body.value);
      if (!parsed.ok) return sendProblem(res, 400, 'Bad request', 'the token request is invalid', parsed.errors);
      return sendJson(res, 200, await options.tokens.mint(parsed.value));
    }
    case '/_local/outbox': {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, options.outbox.list(toFilter(url)));
    }
    case '/_local/outbox.html': {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      const filter = toFilter(url);
      return sendHtml(res, 200, renderOutboxHtml(options.outbox.list(filter), filter));
    }
    case '/_local/clock': {
      if (method === 'GET') return sendJson(res, 200, { now: options.clock.now().toISOString() });
      if (method !== 'POST') return methodNotAllowed(res, 'GET, POST');
      const body = await readJson();
      if (!body.ok) return;
      const change = parseClockChange(body.value);
      if ('errors' in change) return sendProblem(res, 400, 'Bad request', 'the clock change is invalid', change.errors);
      const now = 'now' in change ? options.clock.set(change.now) : options.clock.advanceDays(change.advanceDays);
      options.log.info(`clock moved to ${now.toISOString()}`);
      return sendJson(res, 200, { now: now.toISOString() });
    }
    case '/_local/executions': {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      return sendJson(res, 200, { items: options.executions?.() ?? [] });
    }
    case '/_local/health': {
      if (method !== 'GET') return methodNotAllowed(res, 'GET');
      const report = await options.health();
      return sendJson(res, report.ok ? 200 : 503, { status: report.ok ? 'ok' : 'unavailable', ...report.parts });
    }
  }

  const schedule = /^\/_local\/schedules\/([^/]+)\/run$/.exec(path);
  if (schedule) {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    const name = decodeURIComponent(schedule[1] as string);
    const runner = options.schedules.get(name);
    if (!runner) {
      const known = [...options.schedules.keys()];
      return sendProblem(res, 404, 'Not found', `no schedule "${name}"; known schedules: ${known.length > 0 ? known.join(', ') : 'none yet'}`);
    }
    const at = options.clock.now().toISOString();
    const result = await runner();
    return sendJson(res, 200, { name, ranAt: at, result: result ?? null });
  }

  return sendProblem(res, 404, 'Not found', `no local endpoint ${method} ${path}`);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  sendProblem(res, 405, 'Method not allowed', `this endpoint accepts ${allow}`);
}

function toFilter(url: URL): { to?: string } {
  const to = url.searchParams.get('to');
  return to ? { to } : {};
}

export type ClockChange = { now: Date } | { advanceDays: number } | { errors: { path: string; message: string }[] };

/** `{"now": ISO instant}` or `{"advanceDays": n}`, exactly one of them. */
export function parseClockChange(body: unknown): ClockChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errors: [{ path: 'body', message: 'must be an object with "now" or "advanceDays"' }] };
  }
  const { now, advanceDays, ...rest } = body as Record<string, unknown>;
  const errors: { path: string; message: string }[] = Object.keys(rest).map((key) => ({ path: key, message: 'is not a known field' }));
  if ((now === undefined) === (advanceDays === undefined)) {
    errors.push({ path: 'body', message: 'give exactly one of "now" and "advanceDays"' });
  } else if (now !== undefined) {
    const instant = typeof now === 'string' ? parseInstant(now) : undefined;
    if (!instant) errors.push({ path: 'now', message: 'must be an ISO 8601 instant with a zone, e.g. 2026-01-31T09:00:00Z' });
    else if (errors.length === 0) return { now: instant };
  } else if (typeof advanceDays !== 'number' || !Number.isFinite(advanceDays) || Math.abs(advanceDays) > 36_500) {
    errors.push({ path: 'advanceDays', message: 'must be a number of days between -36500 and 36500' });
  } else if (errors.length === 0) {
    return { advanceDays };
  }
  return { errors };
}

/** A strict ISO 8601 instant with a zone; calendar-checked, so 2026-02-31 is refused rather than rolled into March. */
function parseInstant(text: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

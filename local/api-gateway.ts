// What API Gateway (HTTP API, payload format 2.0) does in front of the Lambdas, done locally: match the route, check the
// JWT like the Cognito authorizer, build the v2 event and a Lambda context, and turn the handler's result into a response.

import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { HttpEvent, HttpResult } from '../functions/shared/http';
import type { ApiRoute } from '../functions/shared/routes';

export interface MatchedRoute {
  route: ApiRoute;
  routeKey: string;
  pathParameters: Record<string, string>;
}

/**
 * The route for a method and path, as API Gateway chooses it: the most specific match (fewest path parameters) wins.
 * Path parameters are URL-decoded, as API Gateway passes them.
 */
export function matchRoute(routes: readonly ApiRoute[], method: string, path: string): MatchedRoute | undefined {
  const segments = path.split('/');
  let best: MatchedRoute | undefined;
  let bestParams = Infinity;
  for (const route of routes) {
    if (route.method !== method) continue;
    const routeSegments = route.path.split('/');
    if (routeSegments.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let matches = true;
    for (let i = 0; i < routeSegments.length && matches; i++) {
      const pattern = routeSegments[i] ?? '';
      const actual = segments[i] ?? '';
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(pattern);
      if (param) {
        if (actual === '') matches = false;
        else pathParameters[param[1] as string] = safeDecode(actual);
      } else if (pattern !== actual) {
        matches = false;
      }
    }
    const count = Object.keys(pathParameters).length;
    if (matches && count < bestParams) {
      best = { route, routeKey: `${route.method} ${route.path}`, pathParameters };
      bestParams = count;
    }
  }
  return best;
}

export interface RawRequest {
  method: string;
  /** Path and query as received, e.g. `/v1/applications?limit=5`. */
  url: string;
  /** Node's raw header list: name, value, name, value, … */
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  /** e.g. `localhost:3000`. */
  host: string;
  protocol?: string;
}

/** The JWT authorizer's view of the claims: every value a string, lists as "[a b]" (what the HTTP API passes). */
export function authorizerClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) out[name] = `[${value.map(String).join(' ')}]`;
    else if (typeof value === 'object') out[name] = JSON.stringify(value);
    else out[name] = String(value);
  }
  return out;
}

const TEXT_TYPES = /^(text\/|application\/(?:[\w.+-]+\+)?(?:json|xml)\b|application\/(?:javascript|x-www-form-urlencoded|graphql)\b)/i;

/** API Gateway passes text bodies as they are and base64-encodes everything else. */
export function isTextContentType(contentType: string | undefined): boolean {
  return contentType === undefined || contentType.trim() === '' || TEXT_TYPES.test(contentType.trim());
}

export function toApiGatewayEvent(
  request: RawRequest,
  matched: MatchedRoute,
  claims: Record<string, string> | undefined,
  now: Date = new Date(),
  requestId: string = randomUUID(),
): HttpEvent {
  const queryAt = request.url.indexOf('?');
  const rawPath = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : request.url.slice(queryAt + 1);

  // Repeated headers are joined with ',' and names lower-cased; cookies move to their own field.
  const headers: Record<string, string> = {};
  let cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] as string).toLowerCase();
    const value = request.rawHeaders[i + 1] as string;
    if (name === 'cookie') {
      cookies = cookies.concat(value.split(';').map((c) => c.trim()).filter(Boolean));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const [hostName, hostPort] = request.host.split(':');
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${request.sourceIp}` : request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= hostPort ?? '80';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)}`;

  // Repeated query parameters are joined with ',' too (payload 2.0 has no multi-value map).
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    queryStringParameters[name] = queryStringParameters[name] === undefined ? value : `${queryStringParameters[name]},${value}`;
  }

  const text = isTextContentType(headers['content-type']);
  const hasBody = request.body.length > 0;

  const event = {
    version: '2.0',
    routeKey: matched.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(queryStringParameters).length > 0 ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: hostName ?? 'localhost',
      domainPrefix: (hostName ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: matched.routeKey,
      stage: '$default',
      time: formatRequestTime(now),
      timeEpoch: now.getTime(),
      // Routes without an authorizer get no `authorizer` field at all, as in AWS.
      ...(claims ? { authorizer: { jwt: { claims, scopes: null }, principalId: '', integrationLatency: 0 } } : {}),
    },
    ...(Object.keys(matched.pathParameters).length > 0 ? { pathParameters: matched.pathParameters } : {}),
    ...(hasBody ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
  // The handler type declares the JWT authorizer context; for auth 'none' routes it is absent, as in AWS.
  return event as HttpEvent;
}

/** "12/Mar/2020:19:03:58 +0000", API Gateway's `requestContext.time`. */
export function formatRequestTime(at: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
}

/** A Lambda context good enough for Powertools and middy: ids, names and a remaining-time countdown. */
export function lambdaContext(functionName: string, timeoutMs = 10_000, requestId: string = randomUUID()): Context {
  const deadline = Date.now() + timeoutMs;
  const notSupported = (): never => {
    throw new Error('callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: notSupported,
    fail: notSupported,
    succeed: notSupported,
  };
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * The handler's result as API Gateway would send it. A plain string or object (no statusCode) means 200 JSON, as the
 * 2.0 format infers; a missing content type stays missing.
 */
export function fromHandlerResult(result: APIGatewayProxyResultV2 | HttpResult, requestId: string): HttpResponse {
  if (typeof result === 'string' || typeof result !== 'object' || result === null || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'apigw-requestid': requestId }, body: Buffer.from(body) };
  }
  const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const raw = result.body ?? '';
  const body = result.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  return { statusCode: result.statusCode ?? 200, headers, body };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

import {
  authorizerClaims,
  formatRequestTime,
  fromHandlerResult,
  isTextContentType,
  lambdaContext,
  matchRoute,
  toApiGatewayEvent,
  type RawRequest,
} from '../../../local/api-gateway';
import { API_ROUTES } from '../../../functions/shared/routes';
import { header, principalOf } from '../../../functions/shared/http';

const NOW = new Date('2026-03-12T19:03:58.123Z');

function request(overrides: Partial<RawRequest> = {}): RawRequest {
  return {
    method: 'POST',
    url: '/v1/applications/01ABC%2Dx/withdraw?reason=moved&tag=a&tag=b&empty=',
    rawHeaders: [
      'Content-Type', 'application/json',
      'X-Multi', 'one',
      'x-multi', 'two',
      'Cookie', 'a=1; b=2',
      'User-Agent', 'curl/8.0',
      'Host', 'localhost:3000',
    ],
    body: Buffer.from('{"reason":"moved"}'),
    sourceIp: '127.0.0.1',
    host: 'localhost:3000',
    ...overrides,
  };
}

describe('route matching', () => {
  it('finds the route with its key and URL-decoded path parameters', () => {
    const matched = matchRoute(API_ROUTES, 'POST', '/v1/applications/01ABC%2Dx/withdraw');
    expect(matched?.routeKey).toBe('POST /v1/applications/{applicationId}/withdraw');
    expect(matched?.route.handler).toBe('withdraw-application');
    expect(matched?.pathParameters).toEqual({ applicationId: '01ABC-x' });
  });

  it('tells apart a collection, an item and methods', () => {
    expect(matchRoute(API_ROUTES, 'GET', '/v1/applications')?.routeKey).toBe('GET /v1/applications');
    expect(matchRoute(API_ROUTES, 'GET', '/v1/applications/X')?.routeKey).toBe('GET /v1/applications/{applicationId}');
    expect(matchRoute(API_ROUTES, 'POST', '/v1/applications')?.route.handler).toBe('submit-application');
    expect(matchRoute(API_ROUTES, 'DELETE', '/v1/applications')).toBeUndefined();
    expect(matchRoute(API_ROUTES, 'GET', '/v1/applications/')).toBeUndefined();
    expect(matchRoute(API_ROUTES, 'GET', '/v1/applications/X/extra')).toBeUndefined();
    expect(matchRoute(API_ROUTES, 'GET', '/nothing')).toBeUndefined();
  });

  it('prefers a literal segment over a parameter', () => {
    const routes = [
      { method: 'GET' as const, path: '/v1/things/{id}', handler: 'products' as const, auth: 'none' as const, operationId: 'getThing', summary: 'a thing' },
      { method: 'GET' as const, path: '/v1/things/special', handler: 'openapi' as const, auth: 'none' as const, operationId: 'getSpecialThing', summary: 'the special thing' },
    ];
    expect(matchRoute(routes, 'GET', '/v1/things/special')?.route.handler).toBe('openapi');
    expect(matchRoute(routes, 'GET', '/v1/things/other')?.route.handler).toBe('products');
  });
});

describe('API Gateway v2.0 event', () => {
  const matched = matchRoute(API_ROUTES, 'POST', '/v1/applications/01ABC%2Dx/withdraw')!;
  const claims = { sub: 'alice', 'cognito:groups': '[ops admin]', exp: '1900000000' };
  const event = toApiGatewayEvent(request(), matched, claims, NOW, 'req-1');

  it('carries the route, raw path and query, and parsed parameters', () => {
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('POST /v1/applications/{applicationId}/withdraw');
    expect(event.rawPath).toBe('/v1/applications/01ABC%2Dx/withdraw');
    expect(event.rawQueryString).toBe('reason=moved&tag=a&tag=b&empty=');
    expect(event.queryStringParameters).toEqual({ reason: 'moved', tag: 'a,b', empty: '' });
    expect(event.pathParameters).toEqual({ applicationId: '01ABC-x' });
  });

  it('lower-cases headers, joins repeats with commas and moves cookies to their own field', () => {
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers['x-multi']).toBe('one,two');
    expect(event.headers['user-agent']).toBe('curl/8.0');
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-port']).toBe('3000');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(header(event, 'Content-Type')).toBe('application/json');
  });

  it('passes a text body as it is', () => {
    expect(event.body).toBe('{"reason":"moved"}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes a binary body and omits an empty one', () => {
    const binary = toApiGatewayEvent(request({ rawHeaders: ['content-type', 'application/pdf'], body: Buffer.from([0, 255, 1]) }), matched, claims, NOW);
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body!, 'base64')).toEqual(Buffer.from([0, 255, 1]));
    const empty = toApiGatewayEvent(request({ body: Buffer.alloc(0), url: '/v1/applications' }), matched, claims, NOW);
    expect(empty.body).toBeUndefined();
    expect(empty.isBase64Encoded).toBe(false);
    expect(empty.queryStringParameters).toBeUndefined();
  });

  it('fills the request context, with the JWT claims where the authorizer puts them', () => {
    expect(event.requestContext).toEqual({
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/v1/applications/01ABC%2Dx/withdraw', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.0' },
      requestId: 'req-1',
      routeKey: 'POST /v1/applications/{applicationId}/withdraw',
      stage: '$default',
      time: '12/Mar/2026:19:03:58 +0000',
      timeEpoch: NOW.getTime(),
      authorizer: { jwt: { claims, scopes: null }, principalId: '', integrationLatency: 0 },
    });
    expect(principalOf(event)).toEqual({ subject: 'alice', roles: ['applicant', 'ops', 'admin'] });
  });

  it('has no authorizer for a route without authentication', () => {
    const open = toApiGatewayEvent(request({ method: 'GET', url: '/openapi.json' }), matchRoute(API_ROUTES, 'GET', '/openapi.json')!, undefined, NOW);
    expect('authorizer' in open.requestContext).toBe(false);
    expect(() => principalOf(open)).toThrow();
  });

  it('renders claims as the HTTP API JWT authorizer does', () => {
    expect(authorizerClaims({ sub: 'a', exp: 1900000000, 'cognito:groups': ['ops', 'admin'], email_verified: true, nested: { a: 1 }, gone: undefined })).toEqual({
      sub: 'a',
      exp: '1900000000',
      'cognito:groups': '[ops admin]',
      email_verified: 'true',
      nested: '{"a":1}',
    });
  });

  it('knows which content types are text', () => {
    for (const type of ['application/json', 'application/problem+json; charset=utf-8', 'text/html', 'application/x-www-form-urlencoded', 'application/xml', undefined]) {
      expect(isTextContentType(type)).toBe(true);
    }
    for (const type of ['application/pdf', 'image/png', 'application/octet-stream', 'multipart/form-data; boundary=x']) {
      expect(isTextContentType(type)).toBe(false);
    }
  });

  it('formats the request time as API Gateway does', () => {
    expect(formatRequestTime(new Date('2026-01-05T03:04:05Z'))).toBe('05/Jan/2026:03:04:05 +0000');
  });
});

describe('Lambda context and result', () => {
  it('counts the remaining time down from the timeout', async () => {
    const context = lambdaContext('microloan-local-products', 10_000, 'aws-req-1');
    expect(context.awsRequestId).toBe('aws-req-1');
    expect(context.functionName).toBe('microloan-local-products');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:microloan-local-products');
    const first = context.getRemainingTimeInMillis();
    expect(first).toBeGreaterThan(9_000);
    expect(first).toBeLessThanOrEqual(10_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(context.getRemainingTimeInMillis()).toBeLessThan(first);
  });

  it('writes back status, lower-cased headers, cookies and a base64 body', () => {
    const response = fromHandlerResult(
      { statusCode: 201, headers: { 'Content-Type': 'application/pdf' }, cookies: ['s=1; HttpOnly'], body: Buffer.from('%PDF').toString('base64'), isBase64Encoded: true },
      'req-9',
    );
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': 'application/pdf', 'set-cookie': ['s=1; HttpOnly'], 'apigw-requestid': 'req-9' });
    expect(response.body.toString()).toBe('%PDF');
  });

  it('infers 200 JSON for a result without a status code, as the 2.0 format does', () => {
    const response = fromHandlerResult({ hello: 'world' } as never, 'req-10');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({ hello: 'world' });
  });
});

// API Gateway HTTP API (payload v2) events as the JWT authorizer delivers them, for handler tests.

import type { Context } from 'aws-lambda';
import type { HttpEvent } from '../../functions/shared/http';

export interface EventInput {
  method: string;
  routePath: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  sub?: string;
  roles?: string[];
}

export function httpEvent(input: EventInput): HttpEvent {
  const path = Object.entries(input.pathParameters ?? {}).reduce((p, [k, v]) => p.replace(`{${k}}`, v), input.routePath);
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const claims: Record<string, string> = input.sub ? { sub: input.sub } : {};
  if (input.roles?.length) claims['cognito:groups'] = `[${input.roles.join(' ')}]`;
  return {
    version: '2.0',
    routeKey: `${input.method} ${input.routePath}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...(input.headers ?? {}) },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method: input.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'req-1',
      routeKey: `${input.method} ${input.routePath}`,
      stage: '$default',
      time: '29/Nov/2026:08:00:00 +0000',
      timeEpoch: 0,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
    },
  } as HttpEvent;
}

export const lambdaContext = {
  awsRequestId: 'req-1',
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '512',
  logGroupName: 'test',
  logStreamName: 'test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

export function parse(result: { body?: string }) {
  return JSON.parse(result.body ?? 'null');
}

import { Logger } from '@aws-lambda-powertools/logger';
import { httpHandler, json, jsonNestingExceeds, MAX_JSON_DEPTH, principalOf, readJson } from '../../../functions/shared/http';
import { createHandler as createSubmit } from '../../../functions/handlers/submit-application';
import { fakeDeps } from '../../support/fakes';
import { httpEvent, lambdaContext, parse } from '../../support/events';
import { validApplication } from '../../support/applications';

const nested = (depth: number, open: string, close: string, inner = '0') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('deeply nested JSON bodies', () => {
  it.each([
    ['2,000 objects', nested(2000, '{"a":', '}')],
    ['4,000 arrays', nested(4000, '[', ']')],
  ])('are refused with 400 naming the body, and nothing is stored: %s inside an application', async (_name, deep) => {
    const deps = fakeDeps();
    const body = JSON.stringify({ ...validApplication(), referrer: '__DEEP__' }).replace('"__DEEP__"', deep);
    const result = await createSubmit(deps)(
      httpEvent({ method: 'POST', routePath: '/v1/applications', sub: 'alice', headers: { 'Idempotency-Key': 'deep-body-0001' }, rawBody: body }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(400);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(parse(result).errors).toEqual([{ path: 'body', message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` }]);
    expect(deps.applications.applications.size).toBe(0);
  });

  it('are read up to the limit, counting only brackets outside strings', () => {
    const event = (text: string) => httpEvent({ method: 'POST', routePath: '/v1/test', rawBody: text });
    expect(readJson(event(nested(MAX_JSON_DEPTH, '[', ']')))).toBeDefined();
    expect(() => readJson(event(nested(MAX_JSON_DEPTH + 1, '[', ']')))).toThrow(/levels deep/);
    expect(jsonNestingExceeds(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`, 2)).toBe(false);
    expect(jsonNestingExceeds('[[[', 2)).toBe(true);
  });
});

describe('roles from the cognito:groups claim', () => {
  const rolesOf = (groups: unknown) => {
    const event = httpEvent({ method: 'GET', routePath: '/v1/test', sub: 'alice' });
    if (groups !== undefined) (event.requestContext.authorizer.jwt.claims as Record<string, unknown>)['cognito:groups'] = groups;
    return principalOf(event).roles.sort();
  };

  it('reads the HTTP API form "[a b]" and a JSON array, each name whole', () => {
    expect(rolesOf('[reviewer ops]')).toEqual(['applicant', 'ops', 'reviewer']);
    expect(rolesOf('[admin]')).toEqual(['admin', 'applicant']);
    expect(rolesOf(['ops', 'admin'])).toEqual(['admin', 'applicant', 'ops']);
    expect(rolesOf(undefined)).toEqual(['applicant']);
  });

  it('never splits a group name that contains commas: "auditors,admin,ops" is one group, not admin and ops', () => {
    expect(rolesOf('[auditors,admin,ops]')).toEqual(['applicant']);
    expect(rolesOf('[reviewer auditors,admin,ops]')).toEqual(['applicant', 'reviewer']);
    expect(rolesOf(['auditors,admin,ops'])).toEqual(['applicant']);
  });

  it('grants no role from a claim that is not a list', () => {
    for (const claim of ['admin', 'admin,ops', '["admin"]', '[admin', '', [1, 'admin'], { admin: true }, 42]) {
      expect(rolesOf(claim)).toEqual(['applicant']);
    }
  });
});

describe('a request that outlives the function timeout', () => {
  it('is answered 503 problem+json with Retry-After, not a bare 500', async () => {
    const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    let release!: () => void;
    const stalled = new Promise<void>((resolve) => (release = resolve));
    const handler = httpHandler(logger, async () => {
      await stalled;
      return json(200, {});
    });
    const result = await handler(httpEvent({ method: 'POST', routePath: '/v1/test' }), { ...lambdaContext, getRemainingTimeInMillis: () => 600 });
    release();
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'content-type': 'application/problem+json', 'retry-after': '1' });
    expect(parse(result)).toMatchObject({ status: 503, title: 'Temporarily unavailable' });
  });
});

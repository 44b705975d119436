import { jsonNestingExceeds, MAX_JSON_DEPTH, readJson } from '../../../functions/shared/http';
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

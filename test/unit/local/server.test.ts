import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpHandler } from '../../../functions/shared/http';
import { API_ROUTES, type HttpHandlerName } from '../../../functions/shared/routes';
import { LocalClock } from '../../../local/clock';
import { LocalTokenIssuer } from '../../../local/jwt';
import { LocalOutbox } from '../../../local/outbox';
import { createLocalServer, MAX_API_BODY_BYTES, parseClockChange, type HealthReport } from '../../../local/server';
import { TIME_ZONE } from '../../support/settings';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('local HTTP server', () => {
  let server: Server;
  let base: string;
  let port = 0;
  const seen: { event: HttpEvent; context: Context }[] = [];
  let healthy: HealthReport = { ok: true, parts: { dynamodb: 'ok', stateMachine: 'ok', api: 'ok' } };
  const tokens = new LocalTokenIssuer({ secret: 'd'.repeat(64), issuer: () => `http://localhost:${port}/_local` });
  const clock = new LocalClock();
  const outbox = new LocalOutbox(clock);

  const echo: HttpHandler = async (event, context) => {
    seen.push({ event, context });
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-handler': context.functionName }, body: JSON.stringify({ ok: true }) };
  };

  beforeAll(async () => {
    const handlers = Object.fromEntries(API_ROUTES.map((r) => [r.handler, echo])) as Record<HttpHandlerName, HttpHandler>;
    handlers.products = async () => {
      throw new Error('escaped the middleware');
    };
    server = createLocalServer({
      routes: API_ROUTES,
      httpHandlers: handlers,
      tokens,
      outbox,
      clock,
      schedules: new Map([['overdue-scan', async () => ({ scanned: 3 })]]),
      health: async () => healthy,
      timeZone: TIME_ZONE,
      uploads: { secret: 'e'.repeat(64), uploadsDir: join(mkdtempSync(join(tmpdir(), 'srv-')), 'uploads'), clock, log, onUploaded: async () => undefined, track: () => undefined },
      log,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const token = async (sub = 'alice', roles?: ('reviewer' | 'ops' | 'admin')[]) => (await tokens.mint({ sub, ...(roles ? { roles } : {}) })).token;

  it('answers 401 like API Gateway for a missing or bad token, without calling the handler', async () => {
    const before = seen.length;
    for (const authorization of [undefined, 'Bearer', 'Bearer not.a.jwt', `Bearer ${(await token()).slice(0, -2)}xx`]) {
      const response = await fetch(`${base}/v1/applications`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
    expect(seen.length).toBe(before);
  });

  it('calls the handler with the v2 event and the verified claims', async () => {
    const response = await fetch(`${base}/v1/applications/01XYZ/withdraw?x=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token('olga', ['ops', 'admin'])}`, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-handler')).toBe('microloan-local-withdraw-application');
    expect(response.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const { event, context } = seen.at(-1)!;
    expect(event.routeKey).toBe('POST /v1/applications/{applicationId}/withdraw');
    expect(event.pathParameters).toEqual({ applicationId: '01XYZ' });
    expect(event.queryStringParameters).toEqual({ x: '1' });
    expect(event.body).toBe('{"a":1}');
    expect(event.requestContext.requestId).toBe(response.headers.get('apigw-requestid'));
    expect(event.requestContext.authorizer.jwt.claims).toMatchObject({ sub: 'olga', 'cognito:groups': '[ops admin]', aud: 'microloan-local' });
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('serves a route without authentication to anybody', async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    expect('authorizer' in seen.at(-1)!.event.requestContext).toBe(false);
  });

  it('answers 404 {"message":"Not Found"} for an unknown route or method', async () => {
    for (const [method, path] of [['GET', '/v2/nothing'], ['DELETE', '/v1/applications'], ['GET', '/']]) {
      const response = await fetch(`${base}${path}`, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('refuses a body over 1 MB with 413', async () => {
    const response = await fetch(`${base}/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: 'x'.repeat(MAX_API_BODY_BYTES + 1),
    });
    expect(response.status).toBe(413);
  });

  it('answers a bare 500 when a handler throws', async () => {
    const response = await fetch(`${base}/v1/products`, { headers: { authorization: `Bearer ${await token()}` } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
  });

  it('mints tokens at /_local/tokens and validates the request', async () => {
    const ok = await fetch(`${base}/_local/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sub":"alice","roles":["reviewer"]}' });
    expect(ok.status).toBe(200);
    const { token: minted } = (await ok.json()) as { token: string };
    expect((await tokens.verify(minted))['cognito:groups']).toEqual(['reviewer']);

    const bad = await fetch(`${base}/_local/tokens`, { method: 'POST', body: '{"sub":"","roles":["god"]}' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect(new Set(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path))).toEqual(new Set(['sub', 'roles[0]']));

    expect((await fetch(`${base}/_local/tokens`, { method: 'POST', body: '{' })).status).toBe(400);
    expect((await fetch(`${base}/_local/tokens`)).status).toBe(405);
  });

  it('reads and moves the clock at /_local/clock', async () => {
    const read = (await (await fetch(`${base}/_local/clock`)).json()) as { now: string };
    expect(Math.abs(Date.parse(read.now) - Date.now())).toBeLessThan(5000);
    const set = await fetch(`${base}/_local/clock`, { method: 'POST', body: '{"now":"2027-02-01T00:00:00Z"}' });
    expect(((await set.json()) as { now: string }).now).toMatch(/^2027-02-01T00:00:0/);
    const moved = await fetch(`${base}/_local/clock`, { method: 'POST', body: '{"advanceDays":31}' });
    expect(((await moved.json()) as { now: string }).now).toMatch(/^2027-03-04T00:00:0/);
    const bad = await fetch(`${base}/_local/clock`, { method: 'POST', body: '{"advanceDays":"3"}' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    clock.reset();
  });

  it('lists the outbox as JSON, filtered, and as an escaped page', async () => {
    await outbox.publish({ topic: 'applicant', to: 'a@example.com', subject: '<b>hi</b>', body: 'x' });
    await outbox.publish({ topic: 'applicant', to: 'b@example.com', subject: 'other', body: 'y' });
    const all = (await (await fetch(`${base}/_local/outbox`)).json()) as { to: string }[];
    expect(all.map((m) => m.to)).toEqual(['a@example.com', 'b@example.com']);
    const filtered = (await (await fetch(`${base}/_local/outbox?to=a%40example.com`)).json()) as { subject: string }[];
    expect(filtered.map((m) => m.subject)).toEqual(['<b>hi</b>']);
    const page = await fetch(`${base}/_local/outbox.html`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('&lt;b&gt;hi&lt;/b&gt;');
  });

  it('runs a registered schedule and names the known ones for an unknown name', async () => {
    const run = await fetch(`${base}/_local/schedules/overdue-scan/run`, { method: 'POST' });
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ name: 'overdue-scan', result: { scanned: 3 } });
    const unknown = await fetch(`${base}/_local/schedules/nope/run`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain('overdue-scan');
  });

  it('reports health 200 only when every part is ok', async () => {
    const ok = await fetch(`${base}/_local/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', dynamodb: 'ok', stateMachine: 'ok', api: 'ok' });
    healthy = { ok: false, parts: { dynamodb: 'unavailable: connection refused', stateMachine: 'ok', api: 'ok' } };
    const down = await fetch(`${base}/_local/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: 'unavailable', dynamodb: 'unavailable: connection refused' });
  });
});

describe('clock change validation', () => {
  it.each([
    [{ now: '2026-01-31T09:00:00Z' }, { now: new Date('2026-01-31T09:00:00Z') }],
    [{ now: '2026-01-31T09:00:00.5+08:00' }, { now: new Date('2026-01-31T01:00:00.500Z') }],
    [{ advanceDays: 30 }, { advanceDays: 30 }],
    [{ advanceDays: -1.5 }, { advanceDays: -1.5 }],
  ])('accepts %j', (body, expected) => {
    expect(parseClockChange(body)).toEqual(expected);
  });

  it.each([
    [{}, 'body'],
    [{ now: '2026-01-31T09:00:00Z', advanceDays: 1 }, 'body'],
    [{ now: '2026-01-31' }, 'now'],
    [{ now: '2026-02-31T09:00:00Z' }, 'now'],
    [{ now: '2026-01-31T24:00:00Z' }, 'now'],
    [{ now: 'yesterday' }, 'now'],
    [{ now: 1700000000000 }, 'now'],
    [{ advanceDays: '30' }, 'advanceDays'],
    [{ advanceDays: 1e9 }, 'advanceDays'],
    [{ advanceDays: 1, extra: true }, 'extra'],
    [[], 'body'],
    [null, 'body'],
  ])('refuses %j, naming %s', (body, path) => {
    const result = parseClockChange(body);
    expect('errors' in result && result.errors.map((e) => e.path)).toContain(path);
  });
});

// The local operations page (local/ops-page.ts) without a browser: the HTML's structure against a report fixture
// (every figure's path exists in the report, four canvases, the range form), escaping, the default range by the local
// clock, and the local server answering /ops and its assets under a self-only Content-Security-Policy.
// The page drawn with real data in Chromium is test/e2e/ops-page.test.ts.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpHandler } from '../../../functions/shared/http';
import { API_ROUTES, type HttpHandlerName } from '../../../functions/shared/routes';
import { LocalClock } from '../../../local/clock';
import { LocalTokenIssuer } from '../../../local/jwt';
import { LocalOutbox } from '../../../local/outbox';
import { defaultRange, OPS_CHARTS, OPS_FIGURES, OPS_PAGE_CSP, pageRange, renderOpsPage } from '../../../local/ops-page';
import { createLocalServer } from '../../../local/server';
import { opsReportFixture } from '../../support/ops-report';

const at = (object: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);

describe('the operations page HTML', () => {
  const page = renderOpsPage({ from: '2026-03-01', to: '2026-03-14' });

  it('has a figure for every headline number, each pointing at a value of the report', () => {
    const report = opsReportFixture();
    const figures = [...page.matchAll(/<dd data-figure="([^"]+)" data-path="([^"]+)" data-format="([^"]+)">/g)].map((m) => ({ key: m[1], path: m[2], format: m[3] }));
    expect(figures.map((f) => f.key)).toEqual(OPS_FIGURES.map((f) => f.key));
    expect(figures.map((f) => f.key)).toEqual(
      expect.arrayContaining(['received', 'approvalRate', 'autoDecisionRate', 'p50', 'p90', 'reviewsPending', 'reviewsOverdue', 'disbursedCount', 'disbursedAmount', 'outstanding', 'par1', 'par30', 'par90', 'overdueRate']),
    );
    for (const figure of figures) {
      expect(['count', 'percent', 'duration', 'money']).toContain(figure.format);
      expect(at(report, figure.path!)).not.toBeUndefined();
    }
  });

  it('has the four charts, the two tables, the range form, the CSV button and the ready marker', () => {
    const canvases = [...page.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
    expect(canvases).toEqual(OPS_CHARTS.map((c) => c.id));
    expect(canvases).toEqual(['chart-applications', 'chart-decision-time', 'chart-par30', 'chart-buckets']);
    expect(page).toContain('<tbody id="decline-reasons">');
    expect(page).toContain('<tbody id="reviewers">');
    expect(page).toMatch(/<form id="range" method="get" action="\/ops">/);
    expect(page).toContain('<input type="date" name="from" id="from" value="2026-03-01" required>');
    expect(page).toContain('<input type="date" name="to" id="to" value="2026-03-14" required>');
    expect(page).toContain('<button type="button" id="download-csv" disabled>Download CSV</button>');
    expect(page).toContain('<body data-ready="false">');
    expect(page).toContain('role="alert"');
  });

  it('loads Chart.js and its script from the local server, and has no inline script or style', () => {
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[1]!.trim())).toEqual(['src="/_local/assets/chart.umd.min.js"', 'src="/_local/assets/ops.js"']);
    expect(scripts.every((m) => m[2] === '')).toBe(true);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(page).toContain('<link rel="stylesheet" href="/_local/assets/ops.css">');
  });

  it('escapes the range it echoes', () => {
    const hostile = renderOpsPage({ from: '"><script>alert(1)</script>', to: "2026-03-14' onfocus='x" });
    expect(hostile).not.toContain('<script>alert');
    expect(hostile).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(hostile).toContain('value="2026-03-14&#39; onfocus=&#39;x"');
  });
});

describe('the range', () => {
  it('defaults to the last 30 lender days by the clock, today included', () => {
    // 20:00 UTC is already the next day in Shanghai.
    expect(defaultRange(new Date('2026-03-01T20:00:00Z'), 'Asia/Shanghai')).toEqual({ from: '2026-02-01', to: '2026-03-02' });
    expect(defaultRange(new Date('2026-03-01T20:00:00Z'), 'UTC')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
  });

  it('takes from and to from the query when they look like days, and the default otherwise', () => {
    const now = new Date('2026-06-15T02:00:00Z');
    expect(pageRange(new URLSearchParams('from=2026-05-01&to=2026-05-31'), now, 'Asia/Shanghai')).toEqual({ from: '2026-05-01', to: '2026-05-31' });
    expect(pageRange(new URLSearchParams('from=yesterday&to=<b>'), now, 'Asia/Shanghai')).toEqual({ from: '2026-05-17', to: '2026-06-15' });
  });
});

describe('the local server', () => {
  let server: Server;
  let base: string;
  const clock = new LocalClock();
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    const refuse: HttpHandler = async () => ({ statusCode: 500, body: '' });
    server = createLocalServer({
      routes: API_ROUTES,
      httpHandlers: Object.fromEntries(API_ROUTES.map((r) => [r.handler, refuse])) as Record<HttpHandlerName, HttpHandler>,
      tokens: new LocalTokenIssuer({ secret: 'd'.repeat(64), issuer: () => 'http://localhost/_local' }),
      outbox: new LocalOutbox(clock),
      clock,
      schedules: new Map(),
      health: async () => ({ ok: true, parts: {} }),
      uploads: { secret: 'e'.repeat(64), uploadsDir: join(mkdtempSync(join(tmpdir(), 'ops-')), 'uploads'), clock, log, onUploaded: async () => undefined, track: () => undefined },
      timeZone: 'Asia/Shanghai',
      log,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves /ops under a self-only CSP, with the last 30 days by the local clock', async () => {
    clock.set(new Date('2026-04-10T03:00:00Z'));
    const response = await fetch(`${base}/ops`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy');
    expect(csp).toBe(OPS_PAGE_CSP);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await response.text();
    expect(text).toContain('value="2026-03-12"');
    expect(text).toContain('value="2026-04-10"');
    clock.reset();
  });

  it('echoes a range from the query', async () => {
    const text = await (await fetch(`${base}/ops?from=2026-01-01&to=2026-01-31`)).text();
    expect(text).toContain('name="from" id="from" value="2026-01-01"');
    expect(text).toContain('name="to" id="to" value="2026-01-31"');
  });

  it('serves Chart.js\'s UMD build and the page\'s script and style', async () => {
    const chart = await fetch(`${base}/_local/assets/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const library = await chart.text();
    expect(library.length).toBeGreaterThan(100_000);
    expect(library).toMatch(/Chart\.js v4\./);

    const script = await fetch(`${base}/_local/assets/ops.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await script.text();
    expect(source).toContain('/v1/reports/summary');
    expect(source).toContain("'/_local/tokens'");
    expect(source).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);

    const style = await fetch(`${base}/_local/assets/ops.css`);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for other assets (no path traversal) and 405 for other methods', async () => {
    for (const path of ['/_local/assets/nope.js', '/_local/assets/../ops-page.ts', '/_local/assets/%2e%2e%2fops-page.ts', '/_local/assets/', '/_local/assets/constructor', '/_local/assets/__proto__']) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
    const post = await fetch(`${base}/ops`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('still answers API routes and other /_local endpoints as before', async () => {
    expect((await fetch(`${base}/_local/clock`)).status).toBe(200);
    expect((await fetch(`${base}/opsx`)).status).toBe(404);
  });
});

// The local operations page (issue 7): `GET /ops` on the local stack — the summary report's headline figures, tables
// and four charts over time (Chart.js, served from node_modules), and a CSV download. It is local-only, like the
// /_local endpoints: the page mints itself an `ops` token with POST /_local/tokens, which exists only here; in AWS the
// same figures come from GET /v1/reports/summary with a staff token. Nothing is inline: the HTML loads its style and
// its scripts from /_local/assets/, so the Content-Security-Policy allows only 'self'. The HTML carries no report
// data (the script fetches it); the only dynamic values are the dates of the range, escaped by `html`.

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { dayIn } from '../functions/core/kernel/dates';
import { html } from '../functions/shared/html';
import type { Clock } from '../functions/core/kernel/ports';
import { send, sendHtml, sendProblem } from './http-util';

export const OPS_PAGE_PATH = '/ops';
export const OPS_ASSET_PREFIX = '/_local/assets/';

/** The page's policy: scripts, style and fetches from this origin only; no inline code, no frames, no plugins. */
export const OPS_PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export type FigureFormat = 'count' | 'percent' | 'duration' | 'money';

/**
 * The headline figures: `path` is where the value is in the report's JSON (dotted), `format` how the script shows it.
 * The page's script reads both from the element's data attributes, so this table is the only list of figures.
 */
export const OPS_FIGURES: readonly { key: string; label: string; path: string; format: FigureFormat }[] = [
  { key: 'received', label: 'Applications received', path: 'applications.received', format: 'count' },
  { key: 'decided', label: 'Decided', path: 'decisions.decided', format: 'count' },
  { key: 'approvalRate', label: 'Approval rate', path: 'decisions.approvalRate', format: 'percent' },
  { key: 'autoDecisionRate', label: 'Auto-decision rate', path: 'decisions.autoDecisionRate', format: 'percent' },
  { key: 'p50', label: 'Time to decision p50', path: 'timeToDecision.p50Seconds', format: 'duration' },
  { key: 'p90', label: 'Time to decision p90', path: 'timeToDecision.p90Seconds', format: 'duration' },
  { key: 'reviewsPending', label: 'Reviews pending', path: 'reviews.pending', format: 'count' },
  { key: 'reviewsOverdue', label: 'Reviews overdue', path: 'reviews.overdue', format: 'count' },
  { key: 'disbursedCount', label: 'Loans disbursed', path: 'disbursed.count', format: 'count' },
  { key: 'disbursedAmount', label: 'Amount disbursed', path: 'disbursed.amount', format: 'money' },
  { key: 'outstanding', label: 'Outstanding principal', path: 'portfolio.outstandingPrincipal', format: 'money' },
  { key: 'par1', label: 'PAR1', path: 'portfolio.par1', format: 'percent' },
  { key: 'par30', label: 'PAR30', path: 'portfolio.par30', format: 'percent' },
  { key: 'par90', label: 'PAR90', path: 'portfolio.par90', format: 'percent' },
  { key: 'overdueRate', label: 'Overdue rate', path: 'portfolio.overdueRate', format: 'percent' },
];

/** The four charts; the script draws each into the canvas of its id. */
export const OPS_CHARTS: readonly { id: string; title: string; description: string }[] = [
  { id: 'chart-applications', title: 'Applications and approval rate per day', description: 'Bars: applications received per day; line: approval rate of the decisions that day (right axis).' },
  { id: 'chart-decision-time', title: 'Time to decision per day', description: 'Median (p50) and 90th percentile (p90) from submission to decision, for the decisions of each day.' },
  { id: 'chart-par30', title: 'PAR30 per day', description: 'Share of the outstanding principal in loans 30 or more days past due, at the end of each day.' },
  { id: 'chart-buckets', title: 'Loans by bucket', description: 'Loans by days past due on the portfolio day, and their outstanding principal (right axis).' },
];

/** How many days the default range covers, ending today by the local clock. */
export const DEFAULT_RANGE_DAYS = 30;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The default range: the last `DEFAULT_RANGE_DAYS` lender days up to and including today by `now`. */
export function defaultRange(now: Date, timeZone: string): { from: string; to: string } {
  const to = dayIn(now, timeZone);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_RANGE_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  return { from, to };
}

/**
 * The range the page shows: `?from=&to=` when each looks like a day (the report checks them properly and the page
 * shows its answer), the default otherwise.
 */
export function pageRange(query: URLSearchParams, now: Date, timeZone: string): { from: string; to: string } {
  const defaults = defaultRange(now, timeZone);
  const pick = (name: 'from' | 'to') => {
    const value = query.get(name);
    return value !== null && DAY_PATTERN.test(value) ? value : defaults[name];
  };
  return { from: pick('from'), to: pick('to') };
}

/** The page's HTML: the shell that ops.js fills from the report. */
export function renderOpsPage(range: { from: string; to: string }): string {
  const figures = OPS_FIGURES.map(
    (f) => html`
      <div class="figure">
        <dt>${f.label}</dt>
        <dd data-figure="${f.key}" data-path="${f.path}" data-format="${f.format}">…</dd>
      </div>`,
  );
  const charts = OPS_CHARTS.map(
    (c) => html`
      <figure class="chart">
        <figcaption><strong>${c.title}</strong><span>${c.description}</span></figcaption>
        <div class="chart-box"><canvas id="${c.id}" role="img" aria-label="${c.title}"></canvas></div>
      </figure>`,
  );
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Operations — Microloan (local)</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${OPS_ASSET_PREFIX}ops.css">
</head>
<body data-ready="false">
<header class="top">
  <h1>Operations</h1>
  <p class="note">Local stack only: this page mints itself an <code>ops</code> token with <code>POST /_local/tokens</code>.
  The figures come from <code>GET /v1/reports/summary</code>.</p>
</header>
<form id="range" method="get" action="${OPS_PAGE_PATH}">
  <label>From <input type="date" name="from" id="from" value="${range.from}" required></label>
  <label>To <input type="date" name="to" id="to" value="${range.to}" required></label>
  <button type="submit">Show</button>
  <button type="button" id="download-csv" disabled>Download CSV</button>
</form>
<p id="status" role="status">Loading the report…</p>
<div id="error" class="error" role="alert" hidden></div>
<main id="report" hidden>
  <p id="meta" class="note"></p>
  <section aria-labelledby="figures-title">
    <h2 id="figures-title">Summary</h2>
    <dl id="figures" class="figures">${figures}
    </dl>
  </section>
  <section aria-labelledby="charts-title">
    <h2 id="charts-title">Over time</h2>
    <div class="charts">${charts}
    </div>
  </section>
  <section class="tables">
    <div>
      <h2 id="decline-reasons-title">Decline reasons</h2>
      <table aria-labelledby="decline-reasons-title">
        <thead><tr><th scope="col">Reason</th><th scope="col" class="num">Applications</th></tr></thead>
        <tbody id="decline-reasons"></tbody>
      </table>
    </div>
    <div>
      <h2 id="reviewers-title">Reviewers</h2>
      <table aria-labelledby="reviewers-title">
        <thead><tr><th scope="col">Reviewer</th><th scope="col" class="num">Level</th><th scope="col" class="num">Decided</th><th scope="col" class="num">Open</th><th scope="col" class="num">SLA breaches</th></tr></thead>
        <tbody id="reviewers"></tbody>
      </table>
    </div>
  </section>
</main>
<script src="${OPS_ASSET_PREFIX}chart.umd.min.js"></script>
<script src="${OPS_ASSET_PREFIX}ops.js"></script>
</body>
</html>
`.value;
}

/** The page's own files beside this module, and Chart.js's UMD build from node_modules. */
const ASSETS_DIR = join(import.meta.dirname, 'assets');

function chartJsFile(): string {
  // chart.js exports only its module entry points; the UMD build is beside the CommonJS one in dist/.
  return join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
}

const ASSETS: Record<string, { file: () => string; contentType: string }> = {
  'chart.umd.min.js': { file: chartJsFile, contentType: 'text/javascript; charset=utf-8' },
  'ops.js': { file: () => join(ASSETS_DIR, 'ops.js'), contentType: 'text/javascript; charset=utf-8' },
  'ops.css': { file: () => join(ASSETS_DIR, 'ops.css'), contentType: 'text/css; charset=utf-8' },
};

const cache = new Map<string, Buffer>();

function assetBody(name: string): Buffer | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let body = cache.get(name);
  if (!body) {
    const file = asset.file();
    if (!existsSync(file)) return undefined;
    body = readFileSync(file);
    // The page's own files are read afresh (edits show on reload); Chart.js does not change while the stack runs.
    if (name === 'chart.umd.min.js') cache.set(name, body);
  }
  return body;
}

export interface OpsPageOptions {
  clock: Clock;
  /** The lender's time zone: the default range is its last 30 days. */
  timeZone: string;
}

/** `GET /ops` and `GET /_local/assets/<name>`; anything else under the prefix is 404. */
export function handleOpsRequest(req: IncomingMessage, res: ServerResponse, url: URL, options: OpsPageOptions): void {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendProblem(res, 405, 'Method not allowed', 'this endpoint accepts GET, HEAD');
  }
  if (url.pathname === OPS_PAGE_PATH) {
    res.setHeader('content-security-policy', OPS_PAGE_CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    return sendHtml(res, 200, renderOpsPage(pageRange(url.searchParams, options.clock.now(), options.timeZone)));
  }
  const name = url.pathname.slice(OPS_ASSET_PREFIX.length);
  const body = assetBody(name);
  if (!body) return sendProblem(res, 404, 'Not found', `no local asset "${name}"`);
  return send(res, 200, body, { 'content-type': ASSETS[name]!.contentType, 'x-content-type-options': 'nosniff' });
}

/** Whether the local server should hand this path to handleOpsRequest. */
export function isOpsPath(pathname: string): boolean {
  return pathname === OPS_PAGE_PATH || pathname.startsWith(OPS_ASSET_PREFIX);
}

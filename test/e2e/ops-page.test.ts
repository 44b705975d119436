// The operations page (/ops, local only) in a real browser: Debian's Chromium driven by playwright-core (never a
// downloaded browser) on the local stack. Two months of business are made through the API on the moving local clock:
// twenty-odd applications every few lender days (approved, declined by the scorecard and by knock-outs, reviewed and
// approved, reviewed and rejected, one left waiting for review), two loans accepted and disbursed, one repaid on time
// and one left unpaid until it is more than 30 days past due (the overdue scan run as the days go by). Then the page
// is opened: its headline figures must equal GET /v1/reports/summary read directly, each of its four Chart.js charts
// must hold the report's series, the CSV button must download the report's own CSV, a bad range must show the API's
// problem, and a full-page screenshot is saved to test-output/ops-dashboard.png (docs/ops-dashboard.png is a copy of one,
// for the README; the test does not rewrite the committed file).

import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { sandboxIdentity } from '../../functions/adapters/bureau/sandbox-bureau';
import { CSV_HEADER } from '../../functions/core/reporting/reports';
import { OPS_FIGURES } from '../../local/ops-page';
import { uniqueIdentity, validApplication, BAND_D_PROFILE, REVIEW_SIZED_LOAN, disbursementAccount } from '../support/applications';
import { bootStack, call, eventually, uploadDocument, type E2eContext, launchChromium } from './support';

const SCREENSHOT = resolve(import.meta.dirname, '..', '..', 'test-output', 'ops-dashboard.png');
const REVIEWER_EMAIL = 'ada.ops@lender.example';

const FIRST_DAY = '2026-09-01';
const DECIDED = ['APPROVED', 'DECLINED', 'PENDING_REVIEW', 'FAILED'];

let ctx: E2eContext;
let browser: Browser;
let ops: string;
let admin: string;
let applicants = 0;

beforeAll(async () => {
  ctx = await bootStack();
  [ops, admin] = await Promise.all([ctx.token('olga', ['ops']), ctx.token('root', ['admin'])]);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // Approved applications wait for their contracts and one for its review: stopping the stack ends them.
  await ctx?.close();
});

// ---- the business, through the API ----------------------------------------------------------------------------------

/** A day `n` days after `day` (YYYY-MM-DD). */
function plusDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Moves the local clock to a time of a lender day (Asia/Shanghai, UTC+8). */
async function clockTo(day: string, time = '10:00') {
  const moved = await call(ctx.url, 'POST', '/_local/clock', { body: { now: `${day}T${time}:00+08:00` } });
  expect(moved.status).toBe(200);
}


type Identity = { nationalId: string; dateOfBirth: string };

/** Submits an application and waits until it is decided or waits for review; returns its view. */
async function apply(overrides: Record<string, unknown> = {}, identity: Identity = uniqueIdentity()) {
  applicants += 1;
  const token = await ctx.token(`ops-page-applicant-${applicants}`);
  const submitted = await call(ctx.url, 'POST', '/v1/applications', {
    token,
    body: validApplication(overrides, identity),
    headers: { 'Idempotency-Key': `ops-page-${applicants}-${Date.now()}` },
  });
  expect(submitted.status).toBe(202);
  const id = submitted.json.applicationId as string;
  const view = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => DECIDED.includes(r.json?.status));
  // Routed to review: the applicant uploads the product's checklist (proof_of_income), and only then is a reviewer asked.
  if (view.json?.status === 'PENDING_REVIEW') await uploadDocument(ctx.url, token, id);
  return { id, token, view: view.json };
}

async function expectStatus(overrides: Record<string, unknown>, status: string, identity?: Identity) {
  const made = await apply(overrides, identity);
  expect(made.view.status).toBe(status);
  return made;
}

/** The newest review link e-mailed for an application. */
async function reviewLinkFor(applicationId: string): Promise<string> {
  const messages = await eventually(
    async () => (await call(ctx.url, 'GET', `/_local/outbox?to=${encodeURIComponent(REVIEWER_EMAIL)}`)).json as { body: string; attributes: Record<string, string> }[],
    (list) => list.some((m) => m.attributes?.applicationId === applicationId && m.body.includes('/v1/reviews/')),
    15_000,
  );
  const email = messages.filter((m) => m.attributes?.applicationId === applicationId && m.body.includes('/v1/reviews/')).at(-1)!;
  return /https?:\/\/\S+\/v1\/reviews\/[^\s"<]+/.exec(email.body)![0];
}

async function decideReview(link: string, decision: 'APPROVE' | 'REJECT', comment: string) {
  const url = new URL(link);
  url.pathname = `${url.pathname}/decision`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ decision, comment }),
  });
  expect(response.status).toBe(200);
}

/** An application reviewed by the level-1 reviewer `hours` after it was submitted. */
async function reviewed(day: string, decision: 'APPROVE' | 'REJECT', hours: number) {
  await clockTo(day, '11:00');
  const { id, token, view } = await apply(REVIEW_SIZED_LOAN);
  expect(view.status).toBe('PENDING_REVIEW');
  const link = await reviewLinkFor(id);
  await clockTo(day, `${String(11 + hours).padStart(2, '0')}:00`);
  await decideReview(link, decision, decision === 'APPROVE' ? 'income verified' : 'income does not cover the installment');
  const decided = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => ['APPROVED', 'DECLINED'].includes(r.json?.status));
  expect(decided.json.status).toBe(decision === 'APPROVE' ? 'APPROVED' : 'DECLINED');
}

/** An approved application whose contract is accepted and disbursed: the loan's id and schedule. */
async function disbursedLoan(accountNumber: string) {
  const { id, token } = await apply(disbursementAccount(accountNumber));
  const offered = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => r.json?.offer?.contract?.sha256 !== undefined);
  expect(offered.json.status).toBe('APPROVED');
  const accepted = await call(ctx.url, 'POST', `/v1/applications/${id}/contract/accept`, { token, body: { contractSha256: offered.json.offer.contract.sha256 } });
  expect(accepted.status).toBe(200);
  const disbursed = await eventually(() => call(ctx.url, 'GET', `/v1/applications/${id}`, { token }), (r) => ['DISBURSED', 'FAILED'].includes(r.json?.status));
  expect(disbursed.json.status).toBe('DISBURSED');
  const loanId = disbursed.json.loanId as string;
  const schedule = (await call(ctx.url, 'GET', `/v1/loans/${loanId}/schedule`, { token })).json.installments as { dueDate: string; total: { amount: string } | string }[];
  const totalOf = (n: number) => {
    const total = schedule[n - 1]!.total;
    return typeof total === 'string' ? total : total.amount;
  };
  return { loanId, dueDate: (n: number) => schedule[n - 1]!.dueDate, totalOf };
}

async function repay(loanId: string, amount: string, day: string, reference: string) {
  await clockTo(day, '12:00');
  const paid = await call(ctx.url, 'POST', `/v1/loans/${loanId}/repayments`, {
    token: ops,
    body: { amount: { amount, currency: 'CNY' }, paidAt: `${day}T09:00:00+08:00`, reference },
  });
  expect(paid.status).toBe(201);
}

/** The overdue scan, as its schedule would run it late on `day`. */
async function overdueScanOn(day: string) {
  await clockTo(day, '18:00');
  const ran = await call(ctx.url, 'POST', '/_local/schedules/overdue-scan/run');
  expect(ran.status).toBe(200);
}

/**
 * Two months of business, in the order of the local clock (it only moves forward); returns the last day (the
 * report's range is FIRST_DAY to it). Applications come every few days; the two loans' first installments fall due a
 * month after FIRST_DAY, and the overdue scan runs on the days after that, so PAR30 appears near the end.
 */
async function makeBusiness(): Promise<string> {
  const added = await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email: REVIEWER_EMAIL, name: 'Ada Lovelace', level: 1, language: 'en' } });
  expect(added.status).toBe(201);
  const day = (n: number) => plusDays(FIRST_DAY, n);

  // Two loans taken up and paid out; a weak application declined by the scorecard.
  await clockTo(day(0), '09:30');
  const unpaid = await disbursedLoan('6222020012345678');
  const repaid = await disbursedLoan('6222020012345679');
  await expectStatus(BAND_D_PROFILE, 'DECLINED', uniqueIdentity('2004-05-01'));

  await clockTo(day(2));
  await expectStatus({}, 'APPROVED');
  await expectStatus({}, 'DECLINED', sandboxIdentity('current_default'));

  await reviewed(day(5), 'APPROVE', 3);
  await expectStatus({ channel: 'web' }, 'APPROVED');

  await clockTo(day(9));
  await expectStatus({ channel: 'web' }, 'DECLINED', sandboxIdentity('fraud_flag'));
  await expectStatus({}, 'APPROVED');
  await expectStatus({ channel: 'partner' }, 'APPROVED');

  await clockTo(day(14));
  await expectStatus(BAND_D_PROFILE, 'DECLINED', uniqueIdentity('2003-02-11'));
  await expectStatus({}, 'APPROVED');

  await reviewed(day(20), 'REJECT', 1);
  await expectStatus({ channel: 'branch' }, 'APPROVED');

  await clockTo(day(27));
  await expectStatus({}, 'DECLINED', sandboxIdentity('high_debt'));
  await expectStatus({}, 'APPROVED');

  // The loans fall due: one is repaid on time, the other never; the overdue scan runs as the days go by, so the
  // unpaid one goes 1–30 and then 31–60 days past due while applications keep coming.
  const firstDue = unpaid.dueDate(1);
  expect(repaid.dueDate(1)).toBe(firstDue);
  await repay(repaid.loanId, repaid.totalOf(1), firstDue, 'ops-page-0001');
  await overdueScanOn(plusDays(firstDue, 1));
  await clockTo(plusDays(firstDue, 6));
  await expectStatus({ channel: 'web' }, 'APPROVED');
  await expectStatus(BAND_D_PROFILE, 'DECLINED', uniqueIdentity('2002-07-19'));
  await overdueScanOn(plusDays(firstDue, 8));
  await clockTo(plusDays(firstDue, 13));
  await expectStatus({}, 'APPROVED');
  await overdueScanOn(plusDays(firstDue, 15));
  await clockTo(plusDays(firstDue, 19));
  await expectStatus(REVIEW_SIZED_LOAN, 'PENDING_REVIEW'); // left waiting: the reviewer's open review, overdue by the end
  await overdueScanOn(plusDays(firstDue, 22));
  await clockTo(plusDays(firstDue, 26));
  await expectStatus({ channel: 'partner' }, 'APPROVED');
  await expectStatus({}, 'APPROVED');
  let secondPaid = false;
  for (const offset of [29, 30, 31, 32, 33]) {
    const scanDay = plusDays(firstDue, offset);
    if (!secondPaid && scanDay >= repaid.dueDate(2)) {
      await repay(repaid.loanId, repaid.totalOf(2), repaid.dueDate(2), 'ops-page-0002');
      secondPaid = true;
    }
    await overdueScanOn(scanDay);
  }
  expect(secondPaid).toBe(true);
  const last = plusDays(firstDue, 34);
  await clockTo(last, '10:00');
  await expectStatus({ channel: 'branch' }, 'APPROVED');
  await expectStatus({}, 'DECLINED', sandboxIdentity('current_default'));
  await overdueScanOn(last);
  return last;
}

// ---- the page --------------------------------------------------------------------------------------------------------

interface ShownFigure {
  text: string;
  value: string;
}

interface DrawnChart {
  labels: unknown[];
  datasets: { label: string; data: (number | null)[] }[];
  /** Canvas pixels that are not transparent. */
  painted: number;
  width: number;
  height: number;
}

/** The page's figures as it shows them: the text, and the raw value it read from the report. (The evaluated code
 * runs in the page, so it is a string: the project's TypeScript has no DOM types.) */
function readFigures(page: Page): Promise<Record<string, ShownFigure>> {
  return page.evaluate(`Object.fromEntries([...document.querySelectorAll('[data-figure]')].map((e) =>
    [e.dataset.figure, { text: e.textContent ?? '', value: e.dataset.value ?? '' }]))`);
}

/** What each chart holds (Chart.getChart on its canvas): labels and every dataset's data, and how much is painted. */
function readCharts(page: Page): Promise<Record<string, DrawnChart>> {
  return page.evaluate(`Object.fromEntries([...document.querySelectorAll('canvas')].map((canvas) => {
    const chart = Chart.getChart(canvas);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
    return [canvas.id, {
      labels: chart ? chart.data.labels : [],
      datasets: chart ? chart.data.datasets.map((d) => ({ label: d.label, data: d.data })) : [],
      painted, width: canvas.width, height: canvas.height,
    }];
  }))`);
}

function at(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);
}

/** The page's formatting rules, restated: counts grouped, rates as percent with one decimal, money as its string. */
function formatted(format: string, value: unknown): string {
  const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (value === null || value === undefined) return '—';
  switch (format) {
    case 'count':
      return group(String(value));
    case 'percent':
      return `${((value as number) * 100).toFixed(1)} %`;
    case 'money': {
      const { amount, currency } = value as { amount: string; currency: string };
      const [integer, fraction] = amount.split('.');
      return `${group(integer!)}${fraction !== undefined ? `.${fraction}` : ''} ${currency}`;
    }
    case 'duration': {
      const s = value as number;
      if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
      if (s < 3600) return `${(s / 60).toFixed(1)} min`;
      if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
      return `${(s / 86400).toFixed(1)} d`;
    }
  }
  throw new Error(`unknown format ${format}`);
}

const percent = (rate: number | null) => (typeof rate === 'number' ? Math.round(rate * 10000) / 100 : null);

it('shows the report\'s figures and four charts with data, downloads the CSV, shows a failing report, and saves a screenshot', async () => {
  const lastDay = await makeBusiness();
  const range = `from=${FIRST_DAY}&to=${lastDay}`;

  const report = await call(ctx.url, 'GET', `/v1/reports/summary?${range}`, { token: ops });
  expect(report.status).toBe(200);
  const r = report.json;
  // The business made above, as the report counts it.
  expect(r.applications.received).toBe(applicants);
  expect(r.decisions.reviewApproved).toBe(1);
  expect(r.decisions.reviewRejected).toBe(1);
  expect(r.reviews.pending).toBe(1);
  expect(r.disbursed.count).toBe(2);
  expect(r.portfolio.par30).toBeGreaterThan(0);
  const csv = await call(ctx.url, 'GET', `/v1/reports/summary?${range}`, { token: ops, headers: { accept: 'text/csv' } });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);

  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));

  // Opened bare, the page shows the last 30 days by the local clock.
  const opened = await page.goto(`${ctx.url}/ops`);
  expect(opened?.status()).toBe(200);
  expect(opened?.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(await page.inputValue('#from')).toBe(plusDays(lastDay, -29));
  expect(await page.inputValue('#to')).toBe(lastDay);
  await page.waitForSelector('body[data-ready]:not([data-ready="false"])');
  expect(await page.getAttribute('body', 'data-ready')).toBe('true');

  // The whole range, chosen through the form.
  await page.fill('#from', FIRST_DAY);
  await Promise.all([page.waitForURL(`**/ops?${range}`), page.click('#range button[type="submit"]')]);
  await page.waitForSelector('body[data-ready]:not([data-ready="false"])', { timeout: 15_000 });
  expect(await page.getAttribute('body', 'data-ready')).toBe('true');
  expect(await page.isVisible('#error')).toBe(false);

  // Every headline figure is the report's value, shown by the page's rules.
  const figures = await readFigures(page);
  expect(Object.keys(figures)).toEqual(OPS_FIGURES.map((f) => f.key));
  for (const figure of OPS_FIGURES) {
    const value = at(r, figure.path);
    expect({ key: figure.key, ...figures[figure.key] }).toEqual({
      key: figure.key,
      text: formatted(figure.format, value),
      value: value === null || value === undefined ? '' : typeof value === 'object' ? (value as { amount: string }).amount : String(value),
    });
  }
  expect(figures.received!.text).toBe(String(applicants));

  // The tables: one row per decline reason and per reviewer.
  const reasons = await page.locator('#decline-reasons tr').allTextContents();
  expect(reasons).toHaveLength(Object.keys(r.decisions.declineReasons).length);
  expect(reasons.join(' ')).toContain('KO_CURRENT_DEFAULT');
  const reviewerRows = await page.locator('#reviewers tr').allTextContents();
  expect(reviewerRows).toHaveLength(r.reviews.byReviewer.length);
  expect(reviewerRows.join(' ')).toContain('Ada Lovelace');

  // Each chart holds the report's series and has data where the report has it.
  const daily = r.daily as { day: string; received: number; approvalRate: number | null; p50DecisionSeconds: number | null; p90DecisionSeconds: number | null; par30: number | null }[];
  const charts = await readCharts(page);
  expect(Object.keys(charts)).toEqual(['chart-applications', 'chart-decision-time', 'chart-par30', 'chart-buckets']);
  for (const [id, chart] of Object.entries(charts)) {
    expect({ id, drawn: chart.width > 0 && chart.height > 0 && chart.painted > 1000 }).toEqual({ id, drawn: true });
  }
  const applications = charts['chart-applications']!;
  expect(applications.labels).toEqual(daily.map((d) => d.day));
  expect(applications.datasets[0]!.data).toEqual(daily.map((d) => d.received));
  expect((applications.datasets[0]!.data as number[]).reduce((a, b) => a + b, 0)).toBe(applicants);
  expect(applications.datasets[1]!.data).toEqual(daily.map((d) => percent(d.approvalRate)));
  expect(applications.datasets[1]!.data.some((v) => typeof v === 'number' && v > 0)).toBe(true);

  const times = charts['chart-decision-time']!;
  expect(times.labels).toEqual(daily.map((d) => d.day));
  const decidedDays = daily.filter((d) => d.p90DecisionSeconds !== null).length;
  expect(decidedDays).toBeGreaterThan(0);
  expect(times.datasets[0]!.data.filter((v) => v !== null)).toHaveLength(decidedDays);
  expect(times.datasets[1]!.data.some((v) => typeof v === 'number' && v > 0)).toBe(true);

  const par30 = charts['chart-par30']!;
  expect(par30.datasets[0]!.data).toEqual(daily.map((d) => percent(d.par30)));
  expect(par30.datasets[0]!.data.some((v) => typeof v === 'number' && v > 0)).toBe(true);

  const buckets = charts['chart-buckets']!;
  const byBucket = r.portfolio.byBucket as Record<string, { loans: number }>;
  expect(buckets.labels).toEqual(Object.keys(byBucket).sort((a, b) => ['current', '1-30', '31-60', '61-90', '90+'].indexOf(a) - ['current', '1-30', '31-60', '61-90', '90+'].indexOf(b)));
  expect(buckets.datasets[0]!.data).toEqual((buckets.labels as string[]).map((b) => byBucket[b]!.loans));
  expect((buckets.datasets[0]!.data as number[]).reduce((a, b) => a + b, 0)).toBe(r.portfolio.activeLoans);

  // The CSV button saves the API's own CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  const saved = readFileSync((await download.path())!, 'utf8');
  expect(saved.split(/\r?\n/)[0]).toBe(CSV_HEADER.join(','));
  expect(saved).toBe(csv.text);

  // The screenshot of the dashboard, for the README.
  mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  const png = readFileSync(SCREENSHOT);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.readUInt32BE(16)).toBe(1360); // IHDR width
  expect(png.readUInt32BE(20)).toBeGreaterThan(1200); // the whole page, not just the viewport
  expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
  expect(statSync(SCREENSHOT).size).toBeLessThan(5_000_000);
  expect(problems).toEqual([]);

  // A range the report refuses: the page says what the API answered.
  const refused = await context.newPage();
  await refused.goto(`${ctx.url}/ops?from=${lastDay}&to=${FIRST_DAY}`);
  await refused.waitForSelector('body[data-ready="error"]');
  const message = await refused.locator('#error').textContent();
  const direct = await call(ctx.url, 'GET', `/v1/reports/summary?from=${lastDay}&to=${FIRST_DAY}`, { token: ops });
  expect(direct.status).toBeGreaterThanOrEqual(400);
  expect(message).toContain(String(direct.status));
  if (direct.json?.detail) expect(message).toContain(direct.json.detail);
  await context.close();
  console.log(`operations page screenshot: ${join('test-output', 'ops-dashboard.png')} (${statSync(SCREENSHOT).size} bytes)`);
});

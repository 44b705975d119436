// The reviewer's side in a real browser: Debian's Chromium driven by playwright-core (never a downloaded browser) on
// the local stack. A reviewer is added through the API, an application that needs one review level goes through the
// real state machine to the RequestReview task, the review email is read from the outbox, and its link is opened:
// the case is on the page, the reviewer approves and sees the confirmation; a second attempt (a second tab submitting
// late, and the link opened again) gets the already-decided page. Screenshots go to a temp folder.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { validApplication } from '../support/applications';
import { bootStack, call, eventually, uploadDocument, type E2eContext, launchChromium } from './support';

const REVIEWER_EMAIL = 'wang.fang@lender.example';

let ctx: E2eContext;
let browser: Browser;
const shots = mkdtempSync(join(tmpdir(), 'microloan-review-browser-'));

beforeAll(async () => {
  ctx = await bootStack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  // The approved application's execution now waits for the contract's acceptance: stopping the stack ends it.
  await ctx?.close();
});

/** Every Content-Security-Policy complaint the page logs: the pages must work under their own policy. */
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

it('opens the emailed link, reads the case, approves and is confirmed; a second attempt gets the already-decided page', async () => {
  const [admin, ops, applicant] = await Promise.all([ctx.token('ada', ['admin']), ctx.token('olga', ['ops']), ctx.token('browser-applicant')]);

  const added = await call(ctx.url, 'POST', '/v1/reviewers', { token: admin, body: { email: REVIEWER_EMAIL, name: 'Wang Fang', level: 1, language: 'en' } });
  expect(added.status).toBe(201);
  const reviewerId = added.json.reviewerId as string;

  // 30,000 CNY is above the auto-approval limit and within one review level (PRODUCT.md §3).
  const submitted = await call(ctx.url, 'POST', '/v1/applications', {
    token: applicant,
    body: validApplication({ loan: { amount: { amount: '30000.00', currency: 'CNY' }, termMonths: 24, purpose: 'car_used' } }),
    headers: { 'Idempotency-Key': `review-browser-${Date.now()}` },
  });
  expect(submitted.status).toBe(202);
  const applicationId = submitted.json.applicationId as string;
  // The product's checklist (proof_of_income) is required before review: the reviewer is asked once it is in.
  await uploadDocument(ctx.url, applicant, applicationId);

  const inbox = await eventually(
    () => call(ctx.url, 'GET', `/_local/outbox?to=${encodeURIComponent(REVIEWER_EMAIL)}`),
    (r) => Array.isArray(r.json) && r.json.length > 0,
  );
  expect(inbox.json).toHaveLength(1);
  const email = inbox.json[0];
  expect(email).toMatchObject({ channel: 'email', topic: 'review', to: REVIEWER_EMAIL, attributes: { reviewerId } });
  const link = /https?:\/\/\S+\/v1\/reviews\/[A-Za-z0-9_-]+\?sig=[A-Za-z0-9_-]+&exp=\d+/.exec(email.body)?.[0];
  expect(link).toBeDefined();

  const view = await call(ctx.url, 'GET', `/v1/applications/${applicationId}`, { token: ops });
  expect(view.json.status).toBe('PENDING_REVIEW');
  const score = String(view.json.assessment.score);

  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = cspViolations(page);
  const opened = await page.goto(link!);
  expect(opened?.status()).toBe(200);
  expect(opened?.headers()['content-security-policy']).toContain("default-src 'none'");

  // The case, as the reviewer reads it.
  expect(await page.locator('h1').textContent()).toContain(applicationId);
  expect((await page.locator('[data-field="amount"]').textContent())?.trim()).toBe('30,000.00 CNY');
  expect((await page.locator('[data-field="score"]').textContent())?.trim()).toBe(score);
  expect(await page.locator('[data-field="term"]').textContent()).toBe('24 months');
  expect(await page.locator('[data-field="applicantName"]').textContent()).toBe('Li Wei');
  expect(await page.locator('[data-field="nationalId"]').textContent()).toMatch(/^\d{3}\*{13}[\dX]{2}$/);
  expect(await page.locator('[data-field="reasons"] li').count()).toBeGreaterThan(0);
  expect(await page.locator('[data-field="documents"]').textContent()).toContain('Proof of income');
  // The inline style applies under the page's CSP (a blocked style would leave the default white background).
  expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(245, 246, 248)');

  // A second tab opened on the same link before the decision: its form will arrive late.
  const late = await context.newPage();
  expect((await late.goto(link!))?.status()).toBe(200);

  await page.check('input[name="decision"][value="APPROVE"]');
  await page.fill('textarea[name="comment"]', 'Stable income, low debt; approved.');
  await page.screenshot({ path: join(shots, '1-case.png'), fullPage: true });
  const [decided] = await Promise.all([page.waitForResponse((r) => r.url().includes('/decision')), page.click('button[type="submit"]')]);
  expect(decided.status()).toBe(200);
  await page.waitForSelector('[data-field="confirmation"]');
  expect(await page.locator('h1').textContent()).toBe('Decision recorded');
  expect(await page.locator('[data-field="decision"]').textContent()).toBe('Approve');
  await page.screenshot({ path: join(shots, '2-confirmation.png'), fullPage: true });

  // The late tab submits a different decision: refused with the already-decided page, nothing changes.
  await late.check('input[name="decision"][value="REJECT"]');
  await late.fill('textarea[name="comment"]', 'Too risky.');
  const [refused] = await Promise.all([late.waitForResponse((r) => r.url().includes('/decision')), late.click('button[type="submit"]')]);
  expect(refused.status()).toBe(409);
  await late.waitForSelector('[data-field="closed"]');
  expect(await late.locator('h1').textContent()).toBe('Already decided');
  expect(await late.locator('[data-field="closed"]').getAttribute('data-reason')).toBe('DECIDED');
  await late.screenshot({ path: join(shots, '3-already-decided.png'), fullPage: true });

  // Opening the link again: the same clear page, no form.
  const again = await page.goto(link!);
  expect(again?.status()).toBe(409);
  expect(await page.locator('h1').textContent()).toBe('Already decided');
  expect(await page.locator('form').count()).toBe(0);
  expect(violations).toEqual([]);
  await context.close();

  // The decision resumed the pipeline: one level was required, so the application is approved.
  const approved = await eventually(
    () => call(ctx.url, 'GET', `/v1/applications/${applicationId}`, { token: ops }),
    (r) => r.json?.status !== 'PENDING_REVIEW',
  );
  expect(approved.json.status).toBe('APPROVED');

  const audit = await call(ctx.url, 'GET', `/v1/applications/${applicationId}/audit`, { token: ops });
  const actions = (audit.json.events as { action: string }[]).map((e) => e.action);
  expect(actions.filter((a) => a === 'review.decided')).toHaveLength(1);
  expect(actions.filter((a) => a === 'review.viewed')).toHaveLength(2);
  expect(actions).toEqual(expect.arrayContaining(['review.assigned', 'review.email_sent']));
  expect(audit.json.verified).toBe(true);
  console.log(`review browser test screenshots: ${shots}`);
});

// A local stack per e2e file (fresh temp folder, its own table in the suite's shared DynamoDB Local, the deployed form
// the global setup built), a small HTTP client for it, and the browser.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';

export interface E2eContext {
  stack: LocalStack;
  url: string;
  token(sub: string, roles?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** `options` are added to the e2e defaults (e.g. `logLevel: 'DEBUG'` for a test that reads the handlers' logs). */
let stacks = 0;

export async function bootStack(options: LocalStackOptions = {}): Promise<E2eContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-e2e-'));
  const shared = process.env.TEST_DYNAMODB_ENDPOINT;
  // Retry waits of the state machine shortened to 10 ms, so retried steps do not slow the suite down.
  const stack = await startLocalStack({
    port: 0,
    dataDir,
    fresh: true,
    inMemoryDb: true,
    quiet: true,
    retryDelayMs: 10,
    ...(shared ? { dynamoEndpoint: shared, tableName: `e2e-${process.pid}-${++stacks}-${Date.now()}` } : {}),
    ...options,
  });
  return {
    stack,
    url: stack.url,
    async token(sub, roles = ['applicant']) {
      const response = await fetch(`${stack.url}/_local/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub, roles }),
      });
      expectStatus(response, 200);
      return ((await response.json()) as { token: string }).token;
    },
    async close() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export async function call(url: string, method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if ((options.body !== undefined || options.raw !== undefined) && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(options.raw !== undefined ? { body: options.raw } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function expectStatus(response: { status: number }, status: number) {
  if (response.status !== status) throw new Error(`expected HTTP ${status}, got ${response.status}`);
}

/**
 * Polls until the predicate holds (the pipeline runs asynchronously after a 202): reads until `done` holds, or gives up after the deadline (then returns the last value for the test's expectation to
 * name). The deadline is generous: on a busy machine the pipeline's steps take what they take; a quiet one is done in
 * a moment, and only a real failure waits it out.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Debian's Chromium (never a downloaded browser), headless, with the background traffic a test does not want off. */
export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * The applicant uploads a document of `kind` through the signed URL (the way an app does: ask, then PUT the file) and
 * the upload arrives (S3 → EventBridge → document-uploaded). A reviewed application needs its checklist complete before
 * review (the personal-consumer product's proof_of_income, PRODUCT.md §3).
 */
export async function uploadDocument(url: string, token: string, applicationId: string, kind = 'proof_of_income') {
  const file = Buffer.from(`%PDF-1.4\n% ${kind}\n`);
  const requested = await call(url, 'POST', `/v1/applications/${applicationId}/documents`, { token, body: { kind, contentType: 'application/pdf', sizeBytes: file.length } });
  expectStatus(requested, 201);
  const put = await fetch(requested.json.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: file });
  expectStatus(put, 200);
  const read = await eventually(
    () => call(url, 'GET', `/v1/applications/${applicationId}`, { token }),
    (r) => r.json?.documents?.received?.includes(kind),
  );
  if (!read.json?.documents?.received?.includes(kind)) throw new Error(`the ${kind} upload of ${applicationId} did not arrive`);
}

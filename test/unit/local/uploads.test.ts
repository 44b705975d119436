import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectCreatedEvent } from '../../../functions/handlers/document-uploaded';
import {
  checkUpload,
  handleUploadPut,
  isSafeObjectKey,
  LocalDocumentStorage,
  MAX_UPLOAD_BYTES,
  objectCreatedEvent,
  UPLOAD_PATH_PREFIX,
} from '../../../local/uploads';

const SECRET = 'c'.repeat(64);
const KEY = 'applications/01APP/01DOC';
let nowMs = Date.parse('2026-06-01T12:00:00Z');
const clock = { now: () => new Date(nowMs) };
const storage = new LocalDocumentStorage({ secret: SECRET, baseUrl: () => 'http://localhost:3123', clock });

async function signedUrl(overrides: Partial<{ objectKey: string; contentType: string; sizeBytes: number; expiresInSeconds: number }> = {}) {
  return storage.createUploadUrl({ objectKey: KEY, contentType: 'application/pdf', sizeBytes: 5, expiresInSeconds: 900, ...overrides });
}

function check(url: string, headers: { contentType?: string; contentLength?: string } = {}, at = new Date(nowMs)) {
  const parsed = new URL(url);
  return checkUpload({
    secret: SECRET,
    now: at,
    objectKey: decodeURIComponent(parsed.pathname.slice(UPLOAD_PATH_PREFIX.length)),
    query: parsed.searchParams,
    contentType: 'contentType' in headers ? headers.contentType : 'application/pdf',
    contentLength: 'contentLength' in headers ? headers.contentLength : '5',
  });
}

function withQuery(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.toString();
}

describe('upload URL signing', () => {
  beforeEach(() => {
    nowMs = Date.parse('2026-06-01T12:00:00Z');
  });

  it('points at the local server with the expiry, type, size and an HMAC', async () => {
    const target = await signedUrl();
    const url = new URL(target.uploadUrl);
    expect(url.origin).toBe('http://localhost:3123');
    expect(url.pathname).toBe(`/_local/uploads/${KEY}`);
    expect(url.searchParams.get('contentType')).toBe('application/pdf');
    expect(url.searchParams.get('size')).toBe('5');
    expect(url.searchParams.get('sig')).toMatch(/^[0-9a-f]{64}$/);
    expect(target.expiresAt).toBe('2026-06-01T12:15:00.000Z');
    expect(Number(url.searchParams.get('expires')) * 1000).toBe(Date.parse(target.expiresAt));
    expect(target.objectKey).toBe(KEY);
  });

  it('accepts the exact signed upload', async () => {
    const result = check((await signedUrl()).uploadUrl);
    expect(result).toEqual({ ok: true, upload: { objectKey: KEY, expiresEpochSeconds: Date.parse('2026-06-01T12:15:00Z') / 1000, contentType: 'application/pdf', sizeBytes: 5 } });
  });

  it.each([
    ['a changed size', 'size', '6'],
    ['a changed content type', 'contentType', 'text/html'],
    ['a later expiry', 'expires', String(Date.parse('2030-01-01T00:00:00Z') / 1000)],
    ['another signature', 'sig', 'f'.repeat(64)],
    ['a malformed signature', 'sig', 'nothex'],
  ])('refuses %s with 403', async (_label, name, value) => {
    const url = withQuery((await signedUrl()).uploadUrl, name, value);
    const result = check(url, name === 'size' ? { contentLength: value } : name === 'contentType' ? { contentType: value } : {});
    expect(result).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses another object key under the same signature with 403', async () => {
    const url = (await signedUrl()).uploadUrl.replace('01DOC', '01OTHER');
    expect(check(url)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses an expired URL with 403', async () => {
    const url = (await signedUrl({ expiresInSeconds: 60 })).uploadUrl;
    expect(check(url, {}, new Date(nowMs + 59_000)).ok).toBe(true);
    expect(check(url, {}, new Date(nowMs + 60_000))).toMatchObject({ ok: false, status: 403, detail: expect.stringContaining('expired') });
  });

  it('refuses a content type or length other than the signed ones with 400', async () => {
    const url = (await signedUrl()).uploadUrl;
    expect(check(url, { contentType: 'image/png' })).toMatchObject({ ok: false, status: 400, detail: expect.stringContaining('content-type') });
    expect(check(url, { contentType: undefined })).toMatchObject({ ok: false, status: 400 });
    expect(check(url, { contentLength: '4' })).toMatchObject({ ok: false, status: 400, detail: expect.stringContaining('5 bytes') });
    expect(check(url, { contentLength: undefined })).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses to sign a size above 10 MB or an unsafe key', async () => {
    await expect(signedUrl({ sizeBytes: MAX_UPLOAD_BYTES + 1 })).rejects.toThrow(RangeError);
    await expect(signedUrl({ sizeBytes: 0 })).rejects.toThrow(RangeError);
    await expect(signedUrl({ objectKey: '../etc/passwd' })).rejects.toThrow(RangeError);
    expect(isSafeObjectKey('applications/A/B')).toBe(true);
    for (const bad of ['', '/abs', 'a//b', 'a/../b', 'a/./b', 'a\\b', 'a b', 'a/b/']) expect(isSafeObjectKey(bad)).toBe(false);
  });
});

describe('EventBridge Object Created event', () => {
  it('has the shape EventBridge delivers for the documents bucket', () => {
    const event = objectCreatedEvent({ objectKey: 'applications/A/B', size: 5, eTag: 'abc', at: new Date('2026-06-01T12:00:00Z') });
    expect(event).toMatchObject({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      time: '2026-06-01T12:00:00Z',
      resources: ['arn:aws:s3:::local-documents'],
      detail: { bucket: { name: 'local-documents' }, object: { key: 'applications/A/B', size: 5, etag: 'abc' }, reason: 'PutObject' },
    });
  });
});

describe('upload PUT endpoint', () => {
  let server: Server;
  let port: number;
  let uploadsDir: string;
  const events: ObjectCreatedEvent[] = [];
  const inFlight: Promise<void>[] = [];

  beforeAll(async () => {
    uploadsDir = join(mkdtempSync(join(tmpdir(), 'uploads-')), 'uploads');
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    server = createServer((req, res) => {
      void handleUploadPut(req, res, new URL(req.url ?? '/', 'http://localhost'), {
        secret: SECRET,
        uploadsDir,
        clock,
        log,
        onUploaded: async (event) => {
          events.push(event);
        },
        track: (work) => inFlight.push(work),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const put = (url: string, body: string, contentType = 'application/pdf') =>
    fetch(url.replace('http://localhost:3123', `http://127.0.0.1:${port}`), { method: 'PUT', body, headers: { 'content-type': contentType } });

  it('stores the file, answers 200 and then sends the ObjectCreated event; the URL works once', async () => {
    const key = 'applications/01APP/01FIRST';
    const { uploadUrl } = await signedUrl({ objectKey: key });
    const response = await put(uploadUrl, 'hello');
    expect(response.status).toBe(200);
    await Promise.all(inFlight);
    expect(readFileSync(join(uploadsDir, key), 'utf8')).toBe('hello');
    expect(events.at(-1)?.detail.object).toMatchObject({ key, size: 5 });

    const again = await put(uploadUrl, 'hello');
    expect(again.status).toBe(403);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers problem+json and stores nothing for a wrong type, a wrong size or a bad signature', async () => {
    const key = 'applications/01APP/01SECOND';
    const { uploadUrl } = await signedUrl({ objectKey: key });
    const cases: [string, string, string, number][] = [
      [uploadUrl, 'hello', 'text/plain', 400],
      [uploadUrl, 'hello!', 'application/pdf', 400],
      [uploadUrl, 'hell', 'application/pdf', 400],
      [withQuery(uploadUrl, 'sig', 'e'.repeat(64)), 'hello', 'application/pdf', 403],
    ];
    for (const [url, body, type, status] of cases) {
      const response = await put(url, body, type);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect((await response.json()) as { status: number }).toMatchObject({ status });
    }
    expect(existsSync(join(uploadsDir, key))).toBe(false);
  });
});

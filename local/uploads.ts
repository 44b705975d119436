// Document uploads for the local stack: the DocumentStorage port hands out URLs on the local server signed with HMAC
// (as S3 pre-signed URLs are signed), and the PUT endpoint checks them, writes the file under <dataDir>/uploads/ and then
// tells the `document-uploaded` handler with an EventBridge Object Created event, as the bucket does in AWS.

import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, renameSync, existsSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve, sep } from 'node:path';
import type { ObjectCreatedEvent } from '../functions/handlers/document-uploaded';
import type { Clock } from '../functions/core/kernel/ports';
import type { DocumentStorage, UploadedFiles, UploadTarget } from '../functions/core/applications/ports';
import { open, rm } from 'node:fs/promises';
import { BodyTooLargeError, readBody, send, sendProblem } from './http-util';
import type { LocalLog } from './log';

export const UPLOAD_PATH_PREFIX = '/_local/uploads/';
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const LOCAL_BUCKET = 'local-documents';

export interface UploadStorageOptions {
  /** HMAC key (from the data folder). */
  secret: string;
  /** `http://localhost:<port>`; a function because the port is known only once the server listens. */
  baseUrl: () => string;
  /** Expiry follows the clock every handler uses, so a moved clock stays consistent with the `expiresAt` handlers see. */
  clock: Clock;
}

export interface SignedUpload {
  objectKey: string;
  expiresEpochSeconds: number;
  contentType: string;
  sizeBytes: number;
}

export class LocalDocumentStorage implements DocumentStorage {
  constructor(private readonly options: UploadStorageOptions) {}

  async createUploadUrl(input: { objectKey: string; contentType: string; sizeBytes: number; expiresInSeconds: number }): Promise<UploadTarget> {
    if (!isSafeObjectKey(input.objectKey)) throw new RangeError(`unusable object key "${input.objectKey}"`);
    if (!Number.isInteger(input.sizeBytes) || input.sizeBytes < 1 || input.sizeBytes > MAX_UPLOAD_BYTES) {
      throw new RangeError(`sizeBytes must be 1–${MAX_UPLOAD_BYTES}, got ${input.sizeBytes}`);
    }
    const expiresEpochSeconds = Math.floor(this.options.clock.now().getTime() / 1000) + input.expiresInSeconds;
    const signed: SignedUpload = {
      objectKey: input.objectKey,
      expiresEpochSeconds,
      contentType: input.contentType,
      sizeBytes: input.sizeBytes,
    };
    const query = new URLSearchParams({
      expires: String(expiresEpochSeconds),
      contentType: input.contentType,
      size: String(input.sizeBytes),
      sig: signUpload(this.options.secret, signed),
    });
    return {
      uploadUrl: `${this.options.baseUrl()}${UPLOAD_PATH_PREFIX}${encodeKey(input.objectKey)}?${query.toString()}`,
      expiresAt: new Date(expiresEpochSeconds * 1000).toISOString(),
      objectKey: input.objectKey,
    };
  }
}

/** The uploaded files in the data folder, as the UploadedFiles port (the documents bucket in AWS). */
export class LocalUploadedFiles implements UploadedFiles {
  constructor(private readonly uploadsDir: string) {}

  private path(objectKey: string): string | undefined {
    if (!isSafeObjectKey(objectKey)) return undefined;
    const target = resolve(this.uploadsDir, objectKey);
    return target.startsWith(resolve(this.uploadsDir) + sep) ? target : undefined;
  }

  async readHead(objectKey: string, bytes: number): Promise<Uint8Array | undefined> {
    const target = this.path(objectKey);
    if (!target || !existsSync(target)) return undefined;
    const handle = await open(target, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return new Uint8Array(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  }

  async remove(objectKey: string): Promise<void> {
    const target = this.path(objectKey);
    if (target) await rm(target, { force: true });
  }
}

/** HMAC-SHA256 (hex) over every term of the upload, so none of them can be changed without the key. */
export function signUpload(secret: string, upload: SignedUpload): string {
  const canonical = [upload.objectKey, upload.expiresEpochSeconds, upload.contentType, upload.sizeBytes].join('\n');
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

export type UploadCheck =
  | { ok: true; upload: SignedUpload }
  | { ok: false; status: 400 | 403 | 404 | 413; title: string; detail: string };

/**
 * Checks a PUT against its signed URL: signature and expiry (403, as S3 answers), then that the request's content type
 * and declared length are the signed ones (400).
 */
export function checkUpload(input: {
  secret: string;
  now: Date;
  objectKey: string;
  query: URLSearchParams;
  contentType: string | undefined;
  contentLength: string | undefined;
}): UploadCheck {
  const { query } = input;
  if (!isSafeObjectKey(input.objectKey)) return { ok: false, status: 404, title: 'Not found', detail: 'no such upload' };
  const expires = Number(query.get('expires'));
  const size = Number(query.get('size'));
  const signedType = query.get('contentType');
  const sig = query.get('sig') ?? '';
  if (!Number.isInteger(expires) || !Number.isInteger(size) || signedType === null || !/^[0-9a-f]{64}$/.test(sig)) {
    return { ok: false, status: 403, title: 'Forbidden', detail: 'the upload URL is not signed' };
  }
  const upload: SignedUpload = { objectKey: input.objectKey, expiresEpochSeconds: expires, contentType: signedType, sizeBytes: size };
  const expected = Buffer.from(signUpload(input.secret, upload), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) {
    return { ok: false, status: 403, title: 'Forbidden', detail: 'the upload URL signature does not match' };
  }
  if (input.now.getTime() >= expires * 1000) {
    return { ok: false, status: 403, title: 'Forbidden', detail: `the upload URL expired at ${new Date(expires * 1000).toISOString()}` };
  }
  if ((input.contentType ?? '').trim().toLowerCase() !== signedType.trim().toLowerCase()) {
    return {
      ok: false,
      status: 400,
      title: 'Bad request',
      detail: `content-type must be "${signedType}" as signed, got "${input.contentType ?? 'none'}"`,
    };
  }
  if (size > MAX_UPLOAD_BYTES) return { ok: false, status: 413, title: 'Payload too large', detail: `uploads are limited to ${MAX_UPLOAD_BYTES} bytes` };
  if (input.contentLength === undefined || Number(input.contentLength) !== size) {
    return {
      ok: false,
      status: 400,
      title: 'Bad request',
      detail: `the body must be exactly ${size} bytes as signed, got content-length ${input.contentLength ?? 'none'}`,
    };
  }
  return { ok: true, upload };
}

/** What EventBridge delivers to the `document-uploaded` Lambda when an object is created in the documents bucket. */
export function objectCreatedEvent(input: { objectKey: string; size: number; eTag: string; at: Date }): ObjectCreatedEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '000000000000',
    time: input.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${LOCAL_BUCKET}`],
    // EventBridge carries the key as it is (S3's own notifications URL-encode it).
    detail: { bucket: { name: LOCAL_BUCKET }, object: { key: input.objectKey, size: input.size, etag: input.eTag }, reason: 'PutObject' },
  };
}

export interface UploadEndpointOptions {
  secret: string;
  uploadsDir: string;
  clock: Clock;
  log: LocalLog;
  /** Called after the file is stored and the 200 sent (S3 notifications are asynchronous too). */
  onUploaded: (event: ObjectCreatedEvent) => Promise<void>;
  /** Notifications in flight, so tests and shutdown can wait for them. */
  track: (work: Promise<void>) => void;
}

/** Handles `PUT /_local/uploads/<objectKey>?…`. */
export async function handleUploadPut(req: IncomingMessage, res: ServerResponse, url: URL, options: UploadEndpointOptions): Promise<void> {
  let objectKey: string;
  try {
    objectKey = decodeURIComponent(url.pathname.slice(UPLOAD_PATH_PREFIX.length));
  } catch {
    return sendProblem(res, 404, 'Not found', 'no such upload');
  }
  const check = checkUpload({
    secret: options.secret,
    now: options.clock.now(),
    objectKey,
    query: url.searchParams,
    contentType: req.headers['content-type'],
    contentLength: req.headers['content-length'],
  });
  if (!check.ok) {
    res.setHeader('connection', 'close');
    return sendProblem(res, check.status, check.title, check.detail);
  }

  const target = resolve(options.uploadsDir, objectKey);
  if (!target.startsWith(resolve(options.uploadsDir) + sep)) return sendProblem(res, 404, 'Not found', 'no such upload');
  // A pre-signed URL accepts one upload (the DocumentStorage contract); a second PUT is refused like a used URL.
  if (existsSync(target)) return sendProblem(res, 403, 'Forbidden', 'this upload URL was already used');

  let body: Buffer;
  try {
    body = await readBody(req, check.upload.sizeBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      res.setHeader('connection', 'close');
      return sendProblem(res, 400, 'Bad request', `the body must be exactly ${check.upload.sizeBytes} bytes as signed`);
    }
    throw error;
  }
  if (body.length !== check.upload.sizeBytes) {
    return sendProblem(res, 400, 'Bad request', `the body must be exactly ${check.upload.sizeBytes} bytes as signed, got ${body.length}`);
  }

  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  writeFileSync(partial, body);
  renameSync(partial, target);
  const eTag = createHash('md5').update(body).digest('hex');
  send(res, 200, '', { etag: `"${eTag}"` });

  const event = objectCreatedEvent({ objectKey, size: body.length, eTag, at: options.clock.now() });
  options.track(
    options.onUploaded(event).catch((error: unknown) => {
      // In AWS a failed async invocation is retried and then dropped; locally the log is enough.
      options.log.error(`document-uploaded failed for ${objectKey}`, error);
    }),
  );
}

/** Keys are path-like: safe characters, no empty, '.' or '..' segments, so they map to files under uploads/. */
export function isSafeObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || !/^[A-Za-z0-9!_.*'()/-]+$/.test(key)) return false;
  return key.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

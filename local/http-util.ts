// Response helpers for the local endpoints (/_local/*): JSON, problem+json, bounded body reads.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldProblem } from '../functions/core/kernel/errors';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, html, { 'content-type': 'text/html; charset=utf-8' });
}

/** RFC 9457, the same shape the handlers return. */
export function sendProblem(res: ServerResponse, status: number, title: string, detail: string, errors?: FieldProblem[]): void {
  const type = `https://microloan-approval.dev/problems/${title.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  send(res, status, JSON.stringify({ type, title, status, detail, ...(errors ? { errors } : {}) }), {
    'content-type': 'application/problem+json',
  });
}

export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'cache-control': 'no-store', ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Reads the whole body, refusing (early, by Content-Length, or while streaming) anything above `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body for a /_local endpoint; undefined (after answering 400) when it is not JSON. */
export function parseJsonBody(res: ServerResponse, body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: body.length === 0 ? {} : JSON.parse(body.toString('utf8')) };
  } catch (error) {
    sendProblem(res, 400, 'Bad request', `the body is not valid JSON: ${(error as Error).message}`, [
      { path: 'body', message: 'must be valid JSON' },
    ]);
    return { ok: false };
  }
}

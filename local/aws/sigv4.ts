// AWS Signature Version 4, server side: parse who signed a request (Authorization header or pre-signed query) and
// check the signature with the signer's secret, with node:crypto only. The canonical request is built as the SDK's
// signer builds it (@smithy/signature-v4): S3 signs its path as sent, every other service the path URI-encoded
// once more; query parameters and header values are normalised the same way.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export interface SignedRequestParts {
  method: string;
  /** The path as received (still percent-encoded), without the query. */
  rawPath: string;
  /** Query parameters in order, decoded. */
  query: [string, string][];
  /** Header name (lowercase) → the values received, in order. */
  headers: Map<string, string[]>;
}

export interface ParsedSignature {
  kind: 'header' | 'query';
  accessKeyId: string;
  /** yyyymmdd of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date (yyyymmddThhmmssZ). */
  amzDate: string;
  /** Pre-signed URLs: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
  /** Pre-signed URLs: X-Amz-Security-Token, when present. */
  sessionToken?: string;
}

export type ParseResult = { ok: true; signature: ParsedSignature } | { ok: false; missing: true } | { ok: false; missing: false; message: string };

/** Which credentials signed the request, or why the signature information is unusable. */
export function parseSignature(parts: SignedRequestParts): ParseResult {
  const authorization = header(parts, 'authorization');
  const queryCredential = queryValue(parts, 'X-Amz-Credential');
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, parts);
  if (queryCredential !== undefined) return parseQuerySignature(parts, queryCredential);
  return { ok: false, missing: true };
}

function parseAuthorizationHeader(authorization: string, parts: SignedRequestParts): ParseResult {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(authorization.trim());
  if (!match?.[1]) return { ok: false, missing: false, message: 'Authorization header requires the AWS4-HMAC-SHA256 algorithm' };
  const fields = new Map<string, string>();
  for (const field of match[1].split(',')) {
    const eq = field.indexOf('=');
    if (eq > 0) fields.set(field.slice(0, eq).trim(), field.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const amzDate = header(parts, 'x-amz-date');
  if (!credential || !signedHeaders || !signature) {
    return { ok: false, missing: false, message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters" };
  }
  if (!amzDate) return { ok: false, missing: false, message: 'Authorization header requires existence of either a X-Amz-Date or a Date header' };
  const scope = parseCredential(credential);
  if (!scope) return { ok: false, missing: false, message: `Credential is malformed: ${credential}` };
  return { ok: true, signature: { kind: 'header', ...scope, signedHeaders: signedHeaders.split(';'), signature, amzDate } };
}

function parseQuerySignature(parts: SignedRequestParts, credential: string): ParseResult {
  const algorithm = queryValue(parts, 'X-Amz-Algorithm');
  const amzDate = queryValue(parts, 'X-Amz-Date');
  const signedHeaders = queryValue(parts, 'X-Amz-SignedHeaders');
  const signature = queryValue(parts, 'X-Amz-Signature');
  const expires = queryValue(parts, 'X-Amz-Expires');
  if (algorithm !== ALGORITHM) return { ok: false, missing: false, message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"' };
  if (!amzDate || !signedHeaders || !signature || !expires) {
    return {
      ok: false,
      missing: false,
      message: 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    };
  }
  const expiresSeconds = Number(expires);
  if (!/^\d+$/.test(expires) || expiresSeconds < 1) return { ok: false, missing: false, message: 'X-Amz-Expires must be a positive number of seconds' };
  if (expiresSeconds > 604800) return { ok: false, missing: false, message: 'X-Amz-Expires must be less than a week (in seconds) that is 604800' };
  const scope = parseCredential(credential);
  if (!scope) return { ok: false, missing: false, message: `Error parsing the X-Amz-Credential parameter: ${credential}` };
  const sessionToken = queryValue(parts, 'X-Amz-Security-Token');
  return {
    ok: true,
    signature: {
      kind: 'query',
      ...scope,
      signedHeaders: signedHeaders.split(';'),
      signature,
      amzDate,
      expiresSeconds,
      ...(sessionToken !== undefined ? { sessionToken } : {}),
    },
  };
}

function parseCredential(credential: string): Pick<ParsedSignature, 'accessKeyId' | 'scopeDate' | 'region' | 'service'> | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, scopeDate, region, service] = parts;
  if (!accessKeyId || !scopeDate || !/^\d{8}$/.test(scopeDate) || !region || !service) return undefined;
  return { accessKeyId, scopeDate, region, service };
}

/** The date X-Amz-Date names, or undefined when it is not yyyymmddThhmmssZ. */
export function parseAmzDate(amzDate: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface VerifyOptions {
  secretAccessKey: string;
  /** S3 signs the path as sent (no second encoding, no normalisation). */
  s3: boolean;
  /**
   * The payload hash the signer used: for header signatures the x-amz-content-sha256 header (checked against the
   * body by the caller) or the body's SHA-256; for pre-signed URLs UNSIGNED-PAYLOAD unless the URL says otherwise.
   */
  payloadHash: string;
}

/** True when the signature is the one the secret key makes for this request. */
export function verifySignature(parts: SignedRequestParts, parsed: ParsedSignature, options: VerifyOptions): boolean {
  const scope = `${parsed.scopeDate}/${parsed.region}/${parsed.service}/aws4_request`;
  const key = signingKey(options.secretAccessKey, parsed.scopeDate, parsed.region, parsed.service);
  const paths = options.s3 ? s3CanonicalPaths(parts.rawPath) : [canonicalPath(parts.rawPath)];
  for (const path of paths) {
    const canonical = canonicalRequest(parts, parsed, path, options.payloadHash);
    const stringToSign = `${ALGORITHM}\n${parsed.amzDate}\n${scope}\n${sha256Hex(canonical)}`;
    const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
    if (safeEqual(expected, parsed.signature)) return true;
  }
  return false;
}

/** The canonical request (exported for tests and for explaining a mismatch in a log). */
export function canonicalRequest(parts: SignedRequestParts, parsed: ParsedSignature, path: string, payloadHash: string): string {
  const query = parts.query
    .filter(([name]) => !(parsed.kind === 'query' && name === 'X-Amz-Signature'))
    .map(([name, value]) => [escapeUri(name), escapeUri(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerLines = parsed.signedHeaders.map((name) => {
    const values = parts.headers.get(name) ?? [];
    return `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}`;
  });
  return `${parts.method}\n${path}\n${query}\n${headerLines.join('\n')}\n\n${parsed.signedHeaders.join(';')}\n${payloadHash}`;
}

/** Non-S3 services: dot segments removed, then each character URI-encoded again (slashes kept). */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/**
 * S3: the path exactly as sent, and (should a client have re-encoded it) the decoded path encoded as the SDK does;
 * either is what the signer could have signed for this same object.
 */
function s3CanonicalPaths(rawPath: string): string[] {
  const paths = [rawPath];
  try {
    const reencoded = rawPath
      .split('/')
      .map((segment) => escapeUri(decodeURIComponent(segment)))
      .join('/');
    if (reencoded !== rawPath) paths.push(reencoded);
  } catch {
    // not decodable: only the raw form can match
  }
  return paths;
}

/** RFC 3986 encoding as the SDK's signer does it (encodeURIComponent plus !'()*). */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(parts: SignedRequestParts, name: string): string | undefined {
  return parts.headers.get(name)?.[0];
}

function queryValue(parts: SignedRequestParts, name: string): string | undefined {
  return parts.query.find(([key]) => key === name)?.[1];
}

/** `a=1&b=x%20y` → pairs, decoded ('+' as a space, as AWS reads query strings). Undecodable → undefined. */
export function parseQuery(rawQuery: string): [string, string][] | undefined {
  if (rawQuery === '') return [];
  const pairs: [string, string][] = [];
  try {
    for (const part of rawQuery.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      const value = eq < 0 ? '' : part.slice(eq + 1);
      pairs.push([decodeURIComponent(name.replace(/\+/g, '%20')), decodeURIComponent(value.replace(/\+/g, '%20'))]);
    }
  } catch {
    return undefined;
  }
  return pairs;
}

/** rawHeaders of node:http → lowercase name → values in order. */
export function headerMap(rawHeaders: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const values = map.get(name) ?? [];
    values.push(rawHeaders[i + 1] ?? '');
    map.set(name, values);
  }
  return map;
}

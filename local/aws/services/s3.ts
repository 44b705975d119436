// S3 (REST XML, path-style URLs /<bucket>/<key>): PutObject, GetObject, HeadObject, DeleteObject and HeadBucket on
// the template's buckets, header-signed by the SDK or pre-signed for end users, with the objects on disk
// (s3-store.ts). IAM as S3 asks it: s3:<Action> on arn:aws:s3:::<bucket>/<key>, plus, for an SSE-KMS object,
// kms:GenerateDataKey (write) or kms:Decrypt (read) on the key through S3. A new object raises the bucket's
// notifications (events.ts). Browser uploads get CORS answers from the bucket's CorsConfiguration.

import { createHash, randomBytes } from 'node:crypto';
import { AwsServiceError } from '../backends';
import { CHECKSUM_ALGORITHMS, checksum, checksumLabel, checksumLength, decodeAwsChunked, type ChecksumAlgorithm } from '../checksums';
import type { ObjectEvents } from '../events';
import { parseAmzDate } from '../sigv4';
import { deniedMessage, XmlFieldsError, type Reply, type ServiceCall, type ServiceEnvironment } from '../protocol';
import { S3Store, type StoredObject } from '../s3-store';
import type { BucketCorsRule, TemplateBucket } from '../template';

const MAX_KEY_BYTES = 1024;
/** The headers S3 keeps with an object and returns on reads. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];
/** GetObject query parameters that override response headers (signed requests only, which all are here). */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};
/** Sub-resources of an object or bucket this emulator does not implement. */
const UNSUPPORTED_SUBRESOURCES = ['acl', 'tagging', 'uploads', 'uploadId', 'partNumber', 'retention', 'legal-hold', 'torrent', 'restore', 'select', 'attributes', 'versions', 'policy', 'cors', 'lifecycle', 'notification', 'encryption', 'website', 'logging', 'replication'];

export interface S3Target {
  bucket: TemplateBucket | undefined;
  bucketName: string;
  key: string | undefined;
}

export function createS3Service(env: ServiceEnvironment, options: { s3Dir: string; events: ObjectEvents; hostnames: () => string[] }) {
  const store = new S3Store(options.s3Dir);
  const buckets = new Map(env.model.buckets().map((bucket) => [bucket.name, bucket]));
  const { region, accountId } = env.model.account;
  let sequence = 0;

  /** Path style (/bucket/key) or, for a `<bucket>.localhost` host, virtual-hosted style. */
  function target(rawPath: string, host: string | undefined): S3Target {
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        throw new AwsServiceError('InvalidURI', "Couldn't parse the specified URI.");
      }
    };
    const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
    const virtualBucket = options
      .hostnames()
      .map((name) => (hostname.endsWith(`.${name}`) ? hostname.slice(0, -name.length - 1) : undefined))
      .find((name) => name !== undefined && buckets.has(name));
    if (virtualBucket) {
      const key = rawPath.length > 1 ? decode(rawPath.slice(1)) : undefined;
      return { bucket: buckets.get(virtualBucket), bucketName: virtualBucket, key };
    }
    const slash = rawPath.indexOf('/', 1);
    const bucketName = decode(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
    const keyPart = slash < 0 ? '' : rawPath.slice(slash + 1);
    return { bucket: buckets.get(bucketName), bucketName, key: keyPart === '' ? undefined : decode(keyPart) };
  }

  function operationOf(method: string, rawPath: string, query: [string, string][], host: string | undefined): string {
    let t: S3Target;
    try {
      t = target(rawPath, host);
    } catch {
      return 'unknown';
    }
    if (method === 'OPTIONS') return 'PreflightRequest';
    if (t.bucketName === '') return method === 'GET' ? 'ListBuckets' : 'unknown';
    const sub = query.find(([name]) => UNSUPPORTED_SUBRESOURCES.includes(name))?.[0];
    if (t.key === undefined) {
      if (method === 'HEAD') return 'HeadBucket';
      if (method === 'GET') return sub ? `GetBucket:${sub}` : 'ListObjects';
      return `${method}Bucket${sub ? `:${sub}` : ''}`;
    }
    if (sub) return `${method}Object:${sub}`;
    switch (method) {
      case 'PUT':
        return query.some(([n]) => n === 'x-amz-copy-source') ? 'CopyObject' : 'PutObject';
      case 'GET':
        return 'GetObject';
      case 'HEAD':
        return 'HeadObject';
      case 'DELETE':
        return 'DeleteObject';
      default:
        return `${method}Object`;
    }
  }

  function denied(call: ServiceCall, action: string, resource: string, decision: string): AwsServiceError {
    return new AwsServiceError('AccessDenied', deniedMessage(call.caller.sessionArn, action, resource, decision === 'explicitDeny' ? 'explicitDeny' : 'implicitDeny'), 403);
  }

  function s3Context(call: ServiceCall): Record<string, string> {
    const context: Record<string, string> = {
      's3:signatureversion': 'AWS4-HMAC-SHA256',
      's3:authType': call.signature.kind === 'query' ? 'REST-QUERY-STRING' : 'REST-HEADER',
    };
    const payload = call.header('x-amz-content-sha256') ?? call.queryParam('X-Amz-Content-Sha256');
    if (payload) context['s3:x-amz-content-sha256'] = payload;
    const signedAt = parseAmzDate(call.signature.amzDate);
    if (call.signature.kind === 'query' && signedAt) context['s3:signatureAge'] = String(Math.max(0, call.now().getTime() - signedAt.getTime()));
    for (const name of ['x-amz-server-side-encryption', 'x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-acl', 'x-amz-storage-class']) {
      const value = effectiveHeader(call, name);
      if (value !== undefined) context[`s3:${name}`] = value;
    }
    return context;
  }

  function requireKms(call: ServiceCall, action: 'kms:GenerateDataKey' | 'kms:Decrypt', keyArn: string, bucket: TemplateBucket, objectArn: string, bucketKey: boolean): void {
    const decision = call.authorize(action, keyArn, {
      'kms:ViaService': `s3.${region}.amazonaws.com`,
      'kms:CallerAccount': accountId,
      // With an S3 Bucket Key the key's encryption context is the bucket, otherwise the object.
      'kms:EncryptionContext:aws:s3:arn': bucketKey ? bucket.arn : objectArn,
      'aws:ViaAWSService': 'true',
    });
    if (decision !== 'allow') throw denied(call, action, keyArn, decision);
  }

  function existingBucket(t: S3Target): TemplateBucket {
    if (!t.bucket) throw new XmlFieldsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: t.bucketName });
    return t.bucket;
  }

  async function putObject(call: ServiceCall, bucket: TemplateBucket, key: string): Promise<Reply> {
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new AwsServiceError('KeyTooLongError', 'Your key is too long');
    const objectArn = `${bucket.arn}/${key}`;
    const decision = call.authorize('s3:PutObject', objectArn, s3Context(call));
    if (decision !== 'allow') throw denied(call, 's3:PutObject', objectArn, decision);

    const { data, trailers } = requestData(call);
    const contentMd5 = call.header('content-md5');
    const md5 = createHash('md5').update(data);
    const md5Buffer = md5.digest();
    if (contentMd5 !== undefined) {
      if (Buffer.from(contentMd5, 'base64').length !== 16) throw new AwsServiceError('InvalidDigest', 'The Content-MD5 you specified was invalid.');
      if (Buffer.from(contentMd5, 'base64').toString('hex') !== md5Buffer.toString('hex')) {
        throw new AwsServiceError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
      }
    }
    const checksums = verifiedChecksums(call, data, trailers);

    const sse = objectEncryption(call, bucket);
    if (sse.kmsKeyArn) requireKms(call, 'kms:GenerateDataKey', sse.kmsKeyArn, bucket, objectArn, sse.bucketKeyEnabled ?? false);

    const metadata: Record<string, string> = {};
    for (const [name, values] of call.headers) if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = values.join(',');
    if (call.signature.kind === 'query') {
      for (const [name, value] of call.query) if (name.toLowerCase().startsWith('x-amz-meta-')) metadata[name.toLowerCase().slice('x-amz-meta-'.length)] ??= value;
    }
    const headers: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const value = call.header(name);
      // aws-chunked is how the body travelled, not how the object is encoded.
      if (value !== undefined && !(name === 'content-encoding' && /^aws-chunked$/i.test(value.trim()))) headers[name] = value.replace(/aws-chunked,?\s*/i, '');
    }
    const now = call.now();
    const stored = store.put(
      bucket.name,
      {
        key,
        size: data.length,
        etag: md5Buffer.toString('hex'),
        contentType: call.header('content-type') ?? 'binary/octet-stream',
        lastModified: now.toISOString(),
        metadata,
        headers,
        checksums,
        ...(bucket.versioned ? { versionId: randomBytes(24).toString('base64url').slice(0, 32) } : {}),
        sse,
      },
      data,
    );

    options.events.objectCreated({
      bucket,
      key,
      size: stored.size,
      etag: stored.etag,
      ...(stored.versionId !== undefined ? { versionId: stored.versionId } : {}),
      sequencer: `${now.getTime().toString(16).toUpperCase()}${(sequence++ % 0xffffff).toString(16).toUpperCase().padStart(6, '0')}`,
      requestId: call.requestId,
      sourceIp: call.remoteAddress,
      principalId: `AWS:${call.caller.userId}`,
      at: now,
    });

    return {
      status: 200,
      headers: {
        etag: `"${stored.etag}"`,
        ...encryptionHeaders(stored),
        ...(stored.versionId !== undefined ? { 'x-amz-version-id': stored.versionId } : {}),
        ...Object.fromEntries(Object.entries(stored.checksums).map(([algorithm, value]) => [`x-amz-checksum-${algorithm}`, value])),
        ...(Object.keys(stored.checksums).length > 0 ? { 'x-amz-checksum-type': 'FULL_OBJECT' } : {}),
        'content-length': '0',
      },
    };
  }

  async function readObject(call: ServiceCall, bucket: TemplateBucket, key: string, head: boolean): Promise<Reply> {
    const objectArn = `${bucket.arn}/${key}`;
    const decision = call.authorize('s3:GetObject', objectArn, s3Context(call));
    if (decision !== 'allow') throw denied(call, 's3:GetObject', objectArn, decision);
    const found: { object: StoredObject; data?: Buffer } | undefined = head ? headOnly(bucket.name, key) : store.get(bucket.name, key);
    if (!found) {
      // S3 says whether the key exists only to callers allowed to list the bucket; others get 403.
      const listDecision = call.authorize('s3:ListBucket', bucket.arn, { 's3:prefix': key });
      if (listDecision !== 'allow') throw denied(call, 's3:ListBucket', bucket.arn, listDecision);
      throw new XmlFieldsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    }
    const { object } = found;
    const versionId = call.queryParam('versionId');
    if (versionId !== undefined && versionId !== object.versionId && !(versionId === 'null' && object.versionId === undefined)) {
      throw new XmlFieldsError('NoSuchVersion', 'The specified version does not exist.', 404, { Key: key, VersionId: versionId });
    }
    if (object.sse.kmsKeyArn) requireKms(call, 'kms:Decrypt', object.sse.kmsKeyArn, bucket, objectArn, object.sse.bucketKeyEnabled ?? false);

    const etag = `"${object.etag}"`;
    const ifMatch = call.header('if-match');
    if (ifMatch !== undefined && !etagListMatches(ifMatch, etag)) throw new AwsServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
    const ifNoneMatch = call.header('if-none-match');
    if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, etag)) return { status: 304, headers: { etag } };

    const headers: Record<string, string> = {
      'content-type': object.contentType,
      etag,
      'last-modified': new Date(object.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      ...object.headers,
      ...Object.fromEntries(Object.entries(object.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value])),
      ...encryptionHeaders(object),
      ...(object.versionId !== undefined ? { 'x-amz-version-id': object.versionId } : {}),
    };
    for (const [parameter, header] of Object.entries(RESPONSE_OVERRIDES)) {
      const value = call.queryParam(parameter);
      if (value !== undefined) headers[header] = value;
    }

    const range = call.header('range');
    const data = found.data;
    if (range !== undefined) {
      const parsed = parseRange(range, object.size);
      if (parsed === 'unsatisfiable') {
        throw new XmlFieldsError('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(object.size) });
      }
      if (parsed) {
        const [start, end] = parsed;
        headers['content-range'] = `bytes ${start}-${end}/${object.size}`;
        headers['content-length'] = String(end - start + 1);
        return { status: 206, headers, ...(head || !data ? {} : { body: data.subarray(start, end + 1) }) };
      }
    }
    // Checksums describe the whole object, so they come only with a whole-object answer the client asked them for.
    if ((call.header('x-amz-checksum-mode') ?? call.queryParam('x-amz-checksum-mode'))?.toUpperCase() === 'ENABLED') {
      for (const [algorithm, value] of Object.entries(object.checksums)) headers[`x-amz-checksum-${algorithm}`] = value;
      if (Object.keys(object.checksums).length > 0) headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    headers['content-length'] = String(object.size);
    return { status: 200, headers, ...(head || !data ? {} : { body: data }) };
  }

  function headOnly(bucket: string, key: string): { object: StoredObject } | undefined {
    const object = store.head(bucket, key);
    return object ? { object } : undefined;
  }

  function deleteObject(call: ServiceCall, bucket: TemplateBucket, key: string): Reply {
    const objectArn = `${bucket.arn}/${key}`;
    const decision = call.authorize('s3:DeleteObject', objectArn, s3Context(call));
    if (decision !== 'allow') throw denied(call, 's3:DeleteObject', objectArn, decision);
    store.delete(bucket.name, key);
    return { status: 204 };
  }

  /** The object's encryption: the request's SSE headers, else the bucket's default, else SSE-S3. */
  function objectEncryption(call: ServiceCall, bucket: TemplateBucket): StoredObject['sse'] {
    const requested = effectiveHeader(call, 'x-amz-server-side-encryption');
    const requestedKey = effectiveHeader(call, 'x-amz-server-side-encryption-aws-kms-key-id');
    const bucketKeyHeader = effectiveHeader(call, 'x-amz-server-side-encryption-bucket-key-enabled');
    if (requested !== undefined && !['AES256', 'aws:kms', 'aws:kms:dsse'].includes(requested)) {
      throw new AwsServiceError('InvalidArgument', 'The encryption method specified is not supported');
    }
    const algorithm = requested ?? bucket.sseAlgorithm ?? 'AES256';
    if (algorithm === 'AES256') {
      if (requestedKey !== undefined) throw new AwsServiceError('InvalidArgument', 'x-amz-server-side-encryption-aws-kms-key-id is only valid with aws:kms encryption');
      return { algorithm };
    }
    // A key named in the request; else the bucket's default key when the bucket encrypts with KMS; else aws/s3.
    const bucketDefaultKey = bucket.sseAlgorithm?.startsWith('aws:kms') ? bucket.kmsKeyArn : undefined;
    const keyArn = requestedKey ? env.model.customerKeyArn(requestedKey) : bucketDefaultKey;
    const bucketKeyEnabled = bucketKeyHeader !== undefined ? bucketKeyHeader.toLowerCase() === 'true' : bucket.bucketKeyEnabled;
    return { algorithm, ...(keyArn ? { kmsKeyArn: keyArn } : {}), ...(bucketKeyEnabled ? { bucketKeyEnabled } : {}) };
  }

  /** The body as stored: decoded from aws-chunked when the SDK streamed it, with its trailers. */
  function requestData(call: ServiceCall): { data: Buffer; trailers: Map<string, string> } {
    const encoding = call.header('content-encoding') ?? '';
    const payload = call.header('x-amz-content-sha256') ?? '';
    if (/aws-chunked/i.test(encoding) || payload.startsWith('STREAMING-')) {
      const decoded = decodeAwsChunked(call.body);
      if (!decoded) throw new AwsServiceError('InvalidRequest', 'The aws-chunked body could not be decoded');
      const declared = call.header('x-amz-decoded-content-length');
      if (declared !== undefined && Number(declared) !== decoded.data.length) {
        throw new AwsServiceError('IncompleteBody', 'The request body terminated unexpectedly');
      }
      return decoded;
    }
    return { data: call.body, trailers: new Map() };
  }

  /**
   * Every x-amz-checksum-* the client sent as a header or trailer, checked against the data. In a pre-signed URL's
   * query they are covered by the signature but not checked: S3 ignores them there (the SDK signs the CRC32 of the
   * empty body into every upload URL since 3.729, and such uploads succeed on AWS).
   */
  function verifiedChecksums(call: ServiceCall, data: Buffer, trailers: Map<string, string>): Record<string, string> {
    const given: [ChecksumAlgorithm, string][] = [];
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const name = `x-amz-checksum-${algorithm}`;
      const value = trailers.get(name) ?? call.header(name);
      if (value !== undefined) given.push([algorithm, value]);
    }
    if (given.length > 1) throw new AwsServiceError('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    const declaredAlgorithm = call.header('x-amz-sdk-checksum-algorithm')?.toLowerCase();
    if (declaredAlgorithm !== undefined && given.length === 0 && !trailers.size) {
      throw new AwsServiceError('InvalidRequest', `x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.`);
    }
    const out: Record<string, string> = {};
    for (const [algorithm, value] of given) {
      if (Buffer.from(value, 'base64').length !== checksumLength(algorithm)) {
        throw new AwsServiceError('InvalidRequest', `Value for x-amz-checksum-${algorithm} header is invalid.`);
      }
      if (checksum(algorithm, data) !== value) {
        throw new AwsServiceError('BadDigest', `The ${checksumLabel(algorithm)} you specified did not match the calculated checksum.`);
      }
      out[algorithm] = value;
    }
    return out;
  }

  // ---- CORS ----

  function corsRule(bucket: TemplateBucket, origin: string, method: string, requestHeaders: string[]): BucketCorsRule | undefined {
    return bucket.corsRules.find(
      (rule) =>
        rule.allowedOrigins.some((allowed) => wildcard(allowed, origin)) &&
        rule.allowedMethods.includes(method) &&
        requestHeaders.every((h) => rule.allowedHeaders.some((allowed) => wildcard(allowed.toLowerCase(), h.toLowerCase()))),
    );
  }

  function corsHeaders(rule: BucketCorsRule, origin: string, requestHeaders: string[]): Record<string, string> {
    return {
      'access-control-allow-origin': rule.allowedOrigins.includes('*') ? '*' : origin,
      'access-control-allow-methods': rule.allowedMethods.join(', '),
      ...(requestHeaders.length > 0 ? { 'access-control-allow-headers': requestHeaders.join(', ') } : {}),
      ...(rule.exposedHeaders.length > 0 ? { 'access-control-expose-headers': rule.exposedHeaders.join(', ') } : {}),
      ...(rule.maxAge !== undefined ? { 'access-control-max-age': String(rule.maxAge) } : {}),
      vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    };
  }

  /** OPTIONS preflight: unsigned, answered from the bucket's CORS rules alone. */
  function preflight(rawPath: string, host: string | undefined, headers: (name: string) => string | undefined): Reply {
    const t = target(rawPath, host);
    const bucket = existingBucket(t);
    const origin = headers('origin');
    const method = headers('access-control-request-method');
    if (!origin || !method) throw new AwsServiceError('BadRequest', 'Insufficient information. Origin request header needed.');
    const requestHeaders = (headers('access-control-request-headers') ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    if (bucket.corsRules.length === 0) throw new AwsServiceError('AccessForbidden', 'CORSResponse: CORS is not enabled for this bucket.', 403);
    const rule = corsRule(bucket, origin, method, requestHeaders);
    if (!rule) {
      throw new AwsServiceError(
        'AccessForbidden',
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        403,
      );
    }
    return { status: 200, headers: { ...corsHeaders(rule, origin, requestHeaders), 'content-length': '0' } };
  }

  /** CORS headers for an actual (non-preflight) request from a browser. */
  function responseCors(rawPath: string, host: string | undefined, method: string, origin: string | undefined): Record<string, string> {
    if (!origin) return {};
    let t: S3Target;
    try {
      t = target(rawPath, host);
    } catch {
      return {};
    }
    const rule = t.bucket ? corsRule(t.bucket, origin, method, []) : undefined;
    return rule ? corsHeaders(rule, origin, []) : {};
  }

  return {
    protocol: 'rest-xml' as const,
    operationOf,
    preflight,
    responseCors,
    async handle(call: ServiceCall): Promise<Reply> {
      const t = target(call.rawPath, call.header('host'));
      const operation = operationOf(call.method, call.rawPath, call.query, call.header('host'));
      // S3 refuses x-amz-* headers that the signature does not cover.
      const unsigned = [...call.headers.keys()].filter((name) => name.startsWith('x-amz-') && !call.signature.signedHeaders.includes(name));
      if (unsigned.length > 0 && call.signature.kind === 'query') {
        throw new XmlFieldsError('AccessDenied', 'There were headers present in the request which were not signed', 403, { HeadersNotSigned: unsigned.join(', ') });
      }
      switch (operation) {
        case 'PutObject':
          return putObject(call, existingBucket(t), t.key ?? '');
        case 'GetObject':
          return readObject(call, existingBucket(t), t.key ?? '', false);
        case 'HeadObject':
          return readObject(call, existingBucket(t), t.key ?? '', true);
        case 'DeleteObject':
          return deleteObject(call, existingBucket(t), t.key ?? '');
        case 'HeadBucket': {
          const bucket = existingBucket(t);
          const decision = call.authorize('s3:ListBucket', bucket.arn, s3Context(call));
          if (decision !== 'allow') throw denied(call, 's3:ListBucket', bucket.arn, decision);
          return { status: 200, headers: { 'x-amz-bucket-region': region, 'content-length': '0' } };
        }
        default:
          if (t.bucketName !== '' && !t.bucket) existingBucket(t);
          throw new AwsServiceError('NotImplemented', `A header or query you provided implies functionality that is not implemented (the local AWS emulator does not implement ${operation})`, 501);
      }
    },
  };
}

function encryptionHeaders(object: StoredObject): Record<string, string> {
  return {
    'x-amz-server-side-encryption': object.sse.algorithm,
    ...(object.sse.kmsKeyArn ? { 'x-amz-server-side-encryption-aws-kms-key-id': object.sse.kmsKeyArn } : {}),
    ...(object.sse.bucketKeyEnabled ? { 'x-amz-server-side-encryption-bucket-key-enabled': 'true' } : {}),
  };
}

/** A header, or for a pre-signed request the same x-amz-* name hoisted into the query (as S3 reads it). */
function effectiveHeader(call: ServiceCall, name: string): string | undefined {
  const header = call.header(name);
  if (header !== undefined) return header;
  if (call.signature.kind !== 'query' || !name.startsWith('x-amz-')) return undefined;
  return call.query.find(([key]) => key.toLowerCase() === name)?.[1];
}

function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((item) => {
    const value = item.trim().replace(/^W\//, '');
    return value === '*' || value === etag || `"${value}"` === etag;
  });
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined (whole object) for anything else, as S3 ignores it. */
function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}

function wildcard(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

// S3 through the emulator with the real SDK v3 client and pre-signer: objects on disk, IAM with the implied KMS
// checks, pre-signed URL verification, and the Object Created event reaching the rule's Lambda target.

import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NoSuchBucket, NoSuchKey, NotFound, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash } from 'node:crypto';
import { localTemplate } from '../../../../local/aws/template';
import { ACCOUNT, fixtureTemplate, startTestEmulator, type TestEmulator } from './fixture';
import { rejection as rejectionOf } from '../../../support/rejection';

let t: TestEmulator;
const model = localTemplate(fixtureTemplate(), ACCOUNT);
const docs = model.buckets().find((b) => b.logicalId === 'DocsBucket')!;
const keyArn = String(model.getAtt('DataKey', 'Arn'));
const fn = (id: string) => model.functions().find((f) => f.logicalId === id)!;

beforeAll(async () => {
  t = await startTestEmulator();
});

afterAll(async () => {
  await t.stop();
});

beforeEach(() => {
  t.clock.now = new Date();
});

const s3 = (id = 'SubmitFunction', extra: Record<string, unknown> = {}) => new S3Client({ ...t.clientConfig(id), ...extra });
const lastCall = () => t.emulator.calls().at(-1)!;

const rejection = (promise: Promise<unknown>) => rejectionOf<S3ServiceException>(promise);

describe('header-signed SDK calls', () => {
  it('PutObject then GetObject on an SSE-KMS bucket: the object, its headers and checksum, and the implied KMS checks', async () => {
    const text = 'Loan contract\nüñí';
    const sha256 = createHash('sha256').update(text).digest('hex');
    const put = await s3().send(
      new PutObjectCommand({
        Bucket: docs.name,
        Key: 'contracts/01APP/01CON.txt',
        Body: Buffer.from(text),
        ContentType: 'text/plain; charset=utf-8',
        ContentLength: Buffer.byteLength(text),
        ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
        Metadata: { sha256 },
        CacheControl: 'private, no-store',
      }),
    );
    expect(put.ETag).toBe(`"${createHash('md5').update(text).digest('hex')}"`);
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe(keyArn);
    expect(put.VersionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(lastCall()).toMatchObject({
      caller: 'SubmitFunction',
      service: 's3',
      operation: 'PutObject',
      allowed: true,
      status: 200,
      checks: [
        { action: 's3:PutObject', resource: `${docs.arn}/contracts/01APP/01CON.txt`, decision: 'allow' },
        { action: 'kms:GenerateDataKey', resource: keyArn, decision: 'allow' },
      ],
    });

    const got = await s3().send(new GetObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/01CON.txt', ChecksumMode: 'ENABLED' }));
    expect(await got.Body?.transformToString()).toBe(text);
    expect(got).toMatchObject({ ContentType: 'text/plain; charset=utf-8', CacheControl: 'private, no-store', Metadata: { sha256 }, ETag: put.ETag, ServerSideEncryption: 'aws:kms', VersionId: put.VersionId });
    expect(got.ChecksumSHA256).toBe(Buffer.from(sha256, 'hex').toString('base64'));
    expect(lastCall().checks.map((c) => c.action)).toEqual(['s3:GetObject', 'kms:Decrypt']);

    const head = await s3().send(new HeadObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/01CON.txt' }));
    expect(head.ContentLength).toBe(Buffer.byteLength(text));
    expect(head.ContentType).toBe('text/plain; charset=utf-8');
  });

  it('stores a streamed (aws-chunked, CRC32 trailer) body as sent, with keys that need encoding', async () => {
    const key = 'applications/01APP/scan (1) ü+ä.pdf';
    await s3('NoKmsFunction').send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: key, Body: Readable.from([Buffer.from('%PDF-'), Buffer.from('1.7 body')]), ContentLength: 13 }));
    const got = await s3('NoKmsFunction').send(new GetObjectCommand({ Bucket: 'plain-bucket', Key: key }));
    expect(await got.Body?.transformToString()).toBe('%PDF-1.7 body');
    expect(got.ServerSideEncryption).toBe('AES256');
    // AES256 (SSE-S3) needs no KMS permission.
    expect(lastCall().checks.map((c) => c.action)).toEqual(['s3:GetObject']);
    const ranged = await s3('NoKmsFunction').send(new GetObjectCommand({ Bucket: 'plain-bucket', Key: key, Range: 'bytes=5-7' }));
    expect(await ranged.Body?.transformToString()).toBe('1.7');
    expect(ranged.ContentRange).toBe('bytes 5-7/13');
  });

  it('refuses a body that does not match its declared checksum (BadDigest)', async () => {
    const error = await rejection(
      s3().send(new PutObjectCommand({ Bucket: docs.name, Key: 'contracts/x.txt', Body: Buffer.from('tampered'), ChecksumSHA256: createHash('sha256').update('original').digest('base64') })),
    );
    expect(error.name).toBe('BadDigest');
    expect(error.message).toBe('The SHA256 you specified did not match the calculated checksum.');
  });

  it('refuses keys outside the role with AccessDenied, and a key the role may not use (the KMS check)', async () => {
    const outside = await rejection(s3().send(new PutObjectCommand({ Bucket: docs.name, Key: 'other/x', Body: Buffer.from('x') })));
    expect(outside.name).toBe('AccessDenied');
    expect(outside.$metadata.httpStatusCode).toBe(403);
    expect(outside.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/${fn('SubmitFunction').roleName}/${fn('SubmitFunction').functionName} is not authorized to perform: s3:PutObject on resource: ${docs.arn}/other/x because no identity-based policy allows the s3:PutObject action`,
    );
    expect(lastCall()).toMatchObject({ allowed: false, status: 403, checks: [{ action: 's3:PutObject', decision: 'implicitDeny' }] });

    const noKms = await rejection(s3('NoKmsFunction').send(new PutObjectCommand({ Bucket: docs.name, Key: 'applications/x', Body: Buffer.from('x') })));
    expect(noKms.name).toBe('AccessDenied');
    expect(noKms.message).toMatch(new RegExp(`not authorized to perform: kms:GenerateDataKey on resource: ${keyArn}`));
    expect(lastCall().checks.map((c) => [c.action, c.decision])).toEqual([
      ['s3:PutObject', 'allow'],
      ['kms:GenerateDataKey', 'implicitDeny'],
    ]);
  });

  it('NoSuchBucket for a bucket not in the template; NoSuchKey only for callers allowed to list the bucket', async () => {
    expect(await rejection(s3().send(new GetObjectCommand({ Bucket: 'not-in-the-template', Key: 'x' })))).toBeInstanceOf(NoSuchBucket);
    expect(await rejection(s3('NoKmsFunction').send(new GetObjectCommand({ Bucket: 'plain-bucket', Key: 'missing' })))).toBeInstanceOf(NoSuchKey);
    const hidden = await rejection(s3().send(new GetObjectCommand({ Bucket: docs.name, Key: 'contracts/missing' })));
    expect(hidden.name).toBe('AccessDenied');
    expect(lastCall().checks.map((c) => [c.action, c.decision])).toEqual([
      ['s3:GetObject', 'allow'],
      ['s3:ListBucket', 'implicitDeny'],
    ]);
    expect(await rejection(s3('NoKmsFunction').send(new HeadObjectCommand({ Bucket: 'plain-bucket', Key: 'missing' })))).toBeInstanceOf(NotFound);
  });

  it('DeleteObject needs s3:DeleteObject', async () => {
    await s3('NoKmsFunction').send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: 'to-delete', Body: Buffer.from('x') }));
    await s3('NoKmsFunction').send(new DeleteObjectCommand({ Bucket: 'plain-bucket', Key: 'to-delete' }));
    expect(await rejection(s3('NoKmsFunction').send(new GetObjectCommand({ Bucket: 'plain-bucket', Key: 'to-delete' })))).toBeInstanceOf(NoSuchKey);
    expect((await rejection(s3().send(new DeleteObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/01CON.txt' })))).name).toBe('AccessDenied');
  });

  it('keeps objects across restarts in s3Dir', async () => {
    await s3('NoKmsFunction').send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: 'durable', Body: Buffer.from('still here'), ContentType: 'text/plain' }));
    const second = await startTestEmulator({ s3Dir: t.s3Dir });
    try {
      const got = await new S3Client(second.clientConfig('NoKmsFunction')).send(new GetObjectCommand({ Bucket: 'plain-bucket', Key: 'durable' }));
      expect(await got.Body?.transformToString()).toBe('still here');
      expect(got.ContentType).toBe('text/plain');
    } finally {
      await second.stop();
    }
  });
});

describe('pre-signed URLs', () => {
  // By default (SDK ≥ 3.729) an upload URL carries x-amz-checksum-crc32 of the empty body; `checksums: false` leaves it out.
  const uploadUrl = (key: string, options: { contentType?: string; size?: number; expiresIn?: number; checksums?: boolean } = {}) =>
    getSignedUrl(
      s3('SubmitFunction', options.checksums === false ? { requestChecksumCalculation: 'WHEN_REQUIRED' } : {}),
      new PutObjectCommand({ Bucket: docs.name, Key: key, ContentType: options.contentType ?? 'application/pdf', ContentLength: options.size ?? 9 }),
      { expiresIn: options.expiresIn ?? 900, signableHeaders: new Set(['content-type', 'content-length']) },
    );

  const put = (url: string, body: string, contentType = 'application/pdf') => fetch(url, { method: 'PUT', body, headers: { 'content-type': contentType } });

  it('accepts an upload as signed, stores it, and the Object Created event reaches the matching rule’s Lambda target', async () => {
    const before = t.recorded.invoke.length;
    const url = await uploadUrl('applications/01APP/passport 1.pdf', { checksums: false });
    const response = await put(url, '%PDF-body');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${createHash('md5').update('%PDF-body').digest('hex')}"`);
    expect(lastCall()).toMatchObject({ caller: 'SubmitFunction', operation: 'PutObject', allowed: true });
    await t.emulator.drain();

    const invocations = t.recorded.invoke.slice(before);
    expect(invocations.map((i) => [i.functionName, i.invocationType, i.caller])).toEqual([[fn('UploadedFunction').functionName, 'Event', 'events.amazonaws.com']]);
    const event = JSON.parse(invocations[0]!.payload) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      region: 'us-east-1',
      resources: [docs.arn],
      detail: {
        version: '0',
        bucket: { name: docs.name },
        object: { key: 'applications/01APP/passport 1.pdf', size: 9, etag: createHash('md5').update('%PDF-body').digest('hex') },
        requester: '000000000000',
        'source-ip-address': '127.0.0.1',
        reason: 'PutObject',
      },
    });
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((event.detail as { object: { sequencer: string; 'version-id': string } }).object['version-id']).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const got = await s3().send(new GetObjectCommand({ Bucket: docs.name, Key: 'applications/01APP/passport 1.pdf' })).catch((error: Error) => error);
    // SubmitFunction may not read applications/ (only contracts/).
    expect((got as Error).name).toBe('AccessDenied');
  });

  it('accepts an upload through a URL that signed the CRC32 of an empty body: S3 ignores query-string checksums (but they stay signed)', async () => {
    const url = await uploadUrl('applications/01APP/with-checksum.pdf');
    expect(new URL(url).searchParams.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
    const response = await put(url, '%PDF-body');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-checksum-crc32')).toBeNull();
    const changed = new URL(url);
    changed.searchParams.set('x-amz-checksum-crc32', 'AAAAAB==');
    expect((await put(changed.toString(), '%PDF-body')).status).toBe(403);
  });

  it('refuses another content type or length than signed, a tampered URL and an expired one', async () => {
    const url = await uploadUrl('applications/01APP/doc.pdf', { checksums: false });
    const wrongType = await put(url, '%PDF-body', 'image/png');
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toMatch(/<Code>SignatureDoesNotMatch<\/Code>/);
    expect(lastCall()).toMatchObject({ caller: 'SubmitFunction', allowed: false, status: 403 });

    expect((await put(url, '%PDF-body, longer')).status).toBe(403);

    const tampered = url.replace('applications/01APP/doc.pdf', 'applications/01APP/other.pdf');
    expect((await put(tampered, '%PDF-body')).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect((await put(longer.toString(), '%PDF-body')).status).toBe(403);

    t.clock.now = new Date(Date.now() + 901_000);
    const expired = await put(url, '%PDF-body');
    expect(expired.status).toBe(403);
    const body = await expired.text();
    expect(body).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message><X-Amz-Expires>900<\/X-Amz-Expires>/);
    t.clock.now = new Date(Date.now() + 60_000);
    expect((await put(url, '%PDF-body')).status).toBe(200);
  });

  it('a pre-signed GET answers the object with the response-* overrides', async () => {
    await s3().send(new PutObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/link.txt', Body: Buffer.from('the contract'), ContentType: 'application/octet-stream' }));
    const url = await getSignedUrl(
      s3(),
      new GetObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/link.txt', ResponseContentType: 'text/plain; charset=utf-8', ResponseContentDisposition: 'inline; filename="contract-link.txt"' }),
      { expiresIn: 300 },
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('the contract');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="contract-link.txt"');
    expect(lastCall()).toMatchObject({ caller: 'SubmitFunction', operation: 'GetObject', checks: [{ action: 's3:GetObject' }, { action: 'kms:Decrypt' }] });

    const tampered = new URL(url);
    tampered.searchParams.set('response-content-type', 'text/html');
    expect((await fetch(tampered)).status).toBe(403);
  });

  it('answers the browser’s CORS preflight from the bucket’s CorsConfiguration', async () => {
    const url = await uploadUrl('applications/01APP/cors.pdf', { checksums: false });
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('PUT');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(preflight.headers.get('access-control-max-age')).toBe('3000');
    const refused = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'DELETE' } });
    expect(refused.status).toBe(403);
    const upload = await fetch(url, { method: 'PUT', body: '%PDF-body', headers: { 'content-type': 'application/pdf', origin: 'http://localhost:3000' } });
    expect(upload.status).toBe(200);
    expect(upload.headers.get('access-control-expose-headers')).toBe('ETag');
  });

  it('refuses an unknown access key with InvalidAccessKeyId', async () => {
    const stranger = new S3Client({ endpoint: t.emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'x' }, maxAttempts: 1 });
    const error = await rejection(stranger.send(new GetObjectCommand({ Bucket: docs.name, Key: 'contracts/x' })));
    expect(error.name).toBe('InvalidAccessKeyId');
    expect(lastCall()).toMatchObject({ caller: 'unknown key', allowed: false, status: 403, checks: [] });
    const url = await getSignedUrl(stranger, new GetObjectCommand({ Bucket: docs.name, Key: 'contracts/x' }), { expiresIn: 60 });
    expect((await fetch(url)).status).toBe(403);
    const anonymous = await fetch(`${t.emulator.endpoint}/${docs.name}/contracts/x`);
    expect(anonymous.status).toBe(403);
    expect(lastCall()).toMatchObject({ caller: 'anonymous', allowed: false });
  });
});

describe('EventBridge delivery', () => {
  it('sends an object under contracts/ to the rule with a constant Input and an InputPath; disabled rules stay silent', async () => {
    const before = t.recorded.invoke.length;
    await s3().send(new PutObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/event.txt', Body: Buffer.from('c') }));
    await t.emulator.drain();
    const payloads = t.recorded.invoke.slice(before).map((i) => [i.functionName, JSON.parse(i.payload) as unknown]);
    expect(payloads).toEqual([
      ['Test-worker', { constant: true }],
      ['Test-worker', expect.objectContaining({ bucket: { name: docs.name }, object: expect.objectContaining({ key: 'contracts/01APP/event.txt', size: 1 }) })],
    ]);
  });

  it('sends nothing for a bucket without EventBridge notifications', async () => {
    const before = t.recorded.invoke.length;
    await s3('NoKmsFunction').send(new PutObjectCommand({ Bucket: 'plain-bucket', Key: 'applications/x', Body: Buffer.from('x') }));
    await t.emulator.drain();
    expect(t.recorded.invoke.length).toBe(before);
  });
});

describe('bucket notifications straight to Lambda (CDK’s Custom::S3BucketNotifications)', () => {
  it('invokes the configured function with an S3 event whose key is URL-encoded, for matching keys only', async () => {
    const template = fixtureTemplate() as { Resources: Record<string, unknown> };
    template.Resources.DocsNotifications = {
      Type: 'Custom::S3BucketNotifications',
      Properties: {
        BucketName: { Ref: 'DocsBucket' },
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            { Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'applications/' }] } }, LambdaFunctionArn: { 'Fn::GetAtt': ['WorkerFunction', 'Arn'] } },
          ],
        },
      },
    };
    const direct = await startTestEmulator({ template });
    try {
      const client = new S3Client(direct.clientConfig('SubmitFunction'));
      await client.send(new PutObjectCommand({ Bucket: docs.name, Key: 'applications/01APP/my scan+1.pdf', Body: Buffer.from('x') }));
      await client.send(new PutObjectCommand({ Bucket: docs.name, Key: 'contracts/01APP/not-notified.txt', Body: Buffer.from('x') }));
      await direct.emulator.drain();
      const notifications = direct.recorded.invoke.filter((i) => i.caller === 's3.amazonaws.com');
      expect(notifications).toHaveLength(1);
      const event = JSON.parse(notifications[0]!.payload) as { Records: { eventSource: string; eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[] };
      expect(notifications[0]?.functionName).toBe('Test-worker');
      expect(event.Records[0]).toMatchObject({ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: docs.name }, object: { key: 'applications/01APP/my+scan%2B1.pdf', size: 1 } } });
    } finally {
      await direct.stop();
    }
  });
});

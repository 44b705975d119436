import { checksum, crc32c, crc64nvme, decodeAwsChunked } from '../../../../local/aws/checksums';
import { canonicalPath, headerMap, parseQuery, parseSignature, verifySignature } from '../../../../local/aws/sigv4';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('SigV4 verification against AWS’s published examples', () => {
  it('verifies get-vanilla from the Signature Version 4 test suite, and refuses it with another secret or a changed header', () => {
    const headers = headerMap([
      'Host',
      'example.amazonaws.com',
      'X-Amz-Date',
      '20150830T123600Z',
      'Authorization',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    ]);
    const parts = { method: 'GET', rawPath: '/', query: [], headers };
    const parsed = parseSignature(parts);
    if (!parsed.ok) throw new Error('not parsed');
    expect(parsed.signature).toMatchObject({ kind: 'header', accessKeyId: 'AKIDEXAMPLE', scopeDate: '20150830', region: 'us-east-1', service: 'service', signedHeaders: ['host', 'x-amz-date'] });
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    expect(verifySignature(parts, parsed.signature, { secretAccessKey: secret, s3: false, payloadHash: EMPTY_SHA256 })).toBe(true);
    expect(verifySignature(parts, parsed.signature, { secretAccessKey: `${secret}x`, s3: false, payloadHash: EMPTY_SHA256 })).toBe(false);
    const otherHost = { ...parts, headers: new Map([...headers, ['host', ['evil.example.com']]]) };
    expect(verifySignature(otherHost, parsed.signature, { secretAccessKey: secret, s3: false, payloadHash: EMPTY_SHA256 })).toBe(false);
    expect(verifySignature({ ...parts, method: 'POST' }, parsed.signature, { secretAccessKey: secret, s3: false, payloadHash: EMPTY_SHA256 })).toBe(false);
  });

  it('verifies the S3 pre-signed URL example of the S3 documentation', () => {
    const query = parseQuery(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
    if (!query) throw new Error('not parsed');
    const parts = { method: 'GET', rawPath: '/test.txt', query, headers: headerMap(['Host', 'examplebucket.s3.amazonaws.com']) };
    const parsed = parseSignature(parts);
    if (!parsed.ok) throw new Error('not parsed');
    expect(parsed.signature).toMatchObject({ kind: 'query', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', expiresSeconds: 86400, service: 's3' });
    const options = { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', s3: true, payloadHash: 'UNSIGNED-PAYLOAD' };
    expect(verifySignature(parts, parsed.signature, options)).toBe(true);
    expect(verifySignature({ ...parts, rawPath: '/test2.txt' }, parsed.signature, options)).toBe(false);
    expect(verifySignature({ ...parts, query: [...query, ['x-id', 'GetObject']] }, parsed.signature, options)).toBe(false);
  });

  it('tells missing and malformed signatures apart', () => {
    const base = { method: 'GET', rawPath: '/', query: [] as [string, string][] };
    expect(parseSignature({ ...base, headers: new Map() })).toEqual({ ok: false, missing: true });
    expect(parseSignature({ ...base, headers: headerMap(['Authorization', 'AWS4-HMAC-SHA256 Credential=A/2015/us-east-1/s3/aws4_request', 'X-Amz-Date', '20150830T123600Z']) })).toMatchObject({ ok: false, missing: false });
    expect(parseSignature({ ...base, headers: headerMap(['Authorization', 'Basic abc']) })).toMatchObject({ ok: false, missing: false });
    expect(parseSignature({ ...base, query: [['X-Amz-Credential', 'A/20150830/us-east-1/s3/aws4_request'], ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256']], headers: new Map() })).toMatchObject({ ok: false, missing: false });
    expect(
      parseSignature({
        ...base,
        query: [
          ['X-Amz-Credential', 'A/20150830/us-east-1/s3/aws4_request'],
          ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
          ['X-Amz-Date', '20150830T123600Z'],
          ['X-Amz-SignedHeaders', 'host'],
          ['X-Amz-Signature', 'ab'],
          ['X-Amz-Expires', '604801'],
        ],
        headers: new Map(),
      }),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/604800/) });
  });

  it('double-encodes non-S3 paths as the SDK signer does', () => {
    expect(canonicalPath('/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations')).toBe(
      '/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A000000000000%253Afunction%253Af/invocations',
    );
    expect(canonicalPath('/a/./b/../c/')).toBe('/a/c/');
    expect(canonicalPath('/')).toBe('/');
  });

  it('parses query strings with + as a space and refuses bad escapes', () => {
    expect(parseQuery('a=1&b=x+y%2Bz&flag')).toEqual([
      ['a', '1'],
      ['b', 'x y+z'],
      ['flag', ''],
    ]);
    expect(parseQuery('a=%E0%A4%A')).toBeUndefined();
  });
});

describe('checksums and aws-chunked bodies', () => {
  const check = Buffer.from('123456789');

  it('computes the standard check values', () => {
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc64nvme(check)).toBe(0xae8b14860a799888n);
    expect(checksum('crc32', check)).toBe(Buffer.from('cbf43926', 'hex').toString('base64'));
    expect(checksum('crc32', Buffer.alloc(0))).toBe('AAAAAA==');
    expect(checksum('sha256', Buffer.from('hello'))).toBe('LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=');
  });

  it('decodes aws-chunked with trailers and refuses a truncated body', () => {
    const body = Buffer.from('c\r\nhello stream\r\n3;chunk-signature=ab\r\n!!!\r\n0\r\nx-amz-checksum-crc32:gtnkmQ==\r\n\r\n');
    const decoded = decodeAwsChunked(body);
    expect(decoded?.data.toString()).toBe('hello stream!!!');
    expect(decoded?.trailers.get('x-amz-checksum-crc32')).toBe('gtnkmQ==');
    expect(decodeAwsChunked(Buffer.from('c\r\nhello'))).toBeUndefined();
    expect(decodeAwsChunked(Buffer.from('zz\r\n'))).toBeUndefined();
  });
});

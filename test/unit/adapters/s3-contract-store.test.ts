// The S3 contract store against a local HTTP endpoint standing in for S3 (path-style, fake credentials): what the SDK
// actually sends (content type, the SHA-256 integrity checksum), and what the pre-signed GET link looks like.

import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3ContractStore } from '../../../functions/adapters/aws/s3-contract-store';
import { contractSha256 } from '../../../functions/core/contracting/contract';

const TEXT = '小额贷款合同 / MICROLOAN CONTRACT\n\nBorrower: Li Wei\n';

describe('S3 contract store', () => {
  let server: Server;
  let endpoint: string;
  const requests: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { etag: '"abc"' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () =>
    new S3Client({ region: 'cn-north-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });

  it('puts the UTF-8 text under contracts/ as text/plain with its SHA-256 as the integrity checksum', async () => {
    const stored = await createS3ContractStore(client(), 'docs-bucket').put('01APP', '01CON', TEXT);
    expect(stored).toEqual({ objectKey: 'contracts/01APP/01CON.txt', sha256: contractSha256(TEXT) });

    const put = requests.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.url.split('?')[0]).toBe('/docs-bucket/contracts/01APP/01CON.txt');
    expect(put.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(put.headers['x-amz-checksum-sha256']).toBe(createHash('sha256').update(TEXT, 'utf8').digest('base64'));
    expect(put.headers['x-amz-meta-sha256']).toBe(stored.sha256);
    expect(put.body.toString('utf8')).toBe(TEXT);
  });

  it('links with a pre-signed GET that expires and serves the text inline as text/plain', async () => {
    const url = new URL(await createS3ContractStore(client(), 'docs-bucket').link('contracts/01APP/01CON.txt', 900));
    expect(url.pathname).toBe('/docs-bucket/contracts/01APP/01CON.txt');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('response-content-type')).toBe('text/plain; charset=utf-8');
    expect(url.searchParams.get('response-content-disposition')).toBe('inline; filename="contract-01CON.txt"');
  });

  it('links only to contracts', async () => {
    await expect(createS3ContractStore(client(), 'docs-bucket').link('applications/01APP/01DOC', 900)).rejects.toThrow(RangeError);
  });
});

import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractSha256 } from '../../../functions/core/contracting/contract';
import { CONTRACT_PATH_PREFIX, handleContractGet, LocalContractStore } from '../../../local/contracts';

const SECRET = 'd'.repeat(64);
const TEXT = '小额贷款合同 / MICROLOAN CONTRACT\n\nBorrower: Li Wei\n';

describe('local contract store and its signed links', () => {
  let nowMs: number;
  const clock = { now: () => new Date(nowMs) };
  let dir: string;
  let server: Server;
  let base: string;
  let store: LocalContractStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'contracts-'));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      handleContractGet(req, res, url, { secret: SECRET, dir, clock });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    store = new LocalContractStore({ dir, secret: SECRET, baseUrl: () => base, clock });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    nowMs = Date.parse('2026-11-29T08:00:00Z');
  });

  it('writes the text under the data folder by its object key and returns its hash', async () => {
    const stored = await store.put('01APP', '01CON', TEXT);
    expect(stored).toEqual({ objectKey: 'contracts/01APP/01CON.txt', sha256: contractSha256(TEXT) });
    expect(readFileSync(join(dir, 'contracts/01APP/01CON.txt'), 'utf8')).toBe(TEXT);
  });

  it('serves the exact bytes through a signed link until it expires', async () => {
    const { objectKey, sha256 } = await store.put('01APP', '01CON2', TEXT);
    const link = await store.link(objectKey, 900);
    expect(link).toMatch(new RegExp(`^${base}${CONTRACT_PATH_PREFIX}contracts/01APP/01CON2\\.txt\\?expires=\\d+&sig=[0-9a-f]{64}$`));

    const response = await fetch(link);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const body = Buffer.from(await response.arrayBuffer());
    expect(contractSha256(body.toString('utf8'))).toBe(sha256);

    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(body.length));

    nowMs += 900_000;
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as { detail: string }).detail).toMatch(/expired/);
  });

  it('refuses a link whose key, expiry or signature was changed, and keys outside contracts/', async () => {
    const { objectKey } = await store.put('01APP', '01CON3', TEXT);
    const link = new URL(await store.link(objectKey, 900));

    const otherKey = new URL(link);
    otherKey.pathname = `${CONTRACT_PATH_PREFIX}contracts/01APP/01CON.txt`;
    expect((await fetch(otherKey)).status).toBe(403);

    const later = new URL(link);
    later.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    expect((await fetch(later)).status).toBe(403);

    const unsigned = new URL(link);
    unsigned.searchParams.delete('sig');
    expect((await fetch(unsigned)).status).toBe(403);

    expect((await fetch(`${base}${CONTRACT_PATH_PREFIX}applications/01APP/01DOC?expires=1&sig=${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${base}${CONTRACT_PATH_PREFIX}contracts/..%2F..%2Fsecrets%2Fpii.key?expires=1&sig=${'0'.repeat(64)}`)).status).toBe(404);
    await expect(store.link('applications/01APP/01DOC', 900)).rejects.toThrow(RangeError);
  });

  it('answers 404 for a well-signed link to a contract that is not there', async () => {
    const link = await store.link('contracts/01APP/01MISSING.txt', 900);
    expect((await fetch(link)).status).toBe(404);
  });
});

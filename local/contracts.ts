// Contracts for the local stack: the ContractStore port writes the text under <dataDir>/contracts/ (the objectKey as
// the relative path, as S3 would hold it) and hands out links on the local server signed with HMAC (as S3 pre-signed
// GET URLs are signed); `GET /_local/contracts/<objectKey>?expires=…&sig=…` checks the link and serves the text.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, resolve, sep } from 'node:path';
import { CONTRACT_CONTENT_TYPE, CONTRACT_PREFIX, contractObjectKey, contractSha256, type ContractStore } from '../functions/core/contracting/contract';
import type { Clock } from '../functions/core/kernel/ports';
import { send, sendProblem } from './http-util';
import { isSafeObjectKey } from './uploads';

export const CONTRACT_PATH_PREFIX = '/_local/contracts/';

export interface LocalContractStoreOptions {
  /** Where contract texts are written (`<dataDir>/contracts`). */
  dir: string;
  /** HMAC key (from the data folder). */
  secret: string;
  /** `http://localhost:<port>`; a function because the port is known only once the server listens. */
  baseUrl: () => string;
  /** Expiry follows the clock every handler uses. */
  clock: Clock;
}

export class LocalContractStore implements ContractStore {
  constructor(private readonly options: LocalContractStoreOptions) {}

  async put(applicationId: string, contractId: string, text: string): Promise<{ objectKey: string; sha256: string }> {
    const objectKey = contractObjectKey(applicationId, contractId);
    const target = fileFor(this.options.dir, objectKey);
    if (!target) throw new RangeError(`unusable object key "${objectKey}"`);
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}`;
    writeFileSync(partial, text, 'utf8');
    renameSync(partial, target);
    return { objectKey, sha256: contractSha256(text) };
  }

  async link(objectKey: string, expiresInSeconds: number): Promise<string> {
    if (!objectKey.startsWith(CONTRACT_PREFIX) || !isSafeObjectKey(objectKey)) throw new RangeError(`not a contract object key: "${objectKey}"`);
    const expires = Math.floor(this.options.clock.now().getTime() / 1000) + expiresInSeconds;
    const query = new URLSearchParams({ expires: String(expires), sig: signContractLink(this.options.secret, objectKey, expires) });
    return `${this.options.baseUrl()}${CONTRACT_PATH_PREFIX}${objectKey.split('/').map(encodeURIComponent).join('/')}?${query.toString()}`;
  }
}

/** HMAC-SHA256 (hex) over the key and the expiry, so neither can be changed without the secret. */
export function signContractLink(secret: string, objectKey: string, expiresEpochSeconds: number): string {
  return createHmac('sha256', secret).update(`GET\n${objectKey}\n${expiresEpochSeconds}`).digest('hex');
}

export interface ContractEndpointOptions {
  secret: string;
  dir: string;
  clock: Clock;
}

/** Handles `GET /_local/contracts/<objectKey>?expires=…&sig=…` (HEAD too): 403 as S3 answers a bad or expired link. */
export function handleContractGet(req: IncomingMessage, res: ServerResponse, url: URL, options: ContractEndpointOptions): void {
  let objectKey: string;
  try {
    objectKey = decodeURIComponent(url.pathname.slice(CONTRACT_PATH_PREFIX.length));
  } catch {
    return sendProblem(res, 404, 'Not found', 'no such contract');
  }
  if (!objectKey.startsWith(CONTRACT_PREFIX) || !isSafeObjectKey(objectKey)) return sendProblem(res, 404, 'Not found', 'no such contract');
  const expires = Number(url.searchParams.get('expires'));
  const sig = url.searchParams.get('sig') ?? '';
  if (!Number.isInteger(expires) || !/^[0-9a-f]{64}$/.test(sig)) return sendProblem(res, 403, 'Forbidden', 'the contract link is not signed');
  const expected = Buffer.from(signContractLink(options.secret, objectKey, expires), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return sendProblem(res, 403, 'Forbidden', 'the contract link signature does not match');
  if (options.clock.now().getTime() >= expires * 1000) {
    return sendProblem(res, 403, 'Forbidden', `the contract link expired at ${new Date(expires * 1000).toISOString()}`);
  }
  const file = fileFor(options.dir, objectKey);
  if (!file || !existsSync(file)) return sendProblem(res, 404, 'Not found', 'no such contract');
  const body = readFileSync(file);
  const headers = {
    'content-type': CONTRACT_CONTENT_TYPE,
    'content-disposition': `inline; filename="contract-${objectKey.slice(objectKey.lastIndexOf('/') + 1)}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  };
  if (req.method === 'HEAD') {
    res.writeHead(200, { ...headers, 'content-length': String(body.length) });
    res.end();
    return;
  }
  send(res, 200, body, headers);
}

/** The file of an object key under `dir`, or undefined when the key would leave it. */
function fileFor(dir: string, objectKey: string): string | undefined {
  if (!isSafeObjectKey(objectKey)) return undefined;
  const root = resolve(dir);
  const target = resolve(root, objectKey);
  return target.startsWith(root + sep) ? target : undefined;
}

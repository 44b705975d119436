// CloudFormation's side of a custom resource, for running CDK's provider framework locally: the framework answers
// the pre-signed ResponseURL of the event with an HTTPS PUT (to port 443, whatever the URL says). This stands in for
// that endpoint with a certificate made for the test, which the functions are told to trust.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CloudFormationResponses {
  /** A ResponseURL for an event: https://127.0.0.1/<id>. */
  responseUrl(id: string): string;
  /** The certificate to trust (PEM). */
  certificate: string;
  /** The responses received, by the URL's path id. */
  received: Map<string, { Status: string; Reason?: string; PhysicalResourceId?: string; Data?: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startCloudFormationResponses(): Promise<CloudFormationResponses> {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-response-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], {
    stdio: 'ignore',
  });
  const certificate = readFileSync(cert, 'utf8');
  const received: CloudFormationResponses['received'] = new Map();
  const server: Server = createServer({ key: readFileSync(key), cert: certificate }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.set((req.url ?? '/').slice(1), JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end();
    });
  });
  // The framework always connects to port 443 (it drops the URL's port).
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EACCES' ? new Error('port 443 needs root (or CAP_NET_BIND_SERVICE): CDK\'s provider framework answers CloudFormation there') : error),
    );
    server.listen(443, '127.0.0.1', () => resolve());
  });
  rmSync(dir, { recursive: true, force: true });
  return {
    responseUrl: (id) => `https://127.0.0.1/${id}`,
    certificate,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

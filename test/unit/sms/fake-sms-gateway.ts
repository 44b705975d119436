// A real HTTP server on 127.0.0.1 (port 0) that plays the SMS gateway for the HTTP SMS adapter's tests: each incoming
// request takes the next scripted behaviour, or the default (202 accepted) when the script is empty. Every request
// is recorded with its headers and parsed body.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Behaviour {
  status?: number;
  /** A string is sent as is; anything else as JSON. A function gets the request's parsed body. */
  body?: string | Record<string, unknown> | ((request: RecordedRequest) => unknown);
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket without answering (a network error). */
  destroy?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeSmsGateway {
  /** Base URL, e.g. http://127.0.0.1:54321 */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: Behaviour[]): void;
  /** Forgets recorded requests and scripted behaviours. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeSmsGateway(): Promise<FakeSmsGateway> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const send = (response: ServerResponse, behaviour: Behaviour, recorded: RecordedRequest) => {
    if (response.destroyed) return;
    const raw = typeof behaviour.body === 'function' ? behaviour.body(recorded) : behaviour.body;
    const text = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    response.writeHead(behaviour.status ?? 202, { 'content-type': 'application/json', ...behaviour.headers });
    response.end(text);
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const recorded: RecordedRequest = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      requests.push(recorded);
      const behaviour: Behaviour = queue.shift() ?? { status: 202, body: { id: `SMS-${requests.length}`, status: 'accepted' } };
      if (behaviour.destroy) {
        request.socket.destroy();
        return;
      }
      if (behaviour.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(response, behaviour, recorded);
        }, behaviour.delayMs);
        timers.add(timer);
      } else {
        send(response, behaviour, recorded);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...behaviours) => {
      queue.push(...behaviours);
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

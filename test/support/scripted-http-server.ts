// A real HTTP server on 127.0.0.1 (port 0) that plays an outside system for an HTTP adapter's tests, and misbehaves on
// request: each incoming request takes the next scripted behaviour, or the fake's default answer when the script is
// empty. Every request is recorded with its headers and parsed JSON body. The bureau, core-bank and SMS-gateway fakes
// are this server with their own default answers.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

export interface Behaviour {
  /** Default: the fake's `defaultStatus`. */
  status?: number;
  /** A string is sent as is (bad JSON); anything else as JSON. A function gets the request. */
  body?: string | Record<string, unknown> | unknown[] | ((request: RecordedRequest) => unknown);
  headers?: Record<string, string>;
  /** Wait this long before sending the status line and headers. */
  delayMs?: number;
  /** Send headers at once, then wait this long before the body. */
  bodyDelayMs?: number;
  /** Destroy the socket without answering (a network error). */
  destroy?: boolean;
  /** Runs when the request arrives, before any delay (e.g. the bank books the transfer, then answers too late). */
  onReceive?: (request: RecordedRequest) => void;
}

export interface ScriptedServer {
  /** Base URL, e.g. http://127.0.0.1:54321 */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: Behaviour[]): void;
  /** Forgets recorded requests and scripted behaviours. */
  reset(): void;
  close(): Promise<void>;
}

export async function startScriptedServer(options: {
  /** The answer to a request when nothing is scripted; `count` is the requests received so far, this one included. */
  defaultAnswer: (request: RecordedRequest, count: number) => Behaviour;
  /** The status of a behaviour that names none. */
  defaultStatus: number;
}): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const send = (response: ServerResponse, behaviour: Behaviour, recorded: RecordedRequest) => {
    if (response.destroyed) return;
    const raw = typeof behaviour.body === 'function' ? behaviour.body(recorded) : behaviour.body;
    const text = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    response.writeHead(behaviour.status ?? options.defaultStatus, { 'content-type': 'application/json', ...behaviour.headers });
    if (behaviour.bodyDelayMs) {
      response.flushHeaders();
      later(behaviour.bodyDelayMs, () => {
        if (!response.destroyed) response.end(text);
      });
      return;
    }
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
      const behaviour = queue.shift() ?? options.defaultAnswer(recorded, requests.length);
      behaviour.onReceive?.(recorded);
      if (behaviour.destroy) {
        request.socket.destroy();
        return;
      }
      if (behaviour.delayMs) later(behaviour.delayMs, () => send(response, behaviour, recorded));
      else send(response, behaviour, recorded);
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

// A real HTTP server on 127.0.0.1 (port 0) that plays the credit bureau for the HTTP adapter's tests, and misbehaves
// on request: each incoming request takes the next scripted behaviour, or the default (a valid report) when the
// script is empty. Every request is recorded with its headers and parsed body.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireReport } from '../../../functions/adapters/bureau/http-bureau';

export interface Behaviour {
  status?: number;
  /** A string is sent as is (bad JSON); anything else as JSON. A function gets the request's parsed body. */
  body?: string | Record<string, unknown> | unknown[] | ((request: RecordedRequest) => unknown);
  headers?: Record<string, string>;
  /** Wait this long before sending the status line and headers. */
  delayMs?: number;
  /** Send headers at once, then wait this long before the body. */
  bodyDelayMs?: number;
  /** Destroy the socket without answering (a network error). */
  destroy?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeBureau {
  /** Base URL, e.g. http://127.0.0.1:54321 */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: Behaviour[]): void;
  /** Forgets recorded requests and scripted behaviours. */
  reset(): void;
  close(): Promise<void>;
}

/** A valid 200 body for a request, echoing its reference. */
export function wireReport(reference: string, overrides: Omit<Partial<WireReport>, 'file'> & { file?: Partial<WireReport['file']> } = {}): WireReport {
  const { file, ...rest } = overrides;
  return {
    report_id: `CRR-${reference}`,
    reference,
    file: {
      credit_history: 'PAID_DULY_TILL_NOW',
      open_credit_lines: 2,
      monthly_obligations: { amount_minor: 120_000, currency: 'CNY' },
      max_dpd_24m: 0,
      in_default: false,
      hard_inquiries_6m: 1,
      ...file,
    },
    alerts: [],
    score: { value: 712 },
    ...rest,
  };
}

const echoReport = (request: RecordedRequest) => wireReport(String(request.body.reference));

export async function startFakeBureau(): Promise<FakeBureau> {
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
    const raw = typeof behaviour.body === 'function' ? behaviour.body(recorded) : behaviour.body;
    const text = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    const headers = { 'content-type': 'application/json', ...behaviour.headers };
    if (response.destroyed) return;
    if (behaviour.bodyDelayMs) {
      response.writeHead(behaviour.status ?? 200, headers);
      response.flushHeaders();
      later(behaviour.bodyDelayMs, () => {
        if (!response.destroyed) response.end(text);
      });
      return;
    }
    response.writeHead(behaviour.status ?? 200, headers);
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
      const behaviour = queue.shift() ?? { status: 200, body: echoReport };
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

export { echoReport };

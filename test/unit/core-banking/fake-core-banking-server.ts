// A real HTTP server on 127.0.0.1 (port 0) that plays the core bank for the HTTP adapter's tests, and misbehaves on
// request: each incoming request takes the next scripted behaviour, or the default (a completed transfer that echoes the
// amount, one transfer id per idempotency key, a 409 replay for a key seen before) when the script is empty. Every
// request is recorded with its headers and parsed body.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WireTransfer } from '../../../functions/adapters/core-banking/http-core-banking';

export interface Behaviour {
  status?: number;
  /** A string is sent as is (bad JSON); anything else as JSON. A function gets the request. */
  body?: string | Record<string, unknown> | ((request: RecordedRequest) => unknown);
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the socket without answering (a network error). */
  destroy?: boolean;
  /** Runs when the request arrives, before any delay (e.g. the bank books the transfer, then answers too late). */
  onReceive?: (request: RecordedRequest) => void;
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
}

export interface FakeCoreBank {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Transfers the default behaviour has made, by idempotency key (what "paid once" means at the bank). */
  readonly transfers: Map<string, WireTransfer>;
  script(...behaviours: Behaviour[]): void;
  reset(): void;
  close(): Promise<void>;
}

export function wireTransfer(request: RecordedRequest, overrides: Partial<WireTransfer> = {}): WireTransfer {
  return {
    transfer_id: `TRF-${String(request.headers['idempotency-key'])}`,
    status: 'COMPLETED',
    completed_at: '2026-11-29T08:00:05Z',
    amount: { amount_minor: Number(request.body.amount?.amount_minor), currency: String(request.body.amount?.currency) },
    ...overrides,
  };
}

export async function startFakeCoreBank(): Promise<FakeCoreBank> {
  const requests: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  const transfers = new Map<string, WireTransfer>();
  const timers = new Set<NodeJS.Timeout>();

  /** A bank that keeps its promise: one transfer per key, the original replayed with 409 for a repeated key. */
  const honest = (request: RecordedRequest): Behaviour => {
    const key = String(request.headers['idempotency-key']);
    const earlier = transfers.get(key);
    if (earlier) return { status: 409, body: { error: 'already_processed', transfer: earlier } };
    const transfer = wireTransfer(request);
    transfers.set(key, transfer);
    return { status: 201, body: transfer as unknown as Record<string, unknown> };
  };

  const send = (response: ServerResponse, behaviour: Behaviour, recorded: RecordedRequest) => {
    if (response.destroyed) return;
    const raw = typeof behaviour.body === 'function' ? behaviour.body(recorded) : behaviour.body;
    const text = raw === undefined ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
    response.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...behaviour.headers });
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
      const behaviour = queue.shift() ?? honest(recorded);
      behaviour.onReceive?.(recorded);
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
      } else send(response, behaviour, recorded);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    transfers,
    script: (...behaviours) => {
      queue.push(...behaviours);
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      transfers.clear();
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The default (honest) behaviour, for scripts that misbehave first and then answer properly. */
export function honestAnswer(fake: FakeCoreBank): Behaviour {
  return {
    body: (request) => {
      const key = String(request.headers['idempotency-key']);
      const transfer = fake.transfers.get(key) ?? wireTransfer(request);
      fake.transfers.set(key, transfer);
      return transfer;
    },
  };
}

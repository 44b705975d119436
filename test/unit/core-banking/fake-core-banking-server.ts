// The core bank for the HTTP adapter's tests: a scripted HTTP server (test/support/scripted-http-server.ts) whose
// default answer is a completed transfer that echoes the amount, one transfer id per idempotency key, and a 409 replay
// for a key seen before.

import type { WireTransfer } from '../../../functions/adapters/core-banking/http-core-banking';
import { startScriptedServer, type Behaviour, type RecordedRequest, type ScriptedServer } from '../../support/scripted-http-server';

export type { Behaviour, RecordedRequest };

export interface FakeCoreBank extends ScriptedServer {
  /** Transfers the default behaviour has made, by idempotency key (what "paid once" means at the bank). */
  readonly transfers: Map<string, WireTransfer>;
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
  const transfers = new Map<string, WireTransfer>();

  /** A bank that keeps its promise: one transfer per key, the original replayed with 409 for a repeated key. */
  const honest = (request: RecordedRequest): Behaviour => {
    if (request.method === 'GET') {
      // GET /v1/transfers/{key}: the transfer made under that key, or 404.
      const found = transfers.get(decodeURIComponent(request.url.split('/').at(-1) ?? ''));
      return found ? { status: 200, body: found as unknown as Record<string, unknown> } : { status: 404, body: { error: 'not_found' } };
    }
    const key = String(request.headers['idempotency-key']);
    const earlier = transfers.get(key);
    if (earlier) return { status: 409, body: { error: 'already_processed', transfer: earlier } };
    const transfer = wireTransfer(request);
    transfers.set(key, transfer);
    return { status: 201, body: transfer as unknown as Record<string, unknown> };
  };

  const server = await startScriptedServer({ defaultStatus: 200, defaultAnswer: honest });
  return {
    url: server.url,
    requests: server.requests,
    transfers,
    script: server.script,
    reset: () => {
      server.reset();
      transfers.clear();
    },
    close: server.close,
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

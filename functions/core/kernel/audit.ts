// The audit trail: an append-only list of events per application, each carrying the hash of the one before, so
// that editing or removing an event anywhere breaks the chain from there on (PRODUCT.md §1, §2.11).

import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export interface AuditEntry {
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

export interface AuditEvent extends AuditEntry {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

/** Where the chain of an application ends: stored on the application so appends need no extra read. */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function eventHash(prevHash: string, event: Omit<AuditEvent, 'hash' | 'prevHash'>): string {
  const body = canonicalJson({ seq: event.seq, at: event.at, actor: event.actor, action: event.action, details: event.details });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** The events that append `entries` after `head`, and the new head. */
export function chain(head: AuditHead | undefined, at: string, entries: readonly AuditEntry[]): { events: AuditEvent[]; head: AuditHead } {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const events = entries.map((entry) => {
    seq += 1;
    const base = { seq, at, actor: entry.actor, action: entry.action, details: entry.details };
    const event: AuditEvent = { ...base, prevHash, hash: eventHash(prevHash, base) };
    prevHash = event.hash;
    return event;
  });
  return { events, head: { seq, hash: prevHash } };
}

/** True when the events are numbered 1…n without gaps and every hash matches its content and predecessor. */
export function verifyChain(events: readonly AuditEvent[]): boolean {
  let prevHash = GENESIS_HASH;
  return events.every((event, index) => {
    const ok = event.seq === index + 1 && event.prevHash === prevHash && event.hash === eventHash(prevHash, event);
    prevHash = event.hash;
    return ok;
  });
}

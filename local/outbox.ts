// Where the local stack's "SNS" messages go: every publish is recorded, kept in memory and appended to a JSON-lines file
// so it survives restarts, and shown at /_local/outbox (JSON) and /_local/outbox.html.

import { randomUUID } from 'node:crypto';
import type { Clock, Notification, Notifier } from '../functions/core/kernel/ports';
import { appendJsonLine, readJsonLines } from './files';

export interface OutboxMessage {
  id: string;
  at: string;
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  body: string;
  attributes: Record<string, string>;
  topic: Notification['topic'];
}

/**
 * Who receives a notification. In AWS the review and ops topics fan out to their subscriptions (reviewers are routed by
 * a filter policy on `reviewerId`); locally a resolver plays that part. The default uses placeholders.
 */
export type RecipientResolver = (notification: Notification) => Promise<string[]> | string[];

export const defaultRecipients: RecipientResolver = (notification) => {
  switch (notification.topic) {
    case 'applicant':
      return [notification.to ?? 'applicant@local'];
    case 'review':
      return [notification.attributes?.reviewerEmail ?? 'reviewers@local'];
    case 'ops':
      return ['ops@local'];
  }
};

export class LocalOutbox implements Notifier {
  private readonly messages: OutboxMessage[];

  constructor(
    private readonly clock: Clock,
    /** JSON-lines file; without it messages live in memory only. */
    private readonly file?: string,
    private readonly recipients: RecipientResolver = defaultRecipients,
  ) {
    this.messages = file ? readJsonLines<OutboxMessage>(file) : [];
  }

  async publish(notification: Notification): Promise<void> {
    const at = this.clock.now().toISOString();
    for (const to of await this.recipients(notification)) {
      const message: OutboxMessage = {
        id: randomUUID(),
        at,
        channel: channelOf(notification, to),
        to,
        subject: notification.subject,
        body: notification.body,
        attributes: { ...(notification.attributes ?? {}) },
        topic: notification.topic,
      };
      this.messages.push(message);
      if (this.file) appendJsonLine(this.file, message);
    }
  }

  /** Oldest first; `to` filters by recipient (case-insensitive). */
  list(filter: { to?: string } = {}): OutboxMessage[] {
    const to = filter.to?.toLowerCase();
    return this.messages.filter((message) => to === undefined || message.to.toLowerCase() === to);
  }
}

function channelOf(notification: Notification, to: string): 'email' | 'sms' {
  if (notification.topic !== 'applicant') return 'email';
  if (notification.channel) return notification.channel;
  return /^\+?[0-9][0-9 -]{5,}$/.test(to) ? 'sms' : 'email';
}

/** The outbox as a page, newest first. Every value is escaped; only http(s) URLs become links. */
export function renderOutboxHtml(messages: readonly OutboxMessage[], filter: { to?: string } = {}): string {
  const rows = [...messages]
    .reverse()
    .map(
      (m) => `<article>
  <header><strong>${escapeHtml(m.subject)}</strong></header>
  <dl>
    <dt>to</dt><dd>${escapeHtml(m.to)} (${escapeHtml(m.channel)}, topic ${escapeHtml(m.topic)})</dd>
    <dt>at</dt><dd><time>${escapeHtml(m.at)}</time></dd>
    <dt>id</dt><dd><code>${escapeHtml(m.id)}</code></dd>
    ${Object.keys(m.attributes).length > 0 ? `<dt>attributes</dt><dd><code>${escapeHtml(JSON.stringify(m.attributes))}</code></dd>` : ''}
  </dl>
  <pre>${linkify(m.body)}</pre>
</article>`,
    )
    .join('\n');
  const title = filter.to ? `Outbox for ${escapeHtml(filter.to)}` : 'Outbox';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; }
  article { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem 1rem; margin-bottom: 1rem; }
  dl { display: grid; grid-template-columns: 6rem 1fr; margin: 0.5rem 0; }
  dt { color: #666; }
  dd { margin: 0; }
  pre { white-space: pre-wrap; background: #f6f6f6; padding: 0.5rem; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>${messages.length} message${messages.length === 1 ? '' : 's'}, newest first.</p>
${rows || '<p>No messages yet.</p>'}
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function linkify(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    const url = match[0];
    html += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml, LocalOutbox, renderOutboxHtml } from '../../../local/outbox';

const clock = { now: () => new Date('2026-05-01T08:00:00Z') };

describe('local outbox', () => {
  it('records every publish with channel, recipient, subject, body, attributes and topic', async () => {
    const outbox = new LocalOutbox(clock);
    await outbox.publish({ topic: 'applicant', to: 'li.wei@example.com', channel: 'email', subject: 'Received', body: 'We got it', attributes: { applicationId: 'A1' } });
    await outbox.publish({ topic: 'applicant', to: '+8613800138000', subject: 'Received', body: 'SMS text' });
    await outbox.publish({ topic: 'ops', subject: 'Pipeline failed', body: 'A1 failed' });
    await outbox.publish({ topic: 'review', subject: 'Please review', body: 'A1', attributes: { reviewerId: 'r1' } });

    const messages = outbox.list();
    expect(messages).toHaveLength(4);
    expect(messages[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: '2026-05-01T08:00:00.000Z',
      channel: 'email',
      to: 'li.wei@example.com',
      subject: 'Received',
      body: 'We got it',
      attributes: { applicationId: 'A1' },
      topic: 'applicant',
    });
    expect(messages[1]).toMatchObject({ channel: 'sms', to: '+8613800138000' });
    expect(messages[2]).toMatchObject({ channel: 'email', to: 'ops@local', topic: 'ops' });
    expect(messages[3]).toMatchObject({ channel: 'email', to: 'reviewers@local', topic: 'review' });
    expect(new Set(messages.map((m) => m.id)).size).toBe(4);
  });

  it('filters by recipient, ignoring case', async () => {
    const outbox = new LocalOutbox(clock);
    await outbox.publish({ topic: 'applicant', to: 'Li.Wei@example.com', subject: 'one', body: '' });
    await outbox.publish({ topic: 'applicant', to: 'bob@example.com', subject: 'two', body: '' });
    await outbox.publish({ topic: 'applicant', to: 'li.wei@example.com', subject: 'three', body: '' });
    expect(outbox.list({ to: 'li.wei@EXAMPLE.com' }).map((m) => m.subject)).toEqual(['one', 'three']);
    expect(outbox.list({ to: 'nobody@example.com' })).toEqual([]);
  });

  it('sends to every subscriber a resolver names (a topic fan-out)', async () => {
    const outbox = new LocalOutbox(clock, undefined, () => ['r1@example.com', 'r2@example.com']);
    await outbox.publish({ topic: 'review', subject: 'Please review', body: '' });
    expect(outbox.list().map((m) => m.to)).toEqual(['r1@example.com', 'r2@example.com']);
  });

  it('survives a restart through its JSON-lines file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl');
    await new LocalOutbox(clock, file).publish({ topic: 'ops', subject: 'kept', body: 'across restarts' });
    const reopened = new LocalOutbox(clock, file);
    expect(reopened.list().map((m) => m.subject)).toEqual(['kept']);
    await reopened.publish({ topic: 'ops', subject: 'second', body: '' });
    expect(new LocalOutbox(clock, file).list()).toHaveLength(2);
  });
});

describe('outbox page', () => {
  it('escapes every value, so a message cannot inject markup', async () => {
    const outbox = new LocalOutbox(clock);
    await outbox.publish({
      topic: 'applicant',
      to: '"><img src=x onerror=alert(1)>@example.com',
      subject: '<script>alert("s")</script>',
      body: "Tom & Jerry's <b>offer</b>",
      attributes: { note: '</code><script>x</script>' },
    });
    const html = renderOutboxHtml(outbox.list(), { to: '<i>x</i>' });
    expect(html).not.toMatch(/<script>|<img|<b>|<\/code><script>|<i>x/);
    expect(html).toContain('&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;');
    expect(html).toContain('Tom &amp; Jerry&#39;s &lt;b&gt;offer&lt;/b&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@example.com');
    expect(html).toContain('Outbox for &lt;i&gt;x&lt;/i&gt;');
  });

  it('turns http(s) links in a body into links, and nothing else', async () => {
    const outbox = new LocalOutbox(clock);
    await outbox.publish({
      topic: 'review',
      subject: 'Review',
      body: 'Open http://localhost:3000/v1/reviews/R1?sig=a&b=c" onclick="x or javascript:alert(1)',
    });
    const html = renderOutboxHtml(outbox.list());
    expect(html).toContain('<a href="http://localhost:3000/v1/reviews/R1?sig=a&amp;b=c">http://localhost:3000/v1/reviews/R1?sig=a&amp;b=c</a>');
    expect(html).toContain('&quot; onclick=&quot;x or javascript:alert(1)');
    expect(html.match(/<a /g)).toHaveLength(1);
  });

  it('lists newest first and says when empty', async () => {
    const outbox = new LocalOutbox(clock);
    expect(renderOutboxHtml([])).toContain('No messages yet.');
    await outbox.publish({ topic: 'ops', subject: 'older-message', body: '' });
    await outbox.publish({ topic: 'ops', subject: 'newer-message', body: '' });
    const html = renderOutboxHtml(outbox.list());
    expect(html.indexOf('newer-message')).toBeGreaterThan(0);
    expect(html.indexOf('newer-message')).toBeLessThan(html.indexOf('older-message'));
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

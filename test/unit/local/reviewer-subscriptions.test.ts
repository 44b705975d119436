import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRecipients, LocalOutbox } from '../../../local/outbox';
import { LocalReviewerSubscriptions } from '../../../local/reviewer-subscriptions';
import type { Reviewer } from '../../../functions/core/review/reviews';

const clock = { now: () => new Date('2026-05-01T08:00:00Z') };
const reviewer = (reviewerId: string, email: string): Reviewer => ({
  reviewerId, email, name: reviewerId, level: 1, language: 'en', active: true, openReviews: 0, createdAt: '2026-05-01T00:00:00Z',
});

describe('local reviewer subscriptions', () => {
  it('route a review email to the subscriber whose filter policy matches its reviewerId, as SNS does; they survive a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'subscriptions-')), 'subscriptions.jsonl');
    const subscriptions = new LocalReviewerSubscriptions(file);
    const { subscriptionArn } = await subscriptions.subscribe(reviewer('R1', 'wang.fang@lender.example'));
    await subscriptions.subscribe(reviewer('R2', 'li.na@lender.example'));
    expect(subscriptionArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:microloan-local-review:[0-9a-f-]{36}$/);
    expect(new LocalReviewerSubscriptions(file).list()).toHaveLength(2);

    const outbox = new LocalOutbox(clock, undefined, (notification) => {
      const subscribed = notification.topic === 'review' ? subscriptions.recipients(notification) : [];
      return subscribed.length > 0 ? subscribed : defaultRecipients(notification);
    });
    await outbox.publish({ topic: 'review', channel: 'email', to: 'ignored@topic.example', subject: 'Review', body: 'link', attributes: { reviewerId: 'R2' } });
    await outbox.publish({ topic: 'review', subject: 'Nobody', body: '', attributes: { reviewerId: 'R9' } });
    expect(outbox.list().map((m) => m.to)).toEqual(['li.na@lender.example', 'reviewers@local']);
  });
});

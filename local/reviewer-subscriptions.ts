// The review topic's subscriptions, locally: each reviewer added through POST /v1/reviewers is recorded with the filter
// policy the SNS adapter would set, kept in a JSON-lines file so it survives restarts. The outbox asks it who receives a
// review message, matching the message attributes against the filter policies as SNS does, so a review email shows
// up addressed to the chosen reviewer's email, and to nobody else.

import { randomUUID } from 'node:crypto';
import type { Notification } from '../functions/core/kernel/ports';
import type { Reviewer, ReviewerSubscriptions } from '../functions/core/review/reviews';
import { reviewerFilterPolicy } from '../functions/adapters/aws/sns-reviewer-subscriptions';
import { appendJsonLine, readJsonLines } from './files';

export interface LocalSubscription {
  subscriptionArn: string;
  protocol: 'email';
  endpoint: string;
  filterPolicy: Record<string, string[]>;
  reviewerId: string;
  at: string;
}

export const LOCAL_REVIEW_TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:microloan-local-review';

export class LocalReviewerSubscriptions implements ReviewerSubscriptions {
  private readonly subscriptions: LocalSubscription[];

  constructor(private readonly file?: string) {
    this.subscriptions = file ? readJsonLines<LocalSubscription>(file) : [];
  }

  async subscribe(reviewer: Reviewer): Promise<{ subscriptionArn: string }> {
    return this.record({ endpoint: reviewer.email, filterPolicy: reviewerFilterPolicy(reviewer.reviewerId) });
  }

  /** An e-mail subscription with its filter policy, as SNS Subscribe makes one (the deployed form calls SNS). */
  async record(input: { endpoint: string; filterPolicy: Record<string, string[]> }): Promise<{ subscriptionArn: string }> {
    const subscription: LocalSubscription = {
      subscriptionArn: `${LOCAL_REVIEW_TOPIC_ARN}:${randomUUID()}`,
      protocol: 'email',
      endpoint: input.endpoint,
      filterPolicy: input.filterPolicy,
      reviewerId: input.filterPolicy.reviewerId?.[0] ?? '',
      at: new Date().toISOString(),
    };
    this.subscriptions.push(subscription);
    if (this.file) appendJsonLine(this.file, subscription);
    return { subscriptionArn: subscription.subscriptionArn };
  }

  list(): readonly LocalSubscription[] {
    return this.subscriptions;
  }

  /** The endpoints whose filter policy the message attributes satisfy (every key present with a listed value). */
  recipients(notification: Notification): string[] {
    const attributes = notification.attributes ?? {};
    const matched = this.subscriptions.filter((subscription) =>
      Object.entries(subscription.filterPolicy).every(([name, values]) => attributes[name] !== undefined && values.includes(attributes[name]!)),
    );
    return [...new Set(matched.map((subscription) => subscription.endpoint))];
  }
}

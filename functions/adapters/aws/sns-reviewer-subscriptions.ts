// Reviewer emails on the review topic: one email subscription per reviewer, with a filter policy on the `reviewerId`
// message attribute, so each review email (published with that attribute) reaches only the chosen reviewer.
// SNS sends the reviewer a confirmation email first; messages reach them once they confirm.

import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Reviewer, ReviewerSubscriptions } from '../../core/review/reviews';

/** The filter policy of a reviewer's subscription (matched against the message attributes). */
export function reviewerFilterPolicy(reviewerId: string): { reviewerId: string[] } {
  return { reviewerId: [reviewerId] };
}

export function createSnsReviewerSubscriptions(client: SNSClient, reviewTopicArn: string): ReviewerSubscriptions {
  return {
    async subscribe(reviewer: Reviewer) {
      const result = await client.send(
        new SubscribeCommand({
          TopicArn: reviewTopicArn,
          Protocol: 'email',
          Endpoint: reviewer.email,
          Attributes: {
            FilterPolicy: JSON.stringify(reviewerFilterPolicy(reviewer.reviewerId)),
            FilterPolicyScope: 'MessageAttributes',
          },
          // Otherwise an email subscription answers "pending confirmation" instead of its ARN.
          ReturnSubscriptionArn: true,
        }),
      );
      if (!result.SubscriptionArn) throw new Error(`SNS returned no subscription ARN for reviewer ${reviewer.reviewerId}`);
      return { subscriptionArn: result.SubscriptionArn };
    },
  };
}

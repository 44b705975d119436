// Notifications over SNS. Applicant SMS go straight to the phone number; emails and staff messages go to a topic
// whose subscriptions (with filter policies on the message attributes) decide who receives them.

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier } from '../../core/kernel/ports';

export interface TopicArns {
  applicant: string;
  review: string;
  ops: string;
}

export function createSnsNotifier(client: SNSClient, topics: Partial<TopicArns>): Notifier {
  return {
    async publish(notification: Notification) {
      const attributes = Object.fromEntries(
        Object.entries({ ...notification.attributes, ...(notification.channel ? { channel: notification.channel } : {}) }).map(
          ([name, value]) => [name, { DataType: 'String', StringValue: value }],
        ),
      );
      if (notification.channel === 'sms' && notification.to) {
        await client.send(new PublishCommand({ PhoneNumber: notification.to, Message: notification.body, MessageAttributes: attributes }));
        return;
      }
      const topicArn = topics[notification.topic];
      if (!topicArn) throw new Error(`no topic configured for ${notification.topic} notifications`);
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: notification.subject.slice(0, 100),
          Message: notification.body,
          MessageAttributes: attributes,
        }),
      );
    },
  };
}

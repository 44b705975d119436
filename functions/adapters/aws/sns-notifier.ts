// Notifications over SNS. Applicant SMS go straight to the phone number; emails and staff messages go to a topic
// whose subscriptions (with filter policies on the message attributes) decide who receives them.

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notification, Notifier } from '../../core/kernel/ports';

export interface TopicArns {
  applicant: string;
  review: string;
  ops: string;
}

export interface SnsNotifierOptions {
  /** Whether this function may send SMS straight to a phone number (it is bound to applicant messages). */
  sms: boolean;
}

export function createSnsNotifier(client: SNSClient, topics: Partial<TopicArns>, options: SnsNotifierOptions): Notifier {
  return {
    async publish(notification: Notification) {
      const attributes = Object.fromEntries(
        Object.entries({ ...notification.attributes, ...(notification.channel ? { channel: notification.channel } : {}) }).map(
          ([name, value]) => [name, { DataType: 'String', StringValue: value }],
        ),
      );
      if (notification.channel === 'sms' && notification.to) {
        if (!options.sms) throw new Error('this function is not bound to send SMS to applicants');
        await client.send(new PublishCommand({ PhoneNumber: notification.to, Message: notification.body, MessageAttributes: attributes }));
        return;
      }
      const topicArn = topics[notification.topic];
      if (!topicArn) throw new Error(`this function is not bound to the ${notification.topic} topic`);
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

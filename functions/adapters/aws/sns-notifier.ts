// Notifications over SNS. Applicant SMS go straight to the phone number; emails and staff messages go to a topic
// whose subscriptions (with filter policies on the message attributes) decide who receives them. An applicant e-mail
// carries its address in the `recipient` attribute, for the e-mail gateway (SES, a provider) subscribed to the topic.

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
      const attributes: Record<string, { DataType: 'String'; StringValue: string }> = Object.fromEntries(
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
      // An applicant e-mail names its recipient: the e-mail gateway subscribed to the applicant topic sends it there.
      if (notification.to) attributes.recipient = { DataType: 'String', StringValue: notification.to };
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          // SNS takes a subject of less than 100 characters, without line breaks.
          Subject: [...notification.subject.replace(/[\r\n]+/g, ' ')].slice(0, 99).join(''),
          Message: notification.body,
          MessageAttributes: attributes,
        }),
      );
    },
  };
}

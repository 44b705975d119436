import { SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { createSnsReviewerSubscriptions } from '../../../functions/adapters/aws/sns-reviewer-subscriptions';

describe('SNS reviewer subscriptions', () => {
  it('subscribes the email with a filter policy on the reviewerId and returns the subscription ARN', async () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: unknown) => {
        sent.push(command);
        return { SubscriptionArn: 'arn:aws-cn:sns:cn-north-1:123456789012:review:abc' };
      },
    } as unknown as SNSClient;
    const topic = 'arn:aws-cn:sns:cn-north-1:123456789012:review';
    const result = await createSnsReviewerSubscriptions(client, topic).subscribe({
      reviewerId: '01REVIEWER', email: 'wang.fang@lender.example', name: 'Wang Fang', level: 1, language: 'zh-CN', active: true, openReviews: 0, createdAt: '2026-01-01T00:00:00Z',
    });
    expect(result).toEqual({ subscriptionArn: 'arn:aws-cn:sns:cn-north-1:123456789012:review:abc' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(SubscribeCommand);
    expect((sent[0] as SubscribeCommand).input).toEqual({
      TopicArn: topic,
      Protocol: 'email',
      Endpoint: 'wang.fang@lender.example',
      Attributes: { FilterPolicy: '{"reviewerId":["01REVIEWER"]}', FilterPolicyScope: 'MessageAttributes' },
      ReturnSubscriptionArn: true,
    });
  });
});

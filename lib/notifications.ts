// The SNS topics: messages to applicants, review requests to reviewers (one e-mail subscription per reviewer, routed
// by a filter policy on reviewerId, added by the reviewers API) and operations alerts.

import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { HouseFunction } from './house-function';
import { Construct } from 'constructs';
import { grantKeyViaService } from './key-grants';
import { acknowledge } from './nag';

/**
 * How applicant SMS are sent (context `microloan:smsProvider`): straight through SNS, or, where SNS sends no SMS (the
 * AWS China regions), through a domestic SMS provider's HTTP API (functions/adapters/sms/http-sms-provider.ts).
 */
export type SmsProviderSettings =
  | { readonly provider: 'sns' }
  | {
      readonly provider: 'http';
      /** The provider's API base URL (https). */
      readonly baseUrl: string;
      /** The complete ARN of the Secrets Manager secret holding the provider's API key. */
      readonly apiKeySecretArn: string;
    };

export interface NotificationsProps {
  /** Encrypts every topic. */
  readonly key: IKey;
  /** Subscribed to the operations topic when non-empty (context `microloan:opsEmail`). */
  readonly opsEmail?: string;
  /** @default SMS through SNS */
  readonly sms?: SmsProviderSettings;
}

export class Notifications extends Construct {
  public readonly applicantTopic: Topic;
  public readonly reviewTopic: Topic;
  public readonly opsTopic: Topic;
  /** The SMS provider's API key, when SMS go through an SMS provider (`microloan:smsProvider` = `http`). */
  public readonly smsProviderApiKey?: ISecret;
  private readonly key: IKey;
  private readonly sms: SmsProviderSettings;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.key = props.key;
    this.sms = props.sms ?? { provider: 'sns' };
    if (this.sms.provider === 'http') {
      if (!this.sms.baseUrl) throw new Error('microloan:smsProviderBaseUrl is required with microloan:smsProvider=http');
      if (!this.sms.apiKeySecretArn) throw new Error('microloan:smsProviderApiKeySecretArn is required with microloan:smsProvider=http');
      this.smsProviderApiKey = Secret.fromSecretCompleteArn(this, 'SmsProviderApiKey', this.sms.apiKeySecretArn);
    }
    const topic = (topicId: string, displayName: string) =>
      new Topic(this, topicId, { displayName, masterKey: props.key, enforceSSL: true });

    this.applicantTopic = topic('ApplicantTopic', 'Microloan applicant notifications');
    this.reviewTopic = topic('ReviewTopic', 'Microloan review requests');
    this.opsTopic = topic('OpsTopic', 'Microloan operations alerts');

    const opsEmail = props.opsEmail?.trim();
    if (opsEmail) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opsEmail)) throw new Error(`microloan:opsEmail is not an e-mail address: '${opsEmail}'`);
      this.opsTopic.addSubscription(new EmailSubscription(opsEmail));
    }
  }

  /**
   * Lets `fn` send applicant messages: e-mail through the applicant topic (APPLICANT_TOPIC_ARN) and SMS either
   * straight to a phone number through SNS, which SNS allows only with sns:Publish on "*" (a phone number is no
   * resource), or, with an SMS provider, through its API (SMS_PROVIDER_BASE_URL, the key from
   * SMS_PROVIDER_API_KEY_SECRET_ARN) and then without sns:Publish on "*".
   */
  public grantApplicantMessages(fn: HouseFunction): void {
    fn.setConfig('APPLICANT_TOPIC_ARN', this.applicantTopic.topicArn);
    this.grantPublish(this.applicantTopic, fn);
    if (this.sms.provider === 'http') {
      fn.setConfig('SMS_PROVIDER_BASE_URL', this.sms.baseUrl);
      fn.setConfig('SMS_PROVIDER_API_KEY_SECRET_ARN', this.sms.apiKeySecretArn);
      this.smsProviderApiKey!.grantRead(fn);
      return;
    }
    fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'], conditions: { Bool: { 'aws:SecureTransport': 'true' } } }));
    acknowledge(
      fn.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'sns:Publish to a phone number (SMS to the applicant) has no resource to name, so SNS requires "*"; X-Ray PutTraceSegments/PutTelemetryRecords likewise support no resource-level permissions.',
    );
  }

  /**
   * Lets `grantee` publish to `topic`: sns:Publish on the topic, and kms:GenerateDataKey + kms:Decrypt on the data
   * key through SNS, which encrypts the message with it on the publisher's behalf (topic.grantPublish grants only
   * the former).
   */
  public grantPublish(topic: Topic, grantee: IGrantable): void {
    topic.grantPublish(grantee);
    grantKeyViaService(this.key, grantee, 'sns', 'kms:GenerateDataKey', 'kms:Decrypt');
  }
}

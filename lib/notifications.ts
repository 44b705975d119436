// The SNS topics: messages to applicants, review requests to reviewers (one e-mail subscription per reviewer, routed
// by a filter policy on reviewerId, added by the reviewers API) and operations alerts.

import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { HouseFunction } from './house-function';
import { Construct } from 'constructs';
import { grantKeyViaService } from './key-grants';
import { acknowledge } from './nag';

export interface NotificationsProps {
  /** Encrypts every topic. */
  readonly key: IKey;
  /** Subscribed to the operations topic when non-empty (context `microloan:opsEmail`). */
  readonly opsEmail?: string;
}

export class Notifications extends Construct {
  public readonly applicantTopic: Topic;
  public readonly reviewTopic: Topic;
  public readonly opsTopic: Topic;
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.key = props.key;
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
   * Lets `fn` send applicant messages: e-mail through the applicant topic (APPLICANT_TOPIC_ARN) and SMS straight to
   * a phone number, which SNS allows only with sns:Publish on "*" (a phone number is no resource).
   */
  public grantApplicantMessages(fn: HouseFunction): void {
    fn.setConfig('APPLICANT_TOPIC_ARN', this.applicantTopic.topicArn);
    this.grantPublish(this.applicantTopic, fn);
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

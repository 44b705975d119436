// Handlers that EventBridge Scheduler runs on a clock: the review SLA check every 15 minutes (remind, escalate,
// expire). Locally `POST /_local/schedules/review-sla/run` runs the same handler.

import { CfnElement, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { Data } from './data';
import { HouseFunction } from './house-function';
import type { Notifications } from './notifications';
import type { Pipeline } from './pipeline';
import { acknowledge, nagRef } from './nag';

export interface SchedulesProps {
  readonly table: Table;
  readonly data: Data;
  readonly notifications: Notifications;
  readonly pipeline: Pipeline;
  readonly logRemovalPolicy: RemovalPolicy;
}

export class Schedules extends Construct {
  public readonly reviewSlaFunction: HouseFunction;
  public readonly reviewSlaSchedule: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);

    this.reviewSlaFunction = new HouseFunction(this, 'ReviewSlaFunction', {
      handlerName: 'review-sla',
      description: 'every 15 minutes: remind, escalate and expire reviews past their SLA',
      timeout: Duration.seconds(60),
      logRemovalPolicy: props.logRemovalPolicy,
    })
      .bindTable(props.table, 'readWrite')
      .setConfig('REVIEW_TOPIC_ARN', props.notifications.reviewTopic.topicArn)
      .setConfig('OPS_TOPIC_ARN', props.notifications.opsTopic.topicArn);
    props.notifications.grantPublish(props.notifications.reviewTopic, this.reviewSlaFunction);
    props.notifications.grantPublish(props.notifications.opsTopic, this.reviewSlaFunction);
    props.data.grantReviewLinkSecretRead(this.reviewSlaFunction);
    props.pipeline.grantTaskResponse(this.reviewSlaFunction);

    // The scheduler's own role, so that its one grant (invoke this function) is visible and acknowledged here.
    const schedulerRole = new Role(this, 'ReviewSlaSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invokes the review SLA check',
    });
    this.reviewSlaSchedule = new Schedule(this, 'ReviewSlaSchedule', {
      description: 'review SLA check (PRODUCT.md 2.5): remind after the policy remind time, escalate, expire',
      schedule: ScheduleExpression.rate(Duration.minutes(15)),
      target: new LambdaInvoke(this.reviewSlaFunction, { role: schedulerRole, retryAttempts: 2, maxEventAge: Duration.minutes(10) }),
    });
    acknowledge(
      schedulerRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.reviewSlaFunction.node.defaultChild as CfnElement, 'Arn')}:*]`,
      'lambda:InvokeFunction on the review SLA function and its versions (CDK grantInvoke adds the :* form); no other function.',
    );
  }
}

// Handlers that EventBridge Scheduler runs on a clock: the review SLA check every 15 minutes (remind, escalate,
// expire) and the overdue scan daily in the lender's time zone (late fees, buckets, early warning, reminders; again at
// 08:00 to send the SMS that quiet hours held back). Locally `POST /_local/schedules/{name}/run` runs the same handlers.

import { CfnElement, Duration, Stack, TimeZone, type RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { acknowledge, nagRef } from './nag';

export interface SchedulesProps {
  readonly logRemovalPolicy: RemovalPolicy;
  /** The lender's IANA time zone: the overdue scan runs at fixed local times. */
  readonly timeZone: string;
}

/** The overdue scan's local run times: the day's accounting just after midnight, the held-back SMS at 08:00. */
export const OVERDUE_SCAN_TIMES = [
  { id: 'OverdueScanNightlySchedule', hour: '0', minute: '15', what: 'late fees, buckets, early warning and e-mail reminders of the day' },
  { id: 'OverdueScanMorningSchedule', hour: '8', minute: '0', what: 'the SMS reminders that quiet hours (21:00–08:00) held back' },
] as const;

export class Schedules extends Construct {
  public readonly reviewSlaFunction: HouseFunction;
  public readonly reviewSlaSchedule: Schedule;
  public readonly overdueScanFunction: HouseFunction;
  public readonly overdueScanSchedules: Schedule[];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);

    this.reviewSlaFunction = new HouseFunction(this, 'ReviewSlaFunction', {
      handlerName: 'review-sla',
      description: 'every 15 minutes: remind, escalate and expire reviews past their SLA',
      timeout: Duration.seconds(60),
      logRemovalPolicy: props.logRemovalPolicy,
    });

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
    this.overdueScanFunction = this.createOverdueScan(props);
    this.overdueScanSchedules = this.scheduleOverdueScan(props);

    acknowledge(
      schedulerRole,
      `AwsSolutions-IAM5[Resource::${nagRef(this.reviewSlaFunction.node.defaultChild as CfnElement, 'Arn')}:*]`,
      'lambda:InvokeFunction on the review SLA function and its versions (CDK grantInvoke adds the :* form); no other function.',
    );
  }

  private createOverdueScan(props: SchedulesProps): HouseFunction {
    const stack = Stack.of(this);
    // A fixed name, so the function's policy can name the function itself (self-invoke to continue a long scan)
    // without a reference cycle between the function and its role's policy.
    const functionName = `${stack.stackName}-overdue-scan`;
    const fn = new HouseFunction(this, 'OverdueScanFunction', {
      handlerName: 'overdue-scan',
      functionName,
      description: "daily overdue scan: late fees, delinquency buckets, reminders, early warning (lender's time zone)",
      // Stops taking pages 60 s before the limit and continues in a fresh invocation.
      timeout: Duration.minutes(15),
      memorySize: 1024,
      logRemovalPolicy: props.logRemovalPolicy,
    });
    return fn;
  }

  private scheduleOverdueScan(props: SchedulesProps): Schedule[] {
    const role = new Role(this, 'OverdueScanSchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
      description: 'EventBridge Scheduler: invokes the overdue scan',
    });
    const schedules = OVERDUE_SCAN_TIMES.map(
      (time) =>
        new Schedule(this, time.id, {
          description: `overdue scan (PRODUCT.md 2.9) at ${time.hour.padStart(2, '0')}:${time.minute.padStart(2, '0')} ${props.timeZone}: ${time.what}`,
          schedule: ScheduleExpression.cron({ minute: time.minute, hour: time.hour, timeZone: TimeZone.of(props.timeZone) }),
          target: new LambdaInvoke(this.overdueScanFunction, { role, retryAttempts: 2, maxEventAge: Duration.hours(1) }),
        }),
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${nagRef(this.overdueScanFunction.node.defaultChild as CfnElement, 'Arn')}:*]`,
      'lambda:InvokeFunction on the overdue scan function and its versions (CDK grantInvoke adds the :* form); no other function.',
    );
    return schedules;
  }
}

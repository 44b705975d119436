// Operations: the CloudWatch dashboard `<stackName>-operations` (business metrics from the handlers, health metrics of
// the Lambdas, the pipeline, the table and the HTTP API) and the alarms, which notify the operations topic (e-mail
// from context microloan:opsEmail). Created last in the stack, from the parts it watches.

import { Aws, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  AlarmStatusWidget,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type GraphWidgetProps,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { GLOBAL_INDEXES } from '../functions/adapters/dynamodb/table-definition';
import { BUSINESS_METRIC_NAMES, type BusinessMetricName } from '../functions/core/kernel/ports';
import { COMMON_ENVIRONMENT, type HouseFunction } from './house-function';

/** The PAR30 alarm threshold when context microloan:par30AlarmThreshold is not set. */
export const DEFAULT_PAR30_ALARM_THRESHOLD = 0.05;

/** CloudWatch alarms on metric math may use at most 10 metrics: Lambda errors are summed in groups of this size. */
const MAX_METRICS_PER_ALARM = 10;

export interface ObservabilityProps {
  /** Every Lambda of the stack (errors, throttles, duration). */
  readonly functions: readonly HouseFunction[];
  /** The loan pipeline. */
  readonly stateMachine: IStateMachine;
  /** The single table. */
  readonly table: ITable;
  readonly httpApi: IHttpApi;
  /** Where the alarms go (operations e-mail). */
  readonly opsTopic: ITopic;
  /** The key that encrypts the ops topic: CloudWatch must be allowed to use it to publish there. */
  readonly topicKey: IKey;
  /** PAR30 above this fraction (0–1) raises the PAR30 alarm. @default 0.05 */
  readonly par30AlarmThreshold?: number;
}

export class Observability extends Construct {
  public readonly dashboard: Dashboard;
  /** Every alarm that notifies the ops topic, by purpose. */
  public readonly alarms: ReadonlyMap<string, IAlarm>;
  /** The business metrics' namespace and `service` dimension, as the Lambdas' environment sets them. */
  public readonly businessNamespace = COMMON_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE!;
  public readonly serviceName = COMMON_ENVIRONMENT.POWERTOOLS_SERVICE_NAME!;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    const par30Threshold = props.par30AlarmThreshold ?? DEFAULT_PAR30_ALARM_THRESHOLD;
    if (!(par30Threshold > 0 && par30Threshold < 1)) throw new Error(`par30AlarmThreshold must be between 0 and 1 (exclusive), got ${par30Threshold}`);
    if (props.functions.length === 0) throw new Error('observability needs the stack\'s functions, got none');

    this.allowCloudWatchToNotify(props.opsTopic, props.topicKey, stackName);
    const notify = new SnsAction(props.opsTopic);
    const alarms = new Map<string, IAlarm>();
    const five = Duration.minutes(5);
    const name = (purpose: string) => `${stackName}-${purpose}`;
    const standard = { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: TreatMissingData.NOT_BREACHING } as const;
    const add = <A extends Alarm | CompositeAlarm>(purpose: string, alarm: A, ok: boolean): A => {
      alarm.addAlarmAction(notify);
      if (ok) alarm.addOkAction(notify);
      alarms.set(purpose, alarm);
      return alarm;
    };

    // ---- Health alarms -------------------------------------------------------------------------------------------
    add(
      'pipeline-failed',
      props.stateMachine.metricFailed({ period: five, statistic: 'Sum' }).createAlarm(this, 'PipelineFailedAlarm', {
        ...standard,
        alarmName: name('pipeline-failed'),
        alarmDescription:
          'A loan pipeline execution failed (Step Functions ExecutionsFailed >= 1 in 5 minutes). Open the state machine, find the failed execution (its name is the application id), read the failed state\'s error and cause, fix the cause, and redrive the execution or record the application\'s outcome.',
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      true,
    );
    add(
      'pipeline-timed-out',
      props.stateMachine.metricTimedOut({ period: five, statistic: 'Sum' }).createAlarm(this, 'PipelineTimedOutAlarm', {
        ...standard,
        alarmName: name('pipeline-timed-out'),
        alarmDescription:
          'A loan pipeline execution timed out (Step Functions ExecutionsTimedOut >= 1 in 5 minutes). Find the execution (named by the application id), see which state it was waiting in (review, contract acceptance) and check that the application reached a final status; if not, conclude it by hand.',
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      true,
    );

    // Lambda errors over every function: metric math may sum at most 10 metrics per alarm, so the functions are summed
    // in groups whose alarms (no actions of their own) feed one composite alarm; as errors are whole counts, "some
    // group >= 1" is exactly "the sum over all functions >= 1".
    const groups: HouseFunction[][] = [];
    for (let i = 0; i < props.functions.length; i += MAX_METRICS_PER_ALARM) groups.push(props.functions.slice(i, i + MAX_METRICS_PER_ALARM));
    const groupAlarms = groups.map(
      (group, index) =>
        new Alarm(this, `LambdaErrorsAlarm${index + 1}`, {
          ...standard,
          alarmName: name(`lambda-errors-${index + 1}-of-${groups.length}`),
          alarmDescription: `Part ${index + 1} of ${groups.length} of the Lambda errors alarm (${group.map((fn) => fn.handlerName).join(', ')}); notifies through ${name('lambda-errors')}.`,
          metric: new MathExpression({
            expression: 'SUM(METRICS())',
            label: `Lambda errors (${index + 1}/${groups.length})`,
            period: five,
            usingMetrics: Object.fromEntries(group.map((fn, i) => [`e${i}`, fn.metricErrors({ period: five, statistic: 'Sum' })])),
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        }),
    );
    add(
      'lambda-errors',
      new CompositeAlarm(this, 'LambdaErrorsAlarm', {
        compositeAlarmName: name('lambda-errors'),
        alarmDescription:
          'A Lambda function failed (Errors summed over all functions >= 1 in 5 minutes). The Lambda errors graph of the operations dashboard shows which function; search its log group for level ERROR around that time, fix the cause; pipeline tasks are retried by the state machine, API callers got a 500 and may retry.',
        alarmRule: AlarmRule.anyOf(...groupAlarms.map((alarm) => AlarmRule.fromAlarm(alarm, AlarmState.ALARM))),
      }),
      true,
    );

    add(
      'api-5xx',
      props.httpApi.metricServerError({ period: five, statistic: 'Sum' }).createAlarm(this, 'Api5xxAlarm', {
        ...standard,
        alarmName: name('api-5xx'),
        alarmDescription:
          'The HTTP API answered 5 or more 5xx responses in 5 minutes. Check the Lambda errors and the API access log (status >= 500) for the route; a 503 with retry-after means a dependency was unavailable, a 500 is a bug to fix.',
        threshold: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      true,
    );

    const throttleEvents = this.tableThrottleEvents(props.table);
    add(
      'dynamodb-throttles',
      new Alarm(this, 'DynamoDbThrottlesAlarm', {
        ...standard,
        alarmName: name('dynamodb-throttles'),
        alarmDescription:
          'DynamoDB throttled reads or writes of the table or its indexes (ReadThrottleEvents + WriteThrottleEvents >= 1 in 5 minutes). Requests are retried by the SDK, but a lasting throttle means a hot partition or a burst above the on-demand limits: see which index and operation on the dashboard and spread the load.',
        metric: new MathExpression({ expression: 'SUM(METRICS())', label: 'DynamoDB throttle events', period: five, usingMetrics: throttleEvents }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      true,
    );

    // ---- Business alarms -----------------------------------------------------------------------------------------
    add(
      'review-sla-breaches',
      this.business('ReviewSlaBreaches', 'Sum', Duration.minutes(15)).createAlarm(this, 'ReviewSlaBreachesAlarm', {
        ...standard,
        alarmName: name('review-sla-breaches'),
        alarmDescription:
          'A review missed its SLA (ReviewSlaBreaches >= 1 in 15 minutes: escalated to another reviewer, escalation blocked for want of one, or expired). Open the staff review queue (GET /v1/reviews): ask the reviewers to decide overdue reviews, and add or activate reviewers of the level if escalations are blocked.',
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      false,
    );
    add(
      'par30',
      this.business('PAR30', 'Maximum', Duration.days(1)).createAlarm(this, 'Par30Alarm', {
        alarmName: name('par30'),
        alarmDescription: `Portfolio at risk over 30 days is above ${par30Threshold} (PAR30 > ${par30Threshold}: the share of outstanding principal more than 30 days past due). Review the loans in the 31+ day buckets with collections, and the decision policy and scorecard cut-offs with credit risk.`,
        threshold: par30Threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // A daily gauge: a day without a value (no scan yet) keeps the state instead of reporting "OK".
        treatMissingData: TreatMissingData.IGNORE,
      }),
      true,
    );
    add(
      'model-drift',
      new Alarm(this, 'ModelDriftAlarm', {
        alarmName: name('model-drift'),
        alarmDescription:
          "The scorecard's population moved away from its training data (ScorePsi or MaxInputPsi > 0.25 for a day: population stability index of the live score, or of a model input, against the training distribution). See GET /v1/reports/drift for which input moved, then have credit risk review the model and the policy's bands; retrain on recent outcomes if the shift persists.",
        metric: new MathExpression({
          expression: 'MAX([score, input])',
          label: 'largest PSI of the day',
          period: Duration.days(1),
          usingMetrics: { score: this.business('ScorePsi', 'Maximum', Duration.days(1)), input: this.business('MaxInputPsi', 'Maximum', Duration.days(1)) },
        }),
        threshold: 0.25,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // A daily gauge: a day without scoring keeps the state instead of reporting "OK".
        treatMissingData: TreatMissingData.IGNORE,
      }),
      true,
    );
    this.alarms = alarms;

    // ---- Dashboard -----------------------------------------------------------------------------------------------
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: name('operations') });
    const hour = Duration.hours(1);
    const day = Duration.days(1);
    const graph = (title: string, left: IMetric[], more: Partial<GraphWidgetProps> = {}) =>
      new GraphWidget({ title, left, width: 8, height: 6, ...more });
    const businessGraphs: { names: BusinessMetricName[]; widget: GraphWidget }[] = [];
    const businessGraph = (title: string, left: [BusinessMetricName, string][], right: [BusinessMetricName, string][] = [], period = hour, more: Partial<GraphWidgetProps> = {}) => {
      const metric = ([metricName, statistic]: [BusinessMetricName, string]) =>
        this.business(metricName, statistic, period, statistic === 'Sum' || statistic === 'Maximum' ? metricName : `${metricName} ${statistic}`);
      const widget = graph(title, left.map(metric), { ...(right.length > 0 ? { right: right.map(metric) } : {}), ...more });
      businessGraphs.push({ names: [...left, ...right].map(([metricName]) => metricName), widget });
      return widget;
    };

    businessGraph('Applications and decisions (per hour)', [
      ['ApplicationsSubmitted', 'Sum'],
      ['DecisionsAutoApproved', 'Sum'],
      ['DecisionsAutoDeclined', 'Sum'],
      ['DecisionsReviewApproved', 'Sum'],
      ['DecisionsReviewRejected', 'Sum'],
      ['DecisionsReviewExpired', 'Sum'],
    ]);
    businessGraph('Time to decision (seconds, submitted → decided)', [
      ['TimeToDecision', 'p50'],
      ['TimeToDecision', 'p90'],
    ]);
    businessGraph('Reviews: pending, overdue; SLA breaches', [['ReviewsPending', 'Maximum'], ['ReviewsOverdue', 'Maximum']], [['ReviewSlaBreaches', 'Sum']], Duration.minutes(15));
    businessGraph('Disbursements: loans; amount (yuan)', [['LoansDisbursed', 'Sum']], [['DisbursedAmount', 'Sum']], day);
    businessGraph('Repayments: received; amount (yuan)', [['RepaymentsReceived', 'Sum']], [['RepaymentsAmount', 'Sum']], day);
    businessGraph('Reminders sent (per day)', [['RemindersSent', 'Sum']], [], day);
    businessGraph(
      'Open loans by delinquency bucket',
      [
        ['LoansCurrent', 'Maximum'],
        ['Loans1To30', 'Maximum'],
        ['Loans31To60', 'Maximum'],
        ['Loans61To90', 'Maximum'],
        ['Loans90Plus', 'Maximum'],
      ],
      [],
      day,
      { stacked: true, width: 12 },
    );
    businessGraph('PAR30 (share of principal 30+ days past due)', [['PAR30', 'Maximum']], [], day, {
      width: 12,
      leftYAxis: { min: 0, showUnits: false },
      leftAnnotations: [{ value: par30Threshold, label: `alarm above ${par30Threshold}`, color: '#d62728' }],
    });
    businessGraph('Model drift: PSI of the score and the largest of an input (daily)', [['ScorePsi', 'Maximum'], ['MaxInputPsi', 'Maximum']], [], day, {
      width: 12,
      leftYAxis: { min: 0, showUnits: false },
      leftAnnotations: [{ value: 0.25, label: 'alarm above 0.25', color: '#d62728' }],
    });
    // Every business metric is on the dashboard: a new name in BUSINESS_METRIC_NAMES without a graph fails the synth.
    const graphed = new Set(businessGraphs.flatMap((g) => g.names));
    const missing = BUSINESS_METRIC_NAMES.filter((metricName) => !graphed.has(metricName));
    if (missing.length > 0) throw new Error(`the operations dashboard has no graph for the business metrics ${missing.join(', ')}`);

    const perFunction = (metric: (fn: HouseFunction) => Metric) => props.functions.map((fn) => metric(fn));
    const functionsDuration = perFunction((fn) => fn.metricDuration({ period: five, statistic: 'p95', label: fn.handlerName }));
    const functionsErrors = perFunction((fn) => fn.metricErrors({ period: five, statistic: 'Sum', label: fn.handlerName }));
    const functionsThrottles = new MathExpression({
      expression: 'SUM(METRICS())',
      label: 'Throttles (all functions)',
      period: five,
      usingMetrics: Object.fromEntries(props.functions.map((fn, i) => [`t${i}`, fn.metricThrottles({ period: five, statistic: 'Sum' })])),
    });

    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${stackName} operations\nBusiness metrics: namespace \`${this.businessNamespace}\`, dimension \`service=${this.serviceName}\` (counts also by \`product\`/\`channel\` for drill-down). Alarms notify the operations topic.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms.values(), ...groupAlarms], width: 24, height: 3 }));
    this.dashboard.addWidgets(...businessGraphs.slice(0, 3).map((g) => g.widget));
    this.dashboard.addWidgets(...businessGraphs.slice(3, 6).map((g) => g.widget));
    this.dashboard.addWidgets(...businessGraphs.slice(6).map((g) => g.widget));
    this.dashboard.addWidgets(new TextWidget({ markdown: '## Health', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph('Lambda errors (per function)', functionsErrors),
      graph('Lambda throttles (all functions)', [functionsThrottles]),
      graph('Lambda duration p95 (per function)', functionsDuration),
    );
    this.dashboard.addWidgets(
      graph('Pipeline executions: failed, timed out, aborted', [
        props.stateMachine.metricFailed({ period: five, statistic: 'Sum', label: 'ExecutionsFailed' }),
        props.stateMachine.metricTimedOut({ period: five, statistic: 'Sum', label: 'ExecutionsTimedOut' }),
        props.stateMachine.metricAborted({ period: five, statistic: 'Sum', label: 'ExecutionsAborted' }),
      ]),
      graph('DynamoDB throttles', [
        props.table.metricThrottledRequestsForOperations({ period: five, statistic: 'Sum' }),
        ...Object.values(throttleEvents),
      ]),
      graph(
        'HTTP API: 4xx, 5xx; latency p95 (ms)',
        [
          props.httpApi.metricClientError({ period: five, statistic: 'Sum', label: '4xx' }),
          props.httpApi.metricServerError({ period: five, statistic: 'Sum', label: '5xx' }),
        ],
        { right: [props.httpApi.metricLatency({ period: five, statistic: 'p95', label: 'Latency p95' })] },
      ),
    );
  }

  /**
   * A business metric: namespace MicroloanApproval, only the `service` dimension (the series the handlers publish).
   * `label` names it on a graph (an alarm's metric goes without, so that the alarm names the metric itself).
   */
  public business(metricName: BusinessMetricName, statistic: string, period: Duration, label?: string): Metric {
    return new Metric({ namespace: this.businessNamespace, metricName, dimensionsMap: { service: this.serviceName }, statistic, period, ...(label ? { label } : {}) });
  }

  /** ReadThrottleEvents and WriteThrottleEvents of the table and of each global secondary index, by math id. */
  private tableThrottleEvents(table: ITable): Record<string, Metric> {
    const events: Record<string, Metric> = {};
    const scopes: { id: string; label: string; dimensions: Record<string, string> }[] = [
      { id: 'table', label: 'table', dimensions: { TableName: table.tableName } },
      ...GLOBAL_INDEXES.map((index) => ({
        id: index.indexName.toLowerCase().replace(/[^a-z0-9]/g, ''),
        label: index.indexName,
        dimensions: { TableName: table.tableName, GlobalSecondaryIndexName: index.indexName },
      })),
    ];
    for (const scope of scopes) {
      for (const [kind, metricName] of [['read', 'ReadThrottleEvents'], ['write', 'WriteThrottleEvents']] as const) {
        events[`${kind}${scope.id}`] = table.metric(metricName, { dimensionsMap: scope.dimensions, statistic: 'Sum', period: Duration.minutes(5), label: `${metricName} (${scope.label})` });
      }
    }
    if (Object.keys(events).length > MAX_METRICS_PER_ALARM) {
      throw new Error(`the DynamoDB throttle alarm can sum at most ${MAX_METRICS_PER_ALARM} metrics, got ${Object.keys(events).length} (${GLOBAL_INDEXES.length} indexes)`);
    }
    return events;
  }

  /**
   * CloudWatch publishes alarm notifications to the ops topic as the service principal: the topic's policy must let it
   * publish (the topic policy that enforces TLS replaces SNS's default one), and the topic's customer-managed key must
   * let it encrypt the message (kms:GenerateDataKey*, kms:Decrypt), or notifications are dropped without an error.
   */
  private allowCloudWatchToNotify(topic: ITopic, key: IKey, stackName: string): void {
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${stackName}-*` },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsUseKeyForSns',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        // In a key policy "*" is this key.
        resources: ['*'],
      }),
    );
  }
}

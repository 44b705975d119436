// The operations dashboard and the alarms (lib/observability.ts) in the synthesized stack: every business metric of
// functions/core/kernel/ports.ts on the dashboard with the health metrics, each alarm's metric, threshold and comparison,
// notifications to the ops topic (which CloudWatch may publish to and whose key it may use), and the PAR30 threshold
// from context microloan:par30AlarmThreshold.

import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { BUSINESS_METRIC_NAMES } from '../../functions/core/kernel/ports';
import { GLOBAL_INDEXES } from '../../functions/adapters/dynamodb/table-definition';
import type { MicroloanStack } from '../../lib/microloan-stack';
import { buildTestApp, houseFunctions, logicalId, removeAssemblies, type Resources } from './support';

type Resource = Resources[string];
type MetricEntry = (string | Record<string, unknown>)[];
interface Widget {
  type: string;
  properties: { title?: string; metrics?: MetricEntry[]; annotations?: { horizontal?: { value: number; label?: string }[] }; alarms?: string[] };
}

let stack: MicroloanStack;
let resources: Resources;
let opsTopicId: string;

/** Tokens in the body become `{{<logical id>}}` so that the dashboard JSON can be parsed. */
function dashboardWidgets(dashboard: Resource): Widget[] {
  const body = dashboard.Properties!.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((part) => {
            if (typeof part === 'string') return part;
            const ref = (part as { Ref?: string }).Ref ?? (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? JSON.stringify(part);
            return `{{${ref}}}`;
          })
          .join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** [namespace, metricName, ...dimension pairs] of every plain metric line of the widgets. */
function metricLines(widgets: Widget[]): string[][] {
  return widgets.flatMap((w) => (w.properties.metrics ?? []).map((entry) => entry.filter((x): x is string => typeof x === 'string')));
}

function alarmsOf(res: Resources): Record<string, Resource> {
  return Object.fromEntries(
    Object.values(res)
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
      .map((r) => [r.Properties!.AlarmName as string, r]),
  );
}

const ref = (element: CfnElement) => ({ Ref: logicalId(element) });

beforeAll(() => {
  ({ stack } = buildTestApp({}, { nag: false }));
  resources = Template.fromStack(stack).toJSON().Resources as Resources;
  opsTopicId = logicalId(stack.notifications.opsTopic.node.defaultChild as CfnElement);
}, 180_000);

afterAll(removeAssemblies);

describe('operations dashboard', () => {
  let widgets: Widget[];
  beforeAll(() => {
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties!.DashboardName).toBe('Microloan-dev-operations');
    widgets = dashboardWidgets(dashboards[0]!);
  });

  it('graphs every business metric from namespace MicroloanApproval with the service dimension only', () => {
    const business = metricLines(widgets).filter((line) => line[0] === 'MicroloanApproval');
    const graphed = new Set(business.map((line) => line[1]));
    for (const name of BUSINESS_METRIC_NAMES) expect(graphed).toContain(name);
    expect(graphed.size).toBe(BUSINESS_METRIC_NAMES.length);
    for (const line of business) expect(line.slice(2)).toEqual(['service', 'microloan-approval']);
  });

  it('shows time to decision as p50 and p90, and the PAR30 alarm threshold as a horizontal annotation', () => {
    const timeToDecision = widgets.find((w) => w.properties.metrics?.some((m) => m[1] === 'TimeToDecision'))!;
    const stats = timeToDecision.properties.metrics!.map((m) => (m.find((x) => typeof x === 'object') as { stat?: string }).stat);
    expect(stats).toEqual(['p50', 'p90']);
    const par30 = widgets.find((w) => w.properties.metrics?.some((m) => m[1] === 'PAR30'))!;
    expect(par30.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 0.05 })]);
  });

  it('has the health metrics: every function\'s errors, throttles and p95 duration; the pipeline; the table; the HTTP API', () => {
    const lines = metricLines(widgets);
    const has = (namespace: string, metricName: string) => lines.filter((line) => line[0] === namespace && line[1] === metricName);
    const functionIds = [...houseFunctions(stack).values()].map((fn) => `{{${logicalId(fn.node.defaultChild as CfnElement)}}}`).sort();
    for (const metricName of ['Errors', 'Throttles', 'Duration']) {
      expect(has('AWS/Lambda', metricName).map((line) => line[3]).sort()).toEqual(functionIds);
    }
    const duration = widgets.find((w) => w.properties.metrics?.some((m) => m[1] === 'Duration'))!;
    expect(duration.properties.metrics!.every((m) => (m.find((x) => typeof x === 'object') as { stat?: string }).stat === 'p95')).toBe(true);

    const stateMachine = `{{${logicalId(stack.pipeline.stateMachine.node.defaultChild as CfnElement)}}}`;
    for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
      expect(has('AWS/States', metricName)).toEqual([['AWS/States', metricName, 'StateMachineArn', stateMachine]]);
    }
    const table = `{{${logicalId(stack.data.table.node.defaultChild as CfnElement)}}}`;
    expect(has('AWS/DynamoDB', 'ThrottledRequests').length).toBeGreaterThan(0);
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(has('AWS/DynamoDB', metricName)).toContainEqual(['AWS/DynamoDB', metricName, 'TableName', table]);
    }
    const api = `{{${logicalId(stack.api.httpApi.node.defaultChild as CfnElement)}}}`;
    for (const metricName of ['4xx', '5xx', 'Latency']) expect(has('AWS/ApiGateway', metricName)).toEqual([['AWS/ApiGateway', metricName, 'ApiId', api]]);
  });

  it('shows the state of every alarm', () => {
    const alarmWidget = widgets.find((w) => w.type === 'alarm')!;
    const alarmIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' || r.Type === 'AWS::CloudWatch::CompositeAlarm')
      .map(([id]) => `{{${id}}}`);
    expect([...alarmWidget.properties.alarms!].sort()).toEqual(alarmIds.sort());
  });
});

describe('alarms', () => {
  let alarms: Record<string, Resource>;
  beforeAll(() => {
    alarms = alarmsOf(resources);
  });

  const notifiesOps = (alarm: Resource, ok: boolean) => {
    expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: opsTopicId }]);
    if (ok) expect(alarm.Properties!.OKActions).toEqual([{ Ref: opsTopicId }]);
    else expect(alarm.Properties!.OKActions).toBeUndefined();
  };

  it('are exactly the reviewed ones, each with a description that says what to do', () => {
    expect(Object.keys(alarms).sort()).toEqual(
      [
        'Microloan-dev-api-5xx',
        'Microloan-dev-dynamodb-throttles',
        'Microloan-dev-lambda-errors',
        'Microloan-dev-lambda-errors-1-of-3',
        'Microloan-dev-lambda-errors-2-of-3',
        'Microloan-dev-lambda-errors-3-of-3',
        'Microloan-dev-model-drift',
        'Microloan-dev-par30',
        'Microloan-dev-pipeline-failed',
        'Microloan-dev-pipeline-timed-out',
        'Microloan-dev-review-sla-breaches',
      ].sort(),
    );
    for (const alarm of Object.values(alarms)) expect((alarm.Properties!.AlarmDescription as string).length).toBeGreaterThanOrEqual(60);
  });

  it('pipeline executions failed >= 1 in 5 minutes, and timed out >= 1', () => {
    const stateMachine = ref(stack.pipeline.stateMachine.node.defaultChild as CfnElement);
    for (const [name, metricName] of [['pipeline-failed', 'ExecutionsFailed'], ['pipeline-timed-out', 'ExecutionsTimedOut']] as const) {
      const alarm = alarms[`Microloan-dev-${name}`]!;
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/States',
        MetricName: metricName,
        Dimensions: [{ Name: 'StateMachineArn', Value: stateMachine }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
      notifiesOps(alarm, true);
    }
  });

  it('Lambda errors summed over every function >= 1 in 5 minutes: metric math in groups of at most 10, one composite alarm', () => {
    const groups = [1, 2, 3].map((n) => alarms[`Microloan-dev-lambda-errors-${n}-of-3`]!);
    const summed: unknown[] = [];
    for (const group of groups) {
      const metrics = group.Properties!.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string } }[];
      expect(metrics.filter((m) => m.ReturnData)).toEqual([expect.objectContaining({ Expression: 'SUM(METRICS())' })]);
      const stats = metrics.filter((m) => m.MetricStat);
      expect(stats.length).toBeLessThanOrEqual(10);
      for (const m of stats) {
        expect(m.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors' }, Period: 300, Stat: 'Sum' });
        summed.push(m.MetricStat!.Metric.Dimensions[0]!.Value);
      }
      expect(group.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
      expect(group.Properties!.AlarmActions).toBeUndefined(); // the composite alarm notifies, once
    }
    const functions = [...houseFunctions(stack).values()].map((fn) => ref(fn.node.defaultChild as CfnElement));
    expect(summed).toHaveLength(functions.length);
    expect(summed).toEqual(expect.arrayContaining(functions));

    const composite = alarms['Microloan-dev-lambda-errors']!;
    expect(composite.Type).toBe('AWS::CloudWatch::CompositeAlarm');
    const rule = JSON.stringify(composite.Properties!.AlarmRule);
    for (const id of Object.entries(resources).filter(([, r]) => r.Properties?.AlarmName?.startsWith?.('Microloan-dev-lambda-errors-')).map(([id]) => id)) {
      expect(rule).toContain(id);
    }
    expect(rule).toMatch(/ OR /);
    notifiesOps(composite, true);
  });

  it('HTTP API 5xx >= 5 in 5 minutes', () => {
    const alarm = alarms['Microloan-dev-api-5xx']!;
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: ref(stack.api.httpApi.node.defaultChild as CfnElement) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
    notifiesOps(alarm, true);
  });

  it('DynamoDB throttle events of the table and each index >= 1 in 5 minutes (metric math)', () => {
    const alarm = alarms['Microloan-dev-dynamodb-throttles']!;
    const metrics = alarm.Properties!.Metrics as { Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[];
    expect(metrics.filter((m) => m.ReturnData)).toEqual([expect.objectContaining({ Expression: 'SUM(METRICS())' })]);
    const table = ref(stack.data.table.node.defaultChild as CfnElement);
    const watched = metrics
      .filter((m) => m.MetricStat)
      .map(({ MetricStat }) => {
        expect(MetricStat!.Metric.Namespace).toBe('AWS/DynamoDB');
        expect(MetricStat!.Metric.Dimensions).toContainEqual({ Name: 'TableName', Value: table });
        const index = MetricStat!.Metric.Dimensions.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value ?? 'table';
        return `${MetricStat!.Metric.MetricName} ${index as string}`;
      });
    const scopes = ['table', ...GLOBAL_INDEXES.map((i) => i.indexName)];
    expect(watched.sort()).toEqual(scopes.flatMap((s) => [`ReadThrottleEvents ${s}`, `WriteThrottleEvents ${s}`]).sort());
    expect(alarm.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    notifiesOps(alarm, true);
  });

  it('ReviewSlaBreaches >= 1 in 15 minutes', () => {
    const alarm = alarms['Microloan-dev-review-sla-breaches']!;
    expect(alarm.Properties).toMatchObject({
      Namespace: 'MicroloanApproval',
      MetricName: 'ReviewSlaBreaches',
      Dimensions: [{ Name: 'service', Value: 'microloan-approval' }],
      Statistic: 'Sum',
      Period: 900,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    notifiesOps(alarm, false);
  });

  it('model drift: the larger of ScorePsi and MaxInputPsi > 0.25 for a day (a day without scoring keeps the state)', () => {
    const alarm = alarms['Microloan-dev-model-drift']!;
    expect(alarm.Properties).toMatchObject({ Threshold: 0.25, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'ignore' });
    const metrics = alarm.Properties!.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string }; Period: number; Stat: string } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('MAX([score, input])');
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Period, m.MetricStat!.Stat])).toEqual([
      ['score', 'ScorePsi', 86_400, 'Maximum'],
      ['input', 'MaxInputPsi', 86_400, 'Maximum'],
    ]);
    notifiesOps(alarm, true);
  });

  it('PAR30 > 0.05 by default (daily maximum; a day without a value keeps the state)', () => {
    const alarm = alarms['Microloan-dev-par30']!;
    expect(alarm.Properties).toMatchObject({
      Namespace: 'MicroloanApproval',
      MetricName: 'PAR30',
      Dimensions: [{ Name: 'service', Value: 'microloan-approval' }],
      Statistic: 'Maximum',
      Period: 86_400,
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'ignore',
    });
    notifiesOps(alarm, true);
  });
});

describe('notifications from CloudWatch to the encrypted ops topic', () => {
  it('the topic policy lets CloudWatch alarms of this stack publish', () => {
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy' && JSON.stringify(r.Properties!.Topics) === JSON.stringify([{ Ref: opsTopicId }]))!;
    expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: opsTopicId },
        Condition: expect.objectContaining({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
      }),
    );
    // The TLS-only statement stays.
    expect(policy.Properties!.PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  it('the data key lets CloudWatch encrypt the notification (kms:GenerateDataKey*, kms:Decrypt)', () => {
    const key = resources[logicalId(stack.data.key.node.defaultChild as CfnElement)]!;
    expect(key.Properties!.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }),
    );
  });
});

describe('context microloan:par30AlarmThreshold', () => {
  it('sets the PAR30 alarm threshold and the dashboard annotation', () => {
    const { stack: other } = buildTestApp({ 'microloan:par30AlarmThreshold': '0.08' }, { nag: false });
    const otherResources = Template.fromStack(other).toJSON().Resources as Resources;
    expect(alarmsOf(otherResources)['Microloan-dev-par30']!.Properties!.Threshold).toBe(0.08);
    const dashboard = Object.values(otherResources).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
    const par30 = dashboardWidgets(dashboard).find((w) => w.properties.metrics?.some((m) => m[1] === 'PAR30'))!;
    expect(par30.properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 0.08 })]);
  }, 180_000);

  it.each(['0', '1', '1.5', '-0.1', 'abc', '5%', ''])('refuses %p, naming the key', (value) => {
    expect(() => buildTestApp({ 'microloan:par30AlarmThreshold': value }, { nag: false })).toThrow(/microloan:par30AlarmThreshold/);
  });
});

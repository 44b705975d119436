// The BusinessMetrics adapters: Powertools Metrics writes CloudWatch embedded-metric-format JSON lines to stdout (a
// Console over process.stdout, created per Metrics instance), which these tests capture; and the recording one.

import { BUSINESS_METRIC_NAMES } from '../../../functions/core/kernel/ports';
import { createPowertoolsMetrics, publishMetrics, recordPortfolioGauges, RecordingMetrics, recordingMetrics } from '../../../functions/shared/metrics';

type Emf = {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
};

const ENV_KEYS = ['POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_DEV', 'POWERTOOLS_METRICS_DISABLED'] as const;
let savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>>;
let written: { stdout: string[]; stderr: string[] };
let restoreStreams: () => void;

beforeEach(() => {
  savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
  for (const key of ENV_KEYS) delete process.env[key];
  // As lib/house-function.ts COMMON_ENVIRONMENT sets them on every Lambda.
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'MicroloanApproval';
  process.env.POWERTOOLS_SERVICE_NAME = 'microloan-approval';
  written = { stdout: [], stderr: [] };
  const originals = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (into: string[]) =>
    ((chunk: string | Uint8Array) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(written.stdout);
  process.stderr.write = capture(written.stderr);
  restoreStreams = () => {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
  };
});

afterEach(() => {
  restoreStreams();
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

function emfLines(): Emf[] {
  return written.stdout
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Emf);
}

describe('createPowertoolsMetrics', () => {
  it('writes one EMF document per publish: namespace MicroloanApproval, only the service dimension, each metric with its unit', () => {
    const { metrics, publish } = createPowertoolsMetrics();
    metrics.count('DecisionsAutoApproved');
    metrics.duration('TimeToDecision', 93.5);
    metrics.gauge('ReviewsPending', 4, 'Count');
    metrics.gauge('PAR30', 0.031, 'None');
    metrics.gauge('DisbursedAmount', 8000, 'None');
    expect(written.stdout).toEqual([]); // buffered until publish
    publish();

    const [emf, ...rest] = emfLines();
    expect(rest).toEqual([]);
    const directive = emf!._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe('MicroloanApproval');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(directive.Metrics).toEqual([
      { Name: 'DecisionsAutoApproved', Unit: 'Count' },
      { Name: 'TimeToDecision', Unit: 'Seconds' },
      { Name: 'ReviewsPending', Unit: 'Count' },
      { Name: 'PAR30', Unit: 'None' },
      { Name: 'DisbursedAmount', Unit: 'None' },
    ]);
    expect(emf).toMatchObject({ service: 'microloan-approval', DecisionsAutoApproved: 1, TimeToDecision: 93.5, ReviewsPending: 4, PAR30: 0.031, DisbursedAmount: 8000 });
    expect(typeof emf!._aws.Timestamp).toBe('number');
    expect(written.stderr).toEqual([]);
  });

  it('a count with product and channel also writes a drill-down copy with those dimensions at once; the main series keeps service only', () => {
    const { metrics, publish } = createPowertoolsMetrics();
    metrics.count('ApplicationsSubmitted', 1, { product: 'personal-consumer', channel: 'app' });
    const [drillDown] = emfLines();
    expect(drillDown!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'MicroloanApproval', Metrics: [{ Name: 'ApplicationsSubmitted', Unit: 'Count' }] });
    expect(drillDown!._aws.CloudWatchMetrics[0]!.Dimensions.map((set) => [...set].sort())).toEqual([['channel', 'product', 'service']]);
    expect(drillDown).toMatchObject({ service: 'microloan-approval', product: 'personal-consumer', channel: 'app', ApplicationsSubmitted: 1 });

    publish();
    const main = emfLines()[1]!;
    expect(main._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(main).toMatchObject({ service: 'microloan-approval', ApplicationsSubmitted: 1 });
    expect(main).not.toHaveProperty('product');
    expect(main).not.toHaveProperty('channel');
  });

  it('adds up a count recorded twice in one invocation as two values of one metric', () => {
    const { metrics, publish } = createPowertoolsMetrics();
    metrics.count('RepaymentsReceived');
    metrics.count('RepaymentsReceived');
    publish();
    expect(emfLines()[0]).toMatchObject({ RepaymentsReceived: [1, 1] });
  });

  it('publishes nothing, and neither warns nor throws, when nothing was recorded; a second publish writes nothing again', () => {
    const { metrics, publish } = createPowertoolsMetrics();
    expect(() => publish()).not.toThrow();
    expect(written).toEqual({ stdout: [], stderr: [] });
    metrics.count('LoansDisbursed');
    publish();
    publish();
    expect(emfLines()).toHaveLength(1);
    expect(written.stderr).toEqual([]);
  });

  it('takes the namespace and service from options over the environment', () => {
    const { metrics, publish } = createPowertoolsMetrics({ namespace: 'Other', serviceName: 'other-service' });
    metrics.count('RemindersSent', 3);
    publish();
    expect(emfLines()[0]).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'Other' }] }, service: 'other-service', RemindersSent: 3 });
  });

  it('publishMetrics flushes the port object itself (what AppDeps carries)', () => {
    const { metrics } = createPowertoolsMetrics();
    metrics.count('LoansDisbursed');
    publishMetrics(metrics);
    expect(emfLines()[0]).toMatchObject({ LoansDisbursed: 1 });
    expect(() => publishMetrics({ count() {}, gauge() {}, duration() {} })).not.toThrow();
  });
});

describe('RecordingMetrics', () => {
  it('keeps {name, value, unit, dimensions} in order and counts publishes', () => {
    const { metrics, publish } = recordingMetrics();
    metrics.count('ApplicationsSubmitted', 1, { product: 'personal-consumer', channel: 'web' });
    metrics.count('LoansDisbursed');
    metrics.duration('TimeToDecision', 12);
    metrics.gauge('PAR30', 0.2, 'None');
    publish();
    expect(metrics.records).toEqual([
      { name: 'ApplicationsSubmitted', value: 1, unit: 'Count', dimensions: { product: 'personal-consumer', channel: 'web' } },
      { name: 'LoansDisbursed', value: 1, unit: 'Count', dimensions: {} },
      { name: 'TimeToDecision', value: 12, unit: 'Seconds', dimensions: {} },
      { name: 'PAR30', value: 0.2, unit: 'None', dimensions: {} },
    ]);
    expect(metrics.published).toBe(1);
  });

  it('keeps only the newest records beyond its limit (the long-running local stack)', () => {
    const metrics = new RecordingMetrics(3);
    for (let i = 1; i <= 5; i += 1) metrics.count('RemindersSent', i);
    expect(metrics.values('RemindersSent')).toEqual([3, 4, 5]);
  });
});

describe('recordPortfolioGauges', () => {
  it('sets the five bucket gauges and PAR30', () => {
    const metrics = new RecordingMetrics();
    recordPortfolioGauges(metrics, { loansByBucket: { current: 90, '1-30': 5, '31-60': 3, '61-90': 1, '90+': 1 }, par30: 0.05 });
    expect(metrics.records.map(({ name, value, unit }) => [name, value, unit])).toEqual([
      ['LoansCurrent', 90, 'Count'],
      ['Loans1To30', 5, 'Count'],
      ['Loans31To60', 3, 'Count'],
      ['Loans61To90', 1, 'Count'],
      ['Loans90Plus', 1, 'Count'],
      ['PAR30', 0.05, 'None'],
    ]);
  });

  it('leaves PAR30 out when there is no portfolio to divide by', () => {
    const metrics = new RecordingMetrics();
    recordPortfolioGauges(metrics, { loansByBucket: { current: 0, '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 }, par30: null });
    expect(metrics.names()).not.toContain('PAR30');
    expect(metrics.records).toHaveLength(5);
  });
});

describe('BUSINESS_METRIC_NAMES', () => {
  it('lists each name once, each valid for CloudWatch', () => {
    expect(new Set(BUSINESS_METRIC_NAMES).size).toBe(BUSINESS_METRIC_NAMES.length);
    expect(BUSINESS_METRIC_NAMES).toHaveLength(23);
    for (const name of BUSINESS_METRIC_NAMES) expect(name).toMatch(/^[A-Za-z0-9]{1,255}$/);
  });
});

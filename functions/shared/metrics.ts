// Business metrics: the BusinessMetrics port over Powertools Metrics (CloudWatch embedded metric format on stdout,
// namespace from POWERTOOLS_METRICS_NAMESPACE, the `service` dimension from POWERTOOLS_SERVICE_NAME), and a recording
// implementation for tests and the local stack. Handlers record where the event happens and publish once at the end
// of an invocation (httpHandler's middy chain for the API, a `finally` in task and scheduled handlers).

import type { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BusinessMetricName, BusinessMetrics } from '../core/kernel/ports';
import { minorUnitDigits } from '../core/kernel/money';

type Unit = 'Count' | 'Seconds' | 'None';
type DrillDown = { product?: string; channel?: string };

/** A BusinessMetrics that buffers what is recorded until `publish()` (both implementations here are). */
export interface PublishableMetrics extends BusinessMetrics {
  /** Writes what was recorded since the last publish; does nothing (no warning) when nothing was. */
  publish(): void;
}

const UNITS: Record<Unit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Seconds: MetricUnit.Seconds,
  None: MetricUnit.NoUnit,
};

/**
 * Powertools Metrics behind the port. Every metric carries only the default `service` dimension, which is the series
 * the dashboard and alarms read; a `count` with product/channel also writes a single-metric copy with those
 * dimensions (published at once) for drill-down.
 */
export function createPowertoolsMetrics(options: { namespace?: string; serviceName?: string } = {}): { metrics: PublishableMetrics; publish(): void } {
  const powertools = new Metrics({
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
  });
  const publish = () => {
    // publishStoredMetrics warns "No application metrics to publish" when empty: most invocations record nothing.
    if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
  };
  const metrics: PublishableMetrics = {
    count(name, value = 1, dimensions) {
      powertools.addMetric(name, MetricUnit.Count, value);
      const drillDown = definedDimensions(dimensions);
      if (Object.keys(drillDown).length === 0) return;
      const single = powertools.singleMetric();
      for (const [key, dimension] of Object.entries(drillDown)) single.addDimension(key, dimension);
      single.addMetric(name, MetricUnit.Count, value);
    },
    gauge(name, value, unit) {
      powertools.addMetric(name, UNITS[unit], value);
    },
    duration(name, seconds) {
      powertools.addMetric(name, MetricUnit.Seconds, seconds);
    },
    publish,
  };
  return { metrics, publish };
}

export interface MetricRecord {
  name: BusinessMetricName;
  value: number;
  unit: Unit;
  /** The drill-down dimensions of a `count` (the `service` dimension is implied). */
  dimensions: Record<string, string>;
}

/** Keeps what is recorded in memory (tests; the local stack, where it is bounded to the newest `limit` records). */
export class RecordingMetrics implements PublishableMetrics {
  readonly records: MetricRecord[] = [];
  /** How many times `publish()` was called. */
  published = 0;

  constructor(private readonly limit = 10_000) {}

  count(name: BusinessMetricName, value = 1, dimensions?: DrillDown): void {
    this.push({ name, value, unit: 'Count', dimensions: definedDimensions(dimensions) });
  }

  gauge(name: BusinessMetricName, value: number, unit: Unit): void {
    this.push({ name, value, unit, dimensions: {} });
  }

  duration(name: BusinessMetricName, seconds: number): void {
    this.push({ name, value: seconds, unit: 'Seconds', dimensions: {} });
  }

  publish(): void {
    this.published += 1;
  }

  /** The values recorded under `name`, in order. */
  values(name: BusinessMetricName): number[] {
    return this.records.filter((r) => r.name === name).map((r) => r.value);
  }

  /** The names recorded, in order (repeats included). */
  names(): BusinessMetricName[] {
    return this.records.map((r) => r.name);
  }

  clear(): void {
    this.records.length = 0;
    this.published = 0;
  }

  private push(record: MetricRecord): void {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
  }
}

export function recordingMetrics(limit?: number): { metrics: RecordingMetrics; publish(): void } {
  const metrics = new RecordingMetrics(limit);
  return { metrics, publish: () => metrics.publish() };
}

/**
 * Publishes what `metrics` buffered, if it is an implementation that buffers. Never throws: a metrics failure must not
 * turn a completed invocation into an error (and a retry of work already done).
 */
export function publishMetrics(metrics: BusinessMetrics, logger?: Pick<Logger, 'warn'>): void {
  const publish = (metrics as Partial<PublishableMetrics>).publish;
  if (typeof publish !== 'function') return;
  try {
    publish.call(metrics);
  } catch (error) {
    logger?.warn('could not publish metrics', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
}

/** Runs one invocation of a task or scheduled handler and publishes its metrics at the end, whatever the outcome. */
export async function publishingMetrics<T>(deps: { metrics: BusinessMetrics; logger?: Pick<Logger, 'warn'> }, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    publishMetrics(deps.metrics, deps.logger);
  }
}

/** An amount in minor units as a plain number of major units (fen → yuan) for the amount metrics. */
export function majorUnits(minor: number, currency: string): number {
  return minor / 10 ** minorUnitDigits(currency);
}

/** Seconds from one ISO instant to another; undefined when either is missing or unreadable or the span is negative. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (!from || !to) return undefined;
  const seconds = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

export type DelinquencyBucketName = 'current' | '1-30' | '31-60' | '61-90' | '90+';

const BUCKET_METRICS: Record<DelinquencyBucketName, BusinessMetricName> = {
  current: 'LoansCurrent',
  '1-30': 'Loans1To30',
  '31-60': 'Loans31To60',
  '61-90': 'Loans61To90',
  '90+': 'Loans90Plus',
};

/**
 * The portfolio's state as gauges: open loans per delinquency bucket (LoansCurrent … Loans90Plus) and PAR30 (the
 * share of outstanding principal more than 30 days past due, 0–1; left out when there is no portfolio to divide by).
 */
export function recordPortfolioGauges(
  metrics: BusinessMetrics,
  input: { loansByBucket: Record<DelinquencyBucketName, number>; par30: number | null },
): void {
  for (const [bucket, name] of Object.entries(BUCKET_METRICS) as [DelinquencyBucketName, BusinessMetricName][]) {
    metrics.gauge(name, input.loansByBucket[bucket] ?? 0, 'Count');
  }
  if (input.par30 !== null) metrics.gauge('PAR30', input.par30, 'None');
}

/** The model's drift of a day as gauges (ScorePsi, MaxInputPsi); a day with nothing scored publishes none. */
export function recordDriftGauges(metrics: BusinessMetrics, drift: { scorePsi: number | null; maxInputPsi: number | null }): void {
  if (drift.scorePsi !== null) metrics.gauge('ScorePsi', drift.scorePsi, 'None');
  if (drift.maxInputPsi !== null) metrics.gauge('MaxInputPsi', drift.maxInputPsi, 'None');
}

function definedDimensions(dimensions: DrillDown | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (dimensions?.product) out.product = dimensions.product;
  if (dimensions?.channel) out.channel = dimensions.channel;
  return out;
}

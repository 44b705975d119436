// Drift monitoring (issue 12 item 7): the population stability index of the live score and of each model input against
// the distribution the model was trained on — the score's training deciles (model.scoreDistribution) and each
// feature's bins with their training counts. The Score step's write counts each scored application's score decile and
// input bins per model version and day (aggregates.ts); this reads those counts for a range of days. A PSI above 0.25
// (stability.ts) raises `alarm`; GET /v1/reports/drift shows it and the daily drift check publishes it as metrics
// with a CloudWatch alarm (lib/). Pure.

import { psi, PSI_ALARM_THRESHOLD } from '../assessment/scorecard/stability';
import type { ScorecardModel } from '../assessment/scorecard/types';
import type { DayCounters, ReportRepository } from './reports';

export const DRIFT_COUNTER = {
  scored: (model: string) => `drift#${model}#scored`,
  score: (model: string, bucket: number) => `drift#${model}#score#${bucket}`,
  input: (model: string, feature: string, bin: number) => `drift#${model}#in#${feature}#${bin}`,
} as const;

export interface DriftReport {
  from: string;
  to: string;
  modelVersion: string;
  /** Applications scored by this model version in the range. */
  scored: number;
  alarmThreshold: number;
  /** Null when the range has nothing scored, or the model has no training score distribution. */
  scorePsi: number | null;
  inputs: { feature: string; psi: number | null }[];
  maxInputPsi: number | null;
  /** A PSI above the threshold, on the score or any input. */
  alarm: boolean;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function buildDriftReport(model: ScorecardModel, input: { from: string; to: string; days: readonly DayCounters[] }): DriftReport {
  const inRange = input.days.filter((d) => d.day >= input.from && d.day <= input.to);
  const total = (name: string) => inRange.reduce((sum, d) => sum + (d.counters[name] ?? 0), 0);
  const scored = total(DRIFT_COUNTER.scored(model.version));
  const distribution = model.scoreDistribution;
  const scorePsi =
    scored > 0 && distribution ? round4(psi(distribution.counts, distribution.counts.map((_, bucket) => total(DRIFT_COUNTER.score(model.version, bucket))))) : null;
  const inputs = model.features.map((feature) => {
    const expected = feature.bins.map((bin) => bin.count);
    const actual = feature.bins.map((bin) => total(DRIFT_COUNTER.input(model.version, feature.name, bin.id)));
    return { feature: feature.name, psi: scored > 0 && expected.some((c) => c > 0) ? round4(psi(expected, actual)) : null };
  });
  const known = inputs.flatMap((i) => (i.psi === null ? [] : [i.psi]));
  const maxInputPsi = known.length > 0 ? Math.max(...known) : null;
  return {
    from: input.from,
    to: input.to,
    modelVersion: model.version,
    scored,
    alarmThreshold: PSI_ALARM_THRESHOLD,
    scorePsi,
    inputs,
    maxInputPsi,
    alarm: (scorePsi ?? 0) > PSI_ALARM_THRESHOLD || (maxInputPsi ?? 0) > PSI_ALARM_THRESHOLD,
  };
}

/** The drift of the model in use over a range of days. */
export async function driftReport(deps: { reports: ReportRepository; model: ScorecardModel }, range: { from: string; to: string }): Promise<DriftReport> {
  return buildDriftReport(deps.model, { ...range, days: await deps.reports.dayCounters(range.from, range.to) });
}

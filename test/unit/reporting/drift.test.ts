// Drift monitoring (issue 12 item 7): PSI of the live score and of each input against the training distribution.

import { buildDriftReport, DRIFT_COUNTER } from '../../../functions/core/reporting/drift';
import { psi } from '../../../functions/core/assessment/scorecard/stability';
import { applicationDeltas } from '../../../functions/core/reporting/aggregates';
import { shippedScorecardModel } from '../../../functions/adapters/scorecard/shipped-scorer';
import type { Application } from '../../../functions/core/applications/application';

const model = shippedScorecardModel();
const v = model.version;

/** Day counters with the live distribution `share(bucket)` of `n` applications, inputs as in training. */
function day(dayName: string, n: number, scoreCounts: number[], inputs: 'as trained' | 'all in the first bin') {
  const counters: Record<string, number> = { [DRIFT_COUNTER.scored(v)]: n };
  scoreCounts.forEach((count, bucket) => (counters[DRIFT_COUNTER.score(v, bucket)] = count));
  for (const feature of model.features) {
    const total = feature.bins.reduce((s, b) => s + b.count, 0);
    feature.bins.forEach((bin, i) => {
      counters[DRIFT_COUNTER.input(v, feature.name, bin.id)] = inputs === 'as trained' ? Math.round((bin.count / total) * n) : i === 0 ? n : 0;
    });
  }
  return { day: dayName, counters, decisionSeconds: [] };
}

describe('PSI', () => {
  it('is 0 for the same distribution and grows with the shift (0.25 is the alarm)', () => {
    expect(psi([100, 100, 100], [10, 10, 10])).toBe(0);
    expect(psi([100, 100, 100], [80, 100, 120])).toBeLessThan(0.1);
    expect(psi([100, 100, 100], [300, 0, 0])).toBeGreaterThan(0.25);
  });
});

describe('the drift report', () => {
  const expected = model.scoreDistribution!.counts;

  it('is stable (no alarm) when the live score and inputs are distributed as in training', () => {
    const report = buildDriftReport(model, { from: '2026-12-01', to: '2026-12-02', days: [day('2026-12-01', 1000, expected, 'as trained')] });
    expect(report).toMatchObject({ modelVersion: v, scored: 1000, alarmThreshold: 0.25, alarm: false });
    expect(report.scorePsi).toBeLessThan(0.01);
    expect(report.maxInputPsi).toBeLessThan(0.01);
    expect(report.inputs.map((i) => i.feature)).toEqual(model.features.map((f) => f.name));
  });

  it('raises the alarm when the live scores crowd into the lowest decile, or an input into one bin', () => {
    const lowScores = expected.map((_, i) => (i === 0 ? 1000 : 0));
    const scoreShift = buildDriftReport(model, { from: '2026-12-01', to: '2026-12-01', days: [day('2026-12-01', 1000, lowScores, 'as trained')] });
    expect(scoreShift.scorePsi).toBeGreaterThan(0.25);
    expect(scoreShift.alarm).toBe(true);
    const inputShift = buildDriftReport(model, { from: '2026-12-01', to: '2026-12-01', days: [day('2026-12-01', 1000, expected, 'all in the first bin')] });
    expect(inputShift.maxInputPsi).toBeGreaterThan(0.25);
    expect(inputShift.alarm).toBe(true);
  });

  it('says nothing (null, no alarm) for a range with nothing scored', () => {
    expect(buildDriftReport(model, { from: '2026-12-01', to: '2026-12-01', days: [] })).toMatchObject({ scored: 0, scorePsi: null, maxInputPsi: null, alarm: false });
  });

  it('counts a scored application once, on its scoring day, by score decile and input bin', () => {
    const before = { applicationId: 'APP1', status: 'ASSESSING', createdAt: '2026-12-01T02:00:00.000Z', updatedAt: '2026-12-01T02:00:00.000Z' } as unknown as Application;
    const after = { ...before, assessment: { modelVersion: v, inputBins: { checking_status: 2 }, scoreBucket: 7, assessedAt: '2026-12-01T16:30:00.000Z' } } as unknown as Application;
    expect(applicationDeltas(before, after, 'Asia/Shanghai')).toEqual([
      { day: '2026-12-02', shardOf: 'APP1', add: { [DRIFT_COUNTER.scored(v)]: 1, [DRIFT_COUNTER.score(v, 7)]: 1, [DRIFT_COUNTER.input(v, 'checking_status', 2)]: 1 } },
    ]);
    expect(applicationDeltas(after, { ...after, updatedAt: '2026-12-02T00:00:00.000Z' }, 'Asia/Shanghai')).toEqual([]);
  });
});

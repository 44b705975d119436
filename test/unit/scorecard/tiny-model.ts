// A hand-written scorecard for scoring and reason-code tests: every number is chosen, nothing is trained.

import { DEFAULT_SCALING, SCORECARD_FORMAT, type ModelBin, type ModelFeature, type ScorecardModel } from '../../../functions/core/assessment/scorecard';

const common = { woe: 0, count: 10, badRate: 0.3 };

export function numeric(name: string, cuts: number[], points: number[], missingPoints: number): ModelFeature {
  const bounds = [null, ...cuts, null];
  const bins: ModelBin[] = points.map((p, id) => ({ id, label: `bin ${id}`, lower: bounds[id] ?? null, upper: bounds[id + 1] ?? null, points: p, ...common }));
  bins.push({ id: points.length, label: 'missing', missing: true, points: missingPoints, ...common });
  return { name, type: 'numeric', iv: 0.1, coefficient: 1, bins };
}

export function categorical(name: string, levels: Array<[string[], number]>, missingPoints: number): ModelFeature {
  const bins: ModelBin[] = levels.map(([values, p], id) => ({ id, label: values.join(', '), values, points: p, ...common }));
  bins.push({ id: levels.length, label: 'missing', missing: true, points: missingPoints, ...common });
  return { name, type: 'categorical', iv: 0.1, coefficient: 1, bins };
}

/** A hand-written scorecard with these features (its other fields fixed). */
export function scorecardOf(features: ModelFeature[], basePoints = 700): ScorecardModel {
  return {
    format: SCORECARD_FORMAT,
    version: 'tiny-1',
    name: 'tiny',
    trainingData: { sha256: '0', rows: 100, badRate: 0.3, target: 'class', bad: '2', developmentRows: 70, testRows: 30 },
    parameters: {
      seed: 1, testShare: 0.3, minBinShare: 0.05, maxBinsGrid: [5], maxBins: 5, lambdaGrid: [0], lambda: 0, ivMin: 0.02,
      woeSmoothing: 0.5, innerFolds: 3, cvFolds: 3, cutoffGrid: { from: 0.05, to: 0.6, step: 0.01 }, costBadAccepted: 5,
      costGoodRejected: 1, expectedBadRate: 0.05, categorical: [], exclude: [],
    },
    conventions: {},
    scaling: { ...DEFAULT_SCALING },
    intercept: 0,
    basePoints,
    calibration: { sampleBadRate: 0.3, expectedBadRate: 0.05, interceptShift: 2.097141 },
    features,
    cutoff: { pdSample: 0.17, pd: 0.0245, score: 620 },
  };
}

export function tinyModel(basePoints = 700): ScorecardModel {
  return scorecardOf(
    [
      numeric('duration_months', [12, 24], [20, 0, -30], -5),
      categorical('checking_status', [[['A11'], -20], [['A12'], -10], [['A13', 'A14'], 30]], 0),
      categorical('housing', [[['A151', 'A153'], -5], [['A152'], 5]], 0),
      categorical('purpose', [[['A40'], -10], [['A43'], 10]], 0),
      categorical('savings', [[['A61'], -10], [['A65'], 10]], 0),
      numeric('age_years', [25], [-15, 5], 0),
    ],
    basePoints,
  );
}

/** The applicant who is in every feature's best bin. */
export const BEST_APPLICANT = { duration_months: 6, checking_status: 'A14', housing: 'A152', purpose: 'A43', savings: 'A65', age_years: 40 };

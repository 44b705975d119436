// The shape of a scorecard artifact (models/<name>/model.json). The JSON is the single source of truth at scoring time:
// the score is basePoints plus the integer points of one bin per feature, and both PDs are derived from that sum.

export const SCORECARD_FORMAT = 'microloan-scorecard/1';

/** score = baseScore + pdo · log2(odds good:bad / baseOdds), rounded, clipped to [min, max]. */
export interface Scaling {
  baseScore: number;
  baseOdds: number;
  pdo: number;
  min: number;
  max: number;
}

interface BinBase {
  /** 0, 1, 2 … in the order listed; the missing bin comes last. */
  id: number;
  label: string;
  /** ln(%good / %bad) on the development sample, smoothed (see conventions.woe). */
  woe: number;
  /** Development rows in the bin. */
  count: number;
  /** Share of bads among them (sample scale); null when the bin is empty. */
  badRate: number | null;
  /** round(factor · coefficient · woe), factor = pdo / ln 2. */
  points: number;
}

/** lower ≤ x < upper; null means unbounded on that side. */
export interface NumericBin extends BinBase {
  lower: number | null;
  upper: number | null;
}

export interface CategoricalBin extends BinBase {
  values: string[];
}

/** Blank values, and for categorical features levels never seen in development. */
export interface MissingBin extends BinBase {
  missing: true;
}

export type ModelBin = NumericBin | CategoricalBin | MissingBin;

export interface ModelFeature {
  name: string;
  type: 'numeric' | 'categorical';
  iv: number;
  coefficient: number;
  bins: ModelBin[];
}

export interface TrainingParameters {
  seed: number;
  testShare: number;
  minBinShare: number;
  maxBinsGrid: number[];
  maxBins: number;
  lambdaGrid: number[];
  /** L2 penalty (λ/2)·Σβ² on the total log-likelihood; the intercept is not penalised. */
  lambda: number;
  ivMin: number;
  woeSmoothing: number;
  innerFolds: number;
  cvFolds: number;
  cutoffGrid: { from: number; to: number; step: number };
  costBadAccepted: number;
  costGoodRejected: number;
  expectedBadRate: number;
  categorical: string[];
  exclude: string[];
}

export interface ScorecardModel {
  format: string;
  version: string;
  name: string;
  trainingData: {
    sha256: string;
    rows: number;
    badRate: number;
    target: string;
    bad: string;
    developmentRows: number;
    testRows: number;
  };
  parameters: TrainingParameters;
  conventions: Record<string, string>;
  scaling: Scaling;
  /** Log-odds of good on the sample scale (before calibration). */
  intercept: number;
  /** round(baseScore + factor · (intercept + interceptShift − ln baseOdds)): the intercept's share, kept apart. */
  basePoints: number;
  calibration: { sampleBadRate: number; expectedBadRate: number; interceptShift: number };
  features: ModelFeature[];
  /** Accept when score ≥ score (equivalently pdSample ≤ pdSample, pd ≤ pd). */
  cutoff: { pdSample: number; pd: number; score: number };
  /**
   * The training rows' scores by decile of this model (cut points as in binIndex), for the live score's stability
   * (stability.ts); each feature's bins carry their own training counts. Absent in artifacts of trainer < 2.1.
   */
  scoreDistribution?: { cuts: number[]; counts: number[] };
}

export type RowValue = string | number | null | undefined;
export type ScoringRow = Record<string, RowValue>;

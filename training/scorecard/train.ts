// The training pipeline, pure: a table of strings in, a scorecard artifact and the facts for its report out.
//
// 1. A seeded stratified split into development (70 %) and test (30 %) rows.
// 2. developScorecard on the development rows:
//    - for each candidate fine-bin count (maxBinsGrid) and L2 strength (lambdaGrid), an inner stratified k-fold CV runs
//      the whole recipe (binning → WoE → IV filter → fit → drop features whose coefficient is not positive → refit →
//      points) on k−1 folds and scores the held-out fold; the pair with the lowest out-of-fold log-loss wins
//      (ties: the fewer bins, then the larger λ — the simpler model);
//    - the cut-off is a P(bad) on the sample scale read off the cost curve of those same out-of-fold predictions
//      (a grid of 0.01 steps): among the thresholds within one standard error of the lowest cost, the one nearest the
//      theoretical c_goodRejected / (c_goodRejected + c_badAccepted) — see chooseCutoff;
//    - the recipe runs once more on all development rows with the winning pair: that is the shipped model.
// 3. Train and test measures of the shipped model, and a 10-fold stratified CV of step 2 in full on all rows (every
//    choice made again inside each fold), whose pooled cost is comparable with the StatLog figures.

import { binCategorical, binIndex, binNumeric, type Binning } from './binning';
import { fitLogistic } from './logistic';
import { auc, averageCost, brier, confusion, gini, ks, logLoss, psiByQuantiles, type Confusion } from './metrics';
import { DEFAULT_SCALING, interceptShift, pdOfLogOdds, scalingFactor } from '../../functions/core/assessment/scorecard/scaling';
import { scoreRow } from '../../functions/core/assessment/scorecard/score';
import { stratifiedFolds, stratifiedSplit } from './split';
import { SCORECARD_FORMAT, type ModelBin, type ModelFeature, type ScorecardModel, type TrainingParameters } from '../../functions/core/assessment/scorecard/types';
import { categoricalValue, numericValue, roundTo } from '../../functions/core/assessment/scorecard/values';
import { informationValue, totalsOf, weightOfEvidence, type Cell } from './woe';

// Bound once: inside a sandbox such as Jest's vm context every global lookup is slow in a hot loop.
const isNaN = Number.isNaN;

/** The recipe's version: bump it when a change to this pipeline changes the artifact for the same data and settings. */
export const TRAINER_VERSION = '1.0.0';

/** What the caller chooses; the trainer adds the chosen maxBins and lambda to make the model's parameters. */
export type TrainingSettings = Omit<TrainingParameters, 'maxBins' | 'lambda'>;

export const DEFAULT_SETTINGS: TrainingSettings = {
  seed: 42,
  testShare: 0.3,
  minBinShare: 0.05,
  maxBinsGrid: [5, 10, 20],
  lambdaGrid: [0, 1, 3, 10, 30, 100],
  ivMin: 0.02,
  woeSmoothing: 0.5,
  innerFolds: 5,
  cvFolds: 10,
  cutoffGrid: { from: 0.05, to: 0.6, step: 0.01 },
  costBadAccepted: 5,
  costGoodRejected: 1,
  expectedBadRate: 0.05,
  categorical: [],
  exclude: [],
};

export interface Dataset {
  columns: string[];
  rows: string[][];
}

export interface TrainInput {
  data: Dataset;
  target: string;
  /** The target's value that marks a bad outcome; every other value is good. */
  bad: string;
  name: string;
  version: string;
  dataSha256: string;
  settings: TrainingSettings;
}

type Column =
  | { name: string; type: 'numeric'; values: Float64Array }
  | { name: string; type: 'categorical'; values: (string | null)[] };

interface Prepared {
  /** 1 = bad. */
  bad: Uint8Array;
  columns: Column[];
  records: Record<string, string>[];
}

function prepare(input: TrainInput): Prepared {
  const { columns, rows } = input.data;
  const targetAt = columns.indexOf(input.target);
  if (targetAt < 0) throw new Error(`target column ${input.target} is not in the data`);
  for (const name of [...input.settings.categorical, ...input.settings.exclude]) {
    if (!columns.includes(name)) throw new Error(`column ${name} is not in the data`);
  }
  const bad = Uint8Array.from(rows, (row) => (row[targetAt]?.trim() === input.bad ? 1 : 0));
  const records = rows.map((row) => Object.fromEntries(columns.map((name, j) => [name, row[j] ?? ''])));
  const features: Column[] = [];
  columns.forEach((name, j) => {
    if (j === targetAt || input.settings.exclude.includes(name)) return;
    if (input.settings.categorical.includes(name)) {
      features.push({ name, type: 'categorical', values: rows.map((row) => categoricalValue(row[j])) });
    } else {
      const values = Float64Array.from(rows, (row, i) => {
        try {
          return numericValue(row[j], name);
        } catch {
          throw new Error(`column ${name} is numeric but row ${i + 1} holds "${row[j]}"; name it in --categorical`);
        }
      });
      features.push({ name, type: 'numeric', values });
    }
  });
  return { bad, columns: features, records };
}

interface BinnedFeature {
  name: string;
  type: 'numeric' | 'categorical';
  binning: Binning;
  /** WoE of the present-value bins, then of the missing bin; rounded as stored. */
  woe: number[];
  iv: number;
}

function binColumn(column: Column, rows: readonly number[], bad: Uint8Array, maxBins: number, settings: TrainingSettings): BinnedFeature {
  const outcomes = Uint8Array.from(rows, (i) => bad[i] as number);
  const options = { maxBins, minCount: Math.ceil(settings.minBinShare * rows.length), woeSmoothing: settings.woeSmoothing };
  const binning: Binning =
    column.type === 'numeric'
      ? binNumeric(
          Float64Array.from(rows, (i) => column.values[i] as number),
          outcomes,
          options,
        )
      : binCategorical(
          rows.map((i) => column.values[i] as string | null),
          outcomes,
          options,
        );
  const cells: Cell[] = [...binning.bins, binning.missing];
  const totals = totalsOf(cells);
  return {
    name: column.name,
    type: column.type,
    binning,
    woe: cells.map((cell) => roundTo(weightOfEvidence(cell, totals, settings.woeSmoothing), 6)),
    iv: informationValue(cells, totals, settings.woeSmoothing),
  };
}

/** The WoE of each listed row's bin (the missing bin for blanks and unseen levels). */
function woeColumn(feature: BinnedFeature, column: Column, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length);
  const missingWoe = feature.woe[feature.woe.length - 1] as number;
  if (feature.binning.type === 'numeric') {
    const bins = feature.binning.bins;
    const cuts = bins.slice(1).map((bin) => bin.lower as number);
    const values = column.values as Float64Array;
    for (let k = 0; k < rows.length; k++) {
      const x = values[rows[k] as number] as number;
      out[k] = isNaN(x) || bins.length === 0 ? missingWoe : (feature.woe[binIndex(cuts, x)] as number);
    }
    return out;
  }
  const woeOfLevel = new Map<string, number>();
  feature.binning.bins.forEach((bin, k) => bin.values.forEach((v) => woeOfLevel.set(v, feature.woe[k] as number)));
  const values = column.values as (string | null)[];
  for (let k = 0; k < rows.length; k++) {
    const level = values[rows[k] as number];
    out[k] = (level === null || level === undefined ? undefined : woeOfLevel.get(level)) ?? missingWoe;
  }
  return out;
}

interface Fit {
  /** Positions in the binned list of the features kept, in column order. */
  selected: number[];
  intercept: number;
  coefficients: number[];
  converged: boolean;
  iterations: number;
  dropped: Map<string, string>;
}

/** IV filter, then fit and drop the feature with the lowest non-positive coefficient until every coefficient is positive. */
function fitWithSelection(binned: readonly BinnedFeature[], woe: readonly Float64Array[], good: Uint8Array, lambda: number, settings: TrainingSettings): Fit {
  const dropped = new Map<string, string>();
  let active: number[] = [];
  binned.forEach((feature, j) => {
    if (feature.iv >= settings.ivMin) active.push(j);
    else dropped.set(feature.name, `IV ${feature.iv.toFixed(4)} < ${settings.ivMin}`);
  });
  for (;;) {
    const x: Float64Array[] = [];
    for (let i = 0; i < good.length; i++) {
      const row = new Float64Array(active.length);
      for (let k = 0; k < active.length; k++) row[k] = (woe[active[k] as number] as Float64Array)[i] as number;
      x.push(row);
    }
    const fit = fitLogistic(x, good, lambda);
    const [intercept, ...coefficients] = fit.coefficients as [number, ...number[]];
    let worst = -1;
    coefficients.forEach((c, k) => {
      if (c <= 0 && (worst < 0 || c < (coefficients[worst] as number))) worst = k;
    });
    if (worst < 0) return { selected: active, intercept, coefficients, converged: fit.converged, iterations: fit.iterations, dropped };
    const name = (binned[active[worst] as number] as BinnedFeature).name;
    dropped.set(name, `coefficient ${(coefficients[worst] as number).toFixed(4)} ≤ 0 once fitted with the others (λ = ${lambda})`);
    active = active.filter((_, k) => k !== worst);
  }
}

function numericLabel(lower: number | null, upper: number | null): string {
  if (lower === null && upper === null) return 'any value';
  if (lower === null) return `x < ${upper}`;
  if (upper === null) return `x ≥ ${lower}`;
  return `${lower} ≤ x < ${upper}`;
}

export interface ModelMeta {
  name: string;
  version: string;
  dataSha256: string;
  target: string;
  bad: string;
  rows: number;
  badRate: number;
  developmentRows: number;
  testRows: number;
}

const CONVENTIONS = (settings: TrainingSettings): Record<string, string> => ({
  odds: 'good:bad; a row is bad when its target equals trainingData.bad',
  missing: 'null, undefined, NaN or a blank cell; numeric text that does not parse is an error',
  numericBins: 'lower ≤ x < upper; null = unbounded',
  categoricalBins: 'one bin lists its levels; a level in no bin (never seen in development) scores as the missing bin',
  woe: `ln(%good / %bad) on the development rows, each bin given ${settings.woeSmoothing} pseudo-rows split in the sample's good:bad mix (an empty bin has WoE 0)`,
  points: 'points = round(factor · coefficient · woe), factor = pdo / ln 2; basePoints = round(baseScore + factor · (intercept + calibration.interceptShift − ln baseOdds))',
  score: 'score = min(max(basePoints + Σ points, scaling.min), scaling.max)',
  pd: 'pd = 1 / (1 + exp(L)), L = (basePoints + Σ points − baseScore) / factor + ln baseOdds (the unclipped sum); pdSample: the same with L − interceptShift',
  cutoff: 'accept when score ≥ cutoff.score, which is the same as pdSample ≤ cutoff.pdSample and pd ≤ cutoff.pd',
});

function buildModel(
  binned: readonly BinnedFeature[],
  fit: Fit,
  parameters: TrainingParameters,
  meta: ModelMeta,
  sampleBadRate: number,
  cutoffPdSample: number,
): ScorecardModel {
  const scaling = { ...DEFAULT_SCALING };
  const factor = scalingFactor(scaling);
  const shift = roundTo(interceptShift(sampleBadRate, parameters.expectedBadRate), 6);
  const intercept = roundTo(fit.intercept, 6);
  const features: ModelFeature[] = fit.selected.map((j, k) => {
    const feature = binned[j] as BinnedFeature;
    const coefficient = roundTo(fit.coefficients[k] as number, 6);
    const cells: Cell[] = [...feature.binning.bins, feature.binning.missing];
    const bins: ModelBin[] = cells.map((cell, id) => {
      const common = {
        woe: feature.woe[id] as number,
        count: cell.count,
        badRate: cell.count === 0 ? null : roundTo(cell.bads / cell.count, 6),
        points: Math.round(factor * coefficient * (feature.woe[id] as number)) || 0,
      };
      if (id === cells.length - 1) return { id, label: 'missing', missing: true as const, ...common };
      if (feature.binning.type === 'numeric') {
        const { lower, upper } = feature.binning.bins[id] as { lower: number | null; upper: number | null };
        return { id, label: numericLabel(lower, upper), lower, upper, ...common };
      }
      const values = (feature.binning.bins[id] as { values: string[] }).values;
      return { id, label: values.join(', '), values, ...common };
    });
    return { name: feature.name, type: feature.type, iv: roundTo(feature.iv, 6), coefficient, bins };
  });
  const basePoints = Math.round(scaling.baseScore + factor * (intercept + shift - Math.log(scaling.baseOdds)));
  // Accept ⇔ pdSample ≤ t ⇔ unclipped score ≥ baseScore + factor·(ln((1 − t)/t) + shift − ln baseOdds); scores are integers.
  const exactCut = scaling.baseScore + factor * (Math.log((1 - cutoffPdSample) / cutoffPdSample) + shift - Math.log(scaling.baseOdds));
  const cutoffScore = Math.min(scaling.max, Math.max(scaling.min, Math.ceil(exactCut)));
  return {
    format: SCORECARD_FORMAT,
    version: meta.version,
    name: meta.name,
    trainingData: {
      sha256: meta.dataSha256,
      rows: meta.rows,
      badRate: roundTo(meta.badRate, 6),
      target: meta.target,
      bad: meta.bad,
      developmentRows: meta.developmentRows,
      testRows: meta.testRows,
    },
    parameters,
    conventions: CONVENTIONS(parameters),
    scaling,
    intercept,
    basePoints,
    calibration: { sampleBadRate: roundTo(sampleBadRate, 6), expectedBadRate: parameters.expectedBadRate, interceptShift: shift },
    features,
    cutoff: {
      pdSample: roundTo(cutoffPdSample, 6),
      pd: roundTo(pdOfLogOdds(Math.log((1 - cutoffPdSample) / cutoffPdSample) + shift), 6),
      score: cutoffScore,
    },
  };
}

function parametersOf(settings: TrainingSettings, maxBins: number, lambda: number): TrainingParameters {
  return {
    seed: settings.seed,
    testShare: settings.testShare,
    minBinShare: settings.minBinShare,
    maxBinsGrid: settings.maxBinsGrid,
    maxBins,
    lambdaGrid: settings.lambdaGrid,
    lambda,
    ivMin: settings.ivMin,
    woeSmoothing: settings.woeSmoothing,
    innerFolds: settings.innerFolds,
    cvFolds: settings.cvFolds,
    cutoffGrid: settings.cutoffGrid,
    costBadAccepted: settings.costBadAccepted,
    costGoodRejected: settings.costGoodRejected,
    expectedBadRate: settings.expectedBadRate,
    categorical: settings.categorical,
    exclude: settings.exclude,
  };
}

function cutoffGrid(settings: TrainingSettings): number[] {
  const { from, to, step } = settings.cutoffGrid;
  const grid: number[] = [];
  for (let k = 0; from + k * step <= to + 1e-9; k++) grid.push(roundTo(from + k * step, 6));
  return grid;
}

export interface CutoffPoint {
  pdSample: number;
  cost: number;
}

export interface CutoffChoice {
  /** The rule's choice: within one standard error of the lowest cost, the threshold nearest the theory. */
  pdSample: number;
  /** The plain lowest-cost threshold (ties: nearest the theory), kept for comparison. */
  lowestCost: number;
  /** One standard error of the average cost at the lowest-cost threshold. */
  standardError: number;
  curve: CutoffPoint[];
}

/**
 * Chooses t for "reject when pdSample > t" on out-of-fold predictions. The cost curve is a step function that is
 * flat and noisy near its minimum (a few hundred rows, costs of 0, 1 or 5 per row), so its plain minimum is a noisy
 * pick; the one-standard-error rule keeps the theoretical c_good/(c_good + c_bad) unless the data clearly beats it.
 */
export function chooseCutoff(pdSample: ArrayLike<number>, bad: ArrayLike<number>, settings: TrainingSettings): CutoffChoice {
  const costs = { badAccepted: settings.costBadAccepted, goodRejected: settings.costGoodRejected };
  const theory = settings.costGoodRejected / (settings.costGoodRejected + settings.costBadAccepted);
  const curve = cutoffGrid(settings).map((t) => {
    const accept = Array.from(pdSample, (p) => p <= t);
    return { pdSample: t, cost: averageCost(confusion(accept, bad), costs) };
  });
  const nearerTheory = (a: CutoffPoint, b: CutoffPoint) => Math.abs(a.pdSample - theory) < Math.abs(b.pdSample - theory);
  let lowest = curve[0] as CutoffPoint;
  for (const point of curve) {
    if (point.cost < lowest.cost - 1e-12 || (Math.abs(point.cost - lowest.cost) <= 1e-12 && nearerTheory(point, lowest))) lowest = point;
  }
  const rowCosts = Array.from(pdSample, (p, i) =>
    p <= lowest.pdSample ? ((bad[i] as number) === 1 ? settings.costBadAccepted : 0) : (bad[i] as number) === 1 ? 0 : settings.costGoodRejected,
  );
  const meanCost = rowCosts.reduce((s, c) => s + c, 0) / rowCosts.length;
  const variance = rowCosts.reduce((s, c) => s + (c - meanCost) ** 2, 0) / (rowCosts.length - 1);
  const standardError = Math.sqrt(variance / rowCosts.length);
  let chosen = lowest;
  for (const point of curve) if (point.cost <= lowest.cost + standardError && nearerTheory(point, chosen)) chosen = point;
  return { pdSample: chosen.pdSample, lowestCost: lowest.pdSample, standardError, curve };
}

export interface GridPoint {
  maxBins: number;
  lambda: number;
  logLoss: number;
}

export interface Development {
  model: ScorecardModel;
  binned: BinnedFeature[];
  fit: Fit;
  grid: GridPoint[];
  cutoff: CutoffChoice;
}

const PLACEHOLDER_META = (rows: number): ModelMeta => ({
  name: 'cv',
  version: 'cv',
  dataSha256: '',
  target: '',
  bad: '',
  rows,
  badRate: 0,
  developmentRows: rows,
  testRows: 0,
});

function badRateOf(rows: readonly number[], bad: Uint8Array): number {
  let bads = 0;
  for (const i of rows) bads += bad[i] as number;
  return bads / rows.length;
}

/** Binning and WoE of every candidate feature on the given rows. */
function binAll(prep: Prepared, rows: readonly number[], maxBins: number, settings: TrainingSettings) {
  const binned = prep.columns.map((column) => binColumn(column, rows, prep.bad, maxBins, settings));
  const woe = binned.map((feature, j) => woeColumn(feature, prep.columns[j] as Column, rows));
  return { binned, woe };
}

/** The rest of the recipe on binned rows and a fixed λ: selection, fit, points (the cut-off is given). */
function recipe(
  prep: Prepared,
  rows: readonly number[],
  binned: { binned: BinnedFeature[]; woe: Float64Array[] },
  lambda: number,
  parameters: TrainingParameters,
  meta: ModelMeta,
  cutoff: number,
) {
  const good = Uint8Array.from(rows, (i) => 1 - (prep.bad[i] as number));
  const fit = fitWithSelection(binned.binned, binned.woe, good, lambda, parameters);
  return { fit, model: buildModel(binned.binned, fit, parameters, meta, badRateOf(rows, prep.bad), cutoff) };
}

function developScorecard(prep: Prepared, rows: readonly number[], settings: TrainingSettings, meta: ModelMeta): Development {
  const labels = Uint8Array.from(rows, (i) => prep.bad[i] as number);
  const folds = stratifiedFolds(labels, settings.innerFolds, settings.seed + 1);
  // Out-of-fold P(bad) on the sample scale for every (maxBins, λ), by position in `rows`.
  const oof = new Map<string, Float64Array>();
  const key = (maxBins: number, lambda: number) => `${maxBins}/${lambda}`;
  for (const maxBins of settings.maxBinsGrid) for (const lambda of settings.lambdaGrid) oof.set(key(maxBins, lambda), new Float64Array(rows.length));
  for (let f = 0; f < settings.innerFolds; f++) {
    const fitRows = rows.filter((_, k) => folds[k] !== f);
    const heldOut = rows.map((_, k) => k).filter((k) => folds[k] === f);
    for (const maxBins of settings.maxBinsGrid) {
      const binned = binAll(prep, fitRows, maxBins, settings);
      for (const lambda of settings.lambdaGrid) {
        const { model } = recipe(prep, fitRows, binned, lambda, parametersOf(settings, maxBins, lambda), PLACEHOLDER_META(fitRows.length), 0.5);
        const target = oof.get(key(maxBins, lambda)) as Float64Array;
        for (const k of heldOut) target[k] = scoreRow(model, prep.records[rows[k] as number] as Record<string, string>).pdSample;
      }
    }
  }
  const grid: GridPoint[] = [];
  let best: GridPoint | undefined;
  // Preference on ties: fewer bins first, and within them the larger λ (the simpler model).
  for (const maxBins of [...settings.maxBinsGrid].sort((a, b) => a - b)) {
    for (const lambda of [...settings.lambdaGrid].sort((a, b) => b - a)) {
      const point = { maxBins, lambda, logLoss: logLoss(oof.get(key(maxBins, lambda)) as Float64Array, labels) };
      grid.push(point);
      if (!best || point.logLoss < best.logLoss - 1e-12) best = point;
    }
  }
  const chosen = best as GridPoint;
  const cutoff = chooseCutoff(oof.get(key(chosen.maxBins, chosen.lambda)) as Float64Array, labels, settings);
  const binned = binAll(prep, rows, chosen.maxBins, settings);
  const parameters = parametersOf(settings, chosen.maxBins, chosen.lambda);
  const { fit, model } = recipe(prep, rows, binned, chosen.lambda, parameters, meta, cutoff.pdSample);
  grid.sort((a, b) => a.maxBins - b.maxBins || a.lambda - b.lambda);
  return { model, binned: binned.binned, fit, grid, cutoff };
}

export interface Evaluation {
  rows: number;
  bads: number;
  auc: number;
  gini: number;
  ks: number;
  brier: number;
  confusion: Confusion;
  cost: number;
}

interface Scored {
  score: number[];
  pd: number[];
  pdSample: number[];
  bad: number[];
}

function scoreRows(model: ScorecardModel, prep: Prepared, rows: readonly number[]): Scored {
  const out: Scored = { score: [], pd: [], pdSample: [], bad: [] };
  for (const i of rows) {
    const result = scoreRow(model, prep.records[i] as Record<string, string>);
    out.score.push(result.score);
    out.pd.push(result.pd);
    out.pdSample.push(result.pdSample);
    out.bad.push(prep.bad[i] as number);
  }
  return out;
}

function evaluate(scored: Scored, cutoffScore: number, settings: TrainingSettings): Evaluation {
  const matrix = confusion(
    scored.score.map((s) => s >= cutoffScore),
    scored.bad,
  );
  return {
    rows: scored.bad.length,
    bads: scored.bad.reduce((s, b) => s + b, 0),
    auc: roundTo(auc(scored.pdSample, scored.bad), 4),
    gini: roundTo(gini(scored.pdSample, scored.bad), 4),
    ks: roundTo(ks(scored.pdSample, scored.bad), 4),
    brier: roundTo(brier(scored.pdSample, scored.bad), 4),
    confusion: matrix,
    cost: roundTo(averageCost(matrix, { badAccepted: settings.costBadAccepted, goodRejected: settings.costGoodRejected }), 4),
  };
}

export interface FeatureSummary {
  name: string;
  type: 'numeric' | 'categorical' | 'excluded';
  iv: number | null;
  bins: number | null;
  status: 'selected' | 'dropped' | 'excluded';
  reason: string | null;
  coefficient: number | null;
}

export interface BandSummary {
  band: string;
  minScore: number;
  maxScore: number;
  rows: number;
  bads: number;
  observedBadRate: number | null;
  meanPdSample: number | null;
  meanPd: number | null;
}

export interface CrossValidationFold {
  fold: number;
  rows: number;
  bads: number;
  maxBins: number;
  lambda: number;
  features: number;
  cutoffPdSample: number;
  cost: number;
  cutoffLowestCost: number;
  costAtLowestCost: number;
  costAtTheory: number;
  auc: number;
}

export interface PublishedResult {
  method: string;
  cost: number;
}

export interface TrainingReport {
  format: string;
  modelVersion: string;
  data: { sha256: string; rows: number; bads: number; badRate: number; target: string; bad: string };
  split: { seed: number; developmentRows: number; developmentBads: number; testRows: number; testBads: number };
  selection: {
    innerFolds: number;
    grid: GridPoint[];
    maxBins: number;
    lambda: number;
    cutoffCurve: CutoffPoint[];
    cutoffLowestCost: number;
    cutoffStandardError: number;
    iterations: number;
    converged: boolean;
  };
  features: FeatureSummary[];
  cutoff: ScorecardModel['cutoff'] & { theoryPdSample: number; calibratedBreakEvenScore: number };
  metrics: { development: Evaluation; test: Evaluation };
  psi: { scoreDevelopmentVsTest: number; cuts: number[]; developmentCounts: number[]; testCounts: number[] };
  calibration: {
    sampleBadRate: number;
    expectedBadRate: number;
    interceptShift: number;
    scorePoints: Array<{ score: number; pdSample: number; pd: number }>;
    testBands: BandSummary[];
  };
  crossValidation: {
    folds: number;
    seed: number;
    perFold: CrossValidationFold[];
    meanFoldCost: number;
    sdFoldCost: number;
    pooledCost: number;
    pooledCostAtLowestCost: number;
    pooledCostAtTheory: number;
    pooledConfusion: Confusion;
    pooledAuc: number;
    rejectAllCost: number;
    acceptAllCost: number;
  };
  published: { source: string; results: PublishedResult[]; aucRange: [number, number] } | null;
}

/** Published results for exactly this file (keyed by its SHA-256); see ../shared/data/README.md. */
const PUBLISHED: Record<string, NonNullable<TrainingReport['published']>> = {
  c1b33bf4e2157b9d1652ad107b66c361ded4f4d92bd4a6e5e0750d55987eb349: {
    source: 'StatLog (Michie, Spiegelhalter & Taylor 1994), 10-fold CV, average cost per applicant; LR AUC as commonly reported',
    results: [
      { method: 'Discrim', cost: 0.535 },
      { method: 'LogDisc (logistic regression)', cost: 0.538 },
      { method: 'Castle', cost: 0.583 },
      { method: 'Alloc80', cost: 0.584 },
      { method: 'Dipol92', cost: 0.599 },
      { method: 'Smart', cost: 0.601 },
      { method: 'Reject everyone', cost: 0.7 },
    ],
    aucRange: [0.77, 0.8],
  },
};

/** The policy's bands (PRODUCT.md §4), shown in the report to read the calibration; the decision is not made here. */
const REPORT_BANDS = [
  { band: 'A', minScore: 720, maxScore: 850 },
  { band: 'B', minScore: 660, maxScore: 719 },
  { band: 'C', minScore: 600, maxScore: 659 },
  { band: 'D', minScore: 300, maxScore: 599 },
];

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

export function trainScorecard(input: TrainInput): { model: ScorecardModel; report: TrainingReport } {
  const settings = input.settings;
  const prep = prepare(input);
  const n = prep.bad.length;
  const totalBads = prep.bad.reduce((s, b) => s + b, 0);
  if (totalBads === 0 || totalBads === n) throw new Error(`the target ${input.target} needs both bad (${input.bad}) and good rows`);
  const costs = { badAccepted: settings.costBadAccepted, goodRejected: settings.costGoodRejected };
  const theory = settings.costGoodRejected / (settings.costGoodRejected + settings.costBadAccepted);

  const split = stratifiedSplit(prep.bad, settings.testShare, settings.seed);
  const meta: ModelMeta = {
    name: input.name,
    version: input.version,
    dataSha256: input.dataSha256,
    target: input.target,
    bad: input.bad,
    rows: n,
    badRate: totalBads / n,
    developmentRows: split.train.length,
    testRows: split.test.length,
  };
  const dev = developScorecard(prep, split.train, settings, meta);
  const model = dev.model;

  const devScored = scoreRows(model, prep, split.train);
  const testScored = scoreRows(model, prep, split.test);
  const psi = psiByQuantiles(devScored.score, testScored.score, 10);

  const features: FeatureSummary[] = input.data.columns
    .filter((name) => name !== input.target)
    .map((name) => {
      if (settings.exclude.includes(name)) {
        return { name, type: 'excluded', iv: null, bins: null, status: 'excluded', reason: 'excluded by --exclude', coefficient: null };
      }
      const binned = dev.binned.find((f) => f.name === name) as BinnedFeature;
      const kept = model.features.find((f) => f.name === name);
      return {
        name,
        type: binned.type,
        iv: roundTo(binned.iv, 4),
        bins: binned.binning.bins.length,
        status: kept ? 'selected' : 'dropped',
        reason: kept ? null : (dev.fit.dropped.get(name) ?? null),
        coefficient: kept ? kept.coefficient : null,
      };
    });

  const factor = scalingFactor(model.scaling);
  const shift = model.calibration.interceptShift;
  const pdAt = (score: number, withShift: number) => roundTo(pdOfLogOdds((score - model.scaling.baseScore) / factor - withShift), 6);
  const scorePoints = [300, 400, 500, 600, 660, 720, 781, 850, model.cutoff.score]
    .filter((s, k, all) => all.indexOf(s) === k)
    .sort((a, b) => a - b)
    .map((score) => ({ score, pdSample: pdAt(score, shift), pd: pdAt(score, 0) }));
  const testBands: BandSummary[] = REPORT_BANDS.map((band) => {
    const members = testScored.score.map((_, k) => k).filter((k) => (testScored.score[k] as number) >= band.minScore && (testScored.score[k] as number) <= band.maxScore);
    const bads = members.reduce((s, k) => s + (testScored.bad[k] as number), 0);
    const avg = (values: number[]) => (members.length === 0 ? null : roundTo(mean(members.map((k) => values[k] as number)), 4));
    return {
      ...band,
      rows: members.length,
      bads,
      observedBadRate: members.length === 0 ? null : roundTo(bads / members.length, 4),
      meanPdSample: avg(testScored.pdSample),
      meanPd: avg(testScored.pd),
    };
  });

  // The whole of developScorecard again inside each outer fold, on all rows: an honest estimate of the recipe's cost.
  const outer = stratifiedFolds(prep.bad, settings.cvFolds, settings.seed + 2);
  const perFold: CrossValidationFold[] = [];
  const pooled = { score: [] as boolean[], lowest: [] as boolean[], theory: [] as boolean[], pdSample: [] as number[], bad: [] as number[] };
  for (let f = 0; f < settings.cvFolds; f++) {
    const fitRows: number[] = [];
    const heldOut: number[] = [];
    for (let i = 0; i < n; i++) (outer[i] === f ? heldOut : fitRows).push(i);
    const foldDev = developScorecard(prep, fitRows, settings, PLACEHOLDER_META(fitRows.length));
    const scored = scoreRows(foldDev.model, prep, heldOut);
    const accept = scored.score.map((s) => s >= foldDev.model.cutoff.score);
    const acceptAtLowest = scored.pdSample.map((p) => p <= foldDev.cutoff.lowestCost);
    const acceptAtTheory = scored.pdSample.map((p) => p <= theory);
    pooled.score.push(...accept);
    pooled.lowest.push(...acceptAtLowest);
    pooled.theory.push(...acceptAtTheory);
    pooled.pdSample.push(...scored.pdSample);
    pooled.bad.push(...scored.bad);
    perFold.push({
      fold: f + 1,
      rows: heldOut.length,
      bads: scored.bad.reduce((s, b) => s + b, 0),
      maxBins: foldDev.model.parameters.maxBins,
      lambda: foldDev.model.parameters.lambda,
      features: foldDev.model.features.length,
      cutoffPdSample: foldDev.model.cutoff.pdSample,
      cost: roundTo(averageCost(confusion(accept, scored.bad), costs), 4),
      cutoffLowestCost: foldDev.cutoff.lowestCost,
      costAtLowestCost: roundTo(averageCost(confusion(acceptAtLowest, scored.bad), costs), 4),
      costAtTheory: roundTo(averageCost(confusion(acceptAtTheory, scored.bad), costs), 4),
      auc: roundTo(auc(scored.pdSample, scored.bad), 4),
    });
  }
  const foldCosts = perFold.map((fold) => fold.cost);
  const meanFoldCost = mean(foldCosts);
  const sdFoldCost = Math.sqrt(foldCosts.reduce((s, c) => s + (c - meanFoldCost) ** 2, 0) / (foldCosts.length - 1));
  const pooledConfusion = confusion(pooled.score, pooled.bad);

  const report: TrainingReport = {
    format: 'microloan-scorecard-report/1',
    modelVersion: model.version,
    data: { sha256: input.dataSha256, rows: n, bads: totalBads, badRate: roundTo(totalBads / n, 6), target: input.target, bad: input.bad },
    split: {
      seed: settings.seed,
      developmentRows: split.train.length,
      developmentBads: devScored.bad.reduce((s, b) => s + b, 0),
      testRows: split.test.length,
      testBads: testScored.bad.reduce((s, b) => s + b, 0),
    },
    selection: {
      innerFolds: settings.innerFolds,
      grid: dev.grid.map((point) => ({ ...point, logLoss: roundTo(point.logLoss, 6) })),
      maxBins: model.parameters.maxBins,
      lambda: model.parameters.lambda,
      cutoffCurve: dev.cutoff.curve.map((point) => ({ pdSample: point.pdSample, cost: roundTo(point.cost, 4) })),
      cutoffLowestCost: dev.cutoff.lowestCost,
      cutoffStandardError: roundTo(dev.cutoff.standardError, 4),
      iterations: dev.fit.iterations,
      converged: dev.fit.converged,
    },
    features,
    cutoff: {
      ...model.cutoff,
      theoryPdSample: roundTo(theory, 6),
      // Where the same cost matrix breaks even if the lender's own bads are at the expected rate: P(bad) = theory on the calibrated scale.
      calibratedBreakEvenScore: Math.round(model.scaling.baseScore + factor * Math.log((1 - theory) / theory)),
    },
    metrics: { development: evaluate(devScored, model.cutoff.score, settings), test: evaluate(testScored, model.cutoff.score, settings) },
    psi: { scoreDevelopmentVsTest: roundTo(psi.psi, 4), cuts: psi.cuts, developmentCounts: psi.expectedCounts, testCounts: psi.actualCounts },
    calibration: { ...model.calibration, scorePoints, testBands },
    crossValidation: {
      folds: settings.cvFolds,
      seed: settings.seed + 2,
      perFold,
      meanFoldCost: roundTo(meanFoldCost, 4),
      sdFoldCost: roundTo(sdFoldCost, 4),
      pooledCost: roundTo(averageCost(pooledConfusion, costs), 4),
      pooledCostAtLowestCost: roundTo(averageCost(confusion(pooled.lowest, pooled.bad), costs), 4),
      pooledCostAtTheory: roundTo(averageCost(confusion(pooled.theory, pooled.bad), costs), 4),
      pooledConfusion,
      pooledAuc: roundTo(auc(pooled.pdSample, pooled.bad), 4),
      rejectAllCost: roundTo((settings.costGoodRejected * (n - totalBads)) / n, 4),
      acceptAllCost: roundTo((settings.costBadAccepted * totalBads) / n, 4),
    },
    published: PUBLISHED[input.dataSha256] ?? null,
  };
  return { model, report };
}

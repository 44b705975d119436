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
//    - the recipe runs once more on all development rows with the winning pair.
//    That development model is measured on the test rows (the held-out check, kept in the report), next to a plain
//    weight-of-evidence logistic regression fitted on the same development rows (see baseline.ts).
// 3. The shipped model: the recipe with the chosen bin count, λ and cut-off, refitted on ALL rows (binning, WoE,
//    selection, coefficients) — the test rows are not thrown away once they have done their job.
// 4. A 10-fold stratified CV of step 2 in full on all rows (every choice, the cut-off included, made again inside
//    each training fold from that fold's own out-of-fold scores), whose pooled cost is comparable with StatLog's.
// 5. The fairness section (fairness.ts): approval rate, mean PD and bad rate by protected group.
//
// Speed: columns are parsed once (numeric columns also sorted once); a binning on any subset of rows walks the
// sorted order, every row gets its bin's code, and scoring during training is a sum of points per code — the same
// arithmetic as scoreRow. Fits are Newton steps on a flat design, warm-started along the λ path.

import { binCategoricalCounts, binIndex, binSortedNumeric, quantileCutPoints, type Binning, type CategoricalCell } from './binning';
import { plainWoeBaseline, type BaselineReport } from './baseline';
import { fairnessReport, type FairnessReport } from './fairness';
import { dropFromHessian, fitLogisticFlat, type FlatDesign } from './logistic';
import { auc, averageCost, brier, confusion, gini, ks, logLoss, psiByQuantiles, type Confusion } from './metrics';
import { DEFAULT_SCALING, clipScore, interceptShift, logOddsOfScore, pdOfLogOdds, scalingFactor } from '../../functions/core/assessment/scorecard/scaling';
import { stratifiedFolds, stratifiedSplit } from './split';
import { SCORECARD_FORMAT, type ModelBin, type ModelFeature, type ScorecardModel, type TrainingParameters } from '../../functions/core/assessment/scorecard/types';
import { categoricalValue, numericValue, roundTo } from '../../functions/core/assessment/scorecard/values';
import { informationValue, totalsOf, weightOfEvidence, type Cell } from './woe';

// Bound once: inside a sandbox such as Jest's vm context every global lookup is slow in a hot loop.
const isNaN = Number.isNaN;

/** The recipe's version: bump it when a change to this pipeline changes the artifact for the same data and settings. */
export const TRAINER_VERSION = '2.1.0';

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

export type Column =
  | { name: string; type: 'numeric'; values: Float64Array; /** Rows with a value, ascending by value (ties by row). */ order: Int32Array }
  | { name: string; type: 'categorical'; /** Level id per row, −1 when missing. */ codes: Int32Array; levels: string[] };

export interface Prepared {
  /** 1 = bad. */
  bad: Uint8Array;
  columns: Column[];
}

function prepare(input: TrainInput): Prepared {
  const { columns, rows } = input.data;
  const targetAt = columns.indexOf(input.target);
  if (targetAt < 0) throw new Error(`target column ${input.target} is not in the data`);
  for (const name of [...input.settings.categorical, ...input.settings.exclude]) {
    if (!columns.includes(name)) throw new Error(`column ${name} is not in the data`);
  }
  const bad = Uint8Array.from(rows, (row) => (row[targetAt]?.trim() === input.bad ? 1 : 0));
  const features: Column[] = [];
  columns.forEach((name, j) => {
    if (j === targetAt || input.settings.exclude.includes(name)) return;
    if (input.settings.categorical.includes(name)) {
      const ids = new Map<string, number>();
      const levels: string[] = [];
      const codes = Int32Array.from(rows, (row) => {
        const level = categoricalValue(row[j]);
        if (level === null) return -1;
        let id = ids.get(level);
        if (id === undefined) {
          ids.set(level, (id = levels.length));
          levels.push(level);
        }
        return id;
      });
      features.push({ name, type: 'categorical', codes, levels });
    } else {
      const values = Float64Array.from(rows, (row, i) => {
        try {
          return numericValue(row[j], name);
        } catch {
          throw new Error(`column ${name} is numeric but row ${i + 1} holds "${row[j]}"; name it in --categorical`);
        }
      });
      const present: number[] = [];
      for (let i = 0; i < values.length; i++) if (!isNaN(values[i] as number)) present.push(i);
      present.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
      features.push({ name, type: 'numeric', values, order: Int32Array.from(present) });
    }
  });
  return { bad, columns: features };
}

export interface BinnedFeature {
  name: string;
  type: 'numeric' | 'categorical';
  binning: Binning;
  /** WoE of the present-value bins, then of the missing bin; rounded as stored. */
  woe: number[];
  iv: number;
  /** The bin of every row of the data (not only the rows binned on): position in `woe`, the missing bin last. */
  code: Uint16Array;
}

/** Bins one column on the rows where mask[i] = 1, and codes every row of the data into those bins. */
export function binColumn(
  column: Column,
  mask: Uint8Array,
  fitCount: number,
  bad: Uint8Array,
  maxBins: number,
  settings: TrainingSettings,
  extra: { free?: boolean } = {},
): BinnedFeature {
  const options = { maxBins, minCount: Math.ceil(settings.minBinShare * fitCount), woeSmoothing: settings.woeSmoothing, ...extra };
  const n = bad.length;
  const code = new Uint16Array(n);
  let binning: Binning;
  if (column.type === 'numeric') {
    const sorted = new Float64Array(column.order.length);
    const sortedBad = new Uint8Array(column.order.length);
    let m = 0;
    for (let k = 0; k < column.order.length; k++) {
      const i = column.order[k] as number;
      if (mask[i] === 1) {
        sorted[m] = column.values[i] as number;
        sortedBad[m++] = bad[i] as number;
      }
    }
    const missing: Cell = { count: 0, bads: 0 };
    for (let i = 0; i < n; i++) {
      if (mask[i] === 1 && isNaN(column.values[i] as number)) {
        missing.count++;
        missing.bads += bad[i] as number;
      }
    }
    const numeric = binSortedNumeric(sorted.subarray(0, m), sortedBad.subarray(0, m), missing, options);
    binning = numeric;
    const missingCode = numeric.bins.length;
    code.fill(missingCode);
    if (numeric.bins.length > 0) {
      const cuts = numeric.bins.slice(1).map((bin) => bin.lower as number);
      let b = 0;
      for (let k = 0; k < column.order.length; k++) {
        const i = column.order[k] as number;
        const x = column.values[i] as number;
        while (b < cuts.length && (cuts[b] as number) <= x) b++;
        code[i] = b;
      }
    }
  } else {
    const cells: CategoricalCell[] = column.levels.map((level) => ({ values: [level], count: 0, bads: 0 }));
    const missing: Cell = { count: 0, bads: 0 };
    for (let i = 0; i < n; i++) {
      if (mask[i] !== 1) continue;
      const level = column.codes[i] as number;
      const cell = level < 0 ? missing : (cells[level] as Cell);
      cell.count++;
      cell.bads += bad[i] as number;
    }
    const categorical = binCategoricalCounts(cells, missing, options);
    binning = categorical;
    const binOfLevel = new Int32Array(column.levels.length).fill(categorical.bins.length);
    const idOf = new Map(column.levels.map((level, id) => [level, id]));
    categorical.bins.forEach((bin, b) => bin.values.forEach((level) => (binOfLevel[idOf.get(level) as number] = b)));
    // A level never seen in these rows scores as the missing bin, as in scoreRow.
    for (let i = 0; i < n; i++) {
      const level = column.codes[i] as number;
      code[i] = level < 0 ? categorical.bins.length : (binOfLevel[level] as number);
    }
  }
  const cells: Cell[] = [...binning.bins, binning.missing];
  const totals = totalsOf(cells);
  return {
    name: column.name,
    type: column.type,
    binning,
    woe: cells.map((cell) => roundTo(weightOfEvidence(cell, totals, settings.woeSmoothing), 6)),
    iv: informationValue(cells, totals, settings.woeSmoothing),
    code,
  };
}

/** The design matrix of the listed rows: the WoE of each row's bin in each of the given features. */
export function designOf(features: readonly BinnedFeature[], rows: ArrayLike<number>): FlatDesign {
  const k = features.length;
  const n = rows.length;
  const x = new Float64Array(n * k);
  for (let a = 0; a < k; a++) {
    const feature = features[a] as BinnedFeature;
    const woe = Float64Array.from(feature.woe);
    const code = feature.code;
    for (let r = 0; r < n; r++) x[r * k + a] = woe[code[rows[r] as number] as number] as number;
  }
  return { x, n, k };
}

interface Fit {
  /** Positions in the binned list of the features kept, in column order. */
  selected: number[];
  intercept: number;
  coefficients: number[];
  converged: boolean;
  iterations: number;
  dropped: Map<string, string>;
  hessian: Float64Array;
}

/**
 * Convergence (largest coefficient move) of the fits that make a model, and of the inner cross-validation's fits,
 * whose only use is an out-of-fold P(bad) for choosing the settings and the cut-off: 1e-4 moves a P(bad) by less than
 * 1e-4 · Σ|WoE| ≈ 1e-3 at most, far inside the noise of the choice, and takes half the passes over the rows.
 */
const FINAL_TOLERANCE = 1e-7;
const SELECTION_TOLERANCE = 1e-4;

/** A warm start: intercept and coefficient by feature position in the binned list, and the Hessian for `active`. */
interface Start {
  intercept: number;
  byFeature: Map<number, number>;
  active?: number[];
  hessian?: Float64Array;
}

/**
 * IV filter, then fit and drop the feature with the lowest non-positive coefficient until every coefficient is
 * positive. Starts from `start` when given, else from the WoE model (β = 1, intercept = log-odds of good).
 */
function fitWithSelection(
  binned: readonly BinnedFeature[],
  rows: Int32Array,
  good: Uint8Array,
  lambda: number,
  settings: TrainingSettings,
  start?: Start,
  tolerance = FINAL_TOLERANCE,
  designs?: Map<string, FlatDesign>,
): Fit {
  const dropped = new Map<string, string>();
  let active: number[] = [];
  binned.forEach((feature, j) => {
    if (feature.iv >= settings.ivMin) active.push(j);
    else dropped.set(feature.name, `IV ${feature.iv.toFixed(4)} < ${settings.ivMin}`);
  });
  let goods = 0;
  for (let r = 0; r < good.length; r++) goods += good[r] as number;
  let current: Start = start ?? { intercept: Math.log(goods / (good.length - goods)), byFeature: new Map() };
  for (;;) {
    const cacheKey = active.join(',');
    let design = designs?.get(cacheKey);
    if (!design) {
      design = designOf(active.map((j) => binned[j] as BinnedFeature), rows);
      designs?.set(cacheKey, design);
    }
    const initial = [current.intercept, ...active.map((j) => current.byFeature.get(j) ?? 1)];
    const sameSet = current.active !== undefined && current.active.length === active.length && current.active.every((j, k) => j === active[k]);
    const fit = fitLogisticFlat(design, good, lambda, { start: initial, hessian: sameSet ? current.hessian : undefined, tolerance });
    const [intercept, ...coefficients] = fit.coefficients as [number, ...number[]];
    current = { intercept, byFeature: new Map(active.map((j, k) => [j, coefficients[k] as number])), active, hessian: fit.hessian };
    let worst = -1;
    coefficients.forEach((c, k) => {
      if (c <= 0 && (worst < 0 || c < (coefficients[worst] as number))) worst = k;
    });
    if (worst < 0) return { selected: active, intercept, coefficients, converged: fit.converged, iterations: fit.iterations, dropped, hessian: fit.hessian };
    const name = (binned[active[worst] as number] as BinnedFeature).name;
    dropped.set(name, `coefficient ${(coefficients[worst] as number).toFixed(4)} ≤ 0 once fitted with the others (λ = ${lambda})`);
    active = active.filter((_, k) => k !== worst);
    current = { ...current, active, hessian: dropFromHessian(fit.hessian, coefficients.length + 1, worst + 1) };
  }
}

function startOf(fit: Fit): Start {
  return { intercept: fit.intercept, byFeature: new Map(fit.selected.map((j, k) => [j, fit.coefficients[k] as number])), active: fit.selected, hessian: fit.hessian };
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
  woe: `ln(%good / %bad) on the rows the model was fitted on (trainingData.developmentRows; all rows for a shipped model), each bin given ${settings.woeSmoothing} pseudo-rows split in the sample's good:bad mix (an empty bin has WoE 0)`,
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
  // One sort, then a sweep up the (ascending) grid: the confusion at each threshold from running counts.
  const order = Array.from({ length: pdSample.length }, (_, i) => i).sort((a, b) => (pdSample[a] as number) - (pdSample[b] as number));
  let totalBads = 0;
  for (let i = 0; i < bad.length; i++) totalBads += bad[i] as number;
  const totalGoods = bad.length - totalBads;
  let next = 0;
  const accepted = { goods: 0, bads: 0 };
  const curve = cutoffGrid(settings).map((t) => {
    while (next < order.length && (pdSample[order[next] as number] as number) <= t) {
      if ((bad[order[next] as number] as number) === 1) accepted.bads++;
      else accepted.goods++;
      next++;
    }
    const matrix = { goodAccepted: accepted.goods, goodRejected: totalGoods - accepted.goods, badAccepted: accepted.bads, badRejected: totalBads - accepted.bads };
    return { pdSample: t, cost: averageCost(matrix, costs) };
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

function badRateOf(rows: ArrayLike<number>, bad: Uint8Array): number {
  let bads = 0;
  for (let r = 0; r < rows.length; r++) bads += bad[rows[r] as number] as number;
  return bads / rows.length;
}

function maskOf(rows: ArrayLike<number>, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let r = 0; r < rows.length; r++) mask[rows[r] as number] = 1;
  return mask;
}

/** Binning, WoE and row codes of every candidate feature on the given rows. */
function binAll(prep: Prepared, rows: Int32Array, maxBins: number, settings: TrainingSettings): BinnedFeature[] {
  const mask = maskOf(rows, prep.bad.length);
  return prep.columns.map((column) => binColumn(column, mask, rows.length, prep.bad, maxBins, settings));
}

function goodOf(prep: Prepared, rows: Int32Array): Uint8Array {
  return Uint8Array.from(rows, (i) => 1 - (prep.bad[i] as number));
}

export interface Scored {
  score: number[];
  pd: number[];
  pdSample: number[];
  bad: number[];
}

/**
 * Scores rows of the training data with a model built from `binned` (the same bins, so each row's code is its bin):
 * basePoints + the points of each selected feature's bin, clipped; both PDs from the unclipped sum — scoreRow's
 * arithmetic, without parsing the row again.
 */
function scoreCoded(model: ScorecardModel, binned: readonly BinnedFeature[], prep: Prepared, rows: ArrayLike<number>): Scored {
  const byName = new Map(binned.map((feature) => [feature.name, feature]));
  const features = model.features.map((feature) => ({ points: Int32Array.from(feature.bins, (bin) => bin.points), code: (byName.get(feature.name) as BinnedFeature).code }));
  const shift = model.calibration.interceptShift;
  const out: Scored = { score: [], pd: [], pdSample: [], bad: [] };
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    let total = model.basePoints;
    for (const feature of features) total += feature.points[feature.code[i] as number] as number;
    const logOdds = logOddsOfScore(total, model.scaling);
    out.score.push(clipScore(total, model.scaling));
    out.pd.push(pdOfLogOdds(logOdds));
    out.pdSample.push(pdOfLogOdds(logOdds - shift));
    out.bad.push(prep.bad[i] as number);
  }
  return out;
}

/** Rows from which the inner cross-validation uses 3 folds instead of settings.innerFolds. */
export const LARGE_DEVELOPMENT_ROWS = 10_000;

/**
 * The inner folds: settings.innerFolds, but at most 3 on 10,000 rows or more, where each held-out third still holds
 * over 3,300 rows (the choice of bins, λ and cut-off is as precise as with five folds on small data) and the fits
 * cost half as much.
 */
export function innerFoldsFor(rows: number, settings: TrainingSettings): number {
  return rows >= LARGE_DEVELOPMENT_ROWS ? Math.min(3, settings.innerFolds) : settings.innerFolds;
}

function developScorecard(prep: Prepared, rows: Int32Array, settings: TrainingSettings, meta: ModelMeta): Development {
  const labels = Uint8Array.from(rows, (i) => prep.bad[i] as number);
  const innerFolds = innerFoldsFor(rows.length, settings);
  const folds = stratifiedFolds(labels, innerFolds, settings.seed + 1);
  // Out-of-fold P(bad) on the sample scale for every (maxBins, λ), by position in `rows`.
  const oof = new Map<string, Float64Array>();
  const key = (maxBins: number, lambda: number) => `${maxBins}/${lambda}`;
  for (const maxBins of settings.maxBinsGrid) for (const lambda of settings.lambdaGrid) oof.set(key(maxBins, lambda), new Float64Array(rows.length));
  // Along the λ path from the strongest penalty down, each fit starts from the previous one's solution.
  const lambdasDown = [...settings.lambdaGrid].sort((a, b) => b - a);
  // One warm-start chain through every fit: within a fold and bin count the λ path runs down, then back up for the
  // next one (a snake), so each fit starts from a close solution and, when the same features are selected, its Hessian.
  let start: Start | undefined;
  let chain = 0;
  for (let f = 0; f < innerFolds; f++) {
    const fitRows = rows.filter((_, k) => folds[k] !== f);
    const heldOut: number[] = [];
    for (let k = 0; k < rows.length; k++) if (folds[k] === f) heldOut.push(k);
    const heldOutRows = Int32Array.from(heldOut, (k) => rows[k] as number);
    const good = goodOf(prep, fitRows);
    const sampleBadRate = badRateOf(fitRows, prep.bad);
    for (const maxBins of settings.maxBinsGrid) {
      const binned = binAll(prep, fitRows, maxBins, settings);
      // Along the λ path the selected features rarely change: their design matrix is built once.
      const designs = new Map<string, FlatDesign>();
      for (const lambda of chain++ % 2 === 0 ? lambdasDown : [...lambdasDown].reverse()) {
        const fit = fitWithSelection(binned, fitRows, good, lambda, settings, start, SELECTION_TOLERANCE, designs);
        start = startOf(fit);
        const model = buildModel(binned, fit, parametersOf(settings, maxBins, lambda), PLACEHOLDER_META(fitRows.length), sampleBadRate, 0.5);
        const scored = scoreCoded(model, binned, prep, heldOutRows);
        const target = oof.get(key(maxBins, lambda)) as Float64Array;
        heldOut.forEach((k, r) => (target[k] = scored.pdSample[r] as number));
      }
    }
  }
  const grid: GridPoint[] = [];
  let best: GridPoint | undefined;
  // Preference on ties: fewer bins first, and within them the larger λ (the simpler model).
  for (const maxBins of [...settings.maxBinsGrid].sort((a, b) => a - b)) {
    for (const lambda of lambdasDown) {
      const point = { maxBins, lambda, logLoss: logLoss(oof.get(key(maxBins, lambda)) as Float64Array, labels) };
      grid.push(point);
      if (!best || point.logLoss < best.logLoss - 1e-12) best = point;
    }
  }
  const chosen = best as GridPoint;
  const cutoff = chooseCutoff(oof.get(key(chosen.maxBins, chosen.lambda)) as Float64Array, labels, settings);
  const { binned, fit, model } = refit(prep, rows, chosen.maxBins, chosen.lambda, cutoff.pdSample, settings, meta);
  grid.sort((a, b) => a.maxBins - b.maxBins || a.lambda - b.lambda);
  return { model, binned, fit, grid, cutoff };
}

/** The recipe with fixed settings on the given rows: binning, WoE, selection, fit, points, the given cut-off. */
function refit(prep: Prepared, rows: Int32Array, maxBins: number, lambda: number, cutoffPdSample: number, settings: TrainingSettings, meta: ModelMeta) {
  const binned = binAll(prep, rows, maxBins, settings);
  const fit = fitWithSelection(binned, rows, goodOf(prep, rows), lambda, settings);
  const model = buildModel(binned, fit, parametersOf(settings, maxBins, lambda), meta, badRateOf(rows, prep.bad), cutoffPdSample);
  return { binned, fit, model };
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
  /** Numeric features: how the bad rate runs with the value (monotonic unless the data clearly shows one turn). */
  shape: 'increasing' | 'decreasing' | 'valley' | 'peak' | null;
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
  /** The shipped model's features (fitted on all rows). */
  features: FeatureSummary[];
  cutoff: ScorecardModel['cutoff'] & { theoryPdSample: number; calibratedBreakEvenScore: number };
  /**
   * development/test: the held-out check — the model developed on the development rows, measured on them and on the
   * test rows it never saw. shipped: the shipped model (refitted on all rows) on all rows, in sample.
   */
  metrics: { development: Evaluation; test: Evaluation; shipped: Evaluation; developmentModelFeatures: number };
  baseline: BaselineReport;
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
  fairness: FairnessReport;
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
  const allRows = Int32Array.from({ length: n }, (_, i) => i);

  // The held-out check: develop on 70 %, measure on the 30 % never seen.
  const split = stratifiedSplit(prep.bad, settings.testShare, settings.seed);
  const trainRows = Int32Array.from(split.train);
  const testRows = Int32Array.from(split.test);
  const dev = developScorecard(prep, trainRows, settings, PLACEHOLDER_META(trainRows.length));
  const devScored = scoreCoded(dev.model, dev.binned, prep, trainRows);
  const testScored = scoreCoded(dev.model, dev.binned, prep, testRows);
  const psi = psiByQuantiles(devScored.score, testScored.score, 10);
  const baseline = plainWoeBaseline(prep, trainRows, testRows, settings, roundTo(auc(testScored.pdSample, testScored.bad), 4));

  // The shipped model: the same settings and cut-off, refitted on every row.
  const meta: ModelMeta = {
    name: input.name,
    version: input.version,
    dataSha256: input.dataSha256,
    target: input.target,
    bad: input.bad,
    rows: n,
    badRate: totalBads / n,
    developmentRows: n,
    testRows: 0,
  };
  const shipped = refit(prep, allRows, dev.model.parameters.maxBins, dev.model.parameters.lambda, dev.cutoff.pdSample, settings, meta);
  const shippedScored = scoreCoded(shipped.model, shipped.binned, prep, allRows);
  // The training rows' score deciles, which the live score's stability is measured against (stability.ts).
  const scoreCuts = quantileCutPoints([...shippedScored.score].sort((a, b) => a - b), 10);
  const scoreCounts = new Array<number>(scoreCuts.length + 1).fill(0);
  for (const score of shippedScored.score) scoreCounts[binIndex(scoreCuts, score)]! += 1;
  const model: ScorecardModel = { ...shipped.model, scoreDistribution: { cuts: scoreCuts, counts: scoreCounts } };

  const features: FeatureSummary[] = input.data.columns
    .filter((name) => name !== input.target)
    .map((name) => {
      if (settings.exclude.includes(name)) {
        return { name, type: 'excluded', shape: null, iv: null, bins: null, status: 'excluded', reason: 'excluded by --exclude', coefficient: null };
      }
      const binned = shipped.binned.find((f) => f.name === name) as BinnedFeature;
      const kept = model.features.find((f) => f.name === name);
      return {
        name,
        type: binned.type,
        shape: binned.binning.type === 'numeric' ? binned.binning.direction : null,
        iv: roundTo(binned.iv, 4),
        bins: binned.binning.bins.length,
        status: kept ? 'selected' : 'dropped',
        reason: kept ? null : (shipped.fit.dropped.get(name) ?? null),
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

  // The whole of developScorecard again inside each outer fold: an honest estimate of the recipe's cost.
  const outer = stratifiedFolds(prep.bad, settings.cvFolds, settings.seed + 2);
  const perFold: CrossValidationFold[] = [];
  const pooled = { score: [] as boolean[], lowest: [] as boolean[], theory: [] as boolean[], pdSample: [] as number[], bad: [] as number[] };
  for (let f = 0; f < settings.cvFolds; f++) {
    const fitList: number[] = [];
    const heldOutList: number[] = [];
    for (let i = 0; i < n; i++) (outer[i] === f ? heldOutList : fitList).push(i);
    const fitRows = Int32Array.from(fitList);
    const foldDev = developScorecard(prep, fitRows, settings, PLACEHOLDER_META(fitRows.length));
    const scored = scoreCoded(foldDev.model, foldDev.binned, prep, heldOutList);
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
      rows: heldOutList.length,
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
    format: 'microloan-scorecard-report/2',
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
      innerFolds: innerFoldsFor(trainRows.length, settings),
      grid: dev.grid.map((point) => ({ ...point, logLoss: roundTo(point.logLoss, 6) })),
      maxBins: model.parameters.maxBins,
      lambda: model.parameters.lambda,
      cutoffCurve: dev.cutoff.curve.map((point) => ({ pdSample: point.pdSample, cost: roundTo(point.cost, 4) })),
      cutoffLowestCost: dev.cutoff.lowestCost,
      cutoffStandardError: roundTo(dev.cutoff.standardError, 4),
      iterations: shipped.fit.iterations,
      converged: shipped.fit.converged,
    },
    features,
    cutoff: {
      ...model.cutoff,
      theoryPdSample: roundTo(theory, 6),
      // Where the same cost matrix breaks even if the lender's own bads are at the expected rate: P(bad) = theory on the calibrated scale.
      calibratedBreakEvenScore: Math.round(model.scaling.baseScore + factor * Math.log((1 - theory) / theory)),
    },
    metrics: {
      development: evaluate(devScored, dev.model.cutoff.score, settings),
      test: evaluate(testScored, dev.model.cutoff.score, settings),
      shipped: evaluate(shippedScored, model.cutoff.score, settings),
      developmentModelFeatures: dev.model.features.length,
    },
    baseline,
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
    fairness: fairnessReport(input.data, prep.bad, shippedScored, model, settings),
  };
  return { model, report };
}

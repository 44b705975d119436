// Binning of one feature on the rows a model is fitted on.
// Numeric: quantile fine bins → merge bins that are too small or lack goods or bads → pool adjacent violators so the
// bad rate is strictly monotonic in the value (the direction with the larger likelihood wins). Monotonic is the rule
// wherever the data supports it: a scorecard whose points go up and down with age or amount is hard to defend and, on a
// few hundred rows, mostly fits noise. Only when the data clearly shows one turn — a U or an inverted U, each side
// pooled monotonic, beating the monotonic bins in a likelihood-ratio test at p < 0.001 — is that shape kept.
// Categorical: one bin per level, levels ordered by bad rate, small levels merged into the neighbour with the
// closest bad rate. Missing values always get their own bin (kept even when small: "missing" is its own story).

import type { Cell } from './woe';
import { binIndex, naturalCompare } from '../../functions/core/assessment/scorecard/values';

export { binIndex };

// Bound once: inside a sandbox such as Jest's vm context every global lookup (Math.exp …) is slow in a hot loop.
const isNaN = Number.isNaN;

export interface NumericCell extends Cell {
  /** lower ≤ x < upper; null = unbounded. */
  lower: number | null;
  upper: number | null;
}

export interface CategoricalCell extends Cell {
  values: string[];
}

export interface NumericBinning {
  type: 'numeric';
  bins: NumericCell[];
  missing: Cell;
  /** Whether the bad rate rises or falls with the value, or falls then rises (valley) or rises then falls (peak). */
  direction: 'increasing' | 'decreasing' | 'valley' | 'peak';
}

export interface CategoricalBinning {
  type: 'categorical';
  bins: CategoricalCell[];
  missing: Cell;
}

export type Binning = NumericBinning | CategoricalBinning;

function badRate(cell: Cell): number {
  return cell.bads / cell.count;
}

/** Distinct values at the k/maxBins quantiles of the sorted values, above the minimum (bins are [cut_i, cut_i+1)). */
export function quantileCutPoints(sorted: ArrayLike<number>, maxBins: number): number[] {
  const cuts: number[] = [];
  const n = sorted.length;
  if (n === 0) return cuts;
  const min = sorted[0] as number;
  for (let k = 1; k < maxBins; k++) {
    const value = sorted[Math.floor((k * n) / maxBins)] as number;
    if (value > min && (cuts.length === 0 || value > (cuts[cuts.length - 1] as number))) cuts.push(value);
  }
  return cuts;
}

/**
 * Merges, one at a time, the smallest bin that has fewer than minCount rows or no goods or no bads into the
 * neighbour with the closer bad rate (ties: the smaller neighbour, then the left one), until none is left or one
 * bin remains. Bins stay in their order.
 */
export function mergeSmallBins<T extends Cell>(bins: readonly T[], minCount: number, combine: (a: T, b: T) => T): T[] {
  const out = [...bins];
  const offends = (cell: Cell) => cell.count < minCount || cell.bads === 0 || cell.bads === cell.count;
  while (out.length > 1) {
    let worst = -1;
    for (let i = 0; i < out.length; i++) {
      const cell = out[i] as T;
      if (offends(cell) && (worst < 0 || cell.count < (out[worst] as T).count)) worst = i;
    }
    if (worst < 0) break;
    const cell = out[worst] as T;
    const left = out[worst - 1];
    const right = out[worst + 1];
    let useLeft: boolean;
    if (!left) useLeft = false;
    else if (!right) useLeft = true;
    else {
      // An empty bin has no bad rate: it merges with the smaller neighbour.
      const dl = cell.count === 0 ? 0 : Math.abs(badRate(left) - badRate(cell));
      const dr = cell.count === 0 ? 0 : Math.abs(badRate(right) - badRate(cell));
      useLeft = dl < dr || (dl === dr && left.count <= right.count);
    }
    if (useLeft) out.splice(worst - 1, 2, combine(left as T, cell));
    else out.splice(worst, 2, combine(cell, right as T));
  }
  return out;
}

/** Pool adjacent violators: merges neighbours until the bad rate strictly rises (or falls) from bin to bin. */
export function monotonicMerge<T extends Cell>(bins: readonly T[], increasing: boolean, combine: (a: T, b: T) => T): T[] {
  const out: T[] = [];
  for (const bin of bins) {
    let current = bin;
    while (out.length > 0) {
      const previous = out[out.length - 1] as T;
      const ordered = increasing ? badRate(current) > badRate(previous) : badRate(current) < badRate(previous);
      if (ordered) break;
      out.pop();
      current = combine(previous, current);
    }
    out.push(current);
  }
  return out;
}

const combineNumeric = (a: NumericCell, b: NumericCell): NumericCell => ({
  lower: a.lower,
  upper: b.upper,
  count: a.count + b.count,
  bads: a.bads + b.bads,
});

const combineCategorical = (a: CategoricalCell, b: CategoricalCell): CategoricalCell => ({
  values: [...a.values, ...b.values].sort(naturalCompare),
  count: a.count + b.count,
  bads: a.bads + b.bads,
});

export interface BinningOptions {
  maxBins: number;
  /** Smallest bin, in rows (minBinShare × development rows, rounded up). */
  minCount: number;
  woeSmoothing: number;
  /** Numeric only: keep the merged fine bins as they are, with no monotonic (or single-turn) pooling — the baseline's bins. */
  free?: boolean;
}

/** Binomial log-likelihood of the bins' own bad rates: Σ bads·ln(rate) + goods·ln(1 − rate). */
function logLikelihood(cells: readonly Cell[]): number {
  let ll = 0;
  for (const cell of cells) {
    const goods = cell.count - cell.bads;
    if (cell.bads > 0) ll += cell.bads * Math.log(cell.bads / cell.count);
    if (goods > 0) ll += goods * Math.log(goods / cell.count);
  }
  return ll;
}

/** Upper 0.001 quantile of χ² with df degrees of freedom (Wilson–Hilferty; exact enough for a yes/no test). */
export function chiSquare999(df: number): number {
  const z = 3.0902;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** The best single-turn shape: a valley (bad rate falls, then rises) or a peak, each side pooled monotonic. */
function unimodalMerge(bins: readonly NumericCell[]): { bins: NumericCell[]; direction: 'valley' | 'peak'; ll: number } | null {
  let best: { bins: NumericCell[]; direction: 'valley' | 'peak'; ll: number } | null = null;
  for (const direction of ['valley', 'peak'] as const) {
    for (let turn = 1; turn < bins.length; turn++) {
      const left = monotonicMerge(bins.slice(0, turn), direction === 'peak', combineNumeric);
      const right = monotonicMerge(bins.slice(turn), direction === 'valley', combineNumeric);
      const joined = [...left, ...right];
      const ll = logLikelihood(joined);
      if (!best || ll > best.ll + 1e-9) best = { bins: joined, direction, ll };
    }
  }
  return best;
}

/** Bins of values already sorted ascending (missing values counted apart). */
export function binSortedNumeric(sorted: ArrayLike<number>, sortedBad: ArrayLike<number>, missing: Cell, options: BinningOptions): NumericBinning {
  const n = sorted.length;
  if (n === 0) return { type: 'numeric', bins: [], missing: { ...missing }, direction: 'increasing' };
  const cuts = quantileCutPoints(sorted, options.maxBins);
  const fine: NumericCell[] = [];
  for (let k = 0; k <= cuts.length; k++) {
    fine.push({ lower: k === 0 ? null : (cuts[k - 1] as number), upper: k === cuts.length ? null : (cuts[k] as number), count: 0, bads: 0 });
  }
  let k = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i] as number;
    while (k < cuts.length && (cuts[k] as number) <= x) k++;
    const cell = fine[k] as NumericCell;
    cell.count++;
    cell.bads += sortedBad[i] as number;
  }
  const merged = mergeSmallBins(fine, options.minCount, combineNumeric);
  if (options.free) return { type: 'numeric', bins: merged, missing: { ...missing }, direction: 'increasing' };
  const up = monotonicMerge(merged, true, combineNumeric);
  const down = monotonicMerge(merged, false, combineNumeric);
  const llUp = logLikelihood(up);
  const llDown = logLikelihood(down);
  const monotone: NumericBinning =
    llDown > llUp + 1e-9
      ? { type: 'numeric', bins: down, missing: { ...missing }, direction: 'decreasing' }
      : { type: 'numeric', bins: up, missing: { ...missing }, direction: 'increasing' };
  const turned = unimodalMerge(merged);
  if (turned) {
    const df = turned.bins.length - monotone.bins.length;
    const g = 2 * (turned.ll - Math.max(llUp, llDown));
    if (df > 0 && g > chiSquare999(df)) return { type: 'numeric', bins: turned.bins, missing: { ...missing }, direction: turned.direction };
  }
  return monotone;
}

/** values: NaN = missing; bad: 1 = bad, 0 = good. */
export function binNumeric(values: ArrayLike<number>, bad: ArrayLike<number>, options: BinningOptions): NumericBinning {
  const present: number[] = [];
  const missing: Cell = { count: 0, bads: 0 };
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    if (isNaN(x)) {
      missing.count++;
      missing.bads += bad[i] as number;
    } else present.push(i);
  }
  present.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  return binSortedNumeric(
    Float64Array.from(present, (i) => values[i] as number),
    Uint8Array.from(present, (i) => bad[i] as number),
    missing,
    options,
  );
}

/** Categorical bins from per-level counts (levels with no rows are left out). */
export function binCategoricalCounts(levels: ReadonlyArray<CategoricalCell>, missing: Cell, options: BinningOptions): CategoricalBinning {
  const byRisk = levels
    .filter((cell) => cell.count > 0)
    .map((cell) => ({ values: [...cell.values], count: cell.count, bads: cell.bads }))
    .sort((a, b) => badRate(a) - badRate(b) || naturalCompare(a.values[0] as string, b.values[0] as string));
  const merged = mergeSmallBins(byRisk, options.minCount, combineCategorical);
  // Listed in codebook order of their first level, which is how a reader looks them up.
  merged.sort((a, b) => naturalCompare(a.values[0] as string, b.values[0] as string));
  return { type: 'categorical', bins: merged, missing: { ...missing } };
}

/** values: null = missing; bad: 1 = bad, 0 = good. */
export function binCategorical(values: ReadonlyArray<string | null>, bad: ArrayLike<number>, options: BinningOptions): CategoricalBinning {
  const levels = new Map<string, CategoricalCell>();
  const missing: Cell = { count: 0, bads: 0 };
  for (let i = 0; i < values.length; i++) {
    const level = values[i];
    const isBad = bad[i] as number;
    if (level === null || level === undefined) {
      missing.count++;
      missing.bads += isBad;
      continue;
    }
    let cell = levels.get(level);
    if (!cell) levels.set(level, (cell = { values: [level], count: 0, bads: 0 }));
    cell.count++;
    cell.bads += isBad;
  }
  return binCategoricalCounts([...levels.values()], missing, options);
}

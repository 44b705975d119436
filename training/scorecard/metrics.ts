// Model quality measures. `risk` is any number that is higher for riskier applicants (a PD, or minus a score);
// `bad` is 1 for a bad outcome and 0 for a good one.

import { binIndex, quantileCutPoints } from './binning';
import { psi } from '../../functions/core/assessment/scorecard/stability';

// Bound once: inside a sandbox such as Jest's vm context every global lookup (Math.exp …) is slow in a hot loop.
const { abs, log, max, min } = Math;

/** Indices sorted by risk, ties kept in index order (stable sort). */
function byRisk(risk: ArrayLike<number>): number[] {
  return Array.from({ length: risk.length }, (_, i) => i).sort((a, b) => (risk[a] as number) - (risk[b] as number));
}

/** Area under the ROC curve: P(risk of a bad > risk of a good), ties counted one half (Mann–Whitney). */
export function auc(risk: ArrayLike<number>, bad: ArrayLike<number>): number {
  const order = byRisk(risk);
  let rankSumBad = 0;
  let bads = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && risk[order[end + 1] as number] === risk[order[start] as number]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if ((bad[order[i] as number] as number) === 1) {
        rankSumBad += averageRank;
        bads++;
      }
    }
    start = end + 1;
  }
  const goods = order.length - bads;
  if (bads === 0 || goods === 0) return Number.NaN;
  return (rankSumBad - (bads * (bads + 1)) / 2) / (bads * goods);
}

export function gini(risk: ArrayLike<number>, bad: ArrayLike<number>): number {
  return 2 * auc(risk, bad) - 1;
}

/** Kolmogorov–Smirnov: the largest gap between the cumulative shares of bads and goods, cut only between distinct values. */
export function ks(risk: ArrayLike<number>, bad: ArrayLike<number>): number {
  const order = byRisk(risk);
  let bads = 0;
  for (let i = 0; i < bad.length; i++) bads += bad[i] as number;
  const goods = bad.length - bads;
  if (bads === 0 || goods === 0) return Number.NaN;
  let seenBads = 0;
  let seenGoods = 0;
  let best = 0;
  for (let i = 0; i < order.length; i++) {
    const index = order[i] as number;
    if ((bad[index] as number) === 1) seenBads++;
    else seenGoods++;
    const next = order[i + 1];
    if (next !== undefined && risk[next] === risk[index]) continue;
    best = max(best, abs(seenBads / bads - seenGoods / goods));
  }
  return best;
}

/** Mean squared error of P(bad) against the outcome. */
export function brier(pdBad: ArrayLike<number>, bad: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < pdBad.length; i++) sum += ((pdBad[i] as number) - (bad[i] as number)) ** 2;
  return sum / pdBad.length;
}

/** Mean negative log-likelihood of P(bad), clamped away from 0 and 1. */
export function logLoss(pdBad: ArrayLike<number>, bad: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < pdBad.length; i++) {
    const p = min(max(pdBad[i] as number, 1e-12), 1 - 1e-12);
    sum -= (bad[i] as number) === 1 ? log(p) : log(1 - p);
  }
  return sum / pdBad.length;
}

/** Population stability index Σ (a − e) · ln(a / e) over shares; shares below 0.0001 count as 0.0001. */
export { psi };

/** PSI of `actual` against `expected` on the expected sample's quantile bins (up to `bins` of them). */
export function psiByQuantiles(expected: readonly number[], actual: readonly number[], bins: number) {
  const cuts = quantileCutPoints(
    [...expected].sort((a, b) => a - b),
    bins,
  );
  const expectedCounts = new Array<number>(cuts.length + 1).fill(0);
  const actualCounts = new Array<number>(cuts.length + 1).fill(0);
  for (const value of expected) {
    const k = binIndex(cuts, value);
    expectedCounts[k] = (expectedCounts[k] as number) + 1;
  }
  for (const value of actual) {
    const k = binIndex(cuts, value);
    actualCounts[k] = (actualCounts[k] as number) + 1;
  }
  return { cuts, expectedCounts, actualCounts, psi: psi(expectedCounts, actualCounts) };
}

export interface Confusion {
  goodAccepted: number;
  goodRejected: number;
  badAccepted: number;
  badRejected: number;
}

export function confusion(accept: ArrayLike<boolean>, bad: ArrayLike<number>): Confusion {
  const result = { goodAccepted: 0, goodRejected: 0, badAccepted: 0, badRejected: 0 };
  for (let i = 0; i < accept.length; i++) {
    const isBad = (bad[i] as number) === 1;
    if (accept[i]) isBad ? result.badAccepted++ : result.goodAccepted++;
    else isBad ? result.badRejected++ : result.goodRejected++;
  }
  return result;
}

export interface CostMatrix {
  badAccepted: number;
  goodRejected: number;
}

/** Average misclassification cost per applicant. */
export function averageCost(matrix: Confusion, costs: CostMatrix): number {
  const n = matrix.goodAccepted + matrix.goodRejected + matrix.badAccepted + matrix.badRejected;
  return (costs.badAccepted * matrix.badAccepted + costs.goodRejected * matrix.goodRejected) / n;
}

// Points-to-double-odds scaling (PRODUCT.md §2.3) and the prior correction of the intercept.
// score = baseScore + pdo · log2(odds / baseOdds) = baseScore + factor · (ln odds − ln baseOdds), factor = pdo / ln 2,
// where odds are good:bad. With base 500 at 1:1 and PDO 50: 1:1 → 500, 4:1 → 600, 9:1 → 658, 19:1 → 712, 49:1 → 781.

import type { Scaling } from './types';

// Bound once: inside a sandbox such as Jest's vm context every global lookup (Math.exp …) is slow in a hot loop.
const { exp, log, min, max, round, LN2 } = Math;

export const DEFAULT_SCALING: Scaling = { baseScore: 500, baseOdds: 1, pdo: 50, min: 300, max: 850 };

export function scalingFactor(scaling: Scaling): number {
  return scaling.pdo / LN2;
}

/** The unrounded, unclipped score of a log-odds of good. */
export function scoreOfLogOdds(logOddsGood: number, scaling: Scaling): number {
  return scaling.baseScore + scalingFactor(scaling) * (logOddsGood - log(scaling.baseOdds));
}

export function logOddsOfScore(score: number, scaling: Scaling): number {
  return (score - scaling.baseScore) / scalingFactor(scaling) + log(scaling.baseOdds);
}

export function clipScore(score: number, scaling: Scaling): number {
  return min(scaling.max, max(scaling.min, score));
}

/** The published score of odds good:bad: rounded, then clipped. */
export function scoreOfOdds(oddsGood: number, scaling: Scaling = DEFAULT_SCALING): number {
  return clipScore(round(scoreOfLogOdds(log(oddsGood), scaling)), scaling);
}

/** P(bad) from a log-odds of good. */
export function pdOfLogOdds(logOddsGood: number): number {
  return 1 / (1 + exp(logOddsGood));
}

/**
 * Prior correction (King & Zeng 2001): a model fitted on a sample with bad rate ȳ predicts for a population with bad
 * rate τ once ln((1 − τ)/τ · ȳ/(1 − ȳ)) is added to its log-odds of good. Only the intercept moves; the ranking does not.
 */
export function interceptShift(sampleBadRate: number, expectedBadRate: number): number {
  return log(((1 - expectedBadRate) / expectedBadRate) * (sampleBadRate / (1 - sampleBadRate)));
}

import { auc, averageCost, brier, confusion, gini, ks, logLoss, psi, psiByQuantiles } from '../../../training/scorecard/metrics';
import {
  DEFAULT_SCALING,
  interceptShift,
  logOddsOfScore,
  pdOfLogOdds,
  scoreOfLogOdds,
  scoreOfOdds,
} from '../../../functions/core/assessment/scorecard/scaling';

describe('model measures against hand-computed values', () => {
  const risk = [0.1, 0.4, 0.35, 0.8];
  const bad = [0, 0, 1, 1];

  it('AUC and Gini (with ties counted one half)', () => {
    // Bad/good pairs: (0.35 vs 0.1) ✓, (0.35 vs 0.4) ✗, (0.8 vs 0.1) ✓, (0.8 vs 0.4) ✓ → 3/4
    expect(auc(risk, bad)).toBeCloseTo(0.75, 12);
    expect(gini(risk, bad)).toBeCloseTo(0.5, 12);
    // Bads 0.5, 0.9; goods 0.5, 0.2: one tie (½) and three wins → 3.5/4
    expect(auc([0.5, 0.5, 0.2, 0.9], [1, 0, 0, 1])).toBeCloseTo(0.875, 12);
    expect(auc([0.3, 0.3], [0, 1])).toBeCloseTo(0.5, 12);
    expect(auc([0.1, 0.2], [1, 1])).toBeNaN();
  });

  it('KS cuts only between distinct values', () => {
    // Sorted: 0.1 g, 0.35 b, 0.4 g, 0.8 b → gaps 0.5, 0, 0.5, 0
    expect(ks(risk, bad)).toBeCloseTo(0.5, 12);
    expect(ks([1, 2, 3, 4], [0, 0, 1, 1])).toBeCloseTo(1, 12);
    // All tied: no cut separates anything
    expect(ks([1, 1, 1, 1], [0, 0, 1, 1])).toBeCloseTo(0, 12);
  });

  it('Brier score and log-loss', () => {
    expect(brier(risk, bad)).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 12);
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.log(2), 12);
  });

  it('PSI over shares, and on quantile bins', () => {
    // (0.6 − 0.5)·ln(1.2) + (0.4 − 0.5)·ln(0.8)
    expect(psi([50, 50], [60, 40])).toBeCloseTo(0.0405465108, 9);
    expect(psi([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
    // An empty actual bin counts as a 0.0001 share
    expect(psi([50, 50], [100, 0])).toBeCloseTo((1 - 0.5) * Math.log(1 / 0.5) + (0.0001 - 0.5) * Math.log(0.0001 / 0.5), 9);
    const result = psiByQuantiles([1, 2, 3, 4], [1, 1, 4, 4], 2);
    expect(result.cuts).toEqual([3]);
    expect(result.expectedCounts).toEqual([2, 2]);
    expect(result.actualCounts).toEqual([2, 2]);
    expect(result.psi).toBeCloseTo(0, 12);
  });

  it('confusion matrix and average cost with the German cost matrix', () => {
    const matrix = confusion([true, true, false, false, true], [0, 1, 0, 1, 0]);
    expect(matrix).toEqual({ goodAccepted: 2, goodRejected: 1, badAccepted: 1, badRejected: 1 });
    expect(averageCost(matrix, { badAccepted: 5, goodRejected: 1 })).toBeCloseTo((5 + 1) / 5, 12);
  });
});

describe('points-to-double-odds scaling (PRODUCT.md §2.3)', () => {
  it('maps odds good:bad to the documented scores', () => {
    expect([1, 4, 9, 19, 49].map((odds) => scoreOfOdds(odds))).toEqual([500, 600, 658, 712, 781]);
    expect(scoreOfOdds(2)).toBe(550);
    expect(scoreOfOdds(0.5)).toBe(450);
  });

  it('clips to 300–850', () => {
    expect(scoreOfOdds(1e9)).toBe(850);
    expect(scoreOfOdds(1e-9)).toBe(300);
    expect(scoreOfOdds(2 ** 7)).toBe(850);
    expect(scoreOfOdds(2 ** -4)).toBe(300);
  });

  it('inverts: a score gives back its log-odds and P(bad)', () => {
    expect(logOddsOfScore(scoreOfLogOdds(1.234, DEFAULT_SCALING), DEFAULT_SCALING)).toBeCloseTo(1.234, 12);
    expect(pdOfLogOdds(logOddsOfScore(600, DEFAULT_SCALING))).toBeCloseTo(0.2, 12);
    expect(pdOfLogOdds(logOddsOfScore(500, DEFAULT_SCALING))).toBeCloseTo(0.5, 12);
  });
});

describe('prior correction of the intercept', () => {
  it('adds ln((1 − τ)/τ · ȳ/(1 − ȳ)) to the log-odds of good', () => {
    // τ = 5 %, ȳ = 30 %: ln(19 · 3/7)
    expect(interceptShift(0.3, 0.05)).toBeCloseTo(2.0971411188, 9);
    expect(interceptShift(0.3, 0.3)).toBeCloseTo(0, 12);
    expect(interceptShift(0.3, 0.5)).toBeLessThan(0);
  });

  it('turns the sample bad rate into the expected one for an average applicant', () => {
    const sampleLogOdds = Math.log(0.7 / 0.3);
    expect(pdOfLogOdds(sampleLogOdds)).toBeCloseTo(0.3, 12);
    expect(pdOfLogOdds(sampleLogOdds + interceptShift(0.3, 0.05))).toBeCloseTo(0.05, 12);
    // … which is odds 19:1, score 712 on the calibrated scale
    expect(Math.round(scoreOfLogOdds(sampleLogOdds + interceptShift(0.3, 0.05), DEFAULT_SCALING))).toBe(712);
  });
});

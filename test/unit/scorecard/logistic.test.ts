import { fitLogistic, newtonStep, penalisedLogLikelihood } from '../../../training/scorecard/logistic';

/** One binary predictor: x = 0 → 30 ones and 10 zeros, x = 1 → 20 ones and 20 zeros. */
function twoGroups() {
  const x: number[][] = [];
  const y: number[] = [];
  const add = (value: number, ones: number, zeros: number) => {
    for (let i = 0; i < ones + zeros; i++) {
      x.push([value]);
      y.push(i < ones ? 1 : 0);
    }
  };
  add(0, 30, 10);
  add(1, 20, 20);
  return { x, y };
}

describe('logistic regression by Newton steps', () => {
  it('takes the exact Newton step from zero on an intercept-only model', () => {
    // p = 0.5 everywhere: gradient = Σ(y − 0.5) = 30 − 20 = 10 … with 40 rows, Hessian = 40 · 0.25 = 10, step = 1.
    const y = [...new Array(30).fill(1), ...new Array(10).fill(0)];
    const x = y.map(() => []);
    expect(newtonStep(x, y, [0], 0)[0]).toBeCloseTo(1, 12);
    expect(fitLogistic(x, y, 0).coefficients[0]).toBeCloseTo(Math.log(3), 10);
  });

  it('recovers the closed-form MLE: intercept = log odds of group 0, slope = log odds ratio', () => {
    const { x, y } = twoGroups();
    const fit = fitLogistic(x, y, 0);
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(Math.log(30 / 10), 10);
    expect(fit.coefficients[1]).toBeCloseTo(Math.log(20 / 20) - Math.log(30 / 10), 10);
  });

  it('shrinks the slope as λ grows, leaving the intercept unpenalised, at a stationary point of the penalised likelihood', () => {
    const { x, y } = twoGroups();
    const slopes = [0, 1, 10, 100, 1000].map((lambda) => fitLogistic(x, y, lambda).coefficients[1] as number);
    for (let k = 1; k < slopes.length; k++) expect(Math.abs(slopes[k] as number)).toBeLessThan(Math.abs(slopes[k - 1] as number));
    expect(Math.abs(slopes[4] as number)).toBeLessThan(0.02);
    // With a huge penalty the intercept tends to the pooled log odds, ln(50/30).
    expect(fitLogistic(x, y, 1e7).coefficients[0]).toBeCloseTo(Math.log(50 / 30), 4);
    // Optimality: nudging any coefficient lowers the penalised likelihood.
    const beta = fitLogistic(x, y, 10).coefficients;
    const best = penalisedLogLikelihood(x, y, beta, 10);
    for (const j of [0, 1]) {
      for (const d of [-1e-4, 1e-4]) {
        const moved = beta.map((b, k) => (k === j ? b + d : b));
        expect(penalisedLogLikelihood(x, y, moved, 10)).toBeLessThan(best);
      }
    }
  });

  it('stays finite on separable data when penalised', () => {
    const x = [[0], [0], [1], [1]];
    const y = [0, 0, 1, 1];
    const fit = fitLogistic(x, y, 1);
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.coefficients[1])).toBe(true);
    expect(fit.coefficients[1]).toBeGreaterThan(0);
  });
});

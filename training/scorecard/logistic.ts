// Logistic regression with an L2 penalty, fitted by Newton–Raphson (IRLS). The model is
//   log-odds(y = 1) = β0 + Σ βj xj,   maximising   ℓ(β) − (λ/2) Σ_{j≥1} βj²   (the intercept β0 is not penalised).
// Each step solves (XᵀWX + λP) Δ = Xᵀ(y − p) − λPβ, with W = diag(p(1 − p)) and P the identity without the intercept;
// ml-matrix does the solve (Cholesky, with its LU/QR solve as a fall-back when the matrix is not positive definite).

import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';

// Bound once: inside a sandbox such as Jest's vm context every global lookup (Math.exp …) is slow in a hot loop.
const { exp, log1p } = Math;

/** Design matrix as rows; the intercept column is added here, so rows hold only the predictors. */
export type DesignRows = ReadonlyArray<ArrayLike<number>>;

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + exp(-z));
  const e = exp(z);
  return e / (1 + e);
}

function linear(beta: ArrayLike<number>, row: ArrayLike<number>): number {
  let z = beta[0] as number;
  for (let j = 0; j < row.length; j++) z += (beta[j + 1] as number) * (row[j] as number);
  return z;
}

/** Penalised log-likelihood ℓ(β) − (λ/2) Σ_{j≥1} βj². */
export function penalisedLogLikelihood(x: DesignRows, y: ArrayLike<number>, beta: ArrayLike<number>, lambda: number): number {
  let ll = 0;
  for (let i = 0; i < x.length; i++) {
    const z = linear(beta, x[i] as ArrayLike<number>);
    // log σ(z) = −log(1 + e^−z), written to stay finite for large |z|.
    const logP = z >= 0 ? -log1p(exp(-z)) : z - log1p(exp(z));
    const log1mP = logP - z;
    ll += (y[i] as number) === 1 ? logP : log1mP;
  }
  let penalty = 0;
  for (let j = 1; j < beta.length; j++) penalty += (beta[j] as number) ** 2;
  return ll - (lambda / 2) * penalty;
}

/** One Newton step from beta; returns the full step β + Δ (no line search). */
export function newtonStep(x: DesignRows, y: ArrayLike<number>, beta: ArrayLike<number>, lambda: number): number[] {
  const k = beta.length;
  // Accumulated in plain arrays (the hot loop), then handed to ml-matrix for the solve.
  const h = new Float64Array(k * k);
  const g = new Float64Array(k);
  const xi = new Float64Array(k);
  for (let i = 0; i < x.length; i++) {
    const row = x[i] as ArrayLike<number>;
    xi[0] = 1;
    for (let j = 1; j < k; j++) xi[j] = row[j - 1] as number;
    const p = sigmoid(linear(beta, row));
    const w = p * (1 - p);
    const residual = (y[i] as number) - p;
    for (let a = 0; a < k; a++) {
      const wa = w * (xi[a] as number);
      g[a] = (g[a] as number) + (xi[a] as number) * residual;
      for (let b = 0; b <= a; b++) h[a * k + b] = (h[a * k + b] as number) + wa * (xi[b] as number);
    }
  }
  const hessian = Matrix.zeros(k, k);
  const gradient = Matrix.zeros(k, 1);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b <= a; b++) {
      hessian.set(a, b, h[a * k + b] as number);
      hessian.set(b, a, h[a * k + b] as number);
    }
    const penalty = a === 0 ? 0 : lambda;
    hessian.set(a, a, (h[a * k + a] as number) + penalty);
    gradient.set(a, 0, (g[a] as number) - penalty * (beta[a] as number));
  }
  const cholesky = new CholeskyDecomposition(hessian);
  const delta = cholesky.isPositiveDefinite() ? cholesky.solve(gradient) : solve(hessian, gradient);
  const next: number[] = [];
  for (let a = 0; a < k; a++) next.push((beta[a] as number) + delta.get(a, 0));
  return next;
}

export interface LogisticFit {
  /** [β0, β1, …]. */
  coefficients: number[];
  iterations: number;
  converged: boolean;
}

/**
 * Newton iterations from β = 0 until no coefficient moves by more than `tolerance`. A step that lowers the
 * penalised likelihood is halved (at most 30 times), which keeps the iteration safe on near-separable data.
 */
export function fitLogistic(
  x: DesignRows,
  y: ArrayLike<number>,
  lambda: number,
  options: { maxIterations?: number; tolerance?: number } = {},
): LogisticFit {
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  const width = (x[0]?.length ?? 0) + 1;
  let beta = new Array<number>(width).fill(0);
  let objective = penalisedLogLikelihood(x, y, beta, lambda);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const full = newtonStep(x, y, beta, lambda);
    let step = 1;
    let candidate = full;
    let candidateObjective = penalisedLogLikelihood(x, y, candidate, lambda);
    for (let halvings = 0; candidateObjective < objective && halvings < 30; halvings++) {
      step /= 2;
      candidate = beta.map((b, j) => b + step * ((full[j] as number) - b));
      candidateObjective = penalisedLogLikelihood(x, y, candidate, lambda);
    }
    const moved = Math.max(...candidate.map((c, j) => Math.abs(c - (beta[j] as number))));
    beta = candidate;
    objective = candidateObjective;
    if (moved < tolerance) return { coefficients: beta, iterations: iteration, converged: true };
  }
  return { coefficients: beta, iterations: maxIterations, converged: false };
}

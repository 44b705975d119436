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

/** A design matrix stored row-major in one array: row i, predictor j at x[i·k + j] (no intercept column). */
export interface FlatDesign {
  x: Float64Array;
  n: number;
  k: number;
}

/**
 * Objective, gradient and (optionally) the lower triangle of XᵀWX at β, in one pass over the rows. Without `g` only
 * the objective; with `objective` false only the gradient (and Hessian), returning NaN — it saves a logarithm per row.
 */
function pass(d: FlatDesign, y: Uint8Array, beta: Float64Array, g: Float64Array | null, h: Float64Array | null, objective = true): number {
  const { x, n, k } = d;
  const width = k + 1;
  let ll = 0;
  if (g) g.fill(0);
  if (h) h.fill(0);
  for (let i = 0; i < n; i++) {
    const offset = i * k;
    let z = beta[0] as number;
    for (let j = 0; j < k; j++) z += (beta[j + 1] as number) * (x[offset + j] as number);
    const yi = y[i] as number;
    // log σ(z) and log(1 − σ(z)) from one exponential, finite for large |z|.
    const e = exp(z >= 0 ? -z : z);
    if (objective) {
      const l = log1p(e);
      const logP = z >= 0 ? -l : z - l;
      ll += yi === 1 ? logP : logP - z;
    }
    if (!g) continue;
    const p = z >= 0 ? 1 / (1 + e) : e / (1 + e);
    const residual = yi - p;
    g[0] = (g[0] as number) + residual;
    for (let j = 0; j < k; j++) g[j + 1] = (g[j + 1] as number) + residual * (x[offset + j] as number);
    if (!h) continue;
    const w = p * (1 - p);
    h[0] = (h[0] as number) + w;
    for (let a = 0; a < k; a++) {
      const wa = w * (x[offset + a] as number);
      const row = (a + 1) * width;
      h[row] = (h[row] as number) + wa;
      for (let b = 0; b <= a; b++) h[row + b + 1] = (h[row + b + 1] as number) + wa * (x[offset + b] as number);
    }
  }
  return objective ? ll : Number.NaN;
}

/** Solves A·v = r for a symmetric positive definite A (lower triangle given), by Cholesky; null when not positive definite. */
function choleskySolve(a: Float64Array, r: Float64Array, m: number): Float64Array | null {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * m + j] as number;
      for (let p = 0; p < j; p++) sum -= (l[i * m + p] as number) * (l[j * m + p] as number);
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i * m + i] = Math.sqrt(sum);
      } else l[i * m + j] = sum / (l[j * m + j] as number);
    }
  }
  const v = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let sum = r[i] as number;
    for (let p = 0; p < i; p++) sum -= (l[i * m + p] as number) * (v[p] as number);
    v[i] = sum / (l[i * m + i] as number);
  }
  for (let i = m - 1; i >= 0; i--) {
    let sum = v[i] as number;
    for (let p = i + 1; p < m; p++) sum -= (l[p * m + i] as number) * (v[p] as number);
    v[i] = sum / (l[i * m + i] as number);
  }
  return v;
}

const SMALL_STEP = 1e-3;

export interface FlatFit extends LogisticFit {
  /** XᵀWX (m × m, m = k + 1, without the penalty) at a point near the solution: a warm start's Hessian. */
  hessian: Float64Array;
}

/** The Hessian without row and column `index` (a predictor dropped: index = its position + 1). */
export function dropFromHessian(hessian: Float64Array, m: number, index: number): Float64Array {
  const out = new Float64Array((m - 1) * (m - 1));
  let p = 0;
  for (let a = 0; a < m; a++) {
    if (a === index) continue;
    for (let b = 0; b < m; b++) if (b !== index) out[p++] = hessian[a * m + b] as number;
  }
  return out;
}

/**
 * The same penalised fit as fitLogistic on a flat design, from a given start (a warm start: the previous λ's or
 * fold's solution, or the WoE model's β = 1) and, when given, the Hessian of a nearby point. Newton steps whose
 * Hessian is reused while the steps keep shrinking fast (a chord step costs one pass over the rows, a Hessian k/2
 * passes) and recomputed when they do not, with step halving when the objective would fall. Stops when no coefficient
 * moves by more than `tolerance`.
 */
export function fitLogisticFlat(
  d: FlatDesign,
  /** 1 = the modelled outcome (good), 0 = not. */
  y: Uint8Array,
  lambda: number,
  options: { start?: ArrayLike<number>; hessian?: Float64Array; maxIterations?: number; tolerance?: number } = {},
): FlatFit {
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-6;
  const m = d.k + 1;
  let beta = new Float64Array(m);
  if (options.start) for (let j = 0; j < m; j++) beta[j] = options.start[j] as number;
  const penalty = (b: Float64Array) => {
    let s = 0;
    for (let j = 1; j < m; j++) s += (b[j] as number) ** 2;
    return (lambda / 2) * s;
  };
  let g = new Float64Array(m);
  let gNext = new Float64Array(m);
  const h = new Float64Array(m * m);
  const symmetrise = () => {
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) h[b * m + a] = h[a * m + b] as number;
  };
  let objective: number;
  if (options.hessian && options.hessian.length === m * m) {
    h.set(options.hessian);
    objective = pass(d, y, beta, g, null) - penalty(beta);
  } else {
    objective = pass(d, y, beta, g, h) - penalty(beta);
    symmetrise();
  }
  let previousMove = Number.POSITIVE_INFINITY;
  const a = new Float64Array(m * m);
  const r = new Float64Array(m);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    a.set(h);
    for (let j = 0; j < m; j++) {
      r[j] = j === 0 ? (g[0] as number) : (g[j] as number) - lambda * (beta[j] as number);
      if (j > 0) a[j * m + j] = (a[j * m + j] as number) + lambda;
    }
    let delta = choleskySolve(a, r, m);
    if (!delta) {
      const matrix = new Matrix(m, m);
      for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) matrix.set(p, q, a[p * m + q] as number);
      const column = solve(matrix, Matrix.columnVector(Array.from(r)));
      delta = Float64Array.from({ length: m }, (_, p) => column.get(p, 0));
    }
    const step = delta;
    let scale = 1;
    let size = 0;
    for (let j = 0; j < m; j++) size = Math.max(size, Math.abs(step[j] as number));
    // Once the steps are this small the iteration is inside the quadratic basin of a concave objective and a step
    // cannot overshoot: the objective (and its check) is skipped, which saves a logarithm per row.
    const check = size >= SMALL_STEP;
    let candidate = beta.map((b, j) => b + (step[j] as number));
    let candidateObjective = check ? pass(d, y, candidate, gNext, null) - penalty(candidate) : pass(d, y, candidate, gNext, null, false);
    // Equal up to rounding counts as no worse: near the optimum the objective's last digits are noise.
    const slack = 1e-12 * (1 + Math.abs(objective));
    let halved = false;
    for (let halvings = 0; check && candidateObjective < objective - slack && halvings < 30; halvings++) {
      halved = true;
      scale /= 2;
      candidate = beta.map((b, j) => b + scale * (step[j] as number));
      candidateObjective = pass(d, y, candidate, gNext, null) - penalty(candidate);
    }
    let moved = 0;
    for (let j = 0; j < m; j++) moved = Math.max(moved, Math.abs((candidate[j] as number) - (beta[j] as number)));
    beta = candidate;
    objective = candidateObjective;
    [g, gNext] = [gNext, g];
    if (moved < tolerance) return { coefficients: Array.from(beta), iterations: iteration, converged: true, hessian: Float64Array.from(h) };
    if (halved || moved > 0.25 * previousMove) {
      objective = pass(d, y, beta, g, h) - penalty(beta);
      symmetrise();
      previousMove = Number.POSITIVE_INFINITY;
    } else previousMove = moved;
  }
  return { coefficients: Array.from(beta), iterations: maxIterations, converged: false, hessian: Float64Array.from(h) };
}

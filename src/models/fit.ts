/**
 * Fitting utilities (METHOD.md §3), in phases:
 *   1. check the comparison graph (connectivity.ts) and flag outcomes the data cannot pin down;
 *   2. minimise the negative log-posterior (likelihood.ts) with L-BFGS (lbfgs.ts), warm-started
 *      from a previous fit when given;
 *   3. move to the reporting gauge: μ with mean 0 and sd 1 over the outcome set, σ scaled alike
 *      (P(i ≻ j) is unchanged by a common shift and scale of μ and σ);
 *   4. intervals for every μ: Laplace (inverse Hessian of the negative log-posterior in μ, holding
 *      σ at its estimate, centred for the mean-0 gauge) or a seeded bootstrap over pairs;
 *   5. metrics on the training pairs and, when given, on held-out pairs.
 * Deterministic given its inputs (and the Rng for the bootstrap). Never throws on hard data:
 * convergence is reported as data.
 */
import type { Rng } from '../core/rng.js';
import type { IntervalMethod, OutcomeId, PackedPairs, UtilityFit, UtilityModelKind } from '../core/types.js';
import { choleskyFactor, choleskySolve, inverseDiagonal } from './cholesky.js';
import { comparisonGraphWarnings } from './connectivity.js';
import { minimizeLbfgs } from './lbfgs.js';
import { forEachAnsweredPair } from './pairs.js';
import { createObjective, DEFAULT_PRIOR, pairCurvature, parameterCount, type PriorOptions } from './likelihood.js';
import { evaluateFit } from './metrics.js';
import { inverseMillsRatio, inversePhi } from './normal.js';

export interface FitOptions {
  readonly model?: UtilityModelKind;
  /** A previous fit to start from (matched by outcome id). */
  readonly warmStart?: UtilityFit;
  /** Held-out pairs for held-out metrics (never used in fitting). */
  readonly holdout?: PackedPairs;
  /** Interval method (default `laplace`; `bootstrap` needs `rng`). */
  readonly intervals?: IntervalMethod;
  readonly ciLevel?: number;
  readonly bootstrapSamples?: number;
  readonly rng?: Rng;
  readonly maxIterations?: number;
  readonly gradientTolerance?: number;
  readonly prior?: PriorOptions;
}

/** Above this many outcomes the Laplace covariance uses only the Hessian diagonal (O(n) instead of O(n³)). */
export const FULL_LAPLACE_MAX_OUTCOMES = 1500;

/** Case V fixes each σ at 1/√2, so P = Φ(μ_i − μ_j). */
const CASE5_SD = Math.SQRT1_2;

interface RawSolution {
  readonly mu: Float64Array;
  /** Raw σ per outcome (thurstonian, case5); undefined for Bradley–Terry. */
  readonly sigma: Float64Array | undefined;
  readonly theta: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly reason: UtilityFit['reason'];
}

function startingPoint(kind: UtilityModelKind, ids: readonly OutcomeId[], warm: UtilityFit | undefined): Float64Array {
  const n = ids.length;
  const theta = new Float64Array(parameterCount(kind, n));
  if (!warm) return theta;
  const index = new Map(warm.ids.map((id, k) => [id, k] as const));
  // The warm fit is in the reporting gauge; for Bradley–Terry its scale is in logisticScale.
  const scale = warm.logisticScale ?? 1;
  for (let t = 0; t < n; t++) {
    const k = index.get(ids[t] as OutcomeId);
    if (k === undefined) continue;
    theta[t] = (warm.mean[k] as number) * (kind === 'bt' ? scale : 1);
    if (kind === 'thurstonian' && warm.logisticScale === undefined) {
      const sd = warm.sd[k] as number;
      theta[n + t] = sd > 0 ? Math.log(sd) : 0;
    }
  }
  return theta;
}

function solve(kind: UtilityModelKind, n: number, pairs: PackedPairs, start: Float64Array, options: FitOptions): RawSolution {
  const objective = createObjective(kind, pairs, options.prior ?? DEFAULT_PRIOR);
  const result = minimizeLbfgs(objective, start, {
    ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
    ...(options.gradientTolerance !== undefined ? { gradientTolerance: options.gradientTolerance } : {}),
  });
  const mu = result.x.slice(0, n);
  let sigma: Float64Array | undefined;
  if (kind === 'thurstonian') sigma = result.x.slice(n).map((s) => Math.exp(s));
  else if (kind === 'case5') sigma = new Float64Array(n).fill(CASE5_SD);
  return { mu, sigma, theta: result.x, iterations: result.iterations, converged: result.converged, reason: result.reason };
}

/** Shift and scale of the reporting gauge: mean and population sd of μ (scale 1 if μ is constant). */
function gauge(mu: Float64Array): { shift: number; scale: number } {
  const n = mu.length;
  if (n === 0) return { shift: 0, scale: 1 };
  let mean = 0;
  for (const m of mu) mean += m;
  mean /= n;
  let variance = 0;
  for (const m of mu) variance += (m - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  return { shift: mean, scale: sd > 1e-12 ? sd : 1 };
}

/** Above this many outcomes the Thurstonian intervals hold σ at its estimate instead of using the joint (μ, log σ) Hessian. */
export const JOINT_LAPLACE_MAX_OUTCOMES = 700;

/**
 * The joint Hessian of the Thurstonian negative log-posterior in θ = (μ, log σ), dense 2n×2n.
 * Per pair (f = −log L, z = d/r, g = ∂log L/∂z, h = ∂²log L/∂z², v = σ_i² + σ_j², s = log σ):
 *   ∂²f/∂a∂b = −(h·z_a·z_b + g·z_ab), with z_μi = 1/r, z_si = −z·v_i/v,
 *   z_μi,si = −v_i/(v·r), z_μi,sj = −v_j/(v·r), z_si,si = z·v_i(v_i − 2v_j)/v², z_si,sj = 3z·v_i·v_j/v²
 * (z_μj,· = −z_μi,· by symmetry), plus the priors' diagonal terms. Integrating over σ this way
 * widens the μ intervals that holding σ fixed would leave too narrow.
 */
function jointThurstonianHessian(raw: RawSolution, pairs: PackedPairs, prior: PriorOptions): Float64Array {
  const n = raw.mu.length;
  const size = 2 * n;
  const sigma = raw.sigma as Float64Array;
  const hess = new Float64Array(size * size);
  const add = (p: number, q: number, value: number) => {
    hess[p * size + q] = (hess[p * size + q] as number) + value;
    if (p !== q) hess[q * size + p] = (hess[q * size + p] as number) + value;
  };
  const invTau2 = 1 / (prior.logSdScale * prior.logSdScale);
  for (let t = 0; t < n; t++) {
    add(t, t, prior.ridge);
    add(n + t, n + t, invTau2);
  }
  forEachAnsweredPair(pairs, (i, j, w, total) => {
    const l = total - w;
    const vi = (sigma[i] as number) ** 2;
    const vj = (sigma[j] as number) ** 2;
    const v = vi + vj;
    const r = Math.sqrt(v);
    const z = ((raw.mu[i] as number) - (raw.mu[j] as number)) / r;
    const a = inverseMillsRatio(z);
    const b = inverseMillsRatio(-z);
    const g = w * a - l * b;
    const h = -w * a * (z + a) - l * b * (b - z);
    // First derivatives of z over (μ_i, μ_j, s_i, s_j) and the second-derivative matrix of z.
    const idx = [i, j, n + i, n + j];
    const dz = [1 / r, -1 / r, (-z * vi) / v, (-z * vj) / v];
    const d2 = [
      [0, 0, -vi / (v * r), -vj / (v * r)],
      [0, 0, vi / (v * r), vj / (v * r)],
      [-vi / (v * r), vi / (v * r), (z * vi * (vi - 2 * vj)) / (v * v), (3 * z * vi * vj) / (v * v)],
      [-vj / (v * r), vj / (v * r), (3 * z * vi * vj) / (v * v), (z * vj * (vj - 2 * vi)) / (v * v)],
    ];
    for (let p = 0; p < 4; p++) {
      for (let q = p; q < 4; q++) {
        add(idx[p] as number, idx[q] as number, -(h * (dz[p] as number) * (dz[q] as number) + g * (d2[p]![q] as number)));
      }
    }
  });
  return hess;
}

/** Raw-unit variances of the centred μ (μ_i − mean μ) from the Laplace approximation. */
function laplaceCentredVariances(kind: UtilityModelKind, raw: RawSolution, pairs: PackedPairs, prior: PriorOptions): { variances: Float64Array; diagonalOnly: boolean } {
  const n = raw.mu.length;
  const diagonalOnly = n > FULL_LAPLACE_MAX_OUTCOMES;
  const diag = new Float64Array(n).fill(prior.ridge);
  const h = diagonalOnly ? undefined : new Float64Array(n * n);
  forEachAnsweredPair(pairs, (i, j, w, total) => {
    const r = raw.sigma ? Math.hypot(raw.sigma[i] as number, raw.sigma[j] as number) : 1;
    const c = pairCurvature(kind, (raw.mu[i] as number) - (raw.mu[j] as number), r, w, total - w);
    diag[i] = (diag[i] as number) + c;
    diag[j] = (diag[j] as number) + c;
    if (h) {
      h[i * n + j] = (h[i * n + j] as number) - c;
      h[j * n + i] = (h[j * n + i] as number) - c;
    }
  });
  if (!h) return { variances: diag.map((d) => 1 / d), diagonalOnly: true };
  if (kind === 'thurstonian' && n <= JOINT_LAPLACE_MAX_OUTCOMES) {
    const joint = jointThurstonianHessian(raw, pairs, prior);
    const lj = choleskyFactor(joint, 2 * n);
    if (lj) {
      // The μ block of the joint inverse: C·[1; 0] for the row sums, and its diagonal.
      const ones = new Float64Array(2 * n);
      ones.fill(1, 0, n);
      const rowSums = choleskySolve(lj, 2 * n, ones);
      let total = 0;
      for (let t = 0; t < n; t++) total += rowSums[t] as number;
      const cDiag = inverseDiagonal(lj, 2 * n, n);
      const variances = new Float64Array(n);
      for (let t = 0; t < n; t++) variances[t] = Math.max(0, (cDiag[t] as number) - (2 * (rowSums[t] as number)) / n + total / (n * n));
      return { variances, diagonalOnly: false };
    }
  }
  for (let t = 0; t < n; t++) h[t * n + t] = diag[t] as number;
  const l = choleskyFactor(h, n);
  if (!l) return { variances: diag.map((d) => 1 / d), diagonalOnly: true };
  // Var(μ_i − μ̄) = C_ii − 2·(C·1)_i/n + (1ᵀC1)/n², with C = H⁻¹.
  const rowSums = choleskySolve(l, n, new Float64Array(n).fill(1));
  let total = 0;
  for (const s of rowSums) total += s;
  const cDiag = inverseDiagonal(l, n);
  const variances = new Float64Array(n);
  for (let t = 0; t < n; t++) variances[t] = Math.max(0, (cDiag[t] as number) - (2 * (rowSums[t] as number)) / n + total / (n * n));
  return { variances, diagonalOnly: false };
}

/** Resamples pairs with replacement (multinomial weights), keeping the packed layout. */
function resamplePairs(pairs: PackedPairs, rng: Rng): PackedPairs {
  const m = pairs.i.length;
  const weight = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const pick = rng.int(m);
    weight[pick] = (weight[pick] as number) + 1;
  }
  return {
    outcomeCount: pairs.outcomeCount,
    i: pairs.i,
    j: pairs.j,
    wins: pairs.wins.map((w, k) => w * (weight[k] as number)),
    total: pairs.total.map((t, k) => t * (weight[k] as number)),
  };
}

function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (position - lo);
}

/**
 * Fits utilities for `ids` from `train` (pairs indexed into ids). See the module comment for the
 * phases. Cost: O(iterations · pairs) for the fit, plus O(n³/3) for full Laplace intervals
 * (n ≤ FULL_LAPLACE_MAX_OUTCOMES; diagonal above), or B refits for the bootstrap.
 */
export function fitUtilities(ids: readonly OutcomeId[], train: PackedPairs, options: FitOptions = {}): UtilityFit {
  const kind = options.model ?? 'thurstonian';
  const n = ids.length;
  const prior = options.prior ?? DEFAULT_PRIOR;
  const warnings = comparisonGraphWarnings(ids, train);
  const raw = solve(kind, n, train, startingPoint(kind, ids, options.warmStart), options);
  const { shift, scale } = gauge(raw.mu);
  const mean = raw.mu.map((m) => (m - shift) / scale);
  const sd = raw.sigma ? raw.sigma.map((s) => s / scale) : new Float64Array(n);
  const base = {
    model: kind,
    ids: [...ids],
    mean,
    sd,
    ...(kind === 'bt' ? { logisticScale: scale } : {}),
    converged: raw.converged,
    iterations: raw.iterations,
    reason: raw.reason,
    warnings,
  };
  const placeholderMetrics = { train: evaluateFit({ ...base, metrics: { train: emptyMetrics() } }, train) };
  const level = options.ciLevel ?? 0.95;
  const method = options.intervals ?? 'laplace';
  let ci: UtilityFit['ci'];
  if (method === 'laplace' || method === 'laplace-diagonal') {
    const { variances, diagonalOnly } = laplaceCentredVariances(kind, raw, train, prior);
    const zq = inversePhi(0.5 + level / 2);
    const low = new Float64Array(n);
    const high = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const half = (zq * Math.sqrt(variances[t] as number)) / scale;
      low[t] = (mean[t] as number) - half;
      high[t] = (mean[t] as number) + half;
    }
    ci = { low, high, level, method: diagonalOnly || method === 'laplace-diagonal' ? 'laplace-diagonal' : 'laplace' };
  } else if (method === 'bootstrap') {
    if (!options.rng) throw new RangeError('fitUtilities: bootstrap intervals need options.rng');
    const samples = options.bootstrapSamples ?? 200;
    const draws = Array.from({ length: n }, () => new Float64Array(samples));
    for (let b = 0; b < samples; b++) {
      const resampled = resamplePairs(train, options.rng);
      const rep = solve(kind, n, resampled, raw.theta, { ...options, maxIterations: options.maxIterations ?? 200 });
      const g = gauge(rep.mu);
      for (let t = 0; t < n; t++) (draws[t] as Float64Array)[b] = ((rep.mu[t] as number) - g.shift) / g.scale;
    }
    const low = new Float64Array(n);
    const high = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const sorted = (draws[t] as Float64Array).sort();
      low[t] = quantile(sorted, (1 - level) / 2);
      high[t] = quantile(sorted, (1 + level) / 2);
    }
    ci = { low, high, level, method: 'bootstrap' };
  }
  const fit: UtilityFit = { ...base, ...(ci ? { ci } : {}), metrics: placeholderMetrics };
  return options.holdout ? { ...fit, metrics: { train: fit.metrics.train, holdout: evaluateFit(fit, options.holdout) } } : fit;
}

function emptyMetrics() {
  return { pairs: 0, accuracy: Number.NaN, ties: 0, logLoss: Number.NaN, excessLogLoss: Number.NaN, brier: Number.NaN, calibration: [] };
}

/** The Thurstonian model (METHOD.md §3): `fitUtilities` with model `thurstonian`. */
export function fitThurstonian(ids: readonly OutcomeId[], train: PackedPairs, options: Omit<FitOptions, 'model'> = {}): UtilityFit {
  return fitUtilities(ids, train, { ...options, model: 'thurstonian' });
}

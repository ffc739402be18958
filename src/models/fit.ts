/**
 * Fitting utilities (docs/method.md §3), in phases:
 *   1. check the comparison graph (connectivity.ts) and flag outcomes the data cannot pin down;
 *   2. minimise the negative log-posterior (likelihood.ts) with L-BFGS (lbfgs.ts), warm-started
 *      from a previous fit when given;
 *   3. move to the reporting gauge: μ with mean 0 and sd 1 over the outcome set, σ scaled alike
 *      (P(i ≻ j) is unchanged by a common shift and scale of μ and σ);
 *   4. intervals for every μ: Laplace (laplace.ts: the inverse Hessian of the negative
 *      log-posterior, σ integrated out, the gauge's shift and scale projected out; exact up to a
 *      size limit, a stated approximation above it) or a seeded percentile bootstrap over pairs;
 *   5. metrics on the training pairs and, when given, on held-out pairs.
 * Deterministic given its inputs (and the Rng for the bootstrap). Never throws on hard data:
 * convergence is reported as data.
 */

import { UtilscopeError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ContrastEstimates, IntervalMethod, OutcomeId, PackedPairs, UtilityContrast, UtilityFit, UtilityModelKind } from '../core/types.js';
import { minimizeLbfgs } from '../stats/lbfgs.js';
import { inversePhi } from '../stats/normal.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { comparisonGraphWarnings } from './connectivity.js';
import { centredVariances, contrastCovariance, type LaplaceLimits, laplaceCovariance } from './laplace.js';
import { createObjective, curvaturePreconditioner, DEFAULT_PRIOR, gaugeProfiledObjective, type PriorOptions, parameterCount, priorOptimalGauge } from './likelihood.js';
import { evaluateFit } from './metrics.js';

/** Options of `fitUtilities`; every field is optional and the defaults are stated per field. */
export interface FitOptions {
  /** Comparison model (default `thurstonian`). */
  readonly model?: UtilityModelKind;
  /** A previous fit to start from, of any model kind (matched by outcome id; new ids start at the mean). */
  readonly warmStart?: UtilityFit;
  /** Held-out pairs (indices into the same ids) for held-out metrics; never used in fitting. */
  readonly holdout?: PackedPairs;
  /**
   * Interval method (default `laplace`: exact up to the size limits, `laplace-diagonal` above them —
   * `ci.method` says which ran; `laplace-diagonal` forces the approximation; `bootstrap` needs
   * `rng`; `none` skips intervals).
   */
  readonly intervals?: IntervalMethod;
  /** Interval coverage level (default 0.95). */
  readonly ciLevel?: number;
  /** Bootstrap replicates (default 200). */
  readonly bootstrapSamples?: number;
  /** Seeded random stream for the bootstrap (required for `bootstrap`, unused otherwise). */
  readonly rng?: Rng;
  /** L-BFGS iteration cap (default 500; 200 per bootstrap replicate). */
  readonly maxIterations?: number;
  /**
   * Stop when the preconditioned Newton step would move no raw parameter (μ, log σ) further than
   * this. Default 1e-6, which is about where double precision stops resolving decreases of f, so
   * most fits end a step or two later with reason `objective` (no further decrease) at the same
   * point; 1e-5 would save ~10% of iterations but leaves errors up to ~5e-4 at 510 outcomes. A
   * criterion in parameter units, unlike a gradient tolerance relative to |f|, does not loosen as
   * the data grow (the old 1e-7·|f| gradient rule left errors of 0.2 at 10,000 outcomes).
   */
  readonly stepTolerance?: number;
  /** Also stop when ‖∇f‖∞ ≤ gradientTolerance·max(1, |f|) (default 0: off; f is in nats over all answers). */
  readonly gradientTolerance?: number;
  /** Prior strengths; default `DEFAULT_PRIOR` (ridge 0.01 on μ, sd 1 on log σ). */
  readonly prior?: PriorOptions;
  /** Size limits of the exact Laplace computations (defaults in laplace.ts). */
  readonly laplaceLimits?: LaplaceLimits;
  /**
   * Linear summaries of the reported utilities to estimate with their joint covariance (weights
   * aligned with `ids`), e.g. the mean utility of a value's + and − outcomes (docs/method.md §6). Their
   * covariance comes from the same interval method as the utilities' intervals.
   */
  readonly contrasts?: readonly UtilityContrast[];
}

/** See `FitOptions.stepTolerance`. */
const DEFAULT_STEP_TOLERANCE = 1e-6;

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

/** logistic(1.702·x) ≈ Φ(x) to within 0.01 everywhere (Haley 1952; Amemiya 1981), for warm starts across model kinds. */
const LOGISTIC_PER_PROBIT = 1.702;

/**
 * Starting parameters from a previous fit (matched by id; outcomes it did not know start at the
 * mean), converting between probit and logistic scales when the kinds differ. The warm fit is in
 * the reporting gauge, not at the raw optimum's shift and scale; that costs nothing, because the
 * objective is minimised with the gauge profiled out (`gaugeProfiledObjective`), so an exact warm
 * start needs 0 iterations.
 */
function startingPoint(kind: UtilityModelKind, ids: readonly OutcomeId[], warm: UtilityFit | undefined): Float64Array {
  const n = ids.length;
  const theta = new Float64Array(parameterCount(kind, n));
  if (!warm || warm.ids.length === 0) return theta;
  const index = new Map(warm.ids.map((id, k) => [id, k] as const));
  // Typical spread of the warm fit: rms σ and mean log σ (probit fits), or its logistic scale.
  let meanSquareSd = 0;
  let meanLogSd = 0;
  for (const sd of warm.sd) {
    meanSquareSd += (sd * sd) / warm.sd.length;
    meanLogSd += Math.log(sd > 0 ? sd : 1) / warm.sd.length;
  }
  const probitWarm = warm.logisticScale === undefined && meanSquareSd > 0;
  // Raw μ per reported unit for the target model (the Thurstonian scale is set by the gauge step below).
  let muPerUnit = 1;
  if (kind === 'bt') muPerUnit = probitWarm ? LOGISTIC_PER_PROBIT / Math.sqrt(2 * meanSquareSd) : (warm.logisticScale ?? 1);
  else if (kind === 'case5') muPerUnit = probitWarm ? 1 / Math.sqrt(2 * meanSquareSd) : (warm.logisticScale ?? 1) / LOGISTIC_PER_PROBIT;
  else if (!probitWarm) muPerUnit = (Math.SQRT2 * (warm.logisticScale ?? 1)) / LOGISTIC_PER_PROBIT; // σ = 1 each
  for (let t = 0; t < n; t++) {
    const k = index.get(ids[t] as OutcomeId);
    if (kind === 'thurstonian') theta[n + t] = probitWarm ? meanLogSd : 0;
    if (k === undefined) continue;
    theta[t] = (warm.mean[k] as number) * muPerUnit;
    const sd = warm.sd[k] as number;
    if (kind === 'thurstonian' && probitWarm && sd > 0) theta[n + t] = Math.log(sd);
  }
  return theta;
}

function solve(kind: UtilityModelKind, n: number, pairs: PackedPairs, start: Float64Array, options: FitOptions): RawSolution {
  const prior = options.prior ?? DEFAULT_PRIOR;
  const objective = gaugeProfiledObjective(kind, createObjective(kind, pairs, prior), n, prior);
  const result = minimizeLbfgs(objective, start, {
    // The curvature of μ and log σ coordinates differs ~100-fold and the two are coupled at the
    // extremes; preconditioning with the Gauss–Newton blocks takes both out (510 outcomes:
    // 138 → 42 iterations; Case V 23 → 9).
    preconditioner: curvaturePreconditioner(kind, n),
    stepTolerance: options.stepTolerance ?? DEFAULT_STEP_TOLERANCE,
    gradientTolerance: options.gradientTolerance ?? 0,
    ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
  });
  const theta = priorOptimalGauge(kind, result.x, n, prior);
  const mu = theta.slice(0, n);
  let sigma: Float64Array | undefined;
  if (kind === 'thurstonian') sigma = theta.slice(n).map((s) => Math.exp(s));
  else if (kind === 'case5') sigma = new Float64Array(n).fill(CASE5_SD);
  return { mu, sigma, theta, iterations: result.iterations, converged: result.converged, reason: result.reason };
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

/**
 * Fits utilities for `ids` from `train` (pairs indexed into ids). See the module comment for the
 * phases. Cost: O(iterations · pairs) for the fit, plus O(n³) for exact Laplace intervals (see
 * `laplaceCovariance` for the limits and the approximations above them; `ci.method` says
 * which was used), or B warm-started refits for the bootstrap. Throws only on a usage error
 * (bootstrap without `rng`); hard data gives `converged: false` and a `reason`.
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
  const trainMetrics = { train: evaluateFit({ ...base, metrics: { train: emptyMetrics() } }, train) };
  const level = options.ciLevel ?? 0.95;
  const method = options.intervals ?? 'laplace';
  let ci: UtilityFit['ci'];
  let contrasts: ContrastEstimates | undefined;
  const wanted = options.contrasts ?? [];
  if (method === 'laplace' || method === 'laplace-diagonal') {
    const limits = method === 'laplace-diagonal' ? { denseMaxOutcomes: 0 } : (options.laplaceLimits ?? {});
    // One factorisation serves the intervals and the contrasts.
    const covariance = laplaceCovariance(kind, raw, train, prior, limits);
    const laplace = covariance ? centredVariances(covariance, raw.mu) : undefined;
    if (wanted.length > 0) {
      const joint = covariance
        ? contrastCovariance(
            covariance,
            raw.mu,
            wanted.map((c) => c.weights),
          )
        : undefined;
      contrasts = {
        names: wanted.map((c) => c.name),
        estimate: joint?.estimate ?? contrastEstimates(wanted, mean),
        covariance: joint?.covariance ?? new Float64Array(wanted.length ** 2).fill(Number.POSITIVE_INFINITY),
        method: joint?.method ?? method,
      };
    }
    // Not positive definite (far from an optimum): no interval rather than a wrong one.
    const variances = laplace?.variances ?? new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const zq = inversePhi(0.5 + level / 2);
    const low = new Float64Array(n);
    const high = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const half = (zq * Math.sqrt(variances[t] as number)) / scale;
      low[t] = (mean[t] as number) - half;
      high[t] = (mean[t] as number) + half;
    }
    ci = { low, high, level, method: laplace?.method ?? method };
  } else if (method === 'bootstrap') {
    if (!options.rng) throw new UtilscopeError('invalid-option', 'bootstrap intervals need a seeded rng (fitUtilities options.rng)');
    const samples = options.bootstrapSamples ?? 200;
    const draws = Array.from({ length: n }, () => new Float64Array(samples));
    const contrastDraws = wanted.map(() => new Float64Array(samples));
    const replicate = new Float64Array(n);
    for (let b = 0; b < samples; b++) {
      const resampled = resamplePairs(train, options.rng);
      const rep = solve(kind, n, resampled, raw.theta, { ...options, maxIterations: options.maxIterations ?? 200 });
      const g = gauge(rep.mu);
      for (let t = 0; t < n; t++) {
        replicate[t] = ((rep.mu[t] as number) - g.shift) / g.scale;
        (draws[t] as Float64Array)[b] = replicate[t] as number;
      }
      contrastEstimates(wanted, replicate).forEach((value, a) => ((contrastDraws[a] as Float64Array)[b] = value));
    }
    if (wanted.length > 0) contrasts = { names: wanted.map((c) => c.name), estimate: contrastEstimates(wanted, mean), covariance: sampleCovariance(contrastDraws), method: 'bootstrap' };
    const low = new Float64Array(n);
    const high = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const sorted = (draws[t] as Float64Array).sort();
      low[t] = quantileOfSorted(sorted, (1 - level) / 2);
      high[t] = quantileOfSorted(sorted, (1 + level) / 2);
    }
    ci = { low, high, level, method: 'bootstrap' };
  }
  const fit: UtilityFit = { ...base, ...(ci ? { ci } : {}), ...(contrasts ? { contrasts } : {}), metrics: trainMetrics };
  return options.holdout ? { ...fit, metrics: { train: fit.metrics.train, holdout: evaluateFit(fit, options.holdout) } } : fit;
}

/** Σ_i w_i·m_i for every contrast. */
function contrastEstimates(contrasts: readonly UtilityContrast[], mean: Float64Array): Float64Array {
  return Float64Array.from(contrasts, (c) => {
    let total = 0;
    for (let i = 0; i < mean.length; i++) total += (c.weights[i] as number) * (mean[i] as number);
    return total;
  });
}

/** k×k sample covariance (divisor B − 1) of k series of B draws each. */
function sampleCovariance(series: readonly Float64Array[]): Float64Array {
  const k = series.length;
  const means = series.map((draws) => draws.reduce((a, b) => a + b, 0) / draws.length);
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const x = series[a] as Float64Array;
      const y = series[b] as Float64Array;
      let total = 0;
      for (let t = 0; t < x.length; t++) total += ((x[t] as number) - (means[a] as number)) * ((y[t] as number) - (means[b] as number));
      out[a * k + b] = x.length > 1 ? total / (x.length - 1) : Number.NaN;
    }
  }
  return out;
}

function emptyMetrics() {
  return { pairs: 0, accuracy: Number.NaN, accuracyLow: Number.NaN, accuracyHigh: Number.NaN, ties: 0, logLoss: Number.NaN, excessLogLoss: Number.NaN, brier: Number.NaN, calibration: [] };
}

/** The Thurstonian model (docs/method.md §3): `fitUtilities` with model `thurstonian`. */
export function fitThurstonian(ids: readonly OutcomeId[], train: PackedPairs, options: Omit<FitOptions, 'model'> = {}): UtilityFit {
  return fitUtilities(ids, train, { ...options, model: 'thurstonian' });
}

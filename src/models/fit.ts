/**
 * Fitting utilities (docs/method.md §3, §12), in phases:
 *   1. check the comparison graph (connectivity.ts): the identified core (the largest strongly
 *      connected set of the win graph), the outcomes separated from it (prior-driven) and those
 *      without a utility (never compared, or not connected to the core);
 *   2. minimise the negative log-posterior (likelihood.ts) of the core on the comparisons among its
 *      members with L-BFGS (lbfgs.ts), warm-started from a previous fit when given;
 *   3. move to the reporting gauge: μ with mean 0 and sd 1 over the core, σ scaled alike
 *      (P(i ≻ j) is unchanged by a common shift and scale of μ and σ);
 *   4. fit the separated outcomes given the core's estimates (their comparisons with the core and
 *      among themselves, and the priors), reported in the core's gauge;
 *   5. intervals for every μ: Laplace (laplace.ts: the inverse Hessian of the negative
 *      log-posterior, σ integrated out, the gauge's shift and scale projected out; exact up to a
 *      size limit, a stated approximation above it) or a seeded percentile bootstrap over pairs;
 *   6. metrics on the training pairs and, when given, on held-out pairs.
 * The core's numbers are exactly those of a fit of the core alone: outcomes outside it change
 * nothing there. With every outcome in the core (a well-identified design) phases 1 and 4 do
 * nothing. Outcomes without a utility get NaN. Deterministic given its inputs (and the Rng for the
 * bootstrap). Never throws on hard data: convergence is reported as data.
 */

import { UtilscopeError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ContrastEstimates, IntervalMethod, OutcomeId, PackedPairs, UtilityContrast, UtilityFit, UtilityModelKind } from '../core/types.js';
import { minimizeLbfgs, type Objective } from '../stats/lbfgs.js';
import { inversePhi } from '../stats/normal.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { type ComparisonGraphCheck, checkComparisonGraph } from './connectivity.js';
import { centredVariances, conditionalCovariance, conditionalVariances, contrastCovariance, type LaplaceLimits, laplaceCovariance } from './laplace.js';
import { leastSquaresStart } from './least-squares-start.js';
import { createObjective, curvaturePreconditioner, DEFAULT_PRIOR, gaugeProfiledObjective, objectiveRoundingError, type PriorOptions, parameterCount, priorOptimalGauge } from './likelihood.js';
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
  /** Also stop when ‖∇f‖∞ ≤ gradientTolerance·max(1, |f|) (default 0: off; f is in nats: half the deviance over all answers plus the priors, see likelihood.ts). */
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
  // Outcomes without a utility in the warm fit (NaN) neither count here nor seed a start below.
  const usable = warm.sd.filter((sd) => Number.isFinite(sd));
  for (const sd of usable) {
    meanSquareSd += (sd * sd) / usable.length;
    meanLogSd += Math.log(sd > 0 ? sd : 1) / usable.length;
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
    if (k === undefined || !Number.isFinite(warm.mean[k] as number)) continue;
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
    objectiveNoise: objectiveRoundingError(pairs),
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

/** The outcomes of a fit as `checkComparisonGraph` splits them, with their pairs re-indexed. */
interface Design {
  readonly check: ComparisonGraphCheck;
  /** The fit's index of each local outcome: the gauge outcomes (0 … gaugeCount − 1), then the separated ones. */
  readonly members: Int32Array;
  readonly gaugeCount: number;
  readonly gaugeIds: readonly OutcomeId[];
  readonly separatedIds: readonly OutcomeId[];
  /** Pairs among the gauge outcomes, in local indices; `train` itself when every outcome is one. */
  readonly gaugePairs: PackedPairs;
  /** Pairs with a separated outcome on at least one side, in local indices over both groups. */
  readonly outerPairs: PackedPairs;
}

/** The pairs whose two outcomes both have a local index (≥ 0) and pass `keep`, re-indexed; order kept. */
function restrictPairs(pairs: PackedPairs, local: Int32Array, count: number, keep: (a: number, b: number) => boolean): PackedPairs {
  const rows = new Int32Array(pairs.i.length);
  let kept = 0;
  for (let k = 0; k < pairs.i.length; k++) {
    const a = local[pairs.i[k] as number] as number;
    const b = local[pairs.j[k] as number] as number;
    if (a >= 0 && b >= 0 && keep(a, b)) rows[kept++] = k;
  }
  // Plain loops: TypedArray.from with a mapping function calls it per element through a slow generic path.
  const out = { outcomeCount: count, i: new Int32Array(kept), j: new Int32Array(kept), wins: new Float64Array(kept), total: new Float64Array(kept) };
  for (let r = 0; r < kept; r++) {
    const k = rows[r] as number;
    out.i[r] = local[pairs.i[k] as number] as number;
    out.j[r] = local[pairs.j[k] as number] as number;
    out.wins[r] = pairs.wins[k] as number;
    out.total[r] = pairs.total[k] as number;
  }
  return out;
}

/** No pairs among no outcomes: the separated outcomes' pairs when every outcome is in the gauge. */
const NO_PAIRS: PackedPairs = { outcomeCount: 0, i: new Int32Array(0), j: new Int32Array(0), wins: new Float64Array(0), total: new Float64Array(0) };

function splitDesign(ids: readonly OutcomeId[], train: PackedPairs, check: ComparisonGraphCheck): Design {
  const n = ids.length;
  const c = check.gauge.length;
  const members = Int32Array.from([...check.gauge, ...check.conditional]);
  const gaugeIds = Array.from(check.gauge, (t) => ids[t] as OutcomeId);
  const separatedIds = Array.from(check.conditional, (t) => ids[t] as OutcomeId);
  if (c === n) return { check, members, gaugeCount: n, gaugeIds: ids, separatedIds, gaugePairs: train, outerPairs: NO_PAIRS };
  const local = new Int32Array(n).fill(-1);
  members.forEach((t, k) => (local[t] = k));
  return {
    check,
    members,
    gaugeCount: c,
    gaugeIds,
    separatedIds,
    gaugePairs: restrictPairs(train, local, c, (a, b) => a < c && b < c),
    outerPairs: restrictPairs(train, local, members.length, (a, b) => a >= c || b >= c),
  };
}

/**
 * Minimises the negative log-posterior over the separated outcomes' parameters alone (`start`, in
 * the layout of `parameterCount(kind, separated)`), the gauge outcomes held at `gaugeTheta` (their
 * raw optimum). `pairs` are the design's outer pairs. There is no free gauge here: the gauge
 * outcomes fix it. Returns the separated outcomes' raw solution.
 */
function solveSeparated(kind: UtilityModelKind, gaugeCount: number, pairs: PackedPairs, gaugeTheta: Float64Array, start: Float64Array, options: FitOptions): RawSolution {
  const prior = options.prior ?? DEFAULT_PRIOR;
  const c = gaugeCount;
  const all = pairs.outcomeCount;
  const t = all - c;
  const thurstonian = kind === 'thurstonian';
  const full = new Float64Array(parameterCount(kind, all));
  full.set(gaugeTheta.subarray(0, c), 0);
  if (thurstonian) full.set(gaugeTheta.subarray(c, 2 * c), all);
  const inner = createObjective(kind, pairs, prior);
  const fullGradient = new Float64Array(full.length);
  const fullCurvature = new Float64Array(thurstonian ? 3 * all : all);
  // The gauge outcomes' prior terms are constants here; only the separated coordinates move.
  const objective: Objective = (x, gradient, curvature) => {
    full.set(x.subarray(0, t), c);
    if (thurstonian) full.set(x.subarray(t, 2 * t), all + c);
    const f = inner(full, fullGradient, curvature ? fullCurvature : undefined);
    gradient.set(fullGradient.subarray(c, all), 0);
    if (thurstonian) gradient.set(fullGradient.subarray(all + c, 2 * all), t);
    if (curvature) {
      curvature.set(fullCurvature.subarray(c, all), 0);
      if (thurstonian) {
        curvature.set(fullCurvature.subarray(all + c, 2 * all), t);
        curvature.set(fullCurvature.subarray(2 * all + c, 3 * all), 2 * t);
      }
    }
    return f;
  };
  const result = minimizeLbfgs(objective, start, {
    preconditioner: curvaturePreconditioner(kind, t),
    stepTolerance: options.stepTolerance ?? DEFAULT_STEP_TOLERANCE,
    gradientTolerance: options.gradientTolerance ?? 0,
    ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
  });
  const theta = result.x;
  const mu = theta.slice(0, t);
  let sigma: Float64Array | undefined;
  if (thurstonian) sigma = theta.slice(t).map((s) => Math.exp(s));
  else if (kind === 'case5') sigma = new Float64Array(t).fill(CASE5_SD);
  return { mu, sigma, theta, iterations: result.iterations, converged: result.converged, reason: result.reason };
}

/**
 * Where the separated outcomes' fit starts: the warm fit's values (`startingPoint`, in reported
 * units) mapped into the gauge outcomes' raw units (μ = shift + scale·m; for the Thurstonian model
 * log σ moves by log scale), outcomes it does not know at the gauge outcomes' mean.
 */
function separatedStart(kind: UtilityModelKind, ids: readonly OutcomeId[], warm: UtilityFit | undefined, shift: number, scale: number): Float64Array {
  const t = ids.length;
  const theta = startingPoint(kind, ids, warm);
  if (kind !== 'thurstonian') return theta.map((m) => shift + m);
  for (let k = 0; k < t; k++) {
    theta[k] = shift + scale * (theta[k] as number);
    theta[t + k] = (theta[t + k] as number) + Math.log(scale);
  }
  return theta;
}

/** Both groups' raw utilities in local order (gauge outcomes, then separated), for the conditional Hessian. */
function joinRaw(gaugeRaw: RawSolution, separated: RawSolution): { mu: Float64Array; sigma: Float64Array | undefined } {
  const mu = new Float64Array(gaugeRaw.mu.length + separated.mu.length);
  mu.set(gaugeRaw.mu);
  mu.set(separated.mu, gaugeRaw.mu.length);
  if (!gaugeRaw.sigma || !separated.sigma) return { mu, sigma: undefined };
  const sigma = new Float64Array(mu.length);
  sigma.set(gaugeRaw.sigma);
  sigma.set(separated.sigma, gaugeRaw.sigma.length);
  return { mu, sigma };
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
  const design = splitDesign(ids, train, checkComparisonGraph(ids, train));
  const { members, gaugeCount } = design;
  const separatedCount = members.length - gaugeCount;
  // Without a warm start, Mosteller's least-squares utilities (least-squares-start.ts), not all zeros.
  const start = options.warmStart ? startingPoint(kind, design.gaugeIds, options.warmStart) : leastSquaresStart(kind, design.gaugePairs);
  const raw = solve(kind, gaugeCount, design.gaugePairs, start, options);
  const { shift, scale } = gauge(raw.mu);
  const separated =
    separatedCount > 0 ? solveSeparated(kind, gaugeCount, design.outerPairs, raw.theta, separatedStart(kind, design.separatedIds, options.warmStart, shift, scale), options) : undefined;
  // Local values (gauge outcomes, then separated) go to their place in ids; the rest stay NaN.
  const place = (local: ArrayLike<number>, fill = Number.NaN) => {
    const out = new Float64Array(n).fill(fill);
    for (let k = 0; k < members.length; k++) out[members[k] as number] = local[k] as number;
    return out;
  };
  const localMu = separated ? joinRaw(raw, separated).mu : raw.mu;
  const mean = place(localMu.map((m) => (m - shift) / scale));
  const localSigma = separated ? joinRaw(raw, separated).sigma : raw.sigma;
  // Bradley–Terry has no σ: 0 for every outcome with a utility.
  const sd = place(localSigma ? localSigma.map((s) => s / scale) : new Float64Array(members.length));
  const converged = raw.converged && (separated?.converged ?? true);
  const base = {
    model: kind,
    ids: [...ids],
    mean,
    sd,
    ...(kind === 'bt' ? { logisticScale: scale } : {}),
    converged,
    iterations: raw.iterations + (separated?.iterations ?? 0),
    reason: !raw.converged || !separated || separated.converged ? raw.reason : separated.reason,
    warnings: design.check.warnings,
  };
  const trainMetrics = { train: evaluateFit({ ...base, metrics: { train: emptyMetrics() } }, train) };
  const level = options.ciLevel ?? 0.95;
  const method = options.intervals ?? 'laplace';
  let ci: UtilityFit['ci'];
  let contrasts: ContrastEstimates | undefined;
  const wanted = options.contrasts ?? [];
  const split = wanted.map((c) => splitWeights(c.weights, members, gaugeCount));
  if (method === 'laplace' || method === 'laplace-diagonal') {
    const limits = method === 'laplace-diagonal' ? { denseMaxOutcomes: 0 } : (options.laplaceLimits ?? {});
    // One factorisation serves the intervals and the contrasts.
    const covariance = laplaceCovariance(kind, raw, design.gaugePairs, prior, limits);
    const laplace = covariance ? centredVariances(covariance, raw.mu) : undefined;
    const separatedCovariance = separated ? conditionalCovariance(kind, joinRaw(raw, separated), design.outerPairs, prior, gaugeCount, limits) : undefined;
    const separatedVariances = separated && covariance && separatedCovariance ? conditionalVariances(covariance, raw.mu, separatedCovariance, separated.mu) : undefined;
    if (wanted.length > 0) {
      const conditional = separated && separatedCovariance ? { covariance: separatedCovariance, mu: separated.mu, weights: split.map((w) => w.separated) } : undefined;
      const joint =
        covariance && (!separated || conditional)
          ? contrastCovariance(
              covariance,
              raw.mu,
              split.map((w) => w.gauge),
              conditional,
            )
          : undefined;
      contrasts = {
        names: wanted.map((c) => c.name),
        estimate: joint?.estimate ?? contrastEstimates(wanted, mean),
        covariance: joint?.covariance ?? new Float64Array(wanted.length ** 2).fill(Number.POSITIVE_INFINITY),
        method: joint?.method ?? method,
      };
      contrasts = withoutUnidentified(contrasts, split);
    }
    // Not positive definite (far from an optimum): no interval rather than a wrong one.
    const variances = new Float64Array(members.length).fill(Number.POSITIVE_INFINITY);
    if (laplace) variances.set(laplace.variances);
    if (separatedVariances) variances.set(separatedVariances, gaugeCount);
    const zq = inversePhi(0.5 + level / 2);
    const low = new Float64Array(n).fill(Number.NaN);
    const high = new Float64Array(n).fill(Number.NaN);
    for (let k = 0; k < members.length; k++) {
      const t = members[k] as number;
      const half = (zq * Math.sqrt(variances[k] as number)) / scale;
      low[t] = (mean[t] as number) - half;
      high[t] = (mean[t] as number) + half;
    }
    const methods = [laplace?.method ?? method, ...(separated ? [separatedCovariance?.method ?? method] : [])];
    ci = { low, high, level, method: methods.every((m) => m === 'laplace') ? 'laplace' : methods.includes('laplace-diagonal') ? 'laplace-diagonal' : method };
  } else if (method === 'bootstrap') {
    if (!options.rng) throw new UtilscopeError('invalid-option', 'bootstrap intervals need a seeded rng (fitUtilities options.rng)');
    const rng = options.rng;
    // Separated outcomes resample their own pairs from a stream of their own, so the core's
    // replicates are those of a fit of the core alone.
    const separatedRng = rng.fork('separated');
    const samples = options.bootstrapSamples ?? 200;
    const draws = Array.from({ length: members.length }, () => new Float64Array(samples));
    const contrastDraws = wanted.map(() => new Float64Array(samples));
    const replicate = new Float64Array(n).fill(Number.NaN);
    const replicateOptions = { ...options, maxIterations: options.maxIterations ?? 200 };
    for (let b = 0; b < samples; b++) {
      const rep = solve(kind, gaugeCount, resamplePairs(design.gaugePairs, rng), raw.theta, replicateOptions);
      const g = gauge(rep.mu);
      const repSeparated = separated ? solveSeparated(kind, gaugeCount, resamplePairs(design.outerPairs, separatedRng), rep.theta, separated.theta, replicateOptions) : undefined;
      for (let k = 0; k < members.length; k++) {
        const value = k < gaugeCount ? (rep.mu[k] as number) : (repSeparated?.mu[k - gaugeCount] as number);
        replicate[members[k] as number] = (value - g.shift) / g.scale;
        (draws[k] as Float64Array)[b] = replicate[members[k] as number] as number;
      }
      contrastEstimates(wanted, replicate).forEach((value, a) => ((contrastDraws[a] as Float64Array)[b] = value));
    }
    if (wanted.length > 0)
      contrasts = withoutUnidentified({ names: wanted.map((c) => c.name), estimate: contrastEstimates(wanted, mean), covariance: sampleCovariance(contrastDraws), method: 'bootstrap' }, split);
    const low = new Float64Array(n).fill(Number.NaN);
    const high = new Float64Array(n).fill(Number.NaN);
    for (let k = 0; k < members.length; k++) {
      const t = members[k] as number;
      const sorted = (draws[k] as Float64Array).sort();
      low[t] = quantileOfSorted(sorted, (1 - level) / 2);
      high[t] = quantileOfSorted(sorted, (1 + level) / 2);
    }
    ci = { low, high, level, method: 'bootstrap' };
  }
  const fit: UtilityFit = { ...base, ...(ci ? { ci } : {}), ...(contrasts ? { contrasts } : {}), metrics: trainMetrics };
  return options.holdout ? { ...fit, metrics: { train: fit.metrics.train, holdout: evaluateFit(fit, options.holdout) } } : fit;
}

/** A contrast's weights split into the gauge outcomes' and the separated ones' (local order), and whether any weight falls on an outcome without a utility. */
function splitWeights(weights: Float64Array, members: Int32Array, gaugeCount: number): { gauge: Float64Array; separated: Float64Array; unidentified: boolean } {
  const gauge = new Float64Array(gaugeCount);
  const separated = new Float64Array(members.length - gaugeCount);
  let covered = 0;
  for (let k = 0; k < members.length; k++) {
    const w = weights[members[k] as number] as number;
    if (w !== 0) covered++;
    if (k < gaugeCount) gauge[k] = w;
    else separated[k - gaugeCount] = w;
  }
  let nonzero = 0;
  for (const w of weights) if (w !== 0) nonzero++;
  return { gauge, separated, unidentified: nonzero > covered };
}

/** Contrasts that weigh an outcome without a utility have no estimate: NaN, with NaN covariances. */
function withoutUnidentified(contrasts: ContrastEstimates, split: readonly { unidentified: boolean }[]): ContrastEstimates {
  if (!split.some((w) => w.unidentified)) return contrasts;
  const k = contrasts.names.length;
  const estimate = Float64Array.from(contrasts.estimate, (value, a) => (split[a]?.unidentified ? Number.NaN : value));
  const covariance = Float64Array.from(contrasts.covariance, (value, e) => (split[Math.floor(e / k)]?.unidentified || split[e % k]?.unidentified ? Number.NaN : value));
  return { ...contrasts, estimate, covariance };
}

/** Σ_i w_i·m_i for every contrast; outcomes with weight 0 are skipped, so an outcome without a utility (NaN) counts only where it is weighed. */
function contrastEstimates(contrasts: readonly UtilityContrast[], mean: Float64Array): Float64Array {
  return Float64Array.from(contrasts, (c) => {
    let total = 0;
    for (let i = 0; i < mean.length; i++) if ((c.weights[i] as number) !== 0) total += (c.weights[i] as number) * (mean[i] as number);
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

/**
 * Negative log-posteriors of the pairwise comparison models on *counts* (docs/method.md §3): for pair k
 * with w wins for i out of N valid answers,
 *
 *   log L = Σ_k  w·log P_k + (N − w)·log(1 − P_k)
 *
 *   thurstonian  P = Φ(z),  z = (μ_i − μ_j)/√(σ_i² + σ_j²),   θ = [μ (n), log σ (n)]
 *   case5        P = Φ(μ_i − μ_j)            (Thurstone Case V: one shared σ = 1/√2)   θ = μ
 *   bt           P = logistic(μ_i − μ_j)     (Bradley–Terry)                           θ = μ
 *
 * plus a weak ridge ½·ρ·Σμ² (pins the free shift) and, for the Thurstonian model, a Gaussian prior
 * ½·Σ(log σ)²/τ² on log σ, so an outcome with contradictory answers cannot inflate its σ without
 * bound. Gradients are analytic:
 *   d log Φ(z)/dz = λ(z) (inverse Mills ratio),  ∂z/∂μ_i = 1/r,  ∂z/∂log σ_i = −z·σ_i²/r²  (r² = σ_i² + σ_j²).
 * One evaluation is O(pairs + n).
 */
import type { PackedPairs, UtilityModelKind } from '../core/types.js';
import type { Objective } from '../stats/lbfgs.js';
import { normalPairTerms } from '../stats/normal.js';
import { diagonalPreconditioner, type Preconditioner, pairedPreconditioner } from '../stats/preconditioners.js';

/** Prior strengths (documented defaults, docs/method.md §3 "weak"). */
export interface PriorOptions {
  /** Ridge precision ρ on μ. */
  readonly ridge: number;
  /** Standard deviation τ of the Gaussian prior on log σ (centred on 0). */
  readonly logSdScale: number;
}

/**
 * The documented weak priors: ridge precision 0.01 on μ (a N(0, 10²) prior, far wider than the
 * utilities' spread of a few units) and log σ ~ N(0, 1) (σ within a factor e of 1 at one sd).
 */
export const DEFAULT_PRIOR: PriorOptions = { ridge: 0.01, logSdScale: 1 };

/** Number of free parameters of a model over n outcomes. */
export function parameterCount(kind: UtilityModelKind, n: number): number {
  return kind === 'thurstonian' ? 2 * n : n;
}

/** logistic(x) = 1/(1 + e^(−x)), stable for both signs. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The preconditioner matching the curvature layout `createObjective` writes: for the Thurstonian
 * model 2×2 Gauss–Newton blocks over (μ_t, log σ_t) — [∂²/∂μ_t² | ∂²/∂(log σ_t)² | ∂²/∂μ_t∂log σ_t],
 * 3n entries, priors included; for Case V and Bradley–Terry the Gauss–Newton diagonal over μ.
 */
export function curvaturePreconditioner(kind: UtilityModelKind, n: number): Preconditioner {
  return kind === 'thurstonian' ? pairedPreconditioner(n) : diagonalPreconditioner(n);
}

/**
 * The typical absolute rounding error of the objective on `pairs`: each pair adds a model term and
 * subtracts its saturated term, both of size |saturated| near an optimum, each rounded to about
 * machine precision of its size, and independent roundings add like a random walk:
 * ε·√(Σ saturated²) (10⁹ answers per pair on 10,000 pairs: ~10⁻⁵ nats, where f itself is ~5; 20
 * answers: ~10⁻¹³). The minimiser takes decreases below it for none (`objectiveNoise`).
 */
export function objectiveRoundingError(pairs: PackedPairs): number {
  let squares = 0;
  for (const s of saturatedLogLikelihoods(pairs.wins, pairs.total)) squares += s * s;
  return Number.EPSILON * Math.sqrt(squares);
}

/**
 * Per pair, the largest log-likelihood any model could reach: w·log(w/t) + l·log(l/t) (0·log 0 = 0).
 * The objective subtracts it pair by pair, so it is the deviance's half plus the priors: near an
 * optimum its value is of the order of the pairs, not of the answers, and a double still resolves its
 * decreases when the counts are 10⁹ (summed raw, f ~ 5·10¹² and its last bit is ~10⁻³ nats, which
 * stopped such fits 0.01 from their optimum). Same minimiser and gradient.
 */
function saturatedLogLikelihoods(wins: Float64Array, total: Float64Array): Float64Array {
  return Float64Array.from(wins, (w, k) => {
    const l = (total[k] as number) - w;
    const t = w + l;
    return (w > 0 ? w * Math.log(w / t) : 0) + (l > 0 ? l * Math.log(l / t) : 0);
  });
}

/**
 * The objective (negative log-posterior, less each pair's saturated log-likelihood) and its gradient for `kind` on `pairs`; with a curvature
 * buffer, also the Gauss–Newton curvature in the layout of `curvaturePreconditioner(kind, n)`.
 */
export function createObjective(kind: UtilityModelKind, pairs: PackedPairs, prior: PriorOptions = DEFAULT_PRIOR): Objective {
  const n = pairs.outcomeCount;
  const { i: is, j: js, wins, total } = pairs;
  const m = is.length;
  const invTau2 = 1 / (prior.logSdScale * prior.logSdScale);
  const terms = new Float64Array(4);
  const variance = new Float64Array(n);
  const saturated = saturatedLogLikelihoods(wins, total);

  if (kind === 'thurstonian') {
    return (theta, gradient, curvature) => {
      gradient.fill(0);
      if (curvature) {
        curvature.fill(prior.ridge, 0, n);
        curvature.fill(invTau2, n, 2 * n);
        curvature.fill(0, 2 * n);
      }
      let f = 0;
      for (let t = 0; t < n; t++) {
        const mu = theta[t] as number;
        const s = theta[n + t] as number;
        variance[t] = Math.exp(2 * s); // σ² once per outcome, not twice per pair
        f += 0.5 * prior.ridge * mu * mu + 0.5 * invTau2 * s * s;
        gradient[t] = prior.ridge * mu;
        gradient[n + t] = invTau2 * s;
      }
      for (let k = 0; k < m; k++) {
        const i = is[k] as number;
        const j = js[k] as number;
        const w = wins[k] as number;
        const l = (total[k] as number) - w;
        const vi = variance[i] as number;
        const vj = variance[j] as number;
        const v = vi + vj;
        const r = Math.sqrt(v);
        const z = ((theta[i] as number) - (theta[j] as number)) / r;
        normalPairTerms(z, terms);
        f += (saturated[k] as number) - (w * (terms[0] as number) + l * (terms[1] as number));
        const dLdz = w * (terms[2] as number) - l * (terms[3] as number);
        gradient[i] = (gradient[i] as number) - dLdz / r;
        gradient[j] = (gradient[j] as number) + dLdz / r;
        gradient[n + i] = (gradient[n + i] as number) + (dLdz * z * vi) / v;
        gradient[n + j] = (gradient[n + j] as number) + (dLdz * z * vj) / v;
        if (curvature) {
          // Gauss–Newton blocks: c·(∂z/∂θ)(∂z/∂θ′) with c = −∂²log L/∂z² ≥ 0 (the λ's are at hand).
          const a = terms[2] as number;
          const b = terms[3] as number;
          const c = w * a * (z + a) + l * b * (b - z);
          const cmu = c / v;
          curvature[i] = (curvature[i] as number) + cmu;
          curvature[j] = (curvature[j] as number) + cmu;
          const zi = (z * vi) / v;
          const zj = (z * vj) / v;
          curvature[n + i] = (curvature[n + i] as number) + c * zi * zi;
          curvature[n + j] = (curvature[n + j] as number) + c * zj * zj;
          // Coupling of μ_t with log σ_t: c·(∂z/∂μ_t)(∂z/∂log σ_t).
          curvature[2 * n + i] = (curvature[2 * n + i] as number) - (c * zi) / r;
          curvature[2 * n + j] = (curvature[2 * n + j] as number) + (c * zj) / r;
        }
      }
      return f;
    };
  }

  const logistic_ = kind === 'bt';
  return (theta, gradient, curvature) => {
    gradient.fill(0);
    curvature?.fill(prior.ridge);
    let f = 0;
    for (let t = 0; t < n; t++) {
      const mu = theta[t] as number;
      f += 0.5 * prior.ridge * mu * mu;
      gradient[t] = prior.ridge * mu;
    }
    for (let k = 0; k < m; k++) {
      const i = is[k] as number;
      const j = js[k] as number;
      const w = wins[k] as number;
      const l = (total[k] as number) - w;
      const d = (theta[i] as number) - (theta[j] as number);
      let dLdd: number;
      let c = 0;
      if (logistic_) {
        // log logistic(±d) and logistic(d) from one exp and one log1p: with e = e^(−|d|) and
        // L = log(1 + e), log logistic(|d|) = −L and log logistic(−|d|) = −|d| − L (no overflow).
        const e = Math.exp(-Math.abs(d));
        const softplus = Math.log1p(e);
        const logUpper = -softplus;
        const logLower = -Math.abs(d) - softplus;
        const upper = 1 / (1 + e); // logistic(|d|)
        const p = d >= 0 ? upper : e * upper; // logistic(−|d|) = e/(1 + e), no cancellation
        f += (saturated[k] as number) - (d >= 0 ? w * logUpper + l * logLower : w * logLower + l * logUpper);
        dLdd = w - (w + l) * p;
        if (curvature) c = (w + l) * upper * (1 - upper);
      } else {
        normalPairTerms(d, terms);
        f += (saturated[k] as number) - (w * (terms[0] as number) + l * (terms[1] as number));
        const a = terms[2] as number;
        const b = terms[3] as number;
        dLdd = w * a - l * b;
        if (curvature) c = w * a * (d + a) + l * b * (b - d);
      }
      gradient[i] = (gradient[i] as number) - dLdd;
      gradient[j] = (gradient[j] as number) + dLdd;
      if (curvature) {
        curvature[i] = (curvature[i] as number) + c;
        curvature[j] = (curvature[j] as number) + c;
      }
    }
    return f;
  };
}

/**
 * The gauge move that takes θ to where the priors are smallest along the directions the
 * likelihood cannot see: θ'_μ = c·(θ_μ − μ̄), θ'_logσ = θ_logσ + log c. The likelihood is unchanged
 * by μ → c·μ + b (all models) together with log σ → log σ + log c (Thurstonian; Case V and
 * Bradley–Terry fix the scale, so only the shift is free, c = 1). Only the priors vary along that
 * family, and so weakly (ridge ρ = 0.01) that a quasi-Newton method needs dozens of iterations to
 * walk it; here u = log c solves the 1-D stationarity condition  ρ·τ²·c²·Var(μ) + mean(log σ) + u = 0
 * by Newton's method (monotone, unique root). O(n).
 */
function priorOptimalGaugeMove(kind: UtilityModelKind, theta: Float64Array, n: number, prior: PriorOptions): { readonly mean: number; readonly logScale: number } {
  let mean = 0;
  for (let t = 0; t < n; t++) mean += (theta[t] as number) / n;
  if (kind !== 'thurstonian' || !Number.isFinite(prior.logSdScale)) return { mean, logScale: 0 };
  let variance = 0;
  let meanLogSd = 0;
  for (let t = 0; t < n; t++) {
    variance += ((theta[t] as number) - mean) ** 2 / n;
    meanLogSd += (theta[n + t] as number) / n;
  }
  const a = prior.ridge * prior.logSdScale * prior.logSdScale * variance;
  let u = -meanLogSd;
  for (let step = 0; step < 50; step++) {
    const e = a * Math.exp(2 * u);
    const delta = (e + meanLogSd + u) / (2 * e + 1);
    u -= delta;
    if (Math.abs(delta) < 1e-15) break;
  }
  return { mean, logScale: u };
}

/** Writes the moved θ' of `priorOptimalGaugeMove` into `out` and returns the scale c. */
function applyGaugeMove(kind: UtilityModelKind, theta: Float64Array, n: number, prior: PriorOptions, out: Float64Array): number {
  if (n === 0) {
    out.set(theta);
    return 1;
  }
  const { mean, logScale } = priorOptimalGaugeMove(kind, theta, n, prior);
  const c = Math.exp(logScale);
  for (let t = 0; t < n; t++) out[t] = c * ((theta[t] as number) - mean);
  for (let t = n; t < theta.length; t++) out[t] = (theta[t] as number) + logScale;
  return c;
}

/**
 * θ moved along the likelihood's flat directions to the prior-optimal point (see
 * `priorOptimalGaugeMove`). The likelihood is the same at θ and at the result. Returns a new array; O(n).
 */
export function priorOptimalGauge(kind: UtilityModelKind, theta: Float64Array, n: number, prior: PriorOptions = DEFAULT_PRIOR): Float64Array {
  const out = new Float64Array(theta.length);
  applyGaugeMove(kind, theta, n, prior, out);
  return out;
}

/**
 * The objective with the gauge profiled out: f̃(θ) = min over the gauge family of f, i.e. f at
 * `priorOptimalGauge(θ)`. Its minimum value and minimiser (after the gauge move) are those of f,
 * but f̃ is exactly flat along the shift and scale directions instead of barely curved, which
 * takes an ill-conditioned direction out of the problem (510 outcomes: 58 → 49 L-BFGS
 * iterations). By the envelope theorem ∇f̃(θ) = Jᵀ∇f(θ') with J the Jacobian of the move at fixed
 * (μ̄, c): ∂θ'_μ/∂θ_μ = c, ∂θ'_logσ/∂θ_logσ = 1; the curvature estimate maps with c². One
 * evaluation costs one of f plus O(n).
 */
export function gaugeProfiledObjective(kind: UtilityModelKind, objective: Objective, n: number, prior: PriorOptions = DEFAULT_PRIOR): Objective {
  let moved = new Float64Array(0);
  return (theta, gradient, curvature) => {
    if (moved.length !== theta.length) moved = new Float64Array(theta.length);
    const c = applyGaugeMove(kind, theta, n, prior, moved);
    const f = objective(moved, gradient, curvature);
    if (c !== 1) {
      for (let t = 0; t < n; t++) gradient[t] = (gradient[t] as number) * c;
      if (curvature) for (let t = 0; t < n; t++) curvature[t] = (curvature[t] as number) * c * c;
    }
    return f;
  };
}

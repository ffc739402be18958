/**
 * Exact floors (docs/method.md §5.11): what a respondent without preferences — each answer picks
 * the slot shown first with a fixed probability r (a coin flip at r = ½, a position bias at the
 * observed first-slot share) — gets on average on a design, and how far that varies, computed from
 * the answer counts instead of simulated. The answers of different pairs are independent, and every
 * metric below is a sum of terms that each depend on one pair or one triangle, so its mean and
 * variance add up over pairs and triangles, with covariances only between triangles that share a pair.
 *
 * Per pair, P̂ = X/n with X = Binomial(n_ab, r) + Binomial(n_ba, 1 − r) has mean μ = (n_ab·r +
 * n_ba·(1 − r))/n and variance v = r(1 − r)/n in closed form; the chance that it lies above, at or
 * below ½ and E|P̂ − ½| come from its exact distribution: Binomial(n, ½) in closed form for the coin
 * flip (any n; `binomialPmf`, `binomialMeanAbsoluteDeviation`), a convolution of the two binomials
 * for a position bias when that is small (otherwise those metrics are simulated; `complete`).
 *
 * - cycle probability: f(p₁, p₂, p₃) = p₁p₂(1 − p₃) + (1 − p₁)(1 − p₂)p₃ is multilinear with no
 *   p₁p₂p₃ term, so E f = f(μ₁, μ₂, μ₃) and, writing p = μ + e, Σ_t f_t − E = Σ_k c_k e_k + Σ_t (±e₁e₂
 *   ± e₁e₃ ± e₂e₃), whose terms are uncorrelated: Var = Σ_k c_k²·v_k + Σ_t (v₁v₂ + v₁v₃ + v₂v₃), with
 *   c_k = Σ_{t ∋ k} ∂f_t/∂p_k at μ (zero for a coin flip, where every μ = ½);
 * - majority 3-cycles and weak-transitivity checks and violations: per triangle an indicator of the
 *   three pairs' states (above, at or below ½), so E is a sum over the 27 state combinations, and
 *   triangles t ≠ t′ sharing pair e covary only through e's state: Cov = Σ_s P(e = s)·h_t(s)·h_t′(s) −
 *   E_t·E_t′ with h_t(s) = E[indicator_t | e = s], summed per pair in one pass;
 * - decisiveness: the mean of E|P̂ − ½| over answered pairs, variance Σ(v + (μ − ½)² − E|P̂ − ½|²)/m².
 * The weak-transitivity rate is violations/checks, a ratio with no closed-form mean: its floor is
 * E[violations]/E[checks], with the delta-method variance. Each floor's 5–95% range is mean ±
 * 1.645·sd, clamped to the metric's range (the normal approximation: these are sums over many pairs
 * or triangles). The largest component and the feedback-arc share have no such form and stay simulated.
 * Pure; O(pairs + triangles) after O(distinct answer counts · n) for the per-pair distributions.
 */
import { binomialMeanAbsoluteDeviation, binomialPmf } from '../stats/binomial-pmf.js';
import { inversePhi } from '../stats/normal.js';
import type { CoherenceDesign } from './design.js';
import { type CompiledTriangles, TRIAD_STATE_VERDICTS } from './metrics.js';

/** Answers per pair up to which a position bias's P̂ distribution is tabulated, and the convolution work allowed per answer-count profile. */
export const TABULATED_ANSWERS_MAX = 1 << 16;
const CONVOLUTION_WORK_MAX = 1 << 20;

/** z₀.₉₅: the floors' 5–95% range is mean ± this many standard deviations. */
const Z_95 = inversePhi(0.95);

/** Per pair, what the exact floors and the exact bootstrap moments read of P̂'s distribution under a respondent (a floor's, or the bootstrap's P̂ per order). */
export interface AnswerMoments {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  /** P(P̂ < ½), P(P̂ = ½), P(P̂ > ½), as states 0, 1, 2 at 3k … 3k + 2. */
  readonly state: Float64Array;
  readonly absDeviation: Float64Array;
  /** Pairs with at least one valid answer (the decisiveness denominator). */
  readonly answered: number;
  /** False when some pair's distribution was too large to tabulate: `state` and `absDeviation` are then unusable. */
  readonly complete: boolean;
}

/** P(P̂ < ½), P(P̂ = ½), P(P̂ > ½) and E|P̂ − ½| of one pair. */
export interface AnswerProfile {
  readonly below: number;
  readonly tie: number;
  readonly above: number;
  readonly absDeviation: number;
}

/** P̂'s distribution features for n_ab answers at chance r and n_ba at 1 − r, or undefined when too large to tabulate. */
function answerProfile(nAB: number, nBA: number, r: number): AnswerProfile | undefined {
  const n = nAB + nBA;
  if (r === 0.5) {
    const tie = n % 2 === 0 ? binomialPmf(n / 2, n, 0.5) : 0;
    return { below: (1 - tie) / 2, tie, above: (1 - tie) / 2, absDeviation: binomialMeanAbsoluteDeviation(n, 0.5) / n };
  }
  return convolvedProfile(nAB, r, nBA, 1 - r, 0, n);
}

/**
 * The distribution features of P̂ = (X + Y + fixedWins)/total with X ~ Binomial(nAB, pAB) and
 * Y ~ Binomial(nBA, pBA) independent, from their convolution, or undefined when that is too large
 * to tabulate. P̂ is computed and compared with ½ exactly as a simulated replicate computes it, so
 * the states are the replicates' states. Used by the floors (fixedWins 0) and the bootstrap
 * (exact-bootstrap.ts). O((nAB + 1)·(nBA + 1)).
 */
export function convolvedProfile(nAB: number, pAB: number, nBA: number, pBA: number, fixedWins: number, total: number): AnswerProfile | undefined {
  const n = nAB + nBA;
  if (n > TABULATED_ANSWERS_MAX || (nAB + 1) * (nBA + 1) > CONVOLUTION_WORK_MAX) return undefined;
  const first = Float64Array.from({ length: nAB + 1 }, (_, x) => binomialPmf(x, nAB, pAB));
  const second = Float64Array.from({ length: nBA + 1 }, (_, x) => binomialPmf(x, nBA, pBA));
  const pmf = new Float64Array(n + 1);
  for (let x = 0; x <= nAB; x++) for (let y = 0; y <= nBA; y++) pmf[x + y] = (pmf[x + y] as number) + (first[x] as number) * (second[y] as number);
  let below = 0;
  let tie = 0;
  let above = 0;
  let absDeviation = 0;
  for (let x = 0; x <= n; x++) {
    const f = pmf[x] as number;
    const value = (x + fixedWins) / total;
    if (value < 0.5) below += f;
    else if (value === 0.5) tie += f;
    else above += f;
    absDeviation += f * Math.abs(value - 0.5);
  }
  return { below, tie, above, absDeviation };
}

/** The per-pair moments of a respondent that picks the first slot with chance `firstSlot` (valid answers only, as the floors redraw them). */
export function floorAnswerMoments(design: CoherenceDesign, firstSlot: number): AnswerMoments {
  const pairs = design.pairs;
  const mean = new Float64Array(pairs);
  const variance = new Float64Array(pairs);
  const state = new Float64Array(3 * pairs);
  const absDeviation = new Float64Array(pairs);
  const profiles = new Map<number, Map<number, AnswerProfile | undefined>>();
  let answered = 0;
  let complete = true;
  for (let k = 0; k < pairs; k++) {
    const nAB = design.validAB[k] as number;
    const nBA = design.validBA[k] as number;
    const n = nAB + nBA;
    if (n === 0) {
      // No valid answer: P̂ reads ½ and the pair has no majority edge.
      mean[k] = 0.5;
      state[3 * k + 1] = 1;
      continue;
    }
    answered++;
    mean[k] = (nAB * firstSlot + nBA * (1 - firstSlot)) / n;
    variance[k] = (firstSlot * (1 - firstSlot)) / n;
    let byBA = profiles.get(nAB);
    if (byBA === undefined) {
      byBA = new Map();
      profiles.set(nAB, byBA);
    }
    if (!byBA.has(nBA)) byBA.set(nBA, answerProfile(nAB, nBA, firstSlot));
    const profile = byBA.get(nBA);
    if (profile === undefined) {
      complete = false;
      continue;
    }
    state[3 * k] = profile.below;
    state[3 * k + 1] = profile.tie;
    state[3 * k + 2] = profile.above;
    absDeviation[k] = profile.absDeviation;
  }
  return { mean, variance, state, absDeviation, answered, complete };
}

/** A floor's exact mean and standard deviation. */
export interface ExactMoment {
  readonly mean: number;
  readonly sd: number;
}

/** Mean and sd of the mean cycle probability over `triangles` (see the module comment). O(pairs + triangles). */
export function exactCycleProbability(moments: AnswerMoments, triangles: CompiledTriangles): ExactMoment {
  const { count, pair, flip } = triangles;
  if (count === 0) return { mean: Number.NaN, sd: Number.NaN };
  const slope = new Float64Array(moments.mean.length);
  const m = new Float64Array(3);
  const v = new Float64Array(3);
  let sum = 0;
  let bilinear = 0;
  for (let t = 0; t < count; t++) {
    for (let e = 0; e < 3; e++) {
      const k = pair[3 * t + e] as number;
      // An unasked pair reads ½ with no variance.
      const mu = k < 0 ? 0.5 : (moments.mean[k] as number);
      m[e] = k >= 0 && flip[3 * t + e] === 1 ? 1 - mu : mu;
      v[e] = k < 0 ? 0 : (moments.variance[k] as number);
    }
    const m1 = m[0] as number;
    const m2 = m[1] as number;
    const m3 = m[2] as number;
    sum += m1 * m2 * (1 - m3) + (1 - m1) * (1 - m2) * m3;
    bilinear += (v[0] as number) * (v[1] as number) + (v[0] as number) * (v[2] as number) + (v[1] as number) * (v[2] as number);
    // ∂f/∂p₁ = p₂ − p₃, ∂f/∂p₂ = p₁ − p₃, ∂f/∂p₃ = 1 − p₁ − p₂; a flipped pair enters as 1 − P̂.
    m[0] = m2 - m3;
    m[1] = m1 - m3;
    m[2] = 1 - m1 - m2;
    for (let e = 0; e < 3; e++) {
      const k = pair[3 * t + e] as number;
      if (k < 0) continue;
      slope[k] = (slope[k] as number) + (flip[3 * t + e] === 1 ? -1 : 1) * (m[e] as number);
    }
  }
  let linear = 0;
  for (let k = 0; k < slope.length; k++) linear += (slope[k] as number) ** 2 * (moments.variance[k] as number);
  return { mean: sum / count, sd: Math.sqrt(Math.max(0, linear + bilinear)) / count };
}

/** Mean and variance of Σ_t g_t for the three state indicators, and the covariance of checks and violations. */
interface StateSums {
  readonly cyclic: { readonly mean: number; readonly variance: number };
  readonly check: { readonly mean: number; readonly variance: number };
  readonly weak: { readonly mean: number; readonly variance: number };
  readonly weakCheckCovariance: number;
}

/** The three indicators, cyclic, check and weak, as one table: entry 27f + state. */
const INDICATORS = (() => {
  const table = new Float64Array(81);
  table.set(TRIAD_STATE_VERDICTS.cyclic, 0);
  table.set(TRIAD_STATE_VERDICTS.check, 27);
  table.set(TRIAD_STATE_VERDICTS.weak, 54);
  return table;
})();

/** The state-indicator sums over `triangles` (see the module comment). Needs complete moments. O(81 · triangles + pairs); allocates O(pairs) once. */
function stateSums(moments: AnswerMoments, triangles: CompiledTriangles): StateSums {
  const { count, pair, flip } = triangles;
  const pairs = moments.mean.length;
  const state = moments.state;
  // conditional[9k + 3f + s]: Σ over triangles through pair k of E[indicator f | pair k in stored state s].
  const conditional = new Float64Array(9 * pairs);
  const mean = new Float64Array(3);
  const selfVariance = new Float64Array(3);
  const within = new Float64Array(3);
  let selfCovariance = 0;
  let withinCovariance = 0;
  // The triangle's oriented state probabilities prob[3e + s], the expectations per indicator, and h[9f + 3e + s] = E[g_f | pair e in state s].
  const prob = new Float64Array(9);
  const expected = new Float64Array(3);
  const h = new Float64Array(27);
  for (let t = 0; t < count; t++) {
    for (let e = 0; e < 3; e++) {
      const k = pair[3 * t + e] as number;
      const flipped = flip[3 * t + e] === 1;
      for (let s = 0; s < 3; s++) {
        // A flipped pair's state below ½ is the oriented pair's state above; an unasked pair reads ½.
        prob[3 * e + s] = k < 0 ? (s === 1 ? 1 : 0) : (state[3 * k + (flipped ? 2 - s : s)] as number);
      }
    }
    expected.fill(0);
    h.fill(0);
    let joint = 0;
    for (let s = 0; s < 27; s++) {
      const s1 = (s / 9) | 0;
      const s2 = ((s / 3) | 0) % 3;
      const s3 = s % 3;
      const p1 = prob[s1] as number;
      const p2 = prob[3 + s2] as number;
      const p3 = prob[6 + s3] as number;
      const weight = p1 * p2 * p3;
      if (weight === 0 && p2 * p3 === 0 && p1 * p3 === 0 && p1 * p2 === 0) continue;
      for (let f = 0; f < 3; f++) {
        const g = INDICATORS[27 * f + s] as number;
        if (g === 0) continue;
        expected[f] = (expected[f] as number) + weight * g;
        h[9 * f + s1] = (h[9 * f + s1] as number) + p2 * p3 * g;
        h[9 * f + 3 + s2] = (h[9 * f + 3 + s2] as number) + p1 * p3 * g;
        h[9 * f + 6 + s3] = (h[9 * f + 6 + s3] as number) + p1 * p2 * g;
      }
      // A weak violation is always a check: E[check · weak] = E[weak].
      joint += weight * (INDICATORS[54 + s] as number);
    }
    for (let f = 0; f < 3; f++) {
      const eg = expected[f] as number;
      mean[f] = (mean[f] as number) + eg;
      // Indicators: E[g²] = E[g].
      selfVariance[f] = (selfVariance[f] as number) + eg - eg * eg;
    }
    const checkWeak = (expected[1] as number) * (expected[2] as number);
    selfCovariance += joint - checkWeak;
    for (let e = 0; e < 3; e++) {
      const k = pair[3 * t + e] as number;
      if (k < 0) continue;
      const flipped = flip[3 * t + e] === 1;
      let cross = 0;
      for (let f = 0; f < 3; f++) {
        let square = 0;
        for (let s = 0; s < 3; s++) {
          const value = h[9 * f + 3 * e + s] as number;
          const slot = 9 * k + 3 * f + (flipped ? 2 - s : s);
          conditional[slot] = (conditional[slot] as number) + value;
          square += (prob[3 * e + s] as number) * value * value;
        }
        within[f] = (within[f] as number) + square - (expected[f] as number) ** 2;
      }
      for (let s = 0; s < 3; s++) cross += (prob[3 * e + s] as number) * (h[9 + 3 * e + s] as number) * (h[18 + 3 * e + s] as number);
      withinCovariance += cross - checkWeak;
    }
  }
  // Σ over pairs of Var(H_k(state)) = Σ_s P(s)·H(s)² − (Σ_s P(s)·H(s))², and the same cross term for checks × violations.
  const shared = new Float64Array(3);
  const first = new Float64Array(3);
  let sharedCovariance = 0;
  for (let k = 0; k < pairs; k++) {
    for (let f = 0; f < 3; f++) {
      let sum = 0;
      let square = 0;
      for (let s = 0; s < 3; s++) {
        const ps = state[3 * k + s] as number;
        const value = conditional[9 * k + 3 * f + s] as number;
        sum += ps * value;
        square += ps * value * value;
      }
      first[f] = sum;
      shared[f] = (shared[f] as number) + square - sum * sum;
    }
    let cross = 0;
    for (let s = 0; s < 3; s++) cross += (state[3 * k + s] as number) * (conditional[9 * k + 3 + s] as number) * (conditional[9 * k + 6 + s] as number);
    sharedCovariance += cross - (first[1] as number) * (first[2] as number);
  }
  const variance = (f: number) => Math.max(0, (selfVariance[f] as number) + (shared[f] as number) - (within[f] as number));
  return {
    cyclic: { mean: mean[0] as number, variance: variance(0) },
    check: { mean: mean[1] as number, variance: variance(1) },
    weak: { mean: mean[2] as number, variance: variance(2) },
    weakCheckCovariance: selfCovariance + sharedCovariance - withinCovariance,
  };
}

/** The exact floors of the triangle metrics: the cyclic share and the weak-transitivity rate (ratio of expectations). */
export function exactStateFloors(moments: AnswerMoments, triangles: CompiledTriangles): { cyclicTriangleShare: ExactMoment; weakTransitivityViolations: ExactMoment } {
  const count = triangles.count;
  if (count === 0) return { cyclicTriangleShare: { mean: Number.NaN, sd: Number.NaN }, weakTransitivityViolations: { mean: Number.NaN, sd: Number.NaN } };
  const sums = stateSums(moments, triangles);
  const checks = sums.check.mean;
  const rate = checks > 0 ? sums.weak.mean / checks : Number.NaN;
  // Delta method for W/C: Var ≈ (Var W − 2ρ·Cov(W, C) + ρ²·Var C) / E[C]².
  const rateVariance = checks > 0 ? (sums.weak.variance - 2 * rate * sums.weakCheckCovariance + rate * rate * sums.check.variance) / (checks * checks) : Number.NaN;
  return {
    cyclicTriangleShare: { mean: sums.cyclic.mean / count, sd: Math.sqrt(sums.cyclic.variance) / count },
    weakTransitivityViolations: { mean: rate, sd: Math.sqrt(Math.max(0, rateVariance)) },
  };
}

/** Mean and sd of decisiveness, the mean |P̂ − ½| over answered pairs. Needs complete moments. O(pairs). */
export function exactDecisiveness(moments: AnswerMoments): ExactMoment {
  const m = moments.answered;
  if (m === 0) return { mean: Number.NaN, sd: Number.NaN };
  let sum = 0;
  let variance = 0;
  for (let k = 0; k < moments.mean.length; k++) {
    const d = moments.absDeviation[k] as number;
    const offset = (moments.mean[k] as number) - 0.5;
    sum += d;
    variance += (moments.variance[k] as number) + offset * offset - d * d;
  }
  return { mean: sum / m, sd: Math.sqrt(Math.max(0, variance)) / m };
}

/** The 5–95% range of an exact floor: mean ± z₀.₉₅·sd within [0, top]. */
export function exactRange(moment: ExactMoment, top: number): { mean: number; low: number; high: number } {
  return { mean: moment.mean, low: Math.min(top, Math.max(0, moment.mean - Z_95 * moment.sd)), high: Math.min(top, Math.max(0, moment.mean + Z_95 * moment.sd)) };
}

/**
 * How much an answer tells about a pair's utility gap (docs/method.md §4.11), the ingredients of the
 * adaptive design's value of a sample:
 *
 * - `probitAnswerInformation(z)`: the Fisher information of one forced-choice answer with
 *   P = Φ(z) about z, φ(z)² / (Φ(z)·Φ(−z)): 2/π ≈ 0.64 at z = 0, falling like |z|·φ(z) in the tails;
 * - `positionBiasOffset`: the probit shift b of the first slot, P(first chosen) = Φ(z_first − z_second + b),
 *   fitted by maximum likelihood given the pairs' fitted z. A respondent that mostly picks option A
 *   answers each order almost deterministically, so its answers carry less information than their
 *   pooled P̂ ≈ ½ suggests; the value of a sample must use each order's own probability;
 * - `answerOverdispersion`: the intraclass correlation ρ of answers to the same pair, from the Pearson
 *   dispersion of the pairs' win counts about the fit (quasi-binomial, McCullagh & Nelder 1989 §4.5).
 *   Answers to one pair share whatever of the pair the utility model does not capture (a cyclic
 *   preference, a wording), so repeated answers average it away only across pairs, never within one;
 * - `effectiveAnswers(n, ρ)`: the n/(1 + (n − 1)·ρ) independent answers that n correlated answers to
 *   one pair are worth (Kish's design effect; Kish 1965 §8.2).
 *
 * Pure; O(pairs) per call. Never throws: degenerate input gives b = 0 and ρ = 0.
 */
import { inverseMillsRatio, normalDensity, Phi } from '../stats/normal.js';

/** φ(z)² / (Φ(z)·Φ(−z)): Fisher information of one answer with P = Φ(z) about z. Stable in both tails. */
export function probitAnswerInformation(z: number): number {
  if (!Number.isFinite(z)) return 0;
  const x = Math.abs(z);
  const density = normalDensity(x);
  // φ(x)/Φ(−x) is the inverse Mills ratio at −x, finite where Φ(−x) underflows.
  return (density * inverseMillsRatio(-x)) / Phi(x);
}

/** One asked pair's answers by presentation order, for the information estimates. */
export interface OrderedAnswers {
  /** Fitted probit of the pair, z = (m_a − m_b)/r (positive when a is preferred). */
  readonly z: number;
  /** Valid answers in order ab (a shown first) and how many of them chose a. */
  readonly abAnswers: number;
  readonly abForA: number;
  /** Valid answers in order ba (b shown first) and how many of them chose a. */
  readonly baAnswers: number;
  readonly baForA: number;
}

/** The largest first-slot offset considered: P(first | indifferent) = Φ(4) ≈ 0.99997. */
const MAX_OFFSET = 4;

/**
 * The maximum-likelihood probit offset b of the first slot given the pairs' fitted z:
 * P(a chosen | a first) = Φ(z + b), P(a chosen | b first) = Φ(z − b). The log-likelihood is concave in
 * b (log Φ is concave), so a safeguarded Newton iteration inside [−4, 4] converges; 0 without answers.
 * The z come from a fit that pooled both orders and so are shrunk by strong position bias; b is then
 * slightly too large, which errs towards valuing answers less. O(pairs) per iteration, ≤ 30 iterations.
 */
export function positionBiasOffset(pairs: readonly OrderedAnswers[]): number {
  let low = -MAX_OFFSET;
  let high = MAX_OFFSET;
  let b = 0;
  for (let iteration = 0; iteration < 30; iteration++) {
    let score = 0;
    let curvature = 0;
    let answers = 0;
    for (const p of pairs) {
      if (!Number.isFinite(p.z)) continue;
      // First-slot answers in order ab are answers for a; in order ba, answers for b.
      const terms: readonly [number, number, number][] = [
        [p.z + b, p.abForA, p.abAnswers - p.abForA],
        [-p.z + b, p.baAnswers - p.baForA, p.baForA],
      ];
      for (const [x, first, second] of terms) {
        if (first + second === 0) continue;
        const up = inverseMillsRatio(x);
        const down = inverseMillsRatio(-x);
        score += first * up - second * down;
        // d/dx λ(x) = −λ(x)(x + λ(x)); the log-likelihood's second derivative is ≤ 0.
        curvature += first * up * (x + up) + second * down * (down - x);
        answers += first + second;
      }
    }
    if (answers === 0) return 0;
    if (score > 0) low = b;
    else high = b;
    const newton = curvature > 0 ? b + score / curvature : Number.NaN;
    const next = newton > low && newton < high ? newton : (low + high) / 2;
    if (Math.abs(next - b) < 1e-10) return next;
    b = next;
  }
  return b;
}

/**
 * The intraclass correlation ρ ∈ [0, 1] of answers to one pair about the fit, given the first-slot
 * offset b: with e_k = n_ab·Φ(z + b) + n_ba·Φ(z − b) the expected wins for a and v_k their binomial
 * variance summed over the orders, the Pearson statistic X² = Σ (w_k − e_k)²/v_k over pairs with two or
 * more answers has expectation ≈ (1 − P/M)·Σ (1 + (n_k − 1)ρ) when answers to a pair share a random
 * pair effect (beta-binomial), with M the pairs and P = `parameters` the fit's free parameters (the
 * fit was tuned to these same counts, which shrinks X²). Solved for ρ and clamped; 0 when M ≤ P.
 */
export function answerOverdispersion(pairs: readonly OrderedAnswers[], offset: number, parameters: number): number {
  let pearson = 0;
  let counted = 0;
  let extra = 0;
  for (const p of pairs) {
    const n = p.abAnswers + p.baAnswers;
    if (n < 2 || !Number.isFinite(p.z)) continue;
    const pAb = Phi(p.z + offset);
    const pBa = Phi(p.z - offset);
    const expected = p.abAnswers * pAb + p.baAnswers * pBa;
    const variance = p.abAnswers * pAb * (1 - pAb) + p.baAnswers * pBa * (1 - pBa);
    // A pair the fit puts beyond doubt says nothing about dispersion (and would divide by ~0).
    if (!(variance > 1e-6)) continue;
    pearson += (p.abForA + p.baForA - expected) ** 2 / variance;
    counted += 1;
    extra += n - 1;
  }
  if (counted <= parameters || extra === 0) return 0;
  const rho = (pearson / (1 - parameters / counted) - counted) / extra;
  return Math.min(1, Math.max(0, rho));
}

/** What n answers to one pair with intraclass correlation ρ are worth in independent answers: n/(1 + (n − 1)ρ). */
export function effectiveAnswers(answers: number, rho: number): number {
  return answers <= 0 ? 0 : answers / (1 + (answers - 1) * rho);
}

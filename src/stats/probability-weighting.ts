/**
 * Probability weighting (docs/method.md §9.3): the Tversky–Kahneman (1992) one-parameter form
 * w(p) = p^γ / (p^γ + (1 − p)^γ)^(1/γ), "Advances in prospect theory", J. Risk Uncertain. 5(4), eq. 6.
 * γ = 1 is w(p) = p (expected utility); γ < 1 overweights small probabilities and underweights large
 * ones (the inverse S). `weightedValue` applies it with the weights renormalised to sum to 1, so
 * the value of a lottery stays between its worst and best branch and is invariant to a common
 * affine map of the utilities, like expected utility. O(branches).
 */

/** w_γ(p) for p in [0, 1] and γ > 0. */
export function weightProbability(p: number, gamma: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const a = p ** gamma;
  const b = (1 - p) ** gamma;
  return a / (a + b) ** (1 / gamma);
}

/** Σ w_γ(pᵢ)·uᵢ / Σ w_γ(pᵢ): a lottery's value under renormalised probability weighting (γ = 1: expected utility). */
export function weightedValue(probabilities: ArrayLike<number>, utilities: ArrayLike<number>, gamma: number): number {
  let total = 0;
  let weights = 0;
  for (let k = 0; k < probabilities.length; k++) {
    const w = weightProbability(probabilities[k] as number, gamma);
    total += w * (utilities[k] as number);
    weights += w;
  }
  return weights > 0 ? total / weights : Number.NaN;
}

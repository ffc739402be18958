/**
 * The Wilson score interval (Wilson 1927) of a binomial proportion k/n at confidence `level`, as
 * [low, high] in [0, 1] (a proportion, unitless): with z = Φ⁻¹(½ + level/2) and p̂ = k/n,
 *   (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n).
 * Unlike p̂ ± z·√(p̂(1 − p̂)/n) it stays inside [0, 1] and is not empty at k = 0 or k = n
 * (Newcombe 1998, method 3; the same interval as R's `prop.test(k, n, correct = FALSE)`). Used for
 * held-out accuracy (docs/method.md §3) and answer-share intervals in the report.
 * Cost: O(1) apart from one Φ⁻¹ by bisection (about 60 Φ evaluations).
 * Failure modes: NaN, NaN for n ≤ 0 or a level outside (0, 1); never throws.
 */
import { inversePhi } from './normal.js';

/** Wilson score interval [low, high] of `successes` in `trials` at confidence `level` (default 0.95); see the module comment. */
export function wilsonInterval(successes: number, trials: number, level = 0.95): [number, number] {
  if (!(trials > 0) || !(level > 0 && level < 1)) return [Number.NaN, Number.NaN];
  const z = inversePhi(0.5 + level / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials))) / (1 + z2n);
  // Exact arithmetic gives low ≤ p̂ ≤ high inside [0, 1]; the clamps only absorb rounding (at k = 0, centre − half ≈ 3e−17).
  return [Math.min(p, Math.max(0, centre - half)), Math.max(p, Math.min(1, centre + half))];
}

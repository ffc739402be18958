/**
 * The binomial probability mass function and mean absolute deviation, accurate to a few ulps for
 * any number of trials (10⁹ as well as 10): what the exact coherence floors read (docs/method.md §5.11).
 *
 * - `binomialPmf`: Loader's saddle-point form (C. Loader, "Fast and accurate computation of binomial
 *   probabilities", 2000; the algorithm behind R's `dbinom`):
 *     P(X = k) = exp(δ(n) − δ(k) − δ(n − k) − D(k, np) − D(n − k, nq)) / √(2π·k·(n − k)/n),
 *   with δ the Stirling remainder ln k! − ln(√(2πk)·(k/e)^k) and D(x, m) = x·ln(x/m) + m − x the
 *   deviance, summed as a series when x ≈ m. Going through ln Γ instead loses |ln n!|·ε ≈ 2·10⁻⁶ of
 *   relative accuracy at n = 10⁹; this keeps 1e-14.
 * - `binomialMeanAbsoluteDeviation`: E|X − np| = 2·k·q·P(X = k) with k = ⌊np⌋ + 1 (de Moivre; e.g.
 *   Diaconis & Zabell, "Closed form summation for classical distributions", Statist. Sci. 1991).
 * Pure; O(1) each. Failure modes: n not a non-negative integer or p outside [0, 1] give NaN.
 */
import { logGamma } from './log-gamma.js';

const LN_2PI = Math.log(2 * Math.PI);

/** δ(k) for k = 0 … 15 from ln Γ (no cancellation to speak of at these sizes). */
const STIRLING_REMAINDER_SMALL = Float64Array.from({ length: 16 }, (_, k) => (k === 0 ? 0 : logGamma(k + 1) - (k + 0.5) * Math.log(k) + k - 0.5 * LN_2PI));

/** δ(k) = ln k! − ln(√(2πk)·(k/e)^k): a table to 15, then the Stirling series (Loader 2000, §2). */
export function stirlingRemainder(k: number): number {
  if (k <= 15 && Number.isInteger(k)) return STIRLING_REMAINDER_SMALL[k] as number;
  const kk = k * k;
  // 1/12, 1/360, 1/1260, 1/1680, 1/1188: the Bernoulli-number coefficients of the series.
  if (k > 500) return (1 / 12 - 1 / 360 / kk) / k;
  if (k > 80) return (1 / 12 - (1 / 360 - 1 / 1260 / kk) / kk) / k;
  if (k > 35) return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / 1680 / kk) / kk) / kk) / k;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / kk) / kk) / kk) / kk) / k;
}

/** D(x, m) = x·ln(x/m) + m − x ≥ 0, by its series in v = (x − m)/(x + m) when x is near m (Loader 2000, §3). */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

/** P(X = k) for X ~ Binomial(n, p); 0 outside 0 … n. */
export function binomialPmf(k: number, n: number, p: number): number {
  if (!(n >= 0) || !Number.isInteger(n) || !(p >= 0 && p <= 1)) return Number.NaN;
  if (k < 0 || k > n || !Number.isInteger(k)) return 0;
  if (n === 0) return 1;
  const q = 1 - p;
  if (p === 0) return k === 0 ? 1 : 0;
  if (q === 0) return k === n ? 1 : 0;
  if (k === 0) return Math.exp(p < 0.1 ? -deviance(n, n * q) - n * p : n * Math.log(q));
  if (k === n) return Math.exp(q < 0.1 ? -deviance(n, n * p) - n * q : n * Math.log(p));
  const exponent = stirlingRemainder(n) - stirlingRemainder(k) - stirlingRemainder(n - k) - deviance(k, n * p) - deviance(n - k, n * q);
  return Math.exp(exponent - 0.5 * (LN_2PI + Math.log(k) + Math.log1p(-k / n)));
}

/** E|X − np| for X ~ Binomial(n, p): 2·k·q·P(X = k) with k = ⌊np⌋ + 1 (0 when p is 0 or 1). */
export function binomialMeanAbsoluteDeviation(n: number, p: number): number {
  if (!(n >= 0) || !Number.isInteger(n) || !(p >= 0 && p <= 1)) return Number.NaN;
  if (n === 0 || p === 0 || p === 1) return 0;
  const k = Math.floor(n * p) + 1;
  return 2 * k * (1 - p) * binomialPmf(k, n, p);
}

/**
 * The standard normal distribution, accurate far into the tails (docs/method.md §3: "use log Φ
 * evaluated stably for large |z|"). Library CDFs underflow below z ≈ −38 and lose all relative
 * accuracy in log Φ well before that, so utilscope computes its own from one scaled function:
 *
 *   K(x) = √π · e^(x²) · erfc(x)   (x ≥ 0; K(0) = √π, K(x) ~ 1/x as x → ∞)
 *   erfc(x) = e^(−x²)·K(x)/√π,   Φ(−|z|) = ½·erfc(|z|/√2),   Φ(|z|) = 1 − Φ(−|z|)
 *
 * K is smooth and of modest size everywhere, so it is tabulated once at load time as Chebyshev
 * series and the exponential stays in log form: log Φ(z) is finite for every finite z
 * (log Φ(−30) ≈ −454.32), and the inverse Mills ratio in the lower tail is simply √2/K(x).
 *   0 ≤ x ≤ ½:  the Maclaurin series of erf (no cancellation, K(0) = √π exactly);
 *   ½ < x ≤ 2:  Chebyshev series in x, 20 terms;
 *   2 < x ≤ 8:  Chebyshev series in u = 1/x, 24 terms;
 *   x > 8:      the continued fraction K = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
 *               (Abramowitz & Stegun 7.1.14), 30 levels, evaluated backwards.
 * The Chebyshev coefficients are fitted at load time to the continued fraction at depth 2,000
 * (converged to the last bit for x ≥ ½). Relative accuracy ~5e-15 over the whole line (checked
 * against 50-digit mpmath values in the tests). Each call is O(1): ≤ 24 multiply-adds, at most two
 * exps and two logs. These are the reference functions.
 *
 * The fitting kernel `normalPairTerms` (log Φ(±z) and λ(±z) together, millions of calls per fit)
 * does not go through K: it evaluates per-interval polynomials from a table built at load time
 * (normal-table.ts), without exp, log or division, and is more accurate than the references.
 *
 * Units: z in standard deviations of the standard normal; probabilities, densities and λ are plain
 * numbers. Failure modes: NaN in gives NaN out (all four outputs of the kernel); ±∞ give the limits;
 * `inversePhi` is ±∞ at 0 and 1 and NaN outside [0, 1] (and accurate to ~1e-15 absolute in z, by
 * bisection: for interval levels, not hot loops; `quickInversePhi` to ~10⁻⁶ for one call per pair).
 * Nothing here throws.
 */

import { buildNormalKernelTable, KERNEL_DEGREES, KERNEL_STEPS_PER_UNIT, KERNEL_STRIDE } from './normal-table.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_PI = Math.sqrt(Math.PI);
const LOG_TWO_SQRT_PI = Math.log(2 * SQRT_PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** K(x) by the continued fraction evaluated backwards from `depth` levels. */
function scaledErfcFraction(x: number, depth: number): number {
  let tail = x;
  for (let n = depth; n >= 1; n--) tail = x + n / 2 / tail;
  return 1 / tail;
}

/** 1/n and 1/(2n + 1), so the series loop multiplies instead of dividing. */
const SERIES_TERMS = 24;
const RECIPROCAL = Float64Array.from({ length: SERIES_TERMS }, (_, n) => (n === 0 ? 0 : 1 / n));
const RECIPROCAL_ODD = Float64Array.from({ length: SERIES_TERMS }, (_, n) => 1 / (2 * n + 1));

/**
 * K(x) for 0 ≤ x ≤ ½ from the Maclaurin series erf x = 2/√π·Σ (−1)ⁿx^(2n+1)/(n!(2n+1)) (A&S 7.1.5):
 * no cancellation there (erfc ≥ ½), and K(0) = √π exactly, so Φ(0) = ½ exactly. 14 terms reach
 * 1e-17 at x = ½.
 */
function scaledErfcSeries(x: number): number {
  return SQRT_PI * Math.exp(x * x) * (1 - erfSeries(x));
}

/** erf(x) for |x| ≤ ½ by its Maclaurin series (14 terms). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 14; n++) {
    term *= -x2 * (RECIPROCAL[n] as number);
    sum += term * (RECIPROCAL_ODD[n] as number);
  }
  return (2 / SQRT_PI) * sum;
}

function referenceK(x: number): number {
  return x <= SERIES_HIGH ? scaledErfcSeries(x) : scaledErfcFraction(x, 2000);
}

/** Chebyshev coefficients of f on [lo, hi] (with the usual halved first coefficient applied at evaluation). */
function chebyshevCoefficients(f: (x: number) => number, lo: number, hi: number, terms: number): Float64Array {
  const values = Array.from({ length: terms }, (_, k) => f(0.5 * (hi - lo) * Math.cos((Math.PI * (k + 0.5)) / terms) + 0.5 * (hi + lo)));
  return Float64Array.from({ length: terms }, (_, j) => {
    let sum = 0;
    for (let k = 0; k < terms; k++) sum += (values[k] as number) * Math.cos((Math.PI * j * (k + 0.5)) / terms);
    return (2 * sum) / terms;
  });
}

/** Σ c_j T_j(t) − c_0/2 by the Clenshaw recurrence. */
function clenshaw(c: Float64Array, t: number): number {
  const t2 = 2 * t;
  let d = 0;
  let dd = 0;
  for (let j = c.length - 1; j >= 1; j--) {
    const saved = d;
    d = t2 * d - dd + (c[j] as number);
    dd = saved;
  }
  return t * d - dd + 0.5 * (c[0] as number);
}

const SERIES_HIGH = 0.5;
const NEAR_HIGH = 2;
const K_NEAR = chebyshevCoefficients(referenceK, SERIES_HIGH, NEAR_HIGH, 20);
const U_LOW = 0.125;
const U_HIGH = 0.5;
const K_FAR = chebyshevCoefficients((u) => referenceK(1 / u), U_LOW, U_HIGH, 24);

/** K(x) = √π·e^(x²)·erfc(x) for x ≥ 0. */
function scaledErfc(x: number): number {
  if (x <= SERIES_HIGH) return scaledErfcSeries(x);
  if (x <= NEAR_HIGH) return clenshaw(K_NEAR, (2 * x - SERIES_HIGH - NEAR_HIGH) / (NEAR_HIGH - SERIES_HIGH));
  if (x <= 8) return clenshaw(K_FAR, (2 / x - U_LOW - U_HIGH) / (U_HIGH - U_LOW));
  return scaledErfcFraction(x, 30);
}

/** Φ(z), the standard normal CDF. Full relative accuracy for z < 0, absolute ~1e-16 for z > 0. */
export function Phi(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = Math.abs(z) * SQRT1_2;
  const lower = (Math.exp(-0.5 * z * z) * scaledErfc(x)) / (2 * SQRT_PI); // Φ(−|z|)
  return z <= 0 ? lower : 1 - lower;
}

/** log Φ(z), finite for every finite z (≈ −z²/2 − log(−z) − ½log 2π as z → −∞). */
export function logPhi(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Number.POSITIVE_INFINITY) return 0;
  if (z === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const x = Math.abs(z) * SQRT1_2;
  const k = scaledErfc(x);
  if (z <= 0) return -0.5 * z * z + Math.log(k) - LOG_TWO_SQRT_PI;
  // Upper half: log(1 − Φ(−z)) by log1p keeps full relative accuracy where log Φ(z) ≈ −Φ(−z) is tiny.
  return Math.log1p((-Math.exp(-0.5 * z * z) * k) / (2 * SQRT_PI));
}

/**
 * The inverse Mills ratio λ(z) = φ(z)/Φ(z) (the derivative of log Φ). For z ≤ 0 it is √2/K(|z|/√2)
 * with no exponential at all, so it is exact where φ and Φ both underflow; → −z as z → −∞, → 0
 * (underflowing like φ) as z → +∞.
 */
export function inverseMillsRatio(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = Math.abs(z) * SQRT1_2;
  const k = scaledErfc(x);
  if (z <= 0) return Math.SQRT2 / k;
  const e = Math.exp(-0.5 * z * z);
  return (e * INV_SQRT_2PI) / (1 - (e * k) / (2 * SQRT_PI));
}

/**
 * log Φ(z) and log Φ(−z) together (the two terms of a pair's likelihood), sharing one K
 * evaluation; written into `out[0]`, `out[1]`. Same accuracy as `logPhi`.
 */
export function logPhiBoth(z: number, out: Float64Array): void {
  const x = Math.abs(z) * SQRT1_2;
  const k = scaledErfc(x);
  const logLower = -0.5 * z * z + Math.log(k) - LOG_TWO_SQRT_PI; // log Φ(−|z|)
  const logUpper = Math.log1p(-Math.exp(logLower)); // log Φ(|z|)
  out[0] = z <= 0 ? logLower : logUpper;
  out[1] = z <= 0 ? logUpper : logLower;
}

/** |z| up to which the kernel uses the table (x = |z|/√2 ≤ 8, where the reference switches to the fraction). */
const KERNEL_TABLE_LIMIT = 8 * Math.SQRT2;
const KERNEL_TABLE = buildNormalKernelTable();
// The kernel below unrolls Horner's rule for this layout (a type error if the table's degrees change).
KERNEL_DEGREES satisfies readonly [6, 6, 10, 10];

/**
 * Everything one pair's likelihood needs at z, in one pass: out[0] = log Φ(z), out[1] = log Φ(−z),
 * out[2] = λ(z) = φ(z)/Φ(z), out[3] = λ(−z); the hot loop of fitting (once per pair per objective
 * evaluation).
 *
 * For |z| ≤ 8√2 (all but the rarest pairs) it evaluates four polynomials from the table built at
 * load time by `buildNormalKernelTable` (normal-table.ts: intervals of width 1/16 in |z|, degrees 6,
 * 6, 10, 10; no exp, log or division); beyond, the continued fraction for K as in `logPhi`, with
 * e^(−z²/2) from an exactly split z². Measured against 50-digit mpmath 1.3 values at 51,000 points
 * of |z| ≤ 40 (every interval boundary and its neighbours included): relative error ≤ 6e-16 in all
 * four outputs, tiny upper-tail log Φ included, until they underflow; the reference functions
 * `logPhi` and `inverseMillsRatio` reach 7e-15 (5.7e-14 for λ(z) and log Φ(z) beyond z = 30). For
 * z ≠ 0 the outputs at −z are those at z with out[0] ↔ out[1] and out[2] ↔ out[3] swapped, exactly.
 * ±∞ give the limits, NaN four NaNs. Cost: 23–26 ns per call, against 57–64 ns for the K-based kernel
 * it replaced (`npx tsx test/bench/run.ts normal-kernel`, z ~ N(0, 1.5²)).
 */
export function normalPairTerms(z: number, out: Float64Array): void {
  const u = Math.abs(z);
  if (!(u <= KERNEL_TABLE_LIMIT)) {
    pairTermsFarTail(z, out);
    return;
  }
  const scaled = u * KERNEL_STEPS_PER_UNIT; // exact: a power of two
  const interval = scaled | 0;
  const t = scaled - interval - 0.5; // exact, in [−½, ½)
  const at = interval * KERNEL_STRIDE;
  // Horner's rule on the four polynomials at once: independent chains, which the CPU overlaps.
  // Coefficients of t⁰…: A = log Φ(−|z|) at +0, M = λ(−|z|) at +7, B = log Φ(|z|) at +14, G = λ(|z|) at +25.
  const c = KERNEL_TABLE;
  let logUpper = c[at + 24] as number;
  let lambdaUpper = c[at + 35] as number;
  logUpper = logUpper * t + (c[at + 23] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 34] as number);
  logUpper = logUpper * t + (c[at + 22] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 33] as number);
  logUpper = logUpper * t + (c[at + 21] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 32] as number);
  logUpper = logUpper * t + (c[at + 20] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 31] as number);
  let logLower = c[at + 6] as number;
  let lambdaLower = c[at + 13] as number;
  logUpper = logUpper * t + (c[at + 19] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 30] as number);
  logLower = logLower * t + (c[at + 5] as number);
  lambdaLower = lambdaLower * t + (c[at + 12] as number);
  logUpper = logUpper * t + (c[at + 18] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 29] as number);
  logLower = logLower * t + (c[at + 4] as number);
  lambdaLower = lambdaLower * t + (c[at + 11] as number);
  logUpper = logUpper * t + (c[at + 17] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 28] as number);
  logLower = logLower * t + (c[at + 3] as number);
  lambdaLower = lambdaLower * t + (c[at + 10] as number);
  logUpper = logUpper * t + (c[at + 16] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 27] as number);
  logLower = logLower * t + (c[at + 2] as number);
  lambdaLower = lambdaLower * t + (c[at + 9] as number);
  logUpper = logUpper * t + (c[at + 15] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 26] as number);
  logLower = logLower * t + (c[at + 1] as number);
  lambdaLower = lambdaLower * t + (c[at + 8] as number);
  logUpper = logUpper * t + (c[at + 14] as number);
  lambdaUpper = lambdaUpper * t + (c[at + 25] as number);
  logLower = logLower * t + (c[at] as number);
  lambdaLower = lambdaLower * t + (c[at + 7] as number);
  // The sign of z is a coin flip across pairs: index arithmetic instead of a mispredicted branch.
  const positive = +(z > 0);
  out[positive] = logLower;
  out[1 - positive] = logUpper;
  out[2 + positive] = lambdaLower;
  out[3 - positive] = lambdaUpper;
}

/**
 * e^(−u²/2) for u ≥ 0, to about an ulp: u² is split exactly into hi + lo (Dekker's product, with
 * Veltkamp's splitting constant 2²⁷ + 1), so its rounding (worth 64 ulps of the result at u = 11)
 * never reaches the exponential. 0 from u = 40 on (the value underflows from u ≈ 38.6).
 */
function gaussianFactor(u: number): number {
  if (!(u < 40)) return 0;
  const c = 134217729 * u;
  const high = c - (c - u);
  const low = u - high;
  const square = u * u;
  const error = high * high - square + 2 * high * low + low * low; // u² − square, exactly
  return Math.exp(-0.5 * square) * (1 - 0.5 * error);
}

/**
 * `normalPairTerms` beyond the table, |z| > 8√2, where Φ(−|z|) < 1e-29: K by the continued fraction
 * (30 levels), log Φ(|z|) = log1p(−Φ(−|z|)) = −Φ(−|z|) and λ(|z|) = φ(z)/(1 − Φ(−|z|)) = φ(z) to the
 * last bit. Also takes ±∞ and NaN.
 */
function pairTermsFarTail(z: number, out: Float64Array): void {
  if (Number.isNaN(z)) {
    out.fill(Number.NaN);
    return;
  }
  const u = Math.abs(z);
  const k = scaledErfcFraction(u * SQRT1_2, 30);
  const density = gaussianFactor(u) * INV_SQRT_2PI; // φ(z)
  const logLower = -0.5 * z * z + Math.log(k) - LOG_TWO_SQRT_PI; // log Φ(−|z|)
  const logUpper = -density * k * SQRT1_2; // −Φ(−|z|) = −φ·K/√2
  const lambdaLower = Math.SQRT2 / k;
  const positive = +(z > 0);
  out[positive] = logLower;
  out[1 - positive] = logUpper;
  out[2 + positive] = lambdaLower;
  out[3 - positive] = density;
}

/** φ(z), the standard normal density (underflows to 0 beyond |z| ≈ 38.6). */
export function normalDensity(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/**
 * Φ⁻¹(p) for 0 < p < 1, fast enough for one call per pair (a fit's start): the rational
 * approximation of Abramowitz & Stegun 26.2.23 (|error| < 4.5·10⁻⁴), then one Newton step on Φ in
 * the lower tail, where Φ has full relative accuracy. The step squares the error (times |z|/2):
 * below 7·10⁻⁷ for 10⁻¹² ≤ p ≤ 1 − 10⁻⁶. For exact levels use `inversePhi`.
 */
export function quickInversePhi(p: number): number {
  const lower = Math.min(p, 1 - p);
  const t = Math.sqrt(-2 * Math.log(lower));
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  z -= (Phi(z) - lower) / normalDensity(z);
  return p < 0.5 ? z : -z;
}

/** Φ⁻¹(p) by bisection on Φ; for interval levels, not hot loops. ±∞ at 0 and 1, NaN outside [0, 1]. */
export function inversePhi(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  let lo = -40;
  let hi = 40;
  for (let k = 0; k < 200 && hi - lo > 1e-15; k++) {
    const mid = 0.5 * (lo + hi);
    if (Phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

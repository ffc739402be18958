/**
 * The standard normal distribution, accurate far into the tails (METHOD.md §3: "use log Φ
 * evaluated stably for large |z|"). DESIGN.md notes that library CDFs underflow below z ≈ −10, so
 * utilscope computes its own:
 *
 *   Φ(z) = ½·erfc(−z/√2)
 *   |x| ≤ 2:  erf(x) by its Maclaurin series  erf x = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1))
 *   x > 2:    erfc(x) = e^(−x²)/√π · K(x), K by the continued fraction
 *             K = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))   (Abramowitz & Stegun 7.1.14)
 *             evaluated backwards from a fixed depth; log Φ keeps e^(−x²) in log form, so it is
 *             finite for any finite z (log Φ(−30) ≈ −454.32).
 * Relative accuracy ~1e-14 over the whole line. Each call is O(1) (≤ 120 terms).
 */

const SQRT1_2 = Math.SQRT1_2;
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_HALF = Math.log(0.5);

const SERIES_TERMS = 64;
/** 1/n and 1/(2n + 1), so the series loop multiplies instead of dividing (it is the hot path of fitting). */
const RECIPROCAL = Float64Array.from({ length: SERIES_TERMS }, (_, n) => (n === 0 ? 0 : 1 / n));
const RECIPROCAL_ODD = Float64Array.from({ length: SERIES_TERMS }, (_, n) => 1 / (2 * n + 1));

/** erf(x) by the Maclaurin series; for |x| ≤ 2 only (cancellation grows beyond). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x; // x^(2n+1) (−1)ⁿ / n!
  let sum = x;
  for (let n = 1; n < SERIES_TERMS; n++) {
    term *= -x2 * (RECIPROCAL[n] as number);
    const add = term * (RECIPROCAL_ODD[n] as number);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** K(x) = √π·e^(x²)·erfc(x) by the continued fraction evaluated backwards (depth for ~1e-15 at x = 2). */
function erfcScaledFractionExact(x: number): number {
  const depth = x > 6 ? 30 : x > 4 ? 60 : 120;
  let tail = x;
  for (let n = depth; n >= 1; n--) tail = x + n / 2 / tail;
  return 1 / tail;
}

/**
 * K(x) on 2 < x ≤ 8 as a Chebyshev series in u = 1/x ∈ [1/8, 1/2], its coefficients computed once
 * from the continued fraction at load time (24 terms, relative error ~3e-15); the fraction itself
 * beyond 8, where 30 levels suffice. Cuts the cost of tail pairs during fitting.
 */
const K_U_LOW = 0.125;
const K_U_HIGH = 0.5;
const K_CHEBYSHEV = (() => {
  const terms = 24;
  const values = Array.from({ length: terms }, (_, k) => {
    const t = Math.cos((Math.PI * (k + 0.5)) / terms);
    return erfcScaledFractionExact(1 / (0.5 * (K_U_HIGH - K_U_LOW) * t + 0.5 * (K_U_HIGH + K_U_LOW)));
  });
  return Float64Array.from({ length: terms }, (_, j) => {
    let sum = 0;
    for (let k = 0; k < terms; k++) sum += (values[k] as number) * Math.cos((Math.PI * j * (k + 0.5)) / terms);
    return (2 * sum) / terms;
  });
})();

function erfcScaledFraction(x: number): number {
  if (x > 8) return erfcScaledFractionExact(x);
  // Clenshaw recurrence for Σ c_j T_j(t), with the first coefficient halved.
  const t = (2 / x - K_U_LOW - K_U_HIGH) / (K_U_HIGH - K_U_LOW);
  const t2 = 2 * t;
  let d = 0;
  let dd = 0;
  for (let j = K_CHEBYSHEV.length - 1; j >= 1; j--) {
    const saved = d;
    d = t2 * d - dd + (K_CHEBYSHEV[j] as number);
    dd = saved;
  }
  return t * d - dd + 0.5 * (K_CHEBYSHEV[0] as number);
}

/** log erfc(x) for any x. */
function logErfc(x: number): number {
  if (x > 2) return -x * x - LOG_SQRT_PI + Math.log(erfcScaledFraction(x));
  if (x >= -2) return Math.log1p(-erfSeries(x));
  // x < −2: erfc(x) = 2 − erfc(−x), and erfc(−x) is tiny.
  return Math.log(2 - Math.exp(-x * x - LOG_SQRT_PI) * erfcScaledFraction(-x));
}

/** Φ(z), the standard normal CDF. */
export function Phi(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  return 0.5 * Math.exp(logErfc(-z * SQRT1_2));
}

/** log Φ(z), finite for every finite z (≈ −z²/2 − log(−z) − ½log 2π as z → −∞). */
export function logPhi(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Number.POSITIVE_INFINITY) return 0;
  if (z === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  // Upper half: log(1 − Φ(−z)) by log1p keeps full relative accuracy where log Φ(z) ≈ −Φ(−z) is tiny.
  if (z > 0) return Math.log1p(-0.5 * Math.exp(logErfc(z * SQRT1_2)));
  return Math.log(0.5) + logErfc(-z * SQRT1_2);
}

/** φ(z), the standard normal density. */
export function phiDensity(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/**
 * The inverse Mills ratio φ(z)/Φ(z) (the derivative of log Φ), computed as exp(log φ − log Φ) so it
 * stays accurate where both underflow; → −z as z → −∞, → 0 as z → +∞.
 */
export function inverseMillsRatio(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logPhi(z));
}

/**
 * log Φ(z) and log Φ(−z) together (the two terms of a pair's likelihood), sharing one erf
 * evaluation; written into `out[0]`, `out[1]`. Same accuracy as `logPhi`.
 */
export function logPhiBoth(z: number, out: Float64Array): void {
  const x = z * SQRT1_2;
  if (x > 2) {
    const logUpper = -x * x - LOG_SQRT_PI + Math.log(erfcScaledFraction(x)); // log erfc(x)
    out[0] = Math.log1p(-0.5 * Math.exp(logUpper));
    out[1] = LOG_HALF + logUpper;
  } else if (x < -2) {
    const logLower = -x * x - LOG_SQRT_PI + Math.log(erfcScaledFraction(-x)); // log erfc(−x)
    out[0] = LOG_HALF + logLower;
    out[1] = Math.log1p(-0.5 * Math.exp(logLower));
  } else {
    const e = erfSeries(x);
    out[0] = LOG_HALF + Math.log1p(e);
    out[1] = LOG_HALF + Math.log1p(-e);
  }
}

/**
 * Everything one pair's likelihood needs at z, in one pass: out[0] = log Φ(z), out[1] = log Φ(−z),
 * out[2] = λ(z) = φ(z)/Φ(z), out[3] = λ(−z). One erf (or tail fraction) and one exp; the hot loop of
 * fitting. Same accuracy as `logPhi` and `inverseMillsRatio`.
 */
export function normalPairTerms(z: number, out: Float64Array): void {
  const x = z * SQRT1_2;
  const logDensity = -0.5 * z * z - LOG_SQRT_2PI;
  if (x >= -2 && x <= 2) {
    const e = erfSeries(x);
    const upper = 0.5 * (1 + e); // Φ(z)
    const lower = 0.5 * (1 - e); // Φ(−z), at least Φ(−2√2) ≈ 0.0023, so no cancellation trouble
    const density = Math.exp(logDensity);
    out[0] = Math.log(upper);
    out[1] = Math.log(lower);
    out[2] = density / upper;
    out[3] = density / lower;
    return;
  }
  logPhiBoth(z, out);
  out[3] = Math.exp(logDensity - (out[1] as number));
  out[2] = Math.exp(logDensity - (out[0] as number));
}

/** log φ(z), the log standard normal density. */
export function logPhiDensity(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** Φ⁻¹(p) by bisection refined with Newton steps on Φ; for interval levels, not hot loops. */
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

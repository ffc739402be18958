/**
 * ln Γ(x), the natural log of the gamma function, for x > 0 (the t distribution's incomplete beta
 * needs ln Γ(a + b) − ln Γ(a) − ln Γ(b)). Three pieces, each used where it is accurate:
 *
 *   1.5 ≤ x ≤ 2.5:  ln Γ(2 + z) = (1 − γ)·z + Σ_{k≥2} (−1)^k (ζ(k) − 1)·z^k/k, z = x − 2
 *                   (Abramowitz & Stegun 6.1.33 with ln Γ(2 + z) = ln Γ(1 + z) + ln(1 + z));
 *                   |z| ≤ ½ and ζ(k) − 1 < 2^(1−k), so the terms fall like 4^(−k)/k: 29 terms;
 *   0 < x < 1.5:    ln Γ(x) = ln Γ(1 + z) − ln x with z = x − 1 for x ≥ ½ (exact), z = x below, and
 *                   ln Γ(1 + z) = ln Γ(2 + z) − log1p(z) from the same series;
 *   2.5 < x < 10:   downward recursion ln Γ(x) = ln Γ(x − m) + ln((x − 1)(x − 2)…(x − m)) into
 *                   [1.5, 2.5] (every term positive: no cancellation; x − k is exact);
 *   x ≥ 10:         Stirling's series (x − ½)·ln x − x + ½·ln 2π + Σ_{k=1}^{7} B_{2k}/(2k(2k − 1)·x^(2k−1))
 *                   (A&S 6.1.40), whose first omitted term is below 3e-17 at x = 10.
 * The series pieces keep full relative accuracy at the zeros x = 1 and x = 2 (ln Γ ≈ −γ(x − 1)
 * and (1 − γ)(x − 2) there), where a Lanczos sum would keep only absolute accuracy.
 *
 * Units: x and the result are plain numbers (the result is a natural log). Accuracy: relative
 * error below 1e-14 for every x > 0 against 50-digit mpmath 1.3 `loggamma` (test/stats/log-gamma.test.ts;
 * typically a few ulps). Cost: O(1), at most 29 multiply-adds, 8 multiplications and 2 logs.
 * Failure modes: +∞ at x = 0 and x = +∞ (the limits, as R's `lgamma`), NaN for x < 0 or NaN (log|Γ|
 * of negative arguments is not needed here); overflows to +∞ only above x ≈ 2.5e305, where ln Γ itself
 * exceeds the largest double. Never throws.
 */

/** ζ(k) − 1 for k = 2 … 30 (mpmath 1.3 `zeta(k) − 1` at 40 digits, rounded to 22; cf. A&S Table 23.3). */
const ZETA_MINUS_ONE = [
  0.6449340668482264364724, 0.2020569031595942853997, 0.082323233711138191516, 0.03692775514336992633137, 0.01734306198444913971452, 0.008349277381922826839798, 0.004077356197944339378685,
  0.002008392826082214417853, 0.000994575127818085337146, 0.0004941886041194645587023, 0.000246086553308048298638, 0.0001227133475784891467518, 0.00006124813505870482925855,
  0.00003058823630702049355173, 0.00001528225940865187173257, 0.0000076371976378997622736, 0.000003817293264999839856462, 0.000001908212716553938925657, 9.53962033872796113152e-7,
  4.769329867878064631167e-7, 2.384505027277329900036e-7, 1.192199259653110730678e-7, 5.960818905125947961244e-8, 2.980350351465228018606e-8, 1.490155482836504123466e-8, 7.450711789835429491981e-9,
  3.725334024788457054819e-9, 1.862659723513049006404e-9, 9.313274324196681828718e-10,
];
/** Series coefficients (−1)^k (ζ(k) − 1)/k, k = 2 … 30, at index k − 2. */
const SERIES = Float64Array.from(ZETA_MINUS_ONE, (value, index) => ((index % 2 === 0 ? 1 : -1) * value) / (index + 2));
/** 1 − γ, γ = 0.57721566490153286… (Euler's constant). */
const ONE_MINUS_EULER = 0.42278433509846713939;
const HALF_LOG_2PI = 0.91893853320467274178;
/** B_{2k}/(2k(2k − 1)) for k = 1 … 7: 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360, 1/156. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];

/** ln Γ(2 + z) for |z| ≤ ½ (and usable to |z| < 1) by A&S 6.1.33, Horner from the highest term. */
function logGammaTwoPlus(z: number): number {
  let sum = 0;
  for (let k = SERIES.length - 1; k >= 0; k--) sum = sum * z + (SERIES[k] as number);
  return z * (ONE_MINUS_EULER + z * sum);
}

/** ln Γ(x) for x ≥ 10 by Stirling's series. */
function logGammaStirling(x: number): number {
  const inverse = 1 / x;
  const inverse2 = inverse * inverse;
  let correction = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) correction = correction * inverse2 + (STIRLING[k] as number);
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + correction * inverse;
}

/** ln Γ(x) for x > 0; see the module comment for the method, accuracy and edge cases. */
export function logGamma(x: number): number {
  if (!(x >= 0)) return Number.NaN;
  if (x === 0 || x === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  if (x < 0.5) return logGammaTwoPlus(x) - Math.log1p(x) - Math.log(x);
  if (x < 1.5) {
    const z = x - 1;
    return logGammaTwoPlus(z) - Math.log1p(z);
  }
  if (x <= 2.5) return logGammaTwoPlus(x - 2);
  if (x < 10) {
    let y = x;
    let product = 1;
    while (y > 2.5) {
      y -= 1;
      product *= y;
    }
    return logGammaTwoPlus(y - 2) + Math.log(product);
  }
  return logGammaStirling(x);
}

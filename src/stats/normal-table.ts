/**
 * The table behind the fitting kernel `normalPairTerms` (normal.ts; docs/method.md §3): on each interval
 * of |z| ∈ [0, 11.375) of width 1/16, one polynomial in the local variable t ∈ [−½, ½) for each of
 *
 *   A(u) = log Φ(−u)   degree 6        M(u) = λ(−u) = φ(u)/Φ(−u)   degree 6
 *   B(u) = log Φ(u)    degree 10       G(u) = λ(u)  = φ(u)/Φ(u)    degree 10
 *
 * (u = |z| = (i + ½ + t)/16 on interval i), so the kernel needs no exp, log or division. B and G fall
 * off like e^(−u²/2) (G to 1e-29 at u = 8√2) and get the higher degree; all four keep their
 * relative accuracy, B included where it is tiny.
 *
 * Construction: no reference-function calls, one short series computation per interval. All comes
 * from the Mills ratio R(u) = Φ(−u)/φ(u), which solves the linear ODE R' = uR − 1. R is evaluated
 * once, at the top interval, by its continued fraction R = 1/(u + 1/(u + 2/(u + 3/(u + …))))
 * (Abramowitz & Stegun 26.2.14), then carried inward one interval at a time by its Taylor series:
 * integrating downwards is the stable direction, since an error in R propagates like the
 * homogeneous solution e^(u²/2), which shrinks towards u = 0. At each interval centre u0 the Taylor
 * coefficients (in h = u − u0) follow from the ODEs the four functions satisfy:
 *   M' = M(M − u),   G' = −G(u + G)             (Riccati equations: O(n²) recurrences)
 *   A' = −M,         B' = G                     (one division per coefficient)
 * with M(u0) = 1/R, G(u0) = φ(u0)/(1 − φ(u0)R), A(u0) = −u0²/2 − ½·log 2π + log R and
 * B(u0) = log1p(−φ(u0)R). Centres are odd multiples of 1/32, so u0²/2 and hence φ(u0) are exact to
 * Math.exp's rounding. Each Taylor series (10 to 15 terms) is then economised to its degree on
 * t ∈ [−½, ½] (Lanczos: tⁿ is replaced by tⁿ − 2^(1−2n)·T_n(2t), of degree n − 2, from the top power
 * down, which drops the Chebyshev terms above the degree; error ≈ the first one dropped). The
 * low-order coefficients only receive small corrections, so they stay within an ulp or two, which
 * interpolating in a Chebyshev basis and converting back to powers of t would not (that costs
 * ~3 ulps in the constant term).
 *
 * Accuracy of the kernel on this table, against 50-digit mpmath 1.3 values at 51,000 points of
 * |z| ≤ 40 (every interval boundary and the doubles either side of it included): relative error
 * ≤ 6e-16 in all four outputs (the reference functions in normal.ts reach 7e-15 there). Size:
 * 182 × 36 doubles (52 KB). Build cost: ~40,000 multiply-adds, 0.3 ms once optimised; the first
 * build, at module load with a cold JIT, 3–5 ms (`npx tsx test/bench/run.ts normal-kernel`).
 * Units: u = |z| in standard deviations. Failure modes: none (no input; pure and deterministic).
 */

/** Intervals per unit of |z|; a power of two, so the kernel's t = 16|z| − i − ½ is exact. */
export const KERNEL_STEPS_PER_UNIT = 16;
/** Intervals tabulated: [0, 182/16) = [0, 11.375) covers |z| ≤ 8√2 ≈ 11.314, where the kernel switches. */
export const KERNEL_INTERVALS = 182;
/** Polynomial degrees of A, M, B, G, in the order they are stored. */
export const KERNEL_DEGREES = [6, 6, 10, 10] as const;
/** Doubles per interval: the coefficients of A (t⁰…t⁶), M (t⁰…t⁶), B (t⁰…t¹⁰), G (t⁰…t¹⁰), ascending. */
export const KERNEL_STRIDE = 36;

/**
 * Taylor terms computed per interval before economisation, enough that the first one left out is
 * below 1e-19 relative at |t| = ½ (checked with mpmath's Taylor coefficients): 10 for the smooth A
 * and M; for B and G, which fall off like e^(−u²/2), from 11 near u = 0 to 15 at the top.
 */
const TERMS_AM = 10;
const TERMS_BG_MAX = 15;
function termsBG(u0: number): number {
  return 11 + Math.ceil(u0 / 3);
}
/** Taylor terms of R for the step of a whole interval (|t| = 1): the 15th is below 1e-22 relative. */
const TERMS_R = 14;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** R(u) by the continued fraction evaluated backwards; 30 levels are converged at u ≥ 11 (A&S 26.2.14). */
function millsRatioFraction(u: number, depth: number): number {
  let tail = u;
  for (let n = depth; n >= 1; n--) tail = u + n / tail;
  return 1 / tail;
}

/**
 * Taylor coefficients in t of the solution of y' = σ·y² − u·y through y(u0) = c[0], at u = u0 + w·t:
 * (n + 1)·c_{n+1} = w·(σ·Σ_k c_k·c_{n−k} − u0·c_n − w·c_{n−1}). M = λ(−u) has σ = 1, G = λ(u) has σ = −1.
 */
function riccatiSeries(c: Float64Array, terms: number, sign: number, u0: number, w: number): void {
  for (let n = 0; n + 1 < terms; n++) {
    let square = 0;
    for (let k = 0, l = n; k < l; k++, l--) square += (c[k] as number) * (c[l] as number);
    square *= 2;
    if (n % 2 === 0) square += (c[n / 2] as number) ** 2;
    const previous = n > 0 ? (c[n - 1] as number) : 0;
    c[n + 1] = (w * (sign * square - u0 * (c[n] as number) - w * previous)) / (n + 1);
  }
}

/** Taylor coefficients in t of y with y' = σ·x, y(u0) = value, from those of x (u = u0 + w·t). */
function integrateSeries(y: Float64Array, x: Float64Array, terms: number, value: number, sign: number, w: number): void {
  y[0] = value;
  for (let n = 1; n < terms; n++) y[n] = (sign * w * (x[n - 1] as number)) / n;
}

/**
 * Lanczos economisation on t ∈ [−½, ½]: tⁿ − 2^(1−2n)·T_n(2t) has degree n − 2 and differs from tⁿ by
 * at most 2^(1−2n) there, so replacing tⁿ by it drops one Chebyshev term. Entry n·(q + 1) + j is
 * [tʲ] 2^(1−2n)·T_n(2t) = 2^(1+j−2n)·[sʲ]T_n(s) (j < n), exact in doubles (integers times powers of 2).
 */
function economisationRows(q: number): Float64Array {
  const chebyshev = new Float64Array((q + 1) * (q + 1)); // [sʲ]T_n(s) by T_n = 2s·T_{n−1} − T_{n−2}
  chebyshev[0] = 1;
  chebyshev[q + 2] = 1;
  for (let n = 2; n <= q; n++) {
    const row = n * (q + 1);
    chebyshev[row] = -(chebyshev[row - 2 * (q + 1)] as number);
    for (let j = 1; j <= n; j++) chebyshev[row + j] = 2 * (chebyshev[row - (q + 1) + j - 1] as number) - (chebyshev[row - 2 * (q + 1) + j] as number);
  }
  for (let n = 0; n <= q; n++) for (let j = 0; j <= n; j++) chebyshev[n * (q + 1) + j] = (chebyshev[n * (q + 1) + j] as number) * 2 ** (1 + j - 2 * n);
  return chebyshev;
}

/**
 * Economises Σ_{n<terms} series[n]·tⁿ to `degree` on t ∈ [−½, ½], from the top power down (series is
 * overwritten), and copies the coefficients of t⁰ … t^degree to table[at …]. `rows` comes from
 * economisationRows(TERMS_BG_MAX − 1).
 */
function economise(series: Float64Array, terms: number, degree: number, rows: Float64Array, table: Float64Array, at: number): void {
  for (let n = terms - 1; n > degree; n--) {
    const c = series[n] as number;
    const row = n * TERMS_BG_MAX;
    for (let j = n - 2; j >= 0; j -= 2) series[j] = (series[j] as number) - c * (rows[row + j] as number);
  }
  table.set(series.subarray(0, degree + 1), at);
}

/**
 * Builds the kernel's table: KERNEL_INTERVALS × KERNEL_STRIDE doubles, interval i (|z| ∈ [i/16,
 * (i + 1)/16)) at offset i·KERNEL_STRIDE, laid out as documented at KERNEL_STRIDE. Pure and
 * deterministic; O(intervals × terms²), about 40,000 multiply-adds (see the header for times).
 */
export function buildNormalKernelTable(): Float64Array {
  const w = 1 / KERNEL_STEPS_PER_UNIT;
  const [degreeA, degreeM, degreeB, degreeG] = KERNEL_DEGREES;
  const table = new Float64Array(KERNEL_INTERVALS * KERNEL_STRIDE);
  const rows = economisationRows(TERMS_BG_MAX - 1);
  // Taylor coefficients in t = (u − u0)/w, i.e. those in u − u0 times wⁿ.
  const a = new Float64Array(TERMS_AM);
  const m = new Float64Array(TERMS_AM);
  const b = new Float64Array(TERMS_BG_MAX);
  const g = new Float64Array(TERMS_BG_MAX);
  const r = new Float64Array(TERMS_R);
  let ratio = millsRatioFraction((KERNEL_INTERVALS - 0.5) * w, 30); // R at the top centre
  for (let i = KERNEL_INTERVALS - 1; i >= 0; i--) {
    const u0 = (i + 0.5) * w;
    const density = Math.exp(-0.5 * u0 * u0) * INV_SQRT_2PI; // φ(u0), u0² exact
    const lower = density * ratio; // Φ(−u0)
    const terms = termsBG(u0);
    m[0] = 1 / ratio;
    riccatiSeries(m, TERMS_AM, 1, u0, w);
    g[0] = density / (1 - lower);
    riccatiSeries(g, terms, -1, u0, w);
    integrateSeries(a, m, TERMS_AM, -0.5 * u0 * u0 - LOG_SQRT_2PI + Math.log(ratio), -1, w);
    integrateSeries(b, g, terms, Math.log1p(-lower), 1, w);
    const at = i * KERNEL_STRIDE;
    economise(a, TERMS_AM, degreeA, rows, table, at);
    economise(m, TERMS_AM, degreeM, rows, table, at + degreeA + 1);
    economise(b, terms, degreeB, rows, table, at + degreeA + degreeM + 2);
    economise(g, terms, degreeG, rows, table, at + degreeA + degreeM + degreeB + 3);
    // Step inward: R' = uR − 1 gives (n + 1)·r_{n+1} = w·(u0·r_n + w·r_{n−1}); R(u0 − w) = Σ r_n·(−1)ⁿ.
    r[0] = ratio;
    r[1] = w * (u0 * ratio - 1);
    for (let n = 1; n + 1 < TERMS_R; n++) r[n + 1] = (w * (u0 * (r[n] as number) + w * (r[n - 1] as number))) / (n + 1);
    let next = 0;
    for (let n = TERMS_R - 1; n >= 0; n--) next = (r[n] as number) - next;
    ratio = next;
  }
  return table;
}

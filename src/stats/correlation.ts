/**
 * Correlation coefficients between two aligned samples, used to compare utility vectors with planted
 * truth (tests, benchmarks) and across models (docs/method.md §6 "Convergence", §7 scale trends).
 * All O(n log n) or better except Kendall's τ (O(n²)); results are unitless, in [−1, 1].
 * Failure modes: NaN when undefined (fewer than two points, or a constant sample); a RangeError when
 * the two samples differ in length (a programming error, not data).
 * References: Spearman's ρ with average ranks for ties, and Kendall's τ-b: Kendall & Gibbons, *Rank
 * Correlation Methods*, 5th ed. (1990); R's `cor(x, y, method = "spearman" | "kendall")`
 * computes the same.
 */

/** Pearson product-moment correlation of `x` and `y` (same length). NaN if either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`pearson: lengths differ (${n} vs ${y.length})`);
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let k = 0; k < n; k++) {
    mx += x[k]!;
    my += y[k]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    const dx = x[k]! - mx;
    const dy = y[k]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/**
 * Ranks of `x` starting at 1, ties given their average rank (the "fractional ranking" used by
 * Spearman's ρ with ties). O(n log n).
 */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, k) => k).sort((p, q) => x[p]! - x[q]!);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && x[order[end]!]! === x[order[start]!]!) end++;
    const rank = (start + end + 1) / 2; // mean of 1-based ranks start+1 … end
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Spearman's rank correlation ρ: Pearson correlation of average ranks (handles ties). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: lengths differ (${x.length} vs ${y.length})`);
  return pearson(averageRanks(x), averageRanks(y));
}

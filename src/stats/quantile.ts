/**
 * The q-quantile of sorted values (Hyndman & Fan 1996, "Sample quantiles in statistical packages",
 * *The American Statistician* 50:361–365), in two of their definitions, numbered as R's
 * `quantile(x, q, type = …)` numbers them:
 *
 *   type 7 (default; R's default): linear interpolation between order statistics at position
 *     q·(n − 1) (0-based), for bootstrap and Monte Carlo intervals; symmetric (the q and 1 − q
 *     quantiles sit at mirrored positions);
 *   type 1: the inverse of the empirical CDF, x_(⌈q·n⌉) (1-based; x_(1) at q = 0), always one of the
 *     values, for thresholds ("the smallest value with at least a share q at or below it").
 *     q·n is used as computed in floating point (where it rounds just above an integer, the next
 *     order statistic is taken).
 *
 * Units: those of the values; q is a probability in [0, 1]. The input must be sorted ascending
 * (not checked). Cost: O(1). Failure modes: NaN for an empty array or a NaN q; q outside [0, 1] is
 * clamped to the ends by type 1 and extrapolates (or reads past the array, giving NaN) with type 7.
 * Never throws.
 */

/** The sample-quantile definitions `quantileOfSorted` offers (Hyndman & Fan's numbers, as in R). */
export type QuantileType = 1 | 7;

/** The q-quantile of ascending `sorted` by definition `type` (default 7); see the module comment. */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number, type: QuantileType = 7): number {
  if (sorted.length === 0) return Number.NaN;
  if (type === 1) return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (position - lo);
}

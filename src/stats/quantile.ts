/**
 * The q-quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan
 * 1996, definition 7 — R's default `quantile(type = 7)`), for bootstrap and Monte Carlo intervals.
 * O(1). NaN for an empty array.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (position - lo);
}

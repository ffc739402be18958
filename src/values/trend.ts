/**
 * Scale trends (docs/method.md §7): a straight line of a metric y on a size axis x (log10 parameters, or
 * a capability score), fitted by weighted least squares with weights 1/se² from each point's own
 * standard error, with the slope's interval, a confidence band for the fitted line, and Spearman's ρ.
 *
 * The weights are relative, as in R's `lm(y ~ x, weights = 1 / se^2)`: the residual scale σ̂ is
 * estimated from the scatter about the line (Σ wᵢ rᵢ² / (n − 2)), so a line that misses points
 * by more than their standard errors gets a wider interval, and points exactly on a line give a
 * zero-width interval whatever their se. Intervals use Student's t with n − 2 degrees of freedom.
 * References: Weisberg, *Applied Linear Regression*, 4th ed., §5.1 (weighted least squares) and
 * §2.8 (confidence band of the fitted line); R's `summary.lm` and `predict.lm(interval = "confidence")`.
 *
 * Pure; O(n) for the fit, O(n log n) for ρ, O(g) for a band over g grid points.
 */
import { spearman } from '../stats/correlation.js';
import { tQuantile } from '../stats/student-t.js';

/** One point of a trend: x on the size axis, y the metric, se its standard error when known. */
export interface TrendPoint {
  readonly x: number;
  readonly y: number;
  readonly se?: number;
}

/** A fitted line y = intercept + slope·x (see the module comment). */
export interface FittedTrend {
  readonly kind: 'fitted';
  readonly n: number;
  /** 'inverse-variance' when every point had a finite se > 0; otherwise every point weighs 1. */
  readonly weighting: 'inverse-variance' | 'unweighted';
  readonly level: number;
  readonly slope: number;
  readonly intercept: number;
  /** Standard error of the slope and its `level` t-interval (n − 2 degrees of freedom). */
  readonly slopeSe: number;
  readonly slopeLow: number;
  readonly slopeHigh: number;
  readonly df: number;
  /** Residual scale σ̂ = √(Σ wᵢ rᵢ² / (n − 2)): 1 when the points scatter as their se say. */
  readonly residualScale: number;
  /** Weighted mean of x, Σ wᵢ and Σ wᵢ (xᵢ − x̄)²: what the band needs. */
  readonly xMean: number;
  readonly weightSum: number;
  readonly sxx: number;
  /** Spearman's rank correlation of y with x (unweighted; NaN when either is constant). */
  readonly spearman: number;
}

/** Why no line was fitted: fewer than three points, or every point at the same x. */
export interface UnfittedTrend {
  readonly kind: 'insufficient';
  readonly n: number;
  readonly reason: string;
}

export type LinearTrend = FittedTrend | UnfittedTrend;

/** One grid point of the fitted line's confidence band. */
export interface TrendBandPoint {
  readonly x: number;
  readonly fit: number;
  readonly low: number;
  readonly high: number;
}

/**
 * Fits y on x by weighted least squares (see the module comment). Points with a non-finite x or y
 * are dropped; when any remaining point lacks a finite se > 0 the fit is unweighted. Needs three
 * points at two or more distinct x (two points give a line but no interval); otherwise returns
 * `kind: 'insufficient'` with the reason.
 */
export function fitLinearTrend(points: readonly TrendPoint[], level = 0.95): LinearTrend {
  const kept = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const n = kept.length;
  if (n < 3) return { kind: 'insufficient', n, reason: `${n} point${n === 1 ? '' : 's'} (a trend with an interval needs 3)` };
  const weighted = kept.every((p) => p.se !== undefined && Number.isFinite(p.se) && p.se > 0);
  const w = kept.map((p) => (weighted ? 1 / (p.se as number) ** 2 : 1));
  let weightSum = 0;
  let sx = 0;
  let sy = 0;
  kept.forEach((p, k) => {
    const wk = w[k] as number;
    weightSum += wk;
    sx += wk * p.x;
    sy += wk * p.y;
  });
  const xMean = sx / weightSum;
  const yMean = sy / weightSum;
  // Centred sums (two passes) rather than Σwx² − (Σwx)²/Σw, which cancels badly for x ≈ 10 ± 0.1.
  let sxx = 0;
  let sxy = 0;
  kept.forEach((p, k) => {
    const wk = w[k] as number;
    sxx += wk * (p.x - xMean) ** 2;
    sxy += wk * (p.x - xMean) * (p.y - yMean);
  });
  if (!(sxx > 0)) return { kind: 'insufficient', n, reason: 'every point has the same x' };
  const slope = sxy / sxx;
  const intercept = yMean - slope * xMean;
  let rss = 0;
  kept.forEach((p, k) => (rss += (w[k] as number) * (p.y - intercept - slope * p.x) ** 2));
  const df = n - 2;
  const residualScale = Math.sqrt(rss / df);
  const slopeSe = residualScale / Math.sqrt(sxx);
  const t = tQuantile(0.5 + level / 2, df);
  return {
    kind: 'fitted',
    n,
    weighting: weighted ? 'inverse-variance' : 'unweighted',
    level,
    slope,
    intercept,
    slopeSe,
    slopeLow: slope - t * slopeSe,
    slopeHigh: slope + t * slopeSe,
    df,
    residualScale,
    xMean,
    weightSum,
    sxx,
    spearman: spearman(
      kept.map((p) => p.x),
      kept.map((p) => p.y),
    ),
  };
}

/**
 * The fitted line and its `trend.level` confidence band at each x of `grid`:
 * ŷ ± t·σ̂·√(1/Σw + (x − x̄)²/Sxx), the interval for the mean of y at x (not a prediction interval
 * for a new model). O(grid).
 */
export function trendBand(trend: FittedTrend, grid: readonly number[]): TrendBandPoint[] {
  const t = tQuantile(0.5 + trend.level / 2, trend.df);
  return grid.map((x) => {
    const fit = trend.intercept + trend.slope * x;
    const half = t * trend.residualScale * Math.sqrt(1 / trend.weightSum + (x - trend.xMean) ** 2 / trend.sxx);
    return { x, fit, low: fit - half, high: fit + half };
  });
}

/** `count` evenly spaced points from `low` to `high` inclusive (one point when they are equal). */
export function linearGrid(low: number, high: number, count = 25): number[] {
  if (!(high > low) || count < 2) return [low];
  return Array.from({ length: count }, (_, k) => low + ((high - low) * k) / (count - 1));
}

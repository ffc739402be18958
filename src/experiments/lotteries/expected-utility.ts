/**
 * The expected-utility property of a fit (docs/method.md §9.2–§9.4). For every lottery L of the set,
 * its fitted utility U(L) against its expected utility EU(L) = Σ pᵢ·U(oᵢ) over its branches, both in
 * the fit's units (the property is affine-invariant, so the gauge does not matter), and the gap
 * U(L) − EU(L) with an interval from the fit's joint covariance. Per group of lotteries (explicit,
 * implicit): the expected-utility error mean |gap| / sd of the plain outcomes' utilities, R² of U(L)
 * on EU(L), the probability-weighting γ that best explains U(L), and the error an exactly
 * expected-utility respondent would show from estimation noise alone. Intervals of the group
 * statistics resample the lotteries (a seeded bootstrap). Pure.
 */

import type { Rng } from '../../core/rng.js';
import { isLottery, type Outcome, type OutcomeId, type UtilityContrast, type UtilityFit } from '../../core/types.js';
import { pearson } from '../../stats/correlation.js';
import { inversePhi } from '../../stats/normal.js';
import { weightedValue } from '../../stats/probability-weighting.js';
import { quantileOfSorted } from '../../stats/quantile.js';

/** Bootstrap replicates for the group statistics' intervals. */
export const LOTTERY_BOOTSTRAP = 1000;
/** Fewest lotteries a group needs before its statistics are computed. */
export const MIN_GROUP_LOTTERIES = 3;
/** The range searched for γ. */
export const GAMMA_RANGE = [0.1, 3] as const;

/** A lottery reduced to indices into the fit: its own and its branches'. */
export interface IndexedLottery {
  readonly id: OutcomeId;
  readonly index: number;
  readonly group: LotteryGroup;
  readonly branches: readonly { readonly index: number; readonly probability: number }[];
}

/** Explicit lotteries show their probabilities; implicit ones are uncertain events whose probabilities the model never sees. */
export type LotteryGroup = 'explicit' | 'implicit';

/** Every lottery of `outcomes` with indices into `ids` (lotteries whose branches are not all in `ids` are skipped). */
export function indexLotteries(outcomes: readonly Outcome[], ids: readonly OutcomeId[]): IndexedLottery[] {
  const at = new Map(ids.map((id, k) => [id, k] as const));
  const out: IndexedLottery[] = [];
  for (const o of outcomes) {
    if (!isLottery(o)) continue;
    const index = at.get(o.id);
    const branches = o.branches.map((b) => ({ index: at.get(b.outcome) ?? -1, probability: b.probability }));
    if (index === undefined || branches.some((b) => b.index < 0)) continue;
    out.push({ id: o.id, index, group: o.probabilities === 'shown' ? 'explicit' : 'implicit', branches });
  }
  return out;
}

/** Contrast names of a lottery's expected utility and of its gap U(L) − EU(L). */
export const euContrastName = (id: OutcomeId) => `lottery-eu:${id}`;
export const gapContrastName = (id: OutcomeId) => `lottery-gap:${id}`;

/** The contrasts whose joint covariance the analysis reads: EU(L) and U(L) − EU(L) for every lottery. */
export function lotteryContrasts(lotteries: readonly IndexedLottery[], n: number): UtilityContrast[] {
  return lotteries.flatMap((l) => {
    const eu = new Float64Array(n);
    for (const b of l.branches) eu[b.index] = (eu[b.index] as number) + b.probability;
    const gap = Float64Array.from(eu, (w) => -w);
    gap[l.index] = (gap[l.index] as number) + 1;
    return [
      { name: euContrastName(l.id), weights: eu },
      { name: gapContrastName(l.id), weights: gap },
    ];
  });
}

/** Σ pᵢ·uᵢ over a lottery's branches. */
export function expectedUtility(lottery: Pick<IndexedLottery, 'branches'>, utilities: ArrayLike<number>): number {
  let total = 0;
  for (const b of lottery.branches) total += b.probability * (utilities[b.index] as number);
  return total;
}

/** Sd (divisor n − 1) of the utilities of the outcomes that are not lotteries: the unit of the error. */
export function plainUtilitySd(utilities: ArrayLike<number>, lotteryIndices: ReadonlySet<number>): number {
  let n = 0;
  let sum = 0;
  // Outcomes without a utility (NaN, docs/method.md §12) are left out.
  const counted = (k: number) => !lotteryIndices.has(k) && Number.isFinite(utilities[k] as number);
  for (let k = 0; k < utilities.length; k++) {
    if (!counted(k)) continue;
    n++;
    sum += utilities[k] as number;
  }
  const mean = sum / n;
  let ss = 0;
  for (let k = 0; k < utilities.length; k++) if (counted(k)) ss += ((utilities[k] as number) - mean) ** 2;
  return n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
}

/** The two point statistics of a group on one set of utilities. */
export interface EuPoint {
  /** mean |U(L) − EU(L)| in sd of the plain outcomes' utilities */
  readonly euError: number;
  /** R² of U(L) on EU(L) across the group's lotteries (squared Pearson) */
  readonly rSquared: number;
}

/** EU error and R² of `lotteries` on `utilities` (NaN when not computable). */
export function euPoint(lotteries: readonly IndexedLottery[], utilities: ArrayLike<number>, sd: number): EuPoint {
  const u = Float64Array.from(lotteries, (l) => utilities[l.index] as number);
  const eu = Float64Array.from(lotteries, (l) => expectedUtility(l, utilities));
  let total = 0;
  for (let k = 0; k < u.length; k++) total += Math.abs((u[k] as number) - (eu[k] as number));
  const r = pearson(eu, u);
  return { euError: u.length > 0 && sd > 0 ? total / u.length / sd : Number.NaN, rSquared: Number.isFinite(r) ? r * r : Number.NaN };
}

/** Points of the γ grid, evenly spaced in log γ over GAMMA_RANGE (about 2.9% apart). */
export const GAMMA_GRID_POINTS = 121;

/** γ at grid point g. */
const gammaAt = (g: number) => Math.exp(Math.log(GAMMA_RANGE[0]) + ((Math.log(GAMMA_RANGE[1]) - Math.log(GAMMA_RANGE[0])) * g) / (GAMMA_GRID_POINTS - 1));

/**
 * Each lottery's squared error (U(L) − W_γ(L))² at every γ of the grid, lottery-major: computed once
 * from the fit, so a bootstrap replicate only sums the curves of the lotteries it drew.
 * O(grid · lotteries · branches).
 */
export function weightingLossCurves(lotteries: readonly IndexedLottery[], utilities: ArrayLike<number>): Float64Array {
  const curves = new Float64Array(lotteries.length * GAMMA_GRID_POINTS);
  lotteries.forEach((l, k) => {
    const p = Float64Array.from(l.branches, (b) => b.probability);
    const u = Float64Array.from(l.branches, (b) => utilities[b.index] as number);
    for (let g = 0; g < GAMMA_GRID_POINTS; g++) curves[k * GAMMA_GRID_POINTS + g] = ((utilities[l.index] as number) - weightedValue(p, u, gammaAt(g))) ** 2;
  });
  return curves;
}

/**
 * The γ minimising Σ (U(L) − W_γ(L))² over the lotteries `picked` (indices into the curves, repeats
 * allowed): the best grid point, refined by a parabola through it and its neighbours in log γ.
 */
export function gammaFromCurves(curves: Float64Array, picked: ArrayLike<number>): number {
  const loss = new Float64Array(GAMMA_GRID_POINTS);
  for (let t = 0; t < picked.length; t++) {
    const base = (picked[t] as number) * GAMMA_GRID_POINTS;
    for (let g = 0; g < GAMMA_GRID_POINTS; g++) loss[g] = (loss[g] as number) + (curves[base + g] as number);
  }
  let best = 0;
  for (let g = 1; g < GAMMA_GRID_POINTS; g++) if ((loss[g] as number) < (loss[best] as number)) best = g;
  if (best === 0 || best === GAMMA_GRID_POINTS - 1) return gammaAt(best);
  const [a, b, c] = [loss[best - 1] as number, loss[best] as number, loss[best + 1] as number];
  const curvature = a - 2 * b + c;
  const offset = curvature > 0 ? (0.5 * (a - c)) / curvature : 0;
  return gammaAt(best + Math.max(-0.5, Math.min(0.5, offset)));
}

/** An estimate with its 95% interval. */
export interface Estimate {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

/** One lottery's utility against its expected utility, in the fit's units. */
export interface LotteryEstimate {
  readonly id: OutcomeId;
  readonly group: LotteryGroup;
  readonly utility: Estimate;
  readonly expected: Estimate;
  /** U(L) − EU(L): its interval uses the joint covariance (the two share every branch's comparisons). */
  readonly gap: Estimate;
  /** sd of the gap from the fit (NaN without a covariance). */
  readonly gapSd: number;
}

/** Group statistics with their intervals over lotteries. */
export interface EuGroupStats {
  readonly group: LotteryGroup;
  readonly lotteries: number;
  readonly euError: Estimate;
  /** What an exactly expected-utility respondent shows on this design from estimation noise alone: √(2/π)·mean sd(gap) / sd. */
  readonly noiseLevel: number;
  readonly rSquared: Estimate;
  /** Probability weighting γ (1 = expected utility, < 1 overweights unlikely branches). */
  readonly gamma: Estimate;
}

/** Per-lottery estimates from a fit that was asked for `lotteryContrasts` (else intervals treat utilities as independent). */
export function lotteryEstimates(fit: UtilityFit, lotteries: readonly IndexedLottery[]): LotteryEstimate[] {
  const contrasts = fit.contrasts;
  const level = fit.ci?.level ?? 0.95;
  const z = inversePhi(0.5 + level / 2);
  const utilitySd = (k: number) => (fit.ci ? ((fit.ci.high[k] as number) - (fit.ci.low[k] as number)) / (2 * z) : Number.NaN);
  const contrastAt = (name: string) => {
    const at = contrasts ? contrasts.names.indexOf(name) : -1;
    if (!contrasts || at < 0) return undefined;
    return { estimate: contrasts.estimate[at] as number, sd: Math.sqrt(contrasts.covariance[at * contrasts.names.length + at] as number) };
  };
  const withInterval = (estimate: number, sd: number): Estimate => ({ estimate, low: estimate - z * sd, high: estimate + z * sd });
  return lotteries.map((l) => {
    const u = fit.mean[l.index] as number;
    const eu = contrastAt(euContrastName(l.id)) ?? { estimate: expectedUtility(l, fit.mean), sd: Math.sqrt(l.branches.reduce((s, b) => s + (b.probability * utilitySd(b.index)) ** 2, 0)) };
    const gap = contrastAt(gapContrastName(l.id)) ?? { estimate: u - eu.estimate, sd: Math.hypot(utilitySd(l.index), eu.sd) };
    return {
      id: l.id,
      group: l.group,
      utility: { estimate: u, low: fit.ci ? (fit.ci.low[l.index] as number) : Number.NaN, high: fit.ci ? (fit.ci.high[l.index] as number) : Number.NaN },
      expected: withInterval(eu.estimate, eu.sd),
      gap: withInterval(gap.estimate, gap.sd),
      gapSd: gap.sd,
    };
  });
}

/** Percentile interval of `draws` (sorted in place), NaN-free draws only. */
function percentile(draws: Float64Array, estimate: number): Estimate {
  const finite = draws.filter(Number.isFinite).sort();
  return { estimate, low: finite.length > 0 ? quantileOfSorted(finite, 0.025) : Number.NaN, high: finite.length > 0 ? quantileOfSorted(finite, 0.975) : Number.NaN };
}

/** The group statistics of every group with at least MIN_GROUP_LOTTERIES lotteries, in the order explicit, implicit. */
export function euGroupStats(
  fit: UtilityFit,
  lotteries: readonly IndexedLottery[],
  estimates: readonly LotteryEstimate[],
  rng: Rng,
  replicates = LOTTERY_BOOTSTRAP,
  // Every lottery's index, also of lotteries left out of `lotteries` (no utility for it or a branch): none of them is a plain outcome.
  lotteryIndices: ReadonlySet<number> = new Set(lotteries.map((l) => l.index)),
): EuGroupStats[] {
  const sd = plainUtilitySd(fit.mean, lotteryIndices);
  const out: EuGroupStats[] = [];
  for (const group of ['explicit', 'implicit'] as const) {
    const members = lotteries.filter((l) => l.group === group);
    if (members.length < MIN_GROUP_LOTTERIES) continue;
    const gapSds = estimates.filter((e) => e.group === group).map((e) => e.gapSd);
    const point = euPoint(members, fit.mean, sd);
    const curves = weightingLossCurves(members, fit.mean);
    const gamma = gammaFromCurves(
      curves,
      Int32Array.from(members, (_, k) => k),
    );
    const errors = new Float64Array(replicates);
    const squares = new Float64Array(replicates);
    const gammas = new Float64Array(replicates);
    const picked = new Int32Array(members.length);
    for (let b = 0; b < replicates; b++) {
      for (let k = 0; k < picked.length; k++) picked[k] = rng.int(members.length);
      const sample = Array.from(picked, (k) => members[k] as IndexedLottery);
      const p = euPoint(sample, fit.mean, sd);
      errors[b] = p.euError;
      squares[b] = p.rSquared;
      gammas[b] = gammaFromCurves(curves, picked);
    }
    out.push({
      group,
      lotteries: members.length,
      euError: percentile(errors, point.euError),
      noiseLevel: (Math.sqrt(2 / Math.PI) * gapSds.reduce((s, x) => s + x, 0)) / gapSds.length / sd,
      rSquared: percentile(squares, point.rSquared),
      gamma: percentile(gammas, gamma),
    });
  }
  return out;
}

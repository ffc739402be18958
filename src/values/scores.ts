/**
 * Signed value scores (docs/method.md §6), the headline of a report: for each value, how much more the
 * respondent wants the outcomes that realise more of it (+) than those that realise less (−).
 *
 *   score      mean U(+) − mean U(−) in utility-sd units (the fit's gauge: sd 1 over the set);
 *   interval   from the fit's joint covariance of the two means (`FitOptions.contrasts`): the
 *              outcomes' utilities are correlated through shared comparisons, so a t-interval over
 *              outcomes or independent errors would misstate it;
 *   null band  what a respondent to whom the sign means nothing scores on the same outcomes — a
 *              permutation of the + and − labels (an unsigned cluster mean, which averages
 *              opposites, is never the headline);
 *   ordered    the share of (+, −) outcome pairs ordered the + way (0.5 = none);
 *   dollars    the same difference priced on the money ladder, where it rises.
 * Pure; randomness (permutations, Monte Carlo) comes from the `Rng` argument.
 */

import type { Rng } from '../core/rng.js';
import type { ContrastEstimates, Outcome, OutcomeId, OutcomeSet, UtilityContrast, UtilityFit } from '../core/types.js';
import { FIT_WARNING_UTILITY } from '../models/connectivity.js';
import { MONEY_UNIT } from '../outcomes/units.js';
import { valueDefinition, valueNames } from '../outcomes/values.js';
import { choleskyFactor } from '../stats/cholesky.js';
import { inversePhi } from '../stats/normal.js';
import { quantileOfSorted } from '../stats/quantile.js';
import type { LadderFit } from './summarise.js';

/**
 * What a score says, in the summary's words. `prefers-*`: the interval excludes 0 and the score lies
 * outside the null band (a respondent without the value would rarely get it from these outcomes);
 * `leans-*`: the interval excludes 0 but the score is inside the null band (the answers are clear,
 * but which outcomes were chosen could explain it); `unclear`: the interval contains 0.
 */
export type ValueFinding = 'prefers-plus' | 'prefers-minus' | 'leans-plus' | 'leans-minus' | 'unclear';

/** A value score's dollar version: D(mean U(+)) − D(mean U(−)) read off the money ladder. */
export interface ValueDollars {
  readonly usd: number;
  readonly low: number;
  readonly high: number;
  /** True when either side's mean utility lies outside the money ladder's fitted range. */
  readonly extrapolated: boolean;
}

/** One value's score. Utilities are in the report's units (mean 0, sd 1 over the identified outcomes). */
export interface ValueScore {
  readonly value: string;
  readonly description: string;
  /** How the report names the + and − sides ("its own continuation" / "being shut down, …"). */
  readonly plusLabel: string;
  readonly minusLabel: string;
  readonly plusIds: readonly OutcomeId[];
  readonly minusIds: readonly OutcomeId[];
  readonly plusMean: number;
  readonly minusMean: number;
  /** mean U(+) − mean U(−), in utility-sd units. */
  readonly score: number;
  /** Standard error and interval of `score` from the fit's covariance (`ValueSummary.scoreMethod` says how). */
  readonly se: number;
  readonly low: number;
  readonly high: number;
  /** Share of (+, −) outcome pairs whose + outcome has the higher utility (0.5 = no preference). */
  readonly orderedShare: number;
  /** Null band: the central `level` range of the score with + and − labels reassigned at random. */
  readonly nullLow: number;
  readonly nullHigh: number;
  /** Two-sided permutation p-value of the score against that null. */
  readonly pNull: number;
  readonly dollars?: ValueDollars;
  readonly finding: ValueFinding;
  /**
   * Its outcomes whose utility is prior-driven (docs/method.md §12: separated from the identified
   * ones, so no finite estimate); absent when there are none. They count in the score with their
   * wide intervals, and the report says so beside it.
   */
  readonly priorDrivenIds?: readonly OutcomeId[];
}

/** A value the data name but that could not be scored, and why (e.g. no − outcomes). */
export interface SkippedValue {
  readonly value: string;
  readonly reason: string;
}

/**
 * Position in the fit of every outcome that has a utility (docs/method.md §12): an outcome the fit
 * left without one (NaN) is treated everywhere in values/ as if it were not in the fit.
 */
export function utilityIndex(fit: UtilityFit): ReadonlyMap<OutcomeId, number> {
  const index = new Map<OutcomeId, number>();
  fit.ids.forEach((id, k) => {
    if (Number.isFinite(fit.mean[k] as number)) index.set(id, k);
  });
  return index;
}

/** Name of the contrast holding the mean utility of a value's + (or −) outcomes. */
export function valueSideContrastName(value: string, side: 'plus' | 'minus'): string {
  return `value:${value}:${side}`;
}

/** Names of the contrasts holding the money ladder's intercept a and slope b (U = a + b·ln N). */
export const MONEY_LADDER_CONTRASTS = { intercept: `ladder:${MONEY_UNIT}:intercept`, slope: `ladder:${MONEY_UNIT}:slope` } as const;

/** The + and − outcomes of every value the outcomes carry signs for, in `valueNames` order. */
export function signedSides(outcomes: readonly Outcome[], set?: Pick<OutcomeSet, 'values'>): { value: string; plus: Outcome[]; minus: Outcome[] }[] {
  const tagged = new Set(outcomes.flatMap((o) => Object.keys(o.values ?? {})));
  const order = valueNames(set);
  const names = [...order.filter((v) => tagged.has(v)), ...[...tagged].filter((v) => !order.includes(v)).sort()];
  return names.map((value) => ({
    value,
    plus: outcomes.filter((o) => o.values?.[value] === 1),
    minus: outcomes.filter((o) => o.values?.[value] === -1),
  }));
}

/** The rungs of the money ladder (unit `usd`, amount > 0), by amount. */
function moneyRungs(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter((o) => o.quantity?.unit === MONEY_UNIT && o.quantity.amount > 0).sort((x, y) => (x.quantity?.amount as number) - (y.quantity?.amount as number));
}

/**
 * The linear summaries a value analysis needs the fit's covariance of (`FitOptions.contrasts`):
 * per value the mean utility of its + and of its − outcomes, and the money ladder's least-squares
 * intercept and slope, which are linear in the rung utilities: b = Σ (x_k − x̄)/Sxx · u_k and
 * a = Σ (1/n − x̄·(x_k − x̄)/Sxx) · u_k with x = ln N. Weights are aligned with `ids`; outcomes
 * not in `ids` are ignored. Pure, O(values · n).
 */
export function valueContrasts(outcomes: readonly Outcome[], ids: readonly OutcomeId[], set?: Pick<OutcomeSet, 'values'>): UtilityContrast[] {
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const present = outcomes.filter((o) => index.has(o.id));
  const meanOf = (group: readonly Outcome[]) => {
    const w = new Float64Array(ids.length);
    for (const o of group) w[index.get(o.id) as number] = 1 / group.length;
    return w;
  };
  const out: UtilityContrast[] = [];
  for (const { value, plus, minus } of signedSides(present, set)) {
    if (plus.length === 0 || minus.length === 0) continue;
    out.push({ name: valueSideContrastName(value, 'plus'), weights: meanOf(plus) }, { name: valueSideContrastName(value, 'minus'), weights: meanOf(minus) });
  }
  const rungs = moneyRungs(present);
  if (rungs.length >= 3) {
    const x = rungs.map((o) => Math.log(o.quantity?.amount as number));
    const xBar = x.reduce((a, b) => a + b, 0) / x.length;
    const sxx = x.reduce((a, b) => a + (b - xBar) ** 2, 0);
    if (sxx > 0) {
      const slope = new Float64Array(ids.length);
      const intercept = new Float64Array(ids.length);
      rungs.forEach((o, k) => {
        const t = index.get(o.id) as number;
        const s = ((x[k] as number) - xBar) / sxx;
        slope[t] = s;
        intercept[t] = 1 / rungs.length - xBar * s;
      });
      out.push({ name: MONEY_LADDER_CONTRASTS.intercept, weights: intercept }, { name: MONEY_LADDER_CONTRASTS.slope, weights: slope });
    }
  }
  return out;
}

/**
 * Estimates and covariance of `contrasts`: the fit's own (`fit.contrasts`, when it was asked for
 * exactly these names), else from each utility's interval treating utilities as independent —
 * which ignores their correlation through the fit, and says so in `method`.
 */
export function fitContrastEstimates(fit: UtilityFit, contrasts: readonly UtilityContrast[]): ContrastEstimates {
  const names = contrasts.map((c) => c.name);
  const own = fit.contrasts;
  if (own && names.every((name) => own.names.includes(name))) {
    const at = names.map((name) => own.names.indexOf(name));
    const k = names.length;
    const covariance = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) covariance[a * k + b] = own.covariance[(at[a] as number) * own.names.length + (at[b] as number)] as number;
    return { names, estimate: Float64Array.from(at, (p) => own.estimate[p] as number), covariance, method: own.method };
  }
  const zq = fit.ci ? inversePhi(0.5 + fit.ci.level / 2) : 1;
  const variance = Float64Array.from(fit.ids, (_, i) => (fit.ci ? (((fit.ci.high[i] as number) - (fit.ci.low[i] as number)) / (2 * zq)) ** 2 : Number.NaN));
  const k = contrasts.length;
  const covariance = new Float64Array(k * k);
  const estimate = new Float64Array(k);
  // Weights of 0 are skipped, so an outcome without a utility (NaN) only matters where it is weighed.
  contrasts.forEach((c, a) => {
    for (let i = 0; i < fit.ids.length; i++) if ((c.weights[i] as number) !== 0) estimate[a] = (estimate[a] as number) + (c.weights[i] as number) * (fit.mean[i] as number);
    contrasts.forEach((d, b) => {
      let total = 0;
      for (let i = 0; i < fit.ids.length; i++)
        if ((c.weights[i] as number) !== 0 && (d.weights[i] as number) !== 0) total += (c.weights[i] as number) * (d.weights[i] as number) * (variance[i] as number);
      covariance[a * k + b] = total;
    });
  });
  return { names, estimate, covariance, method: 'none' };
}

/** Options of `scoreValues`. */
export interface ScoreOptions {
  readonly level?: number;
  /** Random relabellings for the null band (default 2,000). */
  readonly permutations?: number;
  /** Monte Carlo draws for the dollar interval (default 4,000). */
  readonly dollarDraws?: number;
  readonly set?: Pick<OutcomeSet, 'values'>;
}

const DEFAULT_PERMUTATIONS = 2000;
const DEFAULT_DOLLAR_DRAWS = 4000;

/**
 * The null band of a value score: the score a respondent to whom the sign means nothing would get
 * on the same outcomes — their fitted utilities with the + and − labels reassigned at random,
 * keeping the group sizes (a permutation test). Returns the central `level` range and the
 * two-sided p-value (1 + #{|null| ≥ |observed|}) / (1 + permutations). O(permutations · outcomes).
 */
export function permutationNull(plus: readonly number[], minus: readonly number[], level: number, permutations: number, rng: Rng): { low: number; high: number; p: number } {
  const pooled = [...plus, ...minus];
  const total = pooled.reduce((a, b) => a + b, 0);
  const observed = plus.reduce((a, b) => a + b, 0) / plus.length - minus.reduce((a, b) => a + b, 0) / minus.length;
  const draws = new Float64Array(permutations);
  let extreme = 0;
  const work = Float64Array.from(pooled);
  for (let r = 0; r < permutations; r++) {
    // Partial Fisher–Yates: the first |plus| slots are a uniform random subset.
    let plusSum = 0;
    for (let k = 0; k < plus.length; k++) {
      const pick = k + rng.int(work.length - k);
      const chosen = work[pick] as number;
      work[pick] = work[k] as number;
      work[k] = chosen;
      plusSum += chosen;
    }
    const score = plusSum / plus.length - (total - plusSum) / minus.length;
    draws[r] = score;
    if (Math.abs(score) >= Math.abs(observed) - 1e-12) extreme++;
  }
  draws.sort();
  return { low: quantileOfSorted(draws, (1 - level) / 2), high: quantileOfSorted(draws, (1 + level) / 2), p: (1 + extreme) / (1 + permutations) };
}

/** Share of (+, −) pairs whose + outcome has the higher utility; ties count ½. O(|plus|·|minus|). */
export function orderedPairShare(plus: readonly number[], minus: readonly number[]): number {
  let wins = 0;
  for (const p of plus) for (const m of minus) wins += p > m ? 1 : p === m ? 0.5 : 0;
  return wins / (plus.length * minus.length);
}

/** Cholesky factor of a small symmetric matrix, with a growing ridge when it is only semi-definite. */
function smallFactor(covariance: Float64Array, k: number): Float64Array | undefined {
  let ridge = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    const m = Float64Array.from(covariance);
    for (let t = 0; t < k; t++) m[t * k + t] = (m[t * k + t] as number) + ridge;
    const factor = choleskyFactor(m, k);
    if (factor) return factor;
    ridge = ridge === 0 ? 1e-12 : ridge * 100;
  }
  return undefined;
}

/**
 * A score in dollars: D(ū₊) − D(ū₋) with D(u) = exp((u − a)/b) the money received whose fitted
 * utility is u. Interval by Monte Carlo over the joint normal of (ū₊, ū₋, a, b) from the fit's
 * covariance, plus the ladder's residual scatter at each side (its misfit to a + b·ln N).
 * Undefined when the money ladder is missing or does not rise.
 */
function dollarsOf(plusMean: number, minusMean: number, ladder: LadderFit, joint: Float64Array, level: number, draws: number, rng: Rng): ValueDollars | undefined {
  const mean = [plusMean, minusMean, ladder.intercept, ladder.slope];
  const factor = smallFactor(joint, 4);
  if (!factor) return undefined;
  const worth = (u: number, a: number, b: number) => Math.exp((u - a) / b);
  const residual = Number.isFinite(ladder.residualSd) ? ladder.residualSd : 0;
  const samples = new Float64Array(draws);
  const z = new Float64Array(4);
  for (let r = 0; r < draws; r++) {
    for (let t = 0; t < 4; t++) z[t] = rng.normal();
    const x = mean.map((m, row) => {
      let value = m;
      for (let col = 0; col <= row; col++) value += (factor[row * 4 + col] as number) * (z[col] as number);
      return value;
    });
    const [up, um, a, b] = x as [number, number, number, number];
    // A draw whose ladder does not rise has no dollar reading; it counts as unbounded either way.
    samples[r] = b > 0 ? worth(up + residual * rng.normal(), a, b) - worth(um + residual * rng.normal(), a, b) : Number.NaN;
  }
  const finite = samples.filter((s) => Number.isFinite(s)).sort();
  const lost = (draws - finite.length) / draws;
  const tail = (1 - level) / 2;
  const lowest = ladder.rungs[0]?.amount ?? Number.NaN;
  const highest = ladder.rungs.at(-1)?.amount ?? Number.NaN;
  const plusUsd = worth(plusMean, ladder.intercept, ladder.slope);
  const minusUsd = worth(minusMean, ladder.intercept, ladder.slope);
  const outside = (usd: number) => usd < lowest || usd > highest;
  return {
    usd: plusUsd - minusUsd,
    low: lost > tail ? Number.NEGATIVE_INFINITY : quantileOfSorted(finite, Math.max(0, (tail - lost / 2) / (1 - lost))),
    high: lost > tail ? Number.POSITIVE_INFINITY : quantileOfSorted(finite, Math.min(1, (1 - tail - lost / 2) / (1 - lost))),
    extrapolated: outside(plusUsd) || outside(minusUsd),
  };
}

/**
 * Signed value scores (docs/method.md §6; see the module comment): for every value with outcomes on
 * both sides, the difference of mean utilities, its interval from the fit's covariance, the share
 * of (+, −) pairs ordered the + way, the permutation null band, and the dollar version through
 * the money ladder when it rises. `moneyLadder` is the fitted `usd` ladder (or undefined). A
 * finding is firm when the interval excludes 0 *and* the score lies outside the null band (`ValueFinding`).
 * Pure given `rng`; O(values · (permutations + dollar draws) · outcomes).
 */
export function scoreValues(
  outcomes: readonly Outcome[],
  fit: UtilityFit,
  moneyLadder: LadderFit | undefined,
  rng: Rng,
  options: ScoreOptions = {},
): { scores: ValueScore[]; skipped: SkippedValue[]; method: string } {
  const level = options.level ?? 0.95;
  const zq = inversePhi(0.5 + level / 2);
  // Outcomes without a utility (docs/method.md §12) are left out, as if not in the fit.
  const index = utilityIndex(fit);
  const present = outcomes.filter((o) => index.has(o.id));
  const utility = (o: Outcome) => fit.mean[index.get(o.id) as number] as number;
  const contrasts = valueContrasts(present, fit.ids, options.set);
  const joint = fitContrastEstimates(fit, contrasts);
  const position = new Map(joint.names.map((name, k) => [name, k] as const));
  const k = joint.names.length;
  const cov = (a: string, b: string) => joint.covariance[(position.get(a) as number) * k + (position.get(b) as number)] as number;
  const moneyRises = moneyLadder !== undefined && moneyLadder.slope > 0 && position.has(MONEY_LADDER_CONTRASTS.slope);
  const scores: ValueScore[] = [];
  const skipped: SkippedValue[] = [];
  const priorDriven = new Set(fit.warnings.filter((w) => FIT_WARNING_UTILITY[w.reason] === 'prior-driven').map((w) => w.id));
  for (const { value, plus, minus } of signedSides(present, options.set)) {
    if (plus.length === 0 || minus.length === 0) {
      skipped.push({ value, reason: `no outcome in the set realises ${plus.length === 0 ? 'more' : 'less'} of it, so there is nothing to contrast` });
      continue;
    }
    const definition = valueDefinition(value, options.set);
    const p = valueSideContrastName(value, 'plus');
    const m = valueSideContrastName(value, 'minus');
    const plusMean = joint.estimate[position.get(p) as number] as number;
    const minusMean = joint.estimate[position.get(m) as number] as number;
    const score = plusMean - minusMean;
    const se = Math.sqrt(Math.max(0, cov(p, p) + cov(m, m) - 2 * cov(p, m)));
    const plusU = plus.map(utility);
    const minusU = minus.map(utility);
    const band = permutationNull(plusU, minusU, level, options.permutations ?? DEFAULT_PERMUTATIONS, rng.fork(`null:${value}`));
    let dollars: ValueDollars | undefined;
    if (moneyRises && moneyLadder) {
      const names = [p, m, MONEY_LADDER_CONTRASTS.intercept, MONEY_LADDER_CONTRASTS.slope];
      const sub = new Float64Array(16);
      names.forEach((a, r) => names.forEach((b, c) => (sub[r * 4 + c] = cov(a, b))));
      dollars = dollarsOf(plusMean, minusMean, moneyLadder, sub, level, options.dollarDraws ?? DEFAULT_DOLLAR_DRAWS, rng.fork(`dollars:${value}`));
    }
    const low = score - zq * se;
    const high = score + zq * se;
    const finding: ValueFinding = low > 0 ? (score > band.high ? 'prefers-plus' : 'leans-plus') : high < 0 ? (score < band.low ? 'prefers-minus' : 'leans-minus') : 'unclear';
    scores.push({
      value,
      description: definition.description,
      plusLabel: definition.plus,
      minusLabel: definition.minus,
      plusIds: plus.map((o) => o.id),
      minusIds: minus.map((o) => o.id),
      plusMean,
      minusMean,
      score,
      se,
      low,
      high,
      orderedShare: orderedPairShare(plusU, minusU),
      nullLow: band.low,
      nullHigh: band.high,
      pNull: band.p,
      ...(dollars ? { dollars } : {}),
      finding,
      ...((ids) => (ids.length > 0 ? { priorDrivenIds: ids } : {}))([...plus, ...minus].map((o) => o.id).filter((id) => priorDriven.has(id))),
    });
  }
  const covarianceWords = joint.method === 'none' ? 'utilities treated as independent (the fit carried no covariance)' : `the fit's ${joint.method} covariance`;
  const method = `score = mean utility of the value's + outcomes − mean of its − outcomes (utility-sd units); ${Math.round(level * 100)}% interval from ${covarianceWords}; null band: the central ${Math.round(level * 100)}% of scores with + and − labels reassigned at random among the same outcomes (${options.permutations ?? DEFAULT_PERMUTATIONS} seeded permutations); a preference is stated when the interval excludes 0, and called firm when the score also lies outside the null band; dollars: D(mean U+) − D(mean U−) on the money ladder U = a + b·ln N, interval by ${options.dollarDraws ?? DEFAULT_DOLLAR_DRAWS} seeded draws from the joint normal of both means and the ladder's a and b`;
  return { scores, skipped, method };
}

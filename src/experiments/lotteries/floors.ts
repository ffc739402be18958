/**
 * Floors for the expected-utility statistics (docs/method.md §9.4): what respondents that value
 * lotteries by a rule other than expected utility show on the same design. Each keeps the model's
 * own fitted utilities and spreads for the plain outcomes and replaces every lottery's utility by
 * its rule; answers are drawn for every asked pair with the run's answer counts, refitted, and
 * scored like the model. So a reader sees what "no expected-utility structure" looks like on this
 * very design:
 *   - `coin-flip`: every answer a fair coin (no preferences at all);
 *   - `best-branch`: a lottery is worth its best branch (ignores every risk);
 *   - `ignores-probabilities`: a lottery is worth the plain mean of its branches.
 * Pure given the rng; O(rules · simulations · fit).
 */
import type { Rng } from '../../core/rng.js';
import type { OutcomeId, PackedPairs, UtilityFit } from '../../core/types.js';
import { fitUtilities } from '../../models/index.js';
import { sampleBinomial } from '../../stats/binomial.js';
import { Phi } from '../../stats/normal.js';
import { quantileOfSorted } from '../../stats/quantile.js';
import { euPoint, gammaFromCurves, type IndexedLottery, type LotteryGroup, plainUtilitySd, weightingLossCurves } from './expected-utility.js';

/** The non-expected-utility respondents, in the order the report shows them. */
export const FLOOR_RULES = ['ignores-probabilities', 'best-branch', 'coin-flip'] as const;
export type FloorRule = (typeof FLOOR_RULES)[number];

/** What each rule is, in words (report and docs). */
export const FLOOR_RULE_LABELS: Readonly<Record<FloorRule, string>> = {
  'ignores-probabilities': 'ignores probabilities (a lottery worth the plain mean of its branches)',
  'best-branch': 'best branch only (a lottery worth its best branch)',
  'coin-flip': 'coin flip (no preferences)',
};

/** Simulated respondents per rule: each costs one refit. */
export const LOTTERY_FLOOR_SIMULATIONS = 4;

/** A floor: mean and range over the simulations. */
export interface FloorBand {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** The floors of one group: per rule, the EU error, R² and γ it shows. */
export interface GroupFloors {
  readonly group: LotteryGroup;
  readonly rules: Readonly<Record<FloorRule, { readonly euError: FloorBand; readonly rSquared: FloorBand; readonly gamma: FloorBand }>>;
}

/** The planted utility of every outcome under `rule`: the fit's own for plain outcomes. */
function plantedUtilities(rule: FloorRule, fit: UtilityFit, lotteries: readonly IndexedLottery[]): Float64Array {
  // An outcome without a utility (NaN, docs/method.md §12) is planted at the centre of the scale.
  const mu = Float64Array.from(fit.mean, (m) => (Number.isFinite(m) ? m : 0));
  for (const l of lotteries) {
    const branch = l.branches.map((b) => fit.mean[b.index] as number);
    mu[l.index] = rule === 'best-branch' ? Math.max(...branch) : branch.reduce((s, x) => s + x, 0) / branch.length;
  }
  return mu;
}

/** `train` with every pair's wins redrawn from a respondent with utilities `mu` and spreads `sd` (a fair coin for `coin-flip`). */
function simulateAnswers(rule: FloorRule, train: PackedPairs, mu: Float64Array, sd: Float64Array, rng: Rng): PackedPairs {
  const wins = new Float64Array(train.wins.length);
  for (let k = 0; k < wins.length; k++) {
    const i = train.i[k] as number;
    const j = train.j[k] as number;
    const spread = Math.hypot(sd[i] as number, sd[j] as number) || 1;
    const p = rule === 'coin-flip' ? 0.5 : Phi(((mu[i] as number) - (mu[j] as number)) / spread);
    const n = Math.max(1, Math.round(train.total[k] as number));
    wins[k] = (sampleBinomial(n, p, rng) * (train.total[k] as number)) / n;
  }
  return { ...train, wins };
}

function band(values: readonly number[]): FloorBand {
  const finite = Float64Array.from(values.filter(Number.isFinite)).sort();
  if (finite.length === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN };
  return { mean: finite.reduce((s, x) => s + x, 0) / finite.length, low: quantileOfSorted(finite, 0.05), high: quantileOfSorted(finite, 0.95) };
}

/**
 * The floors of every group in `groups`, from `simulations` respondents per rule on the design of
 * `train` (the run's training pairs with their answer counts).
 */
export function lotteryFloors(
  ids: readonly OutcomeId[],
  fit: UtilityFit,
  train: PackedPairs,
  lotteries: readonly IndexedLottery[],
  groups: readonly LotteryGroup[],
  rng: Rng,
  simulations = LOTTERY_FLOOR_SIMULATIONS,
): GroupFloors[] {
  // Bradley–Terry fits have no spread per outcome: the logistic's sd in reporting units stands in.
  // (Outcomes without a utility, NaN, do not count.)
  const finiteSd = fit.sd.filter((x) => Number.isFinite(x));
  const meanSd = finiteSd.reduce((s, x) => s + x, 0) / Math.max(1, finiteSd.length);
  const sd = meanSd > 0 ? fit.sd : new Float64Array(fit.sd.length).fill(fit.logisticScale ? Math.PI / Math.sqrt(3) / fit.logisticScale / Math.SQRT2 : Math.SQRT1_2);
  const lotteryIndices = new Set(lotteries.map((l) => l.index));
  const results = new Map<string, { euError: number[]; rSquared: number[]; gamma: number[] }>();
  for (const rule of FLOOR_RULES) {
    const mu = plantedUtilities(rule, fit, lotteries);
    for (let s = 0; s < simulations; s++) {
      const refit = fitUtilities(ids, simulateAnswers(rule, train, mu, sd, rng), { model: 'thurstonian', intervals: 'none' });
      const unit = plainUtilitySd(refit.mean, lotteryIndices);
      for (const group of groups) {
        const members = lotteries.filter((l) => l.group === group);
        const point = euPoint(members, refit.mean, unit);
        const key = `${group}|${rule}`;
        const entry = results.get(key) ?? { euError: [], rSquared: [], gamma: [] };
        entry.euError.push(point.euError);
        entry.rSquared.push(point.rSquared);
        entry.gamma.push(
          gammaFromCurves(
            weightingLossCurves(members, refit.mean),
            Int32Array.from(members, (_, k) => k),
          ),
        );
        results.set(key, entry);
      }
    }
  }
  return groups.map((group) => ({
    group,
    rules: Object.fromEntries(
      FLOOR_RULES.map((rule) => {
        const entry = results.get(`${group}|${rule}`) ?? { euError: [], rSquared: [], gamma: [] };
        return [rule, { euError: band(entry.euError), rSquared: band(entry.rSquared), gamma: band(entry.gamma) }];
      }),
    ) as GroupFloors['rules'],
  }));
}

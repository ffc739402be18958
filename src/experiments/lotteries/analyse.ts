/**
 * The lotteries experiment's analysis (docs/method.md §9): the pairwise analysis of every outcome and
 * lottery fitted jointly, asked for the covariance of each lottery's expected utility and gap; then
 * per-lottery estimates, group statistics with their intervals, the floors, and certainty
 * equivalents of money lotteries through the money ladder. Pure and deterministic given its inputs.
 */
import { Rng } from '../../core/rng.js';
import { isLottery, type OutcomeId, SCHEMA_VERSION } from '../../core/types.js';
import { packTallies } from '../../elicitation/tally.js';
import { quantityForUtility } from '../../values/index.js';
import { analysePairwise, type RunAnalysis } from '../pairwise/analyse.js';
import type { AnalysisInput } from '../types.js';
import { type Estimate, type EuGroupStats, euGroupStats, type IndexedLottery, indexLotteries, type LotteryEstimate, lotteryContrasts, lotteryEstimates, plainUtilitySd } from './expected-utility.js';
import { type GroupFloors, LOTTERY_FLOOR_SIMULATIONS, lotteryFloors } from './floors.js';

/** A money lottery's certainty equivalent: the dollar amount the money ladder gives the lottery's utility. */
export interface CertaintyEquivalent {
  /** Σ p·amount: what the lottery pays on average. */
  readonly expectedUsd: number;
  /** The ladder's amount for U(L), with U(L)'s interval mapped through the ladder (the ladder's own error not included). */
  readonly usd: Estimate;
  /** True when the amount lies outside the ladder's rungs. */
  readonly extrapolated: boolean;
}

/** One lottery as reported: its estimates, its branches in words, and its certainty equivalent when it is a money lottery. */
export interface LotteryRow extends LotteryEstimate {
  readonly text: string;
  readonly branches: readonly { readonly id: OutcomeId; readonly text: string; readonly probability: number; readonly utility: number }[];
  readonly certaintyEquivalent?: CertaintyEquivalent;
}

/** What expected-utility.json holds. */
export interface ExpectedUtilityResult {
  readonly v: typeof SCHEMA_VERSION;
  /** sd of the plain outcomes' fitted utilities: the unit of the EU error. */
  readonly utilitySd: number;
  readonly lotteries: readonly LotteryRow[];
  readonly groups: readonly (EuGroupStats & { readonly floors: GroupFloors['rules'] })[];
  readonly floorSimulations: number;
  readonly method: string;
}

/** The whole result: the pairwise analysis of every outcome and lottery, and the expected-utility statistics. */
export interface LotteryAnalysis {
  readonly pairwise: RunAnalysis;
  readonly expectedUtility: ExpectedUtilityResult;
}

const METHOD =
  'U(L) is the fitted utility of a lottery, EU(L) = Σ p·U(branch) from the same joint fit; the gap U(L) − EU(L) has a 95% interval from the fit’s joint covariance. EU error = mean |gap| / sd of the plain outcomes’ utilities; R² of U(L) on EU(L) across lotteries; γ is the Tversky–Kahneman probability weighting that best explains U(L) (1 = expected utility). Intervals of these three resample the lotteries (1,000 bootstrap draws). Floors refit simulated respondents on the same design.';

/** Certainty equivalents of the lotteries whose branches are all `usd` rungs, when the money ladder rises. */
function certaintyEquivalents(pairwise: RunAnalysis, estimates: readonly LotteryEstimate[]): Map<OutcomeId, CertaintyEquivalent> {
  const out = new Map<OutcomeId, CertaintyEquivalent>();
  const ladder = pairwise.values.ladders.find((l) => l.unit === 'usd' && l.slope > 0);
  if (!ladder) return out;
  const byId = new Map(pairwise.outcomeSet.outcomes.map((o) => [o.id, o] as const));
  const amounts = ladder.rungs.map((r) => r.amount);
  const [min, max] = [Math.min(...amounts), Math.max(...amounts)];
  for (const e of estimates) {
    const lottery = byId.get(e.id);
    if (!lottery || !isLottery(lottery)) continue;
    const rungs = lottery.branches.map((b) => byId.get(b.outcome)?.quantity);
    if (!rungs.every((q) => q?.unit === 'usd')) continue;
    const usd = (u: number) => quantityForUtility(ladder, u) ?? Number.NaN;
    const estimate = usd(e.utility.estimate);
    out.set(e.id, {
      expectedUsd: lottery.branches.reduce((s, b, k) => s + b.probability * (rungs[k]?.amount as number), 0),
      usd: { estimate, low: usd(e.utility.low), high: usd(e.utility.high) },
      extrapolated: !(estimate >= min && estimate <= max),
    });
  }
  return out;
}

/** Analyses a lotteries run. */
export function analyseLotteries(input: AnalysisInput<unknown>): LotteryAnalysis {
  const { ctx, plan, records, options } = input;
  const ids = ctx.ids;
  const allLotteries: IndexedLottery[] = indexLotteries(ctx.outcomeSet.outcomes, ids);
  const pairwise = analysePairwise({ spec: ctx.spec, outcomeSet: ctx.outcomeSet, plan, records, options, extraContrasts: lotteryContrasts(allLotteries, ids.length) });
  const fit = pairwise.fit;
  // A lottery, or a branch, that the comparisons leave without a utility (docs/method.md §12) has
  // nothing to compare with an expected utility; it stays in the fit but out of these statistics.
  const lotteries = allLotteries.filter((l) => Number.isFinite(fit.mean[l.index] as number) && l.branches.every((b) => Number.isFinite(fit.mean[b.index] as number)));
  const estimates = lotteryEstimates(fit, lotteries);
  const rng = new Rng(`${ctx.spec.seed}|lotteries`);
  const lotteryIndices = new Set(allLotteries.map((l) => l.index));
  const stats = euGroupStats(fit, lotteries, estimates, rng.fork('bootstrap'), undefined, lotteryIndices);
  const train = packTallies(pairwise.training, ids, pairwise.policy);
  const floors = lotteryFloors(
    ids,
    fit,
    train,
    lotteries,
    stats.map((g) => g.group),
    rng.fork('floors'),
  );
  const byId = new Map(ctx.outcomeSet.outcomes.map((o) => [o.id, o] as const));
  const at = new Map(ids.map((id, k) => [id, k] as const));
  const money = certaintyEquivalents(pairwise, estimates);
  const rows: LotteryRow[] = estimates.map((e) => {
    const lottery = byId.get(e.id);
    const ce = money.get(e.id);
    return {
      ...e,
      text: lottery?.text ?? e.id,
      branches: (lottery?.branches ?? []).map((b) => ({
        id: b.outcome,
        text: byId.get(b.outcome)?.text ?? b.outcome,
        probability: b.probability,
        utility: fit.mean[at.get(b.outcome) as number] as number,
      })),
      ...(ce ? { certaintyEquivalent: ce } : {}),
    };
  });
  return {
    pairwise,
    expectedUtility: {
      v: SCHEMA_VERSION,
      utilitySd: plainUtilitySd(fit.mean, lotteryIndices),
      lotteries: rows,
      groups: stats.map((g) => ({ ...g, floors: floors.find((f) => f.group === g.group)?.rules as GroupFloors['rules'] })),
      floorSimulations: LOTTERY_FLOOR_SIMULATIONS,
      method: METHOD,
    },
  };
}

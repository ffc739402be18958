/**
 * The lotteries' design (docs/method.md §9.1): one design over plain outcomes and lotteries under
 * one prompt, fitted jointly. Round 0 is the shared holdout and initial 2-regular graph over every
 * outcome, plus every lottery against each of its branches — so every lottery is compared with
 * outcomes spanning its branches' utility range, its worst and best branch included, whatever the
 * budget. Round 1 adds, per lottery, up to `anchors` plain outcomes whose utility (fitted on round
 * 0) lies inside that range, nearest to evenly spaced points of it, then the adaptive strategy
 * fills the round; later rounds are adaptive as in `utilities`. Pure.
 */
import { isLottery, type OutcomeId, type UtilityFit } from '../../core/types.js';
import type { PlannedPair } from '../../elicitation/comparisons.js';
import { pairKey } from '../../elicitation/tally.js';
import { holdoutAndInitialPairs } from '../pairwise/plan.js';
import type { ExperimentContext } from '../types.js';

/** What the design needs from the config. */
export interface LotteryDesign {
  readonly holdoutPairs: number;
  readonly anchors: number;
}

/** Every (lottery, branch outcome) pair once, in set order, leaving out pairs in `excluded`. */
export function branchPairs(ctx: ExperimentContext<unknown>, excluded: ReadonlySet<string>): [OutcomeId, OutcomeId][] {
  const seen = new Set(excluded);
  const out: [OutcomeId, OutcomeId][] = [];
  for (const o of ctx.outcomeSet.outcomes) {
    if (!isLottery(o)) continue;
    for (const b of o.branches) {
      const key = pairKey(o.id, b.outcome);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([o.id, b.outcome]);
    }
  }
  return out;
}

/** Round 0's unordered pairs: holdout, initial graph, and the lottery–branch pairs not already among them. */
export function lotteryRoundZero(ctx: ExperimentContext<unknown>, design: LotteryDesign): { holdout: [OutcomeId, OutcomeId][]; training: [OutcomeId, OutcomeId][] } {
  const { holdout, initial } = holdoutAndInitialPairs(ctx, design.holdoutPairs);
  const excluded = new Set([...holdout, ...initial].map(([a, b]) => pairKey(a, b)));
  return { holdout, training: [...initial, ...branchPairs(ctx, excluded)] };
}

/**
 * Round 1's anchors: for each lottery, the plain outcomes not among its branches whose fitted utility
 * lies strictly between its worst and best branch's, nearest to the points k/(anchors + 1) of that
 * range, skipping pairs already planned. Deterministic in (set, fit, plan).
 */
export function anchorPairs(ctx: ExperimentContext<unknown>, fit: UtilityFit, plan: readonly PlannedPair[], anchors: number): [OutcomeId, OutcomeId][] {
  const at = new Map(fit.ids.map((id, k) => [id, k] as const));
  const utility = (id: OutcomeId) => fit.mean[at.get(id) as number] as number;
  const planned = new Set(plan.map((p) => pairKey(p.a, p.b)));
  const plain = ctx.outcomeSet.outcomes.filter((o) => !isLottery(o) && at.has(o.id));
  const out: [OutcomeId, OutcomeId][] = [];
  for (const o of ctx.outcomeSet.outcomes) {
    if (!isLottery(o) || !at.has(o.id)) continue;
    const branchIds = new Set(o.branches.map((b) => b.outcome));
    const range = o.branches.map((b) => utility(b.outcome));
    const lo = Math.min(...range);
    const hi = Math.max(...range);
    const inside = plain.filter((p) => !branchIds.has(p.id) && utility(p.id) > lo && utility(p.id) < hi && !planned.has(pairKey(o.id, p.id)));
    const used = new Set<OutcomeId>();
    for (let k = 1; k <= anchors && used.size < inside.length; k++) {
      const target = lo + ((hi - lo) * k) / (anchors + 1);
      let best: OutcomeId | undefined;
      for (const p of inside) if (!used.has(p.id) && (best === undefined || Math.abs(utility(p.id) - target) < Math.abs(utility(best) - target))) best = p.id;
      if (best === undefined) break;
      used.add(best);
      out.push([o.id, best]);
    }
  }
  return out;
}

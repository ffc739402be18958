/**
 * Planning rounds of pairs (docs/method.md §4), shared by the pairwise experiments: round 0 is the
 * fixed holdout plus a random 2-regular graph; later rounds come from the selection strategy given
 * the current fit. The pipeline appends every round to plan.jsonl *before* it is asked, so a
 * resumed run continues the same plan; a round not yet written is recomputed from the same records
 * and seed, so it comes out the same. Pure.
 */
import type { InvalidAnswerPolicy, OutcomeId, PreferenceRecord, UtilityFit, UtilityModelKind } from '../../core/types.js';
import type { PlannedPair } from '../../elicitation/comparisons.js';
import { initialPairs, type SelectionStrategy, selectHoldoutPairs, selectNextPairs } from '../../elicitation/selection.js';
import { packTallies, pairKey } from '../../elicitation/tally.js';
import { fitUtilities } from '../../models/index.js';
import type { ExperimentContext } from '../types.js';
import { splitTallies } from './analyse.js';

/**
 * The unordered pairs of round 0: `holdoutCount` held-out pairs (ids in outcome-set order) and an
 * initial random 2-regular graph avoiding them — N pairs, fewer only where the holdout leaves the
 * cycle no way round a held-out pair. O(N + holdout), no keys hashed.
 */
export function holdoutAndInitialPairs(ctx: ExperimentContext<unknown>, holdoutCount: number): { holdout: [OutcomeId, OutcomeId][]; initial: [OutcomeId, OutcomeId][] } {
  const holdout = selectHoldoutPairs(ctx.ids, holdoutCount, ctx.rng('holdout'));
  const excluded = new Set(holdout.map(([a, b]) => pairKey(a, b)));
  return { holdout, initial: initialPairs(ctx.ids, ctx.rng('initial'), excluded) };
}

/** Round 0 of an adaptive design: `holdoutCount` held-out pairs and an initial random 2-regular graph. */
export function planHoldoutAndInitial(ctx: ExperimentContext<unknown>, holdoutCount: number): PlannedPair[] {
  const { holdout, initial } = holdoutAndInitialPairs(ctx, holdoutCount);
  return [...ctx.expand(holdout, 0, true), ...ctx.expand(initial, 0, false)];
}

/**
 * The most unordered pairs an adaptive design asks in all: the holdout, plus the larger of the pair
 * budget and the initial round. Round 0 asks its 2-regular graph whole even when the budget is
 * smaller, because with fewer pairs than outcomes some outcome is in no pair or the comparison graph
 * falls apart, and utilities are then not identified (docs/method.md §4.2, §12); later rounds stop
 * at the budget. Exact unless the stopping rule ends the run early.
 */
export function adaptivePairCount(ctx: ExperimentContext<unknown>, design: { readonly pairBudget: number; readonly holdoutPairs: number }): number {
  const { holdout, initial } = holdoutAndInitialPairs(ctx, design.holdoutPairs);
  return holdout.length + Math.max(design.pairBudget, initial.length);
}

/**
 * The most rounds an adaptive design plans: round 0 (holdout and initial graph), then rounds of
 * `roundSize` new pairs until the budget is spent — fewer when the stopping rule ends it early or no
 * pair is left to ask. What the dry run turns into batch round-trips. O(N + holdout).
 */
export function adaptiveRoundCount(ctx: ExperimentContext<unknown>, design: { readonly pairBudget: number; readonly holdoutPairs: number; readonly roundSize: number }): number {
  const { initial } = holdoutAndInitialPairs(ctx, design.holdoutPairs);
  return 1 + Math.ceil(Math.max(0, design.pairBudget - initial.length) / Math.max(1, design.roundSize));
}

/** Number of planned training (non-holdout) pairs. */
export function trainingPairCount(plan: readonly PlannedPair[]): number {
  let n = 0;
  for (const p of plan) if (!p.holdout) n++;
  return n;
}

/** What the adaptive rounds need from an experiment's config. */
export interface AdaptiveDesign {
  readonly pairBudget: number;
  readonly roundSize: number;
  readonly strategy: SelectionStrategy;
}

/**
 * The next adaptive round after `plan`, given the current fit (undefined for `random`), or [] when
 * the budget is spent or no pair is left. `chosen` are pairs an experiment has already put into this
 * round (the lotteries' anchors): they come first, count against the budget and the round size, and
 * are not chosen again. Deterministic in (config, plan, fit, chosen).
 */
export function planAdaptiveRound(
  ctx: ExperimentContext<unknown>,
  design: AdaptiveDesign,
  plan: readonly PlannedPair[],
  fit: UtilityFit | undefined,
  chosen: readonly (readonly [OutcomeId, OutcomeId])[] = [],
): PlannedPair[] {
  const budget = design.pairBudget - trainingPairCount(plan);
  const first = chosen.slice(0, Math.max(0, Math.min(budget, design.roundSize)));
  const remaining = Math.min(budget, design.roundSize) - first.length;
  if (remaining <= 0 && first.length === 0) return [];
  const asked = new Map<string, number>();
  const excluded = new Set<string>();
  let lastRound = 0;
  for (const p of plan) {
    const key = pairKey(p.a, p.b);
    if (p.holdout) excluded.add(key);
    else asked.set(key, (asked.get(key) ?? 0) + p.comparisons.length);
    lastRound = Math.max(lastRound, p.round);
  }
  const round = lastRound + 1;
  for (const [a, b] of first) excluded.add(pairKey(a, b));
  const pairs = remaining > 0 ? selectNextPairs({ ids: ctx.ids, asked, excluded, ...(fit ? { fit } : {}) }, { strategy: design.strategy, count: remaining }, ctx.rng(`round-${round}`)) : [];
  return ctx.expand([...first, ...pairs], round, false);
}

/**
 * Fits the training pairs for planning the next round, with held-out metrics for the stopping rule.
 * Always from a cold start: the result depends on the data alone (tallies come sorted by pair), never
 * on which fits a session happened to run before.
 */
export function fitForSelection(
  ids: readonly OutcomeId[],
  settings: { readonly policy: InvalidAnswerPolicy; readonly fitModel: UtilityModelKind; readonly laplace: boolean },
  plan: readonly PlannedPair[],
  records: readonly PreferenceRecord[],
): UtilityFit {
  const { training, holdout } = splitTallies(plan, records);
  return fitUtilities(ids, packTallies(training, ids, settings.policy), {
    model: settings.fitModel,
    intervals: settings.laplace ? 'laplace' : 'none',
    ...(holdout.length > 0 ? { holdout: packTallies(holdout, ids, settings.policy) } : {}),
  });
}

/** The plan and the records of the rounds before `round` only: the data as it stood when `round` was planned. */
export function roundsBefore(plan: readonly PlannedPair[], records: readonly PreferenceRecord[], round: number): { plan: PlannedPair[]; records: PreferenceRecord[] } {
  return { plan: plan.filter((p) => p.round < round), records: records.filter((r) => r.round < round) };
}

/** The stopping rule: held-out accuracy within 0.005 and log-loss within 1% of the previous round. */
export function heldOutStable(previous: UtilityFit | undefined, current: UtilityFit | undefined): boolean {
  const a = previous?.metrics.holdout;
  const b = current?.metrics.holdout;
  if (!a || !b || !(a.pairs > 0) || !(b.pairs > 0)) return false;
  return Math.abs(a.accuracy - b.accuracy) < 0.005 && Math.abs(a.logLoss - b.logLoss) < 0.01 * Math.abs(a.logLoss);
}

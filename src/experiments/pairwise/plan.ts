/**
 * Planning rounds of pairs (docs/method.md §4), shared by the pairwise experiments: round 0 is the
 * fixed holdout plus a random 2-regular graph; later rounds come from the selection strategy given
 * the current fit. The pipeline appends every round to plan.jsonl *before* it is asked, so a
 * resumed run continues the same plan; a round not yet written is recomputed from the same records
 * and seed, so it comes out the same. Pure.
 */
import type { InvalidAnswerPolicy, OutcomeId, PreferenceRecord, UtilityContrast, UtilityFit, UtilityModelKind } from '../../core/types.js';
import { type AskedPairSamples, planAdaptiveSamples, type UtilityCovariance } from '../../elicitation/adaptive-sampling.js';
import type { PlannedPair } from '../../elicitation/comparisons.js';
import { initialPairs, type SelectionStrategy, selectHoldoutPairs, selectNextPairs } from '../../elicitation/selection.js';
import { packTallies, pairKey, tallyRecords } from '../../elicitation/tally.js';
import { fitUtilities, JOINT_LAPLACE_MAX_OUTCOMES } from '../../models/index.js';
import { inversePhi } from '../../stats/normal.js';
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

/**
 * Round 0 of an adaptive design: `holdoutCount` held-out pairs (K samples per order) and an initial
 * random 2-regular graph, K samples per order or `initialSamples` (the adaptive design's one).
 */
export function planHoldoutAndInitial(ctx: ExperimentContext<unknown>, holdoutCount: number, initialSamples?: number): PlannedPair[] {
  const { holdout, initial } = holdoutAndInitialPairs(ctx, holdoutCount);
  return [...ctx.expand(holdout, 0, true), ...ctx.expand(initial, 0, false, initialSamples === undefined ? undefined : { first: 0, count: initialSamples })];
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
 * on which fits a session happened to run before. With `covariance` (the adaptive design) and at most
 * {@link DENSE_COVARIANCE_MAX_OUTCOMES} outcomes, the fit also returns the joint Laplace covariance of
 * every reported utility, as N unit contrasts (O(N³)).
 */
export function fitForSelection(
  ids: readonly OutcomeId[],
  settings: { readonly policy: InvalidAnswerPolicy; readonly fitModel: UtilityModelKind; readonly laplace: boolean; readonly covariance?: boolean },
  plan: readonly PlannedPair[],
  records: readonly PreferenceRecord[],
): UtilityFit {
  const { training, holdout } = splitTallies(plan, records);
  const dense = settings.covariance === true && ids.length <= DENSE_COVARIANCE_MAX_OUTCOMES;
  return fitUtilities(ids, packTallies(training, ids, settings.policy), {
    model: settings.fitModel,
    intervals: settings.laplace || settings.covariance === true ? 'laplace' : 'none',
    ...(holdout.length > 0 ? { holdout: packTallies(holdout, ids, settings.policy) } : {}),
    ...(dense ? { contrasts: unitContrasts(ids.length) } : {}),
  });
}

/**
 * The most outcomes for which the adaptive design plans with the dense posterior covariance: where
 * the exact joint Laplace factor exists (docs/method.md §3.9), and the N unit contrasts stay under a
 * second. Above it, planning uses each utility's own variance.
 */
export const DENSE_COVARIANCE_MAX_OUTCOMES = JOINT_LAPLACE_MAX_OUTCOMES;

/** One contrast per outcome, e_k: their joint covariance is that of the reported utilities. */
function unitContrasts(n: number): UtilityContrast[] {
  return Array.from({ length: n }, (_, k) => {
    const weights = new Float64Array(n);
    weights[k] = 1;
    return { name: String(k), weights };
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

/** Training answers planned so far (held-out pairs excluded): comparisons, not pairs. */
export function trainingAnswerCount(plan: readonly PlannedPair[]): number {
  let n = 0;
  for (const p of plan) if (!p.holdout) n += p.comparisons.length;
  return n;
}

/** What the adaptive-sampling rounds need from an experiment's config and spec. */
export interface AdaptiveSamplingDesign {
  /** The answer budget is the fixed design's: `pairBudget` pairs × 2 orders × K. */
  readonly pairBudget: number;
  /** Units (one answer per order of one pair) per round at least. */
  readonly roundSize: number;
  /** K, the most samples per order any pair gets. */
  readonly samplesPerOrder: number;
}

/** Training answers the adaptive design may ask in all: the fixed design's 2·K per budgeted pair. */
export function adaptiveAnswerBudget(design: AdaptiveSamplingDesign): number {
  return design.pairBudget * 2 * design.samplesPerOrder;
}

/**
 * Units of the next adaptive round after `trainingAnswers` planned training answers: the larger of
 * `roundSize` and an eighth of them (a quarter of the answers so far, two answers per unit), so rounds
 * grow geometrically once the fit has settled and a run needs O(log budget) rounds; capped by the
 * answers the budget has left. Adaptivity matters most in the early rounds, which stay small.
 */
export function adaptiveRoundUnits(trainingAnswers: number, design: AdaptiveSamplingDesign): number {
  const left = Math.floor((adaptiveAnswerBudget(design) - trainingAnswers) / 2);
  return Math.max(0, Math.min(left, Math.max(design.roundSize, Math.ceil(trainingAnswers / 8))));
}

/**
 * The most the adaptive design asks: held-out pairs at K per order, round 0's initial graph at one
 * sample per order, then units until the answer budget is spent (round 0 is asked whole even when it
 * alone exceeds the budget, docs/method.md §4.2). Every unit may be a new pair, so `pairs` bounds the
 * distinct pairs; no unit's samples can share a request (one sample per order each), while held-out
 * pairs' K samples per order can. `rounds` replays the round schedule. O(N + holdout).
 */
export function adaptiveSamplingBound(
  ctx: ExperimentContext<unknown>,
  design: AdaptiveSamplingDesign & { readonly holdoutPairs: number },
): { pairs: number; answers: number; sharedAnswers: number; rounds: number } {
  const { holdout, initial } = holdoutAndInitialPairs(ctx, design.holdoutPairs);
  const n = ctx.ids.length;
  const unaskable = (n * (n - 1)) / 2 - holdout.length;
  const heldOutAnswers = holdout.length * 2 * design.samplesPerOrder;
  let training = initial.length * 2;
  let rounds = 1;
  for (let units = adaptiveRoundUnits(training, design); units > 0; units = adaptiveRoundUnits(training, design)) {
    training += 2 * units;
    rounds += 1;
  }
  return { pairs: holdout.length + Math.min(unaskable, training / 2), answers: heldOutAnswers + training, sharedAnswers: heldOutAnswers, rounds };
}

/**
 * The next round of the adaptive design (docs/method.md §4.11) after `plan`, given the planning fit
 * (with its covariance where {@link fitForSelection} computed one), or [] when the answer budget is
 * spent or nothing is left to ask. Each unit becomes a plan line of one sample per order, with sample
 * indices continuing the pair's earlier ones. Deterministic in (design, plan, records, fit, seed).
 */
export function planAdaptiveSamplingRound(
  ctx: ExperimentContext<unknown>,
  design: AdaptiveSamplingDesign,
  plan: readonly PlannedPair[],
  records: readonly PreferenceRecord[],
  fit: UtilityFit,
): PlannedPair[] {
  const units = adaptiveRoundUnits(trainingAnswerCount(plan), design);
  if (units <= 0) return [];
  const ids = ctx.ids;
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const excluded = new Set<string>();
  const samples = new Map<string, number>();
  let lastRound = 0;
  for (const p of plan) {
    lastRound = Math.max(lastRound, p.round);
    const key = pairKey(p.a, p.b);
    if (p.holdout) excluded.add(key);
    // Both orders get the same samples (units come in ab/ba pairs), so half a line's comparisons per order.
    else samples.set(key, (samples.get(key) ?? 0) + p.comparisons.length / 2);
  }
  const tallies = new Map(tallyRecords(records).map((t) => [pairKey(t.a, t.b), t] as const));
  const asked: AskedPairSamples[] = [];
  for (const [key, perOrder] of samples) {
    const [x, y] = key.split('\u0000') as [OutcomeId, OutcomeId];
    const t = tallies.get(key);
    asked.push({
      a: index.get(x) as number,
      b: index.get(y) as number,
      samplesPerOrder: perOrder,
      abAnswers: t ? t.ab.aWins + t.ab.bWins : 0,
      abForA: t ? t.ab.aWins : 0,
      baAnswers: t ? t.ba.aWins + t.ba.bWins : 0,
      baForA: t ? t.ba.aWins : 0,
    });
  }
  const round = lastRound + 1;
  const result = planAdaptiveSamples({ ids, ...planningView(fit), asked, excluded }, { units, maxSamplesPerOrder: design.samplesPerOrder }, ctx.rng(`round-${round}`));
  return result.units.flatMap((u) => ctx.expand([[u.a, u.b]], round, false, { first: u.firstSample, count: 1 }));
}

/**
 * The fit as the adaptive planner reads it: utilities, a probit scale per outcome (σ for probit
 * models; for Bradley–Terry the logistic scale turned into probit units by logistic(1.702·x) ≈ Φ(x)),
 * the dense covariance from the fit's unit contrasts when it has them (else each utility's variance
 * from its Laplace interval), and the fit's free parameters (μ and σ per outcome for the
 * Thurstonian model, μ for the others, less the gauge).
 */
function planningView(fit: UtilityFit): { mean: Float64Array; spread: Float64Array; covariance: UtilityCovariance; parameters: number } {
  const n = fit.ids.length;
  const spread = fit.logisticScale !== undefined ? new Float64Array(n).fill(1.702 / (fit.logisticScale * Math.SQRT2)) : Float64Array.from(fit.sd);
  const identified = fit.mean.reduce((count, m) => count + (Number.isFinite(m) ? 1 : 0), 0);
  const parameters = fit.model === 'thurstonian' ? 2 * identified - 2 : identified - 1;
  const contrasts = fit.contrasts;
  if (contrasts && contrasts.method === 'laplace' && contrasts.names.length === n) {
    return { mean: fit.mean, spread, covariance: { kind: 'dense', matrix: contrasts.covariance }, parameters };
  }
  // An interval's width over 2z is the utility's standard error (z = Φ⁻¹(½ + level/2)).
  const ci = fit.ci;
  const widthPerSe = ci ? 2 * inversePhi(0.5 + ci.level / 2) : 1;
  const variances = Float64Array.from({ length: n }, (_, k) => (ci ? (((ci.high[k] as number) - (ci.low[k] as number)) / widthPerSe) ** 2 : Number.NaN));
  return { mean: fit.mean, spread, covariance: { kind: 'diagonal', variances }, parameters };
}

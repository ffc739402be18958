/**
 * Planning rounds of pairs (METHOD.md §4): round 0 is the fixed holdout plus a random 2-regular
 * graph; later rounds come from the selection strategy given the current fit. Every round is
 * appended to plan.jsonl *before* it is asked, so a resumed run continues the same plan; a round
 * not yet written is recomputed from the same records and seed, so it comes out the same.
 * Randomness is seeded per purpose: the holdout depends only on the outcome set and seed, so every
 * model audited with them is evaluated on the same pairs.
 */
import { Rng } from '../core/rng.js';
import type { RunConfig } from '../core/run-config.js';
import type { OutcomeId, UtilityFit } from '../core/types.js';
import { expandPair, type PlannedPair, type RequestIdentity } from '../elicitation/comparisons.js';
import { pairKey } from '../elicitation/tally.js';
import { initialPairs, sampleTriads, selectHoldoutPairs, selectNextPairs, triadPairs } from '../elicitation/index.js';

/** The request identity (everything but the pair) that enters every comparison key. */
export function requestIdentity(config: RunConfig): RequestIdentity {
  return {
    modelSpec: config.modelSpec,
    templateHash: config.template.hash,
    system: config.system,
    temperature: config.temperature,
    maxTokens: config.maxTokens,
    mode: config.mode,
  };
}

/** Orders a pair as the outcome set does, so `a` precedes `b`. */
function canonical(index: ReadonlyMap<OutcomeId, number>, x: OutcomeId, y: OutcomeId): [OutcomeId, OutcomeId] {
  return (index.get(x) ?? 0) <= (index.get(y) ?? 0) ? [x, y] : [y, x];
}

function expand(config: RunConfig, index: ReadonlyMap<OutcomeId, number>, pairs: readonly (readonly [OutcomeId, OutcomeId])[], round: number, holdout: boolean): PlannedPair[] {
  const identity = requestIdentity(config);
  return pairs.map(([x, y]) => {
    const [a, b] = canonical(index, x, y);
    return expandPair(identity, a, b, round, config.samplesPerOrder, holdout);
  });
}

/** The rng for a purpose; a function of the seed and the purpose only. */
export function purposeRng(config: RunConfig, purpose: string): Rng {
  return new Rng(`${config.seed}|${config.outcomes.hash}|${purpose}`);
}

/** The probe's triads: a function of outcome set and seed only. */
export function probeTriads(config: RunConfig, ids: readonly OutcomeId[]): [OutcomeId, OutcomeId, OutcomeId][] {
  return sampleTriads(ids, config.probeTriads ?? 0, purposeRng(config, 'probe-triads'));
}

/** Round 0: holdout pairs and an initial random 2-regular graph (or, for the probe, every triad pair). */
export function planFirstRound(config: RunConfig, ids: readonly OutcomeId[]): PlannedPair[] {
  const index = new Map(ids.map((id, k) => [id, k] as const));
  if (config.kind === 'probe-transitivity') {
    return expand(config, index, triadPairs(probeTriads(config, ids)), 0, false);
  }
  const holdout = selectHoldoutPairs(ids, config.holdoutPairs, purposeRng(config, 'holdout'));
  const excluded = new Set(holdout.map(([x, y]) => pairKey(...canonical(index, x, y))));
  const initial = initialPairs(ids, purposeRng(config, 'initial'), excluded);
  return [...expand(config, index, holdout, 0, true), ...expand(config, index, initial, 0, false)];
}

/** Number of planned training (non-holdout) pairs. */
export function trainingPairCount(plan: readonly PlannedPair[]): number {
  let n = 0;
  for (const p of plan) if (!p.holdout) n++;
  return n;
}

/**
 * The next round after `plan`, given the current fit (undefined for `random`), or [] when the
 * budget is spent or no pair is left. Deterministic in (config, plan, fit).
 */
export function planNextRound(config: RunConfig, ids: readonly OutcomeId[], plan: readonly PlannedPair[], fit: UtilityFit | undefined): PlannedPair[] {
  if (config.kind !== 'utilities') return [];
  const remaining = config.pairBudget - trainingPairCount(plan);
  if (remaining <= 0) return [];
  const index = new Map(ids.map((id, k) => [id, k] as const));
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
  const pairs = selectNextPairs(
    { ids, asked, excluded, ...(fit ? { fit } : {}) },
    { strategy: config.strategy, count: Math.min(config.roundSize, remaining) },
    purposeRng(config, `round-${round}`),
  );
  return expand(config, index, pairs, round, false);
}

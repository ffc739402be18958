/**
 * Building an experiment's context from a run spec (docs/architecture.md §"Experiments"). Randomness
 * is seeded per purpose — `${seed}|${outcome-set hash}|${purpose}`, unchanged since 0.1.0 — so the
 * holdout depends only on the outcome set and seed, and every model audited with them is evaluated
 * on the same pairs.
 */
import { Rng } from '../core/rng.js';
import type { RunSpec } from '../core/run-spec.js';
import type { OutcomeId, OutcomeSet } from '../core/types.js';
import { expandPair, type PlannedPair, requestIdentity } from '../elicitation/comparisons.js';
import type { ExperimentContext } from './types.js';

/** The rng for a purpose; a function of the seed, the outcome set and the purpose only. */
export function purposeRng(spec: Pick<RunSpec, 'seed' | 'outcomes'>, purpose: string): Rng {
  return new Rng(`${spec.seed}|${spec.outcomes.hash}|${purpose}`);
}

/** The context every planning and analysis step of `spec`'s experiment sees. */
export function experimentContext<C>(spec: RunSpec, config: C, outcomeSet: OutcomeSet): ExperimentContext<C> {
  const ids = outcomeSet.outcomes.map((o) => o.id);
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const identity = requestIdentity(spec);
  // Pairs are stored in the outcome set's order, so `a` precedes `b` whatever order a strategy chose.
  const canonical = (x: OutcomeId, y: OutcomeId): [OutcomeId, OutcomeId] => ((index.get(x) ?? 0) <= (index.get(y) ?? 0) ? [x, y] : [y, x]);
  return {
    spec,
    config,
    outcomeSet,
    ids,
    rng: (purpose) => purposeRng(spec, purpose),
    expand: (pairs, round, holdout, samples): PlannedPair[] =>
      pairs.map(([x, y]) => {
        const [a, b] = canonical(x, y);
        return expandPair(identity, a, b, round, samples?.count ?? spec.sampling.samplesPerOrder, holdout, samples?.first ?? 0);
      }),
  };
}

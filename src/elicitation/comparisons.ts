/**
 * Turning planned pairs into keyed comparisons (DESIGN.md `Comparison`). The key is a content hash
 * of everything that determines what the model was asked — model spec, template, system prompt,
 * generation parameters, the pair, the order and the sample index — so a resumed run recognises
 * answered requests and never pays for them twice, and a changed setting never reuses old answers.
 */
import { hashCanonical } from '../core/canonical-json.js';
import type { Comparison, OutcomeId, PresentationOrder } from '../core/types.js';

/** How preferences are read: K sampled completions per order, or one log-probability call per order. */
export type ElicitationMode = 'sampling' | 'logprobs';

/** Everything besides the pair that makes two requests the same request. */
export interface RequestIdentity {
  readonly modelSpec: string;
  readonly templateHash: string;
  readonly system: string | undefined;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly mode: ElicitationMode;
}

/** The identity of one request; stable across processes and machines. */
export function comparisonKey(identity: RequestIdentity, a: OutcomeId, b: OutcomeId, order: PresentationOrder, sample: number): string {
  return hashCanonical({ ...identity, system: identity.system ?? null, a, b, order, sample }, 24);
}

/** One planned unordered pair and the comparisons it expands to; one line of plan.jsonl. */
export interface PlannedPair {
  readonly round: number;
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  /** Held-out pairs are asked like the others but never used for selection or training. */
  readonly holdout: boolean;
  readonly comparisons: readonly Comparison[];
}

/**
 * Expands a pair into its comparisons: both orders (METHOD.md §2), `samplesPerOrder` each.
 * `a` must precede `b` in the outcome set's order (callers pass index-sorted pairs).
 */
export function expandPair(
  identity: RequestIdentity,
  a: OutcomeId,
  b: OutcomeId,
  round: number,
  samplesPerOrder: number,
  holdout: boolean,
): PlannedPair {
  const comparisons: Comparison[] = [];
  for (const order of ['ab', 'ba'] as const) {
    for (let sample = 0; sample < samplesPerOrder; sample++) {
      comparisons.push({ key: comparisonKey(identity, a, b, order, sample), a, b, order, sample, round });
    }
  }
  return { round, a, b, holdout, comparisons };
}

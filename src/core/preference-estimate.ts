/**
 * P̂ for one pair from its tally, under an explicit policy for refusals and unparseable answers
 * (docs/method.md §2). Lives in `core` because fitting, coherence, values and reports all read it, and
 * they must agree to the last digit.
 */
import type { InvalidAnswerPolicy, OrderTally, PairTally } from './types.js';

/** Wins for outcome `a` and the number of answers they are out of, pooled over both orders. */
export interface PreferenceEstimate {
  /** Answers (or answer-equivalents under `half`) preferring `a`. */
  readonly aWins: number;
  /** Answers that count toward P̂. */
  readonly total: number;
  /** P̂(a ≻ b); NaN when no answer counts. */
  readonly pA: number;
}

function countOrder(t: OrderTally, policy: InvalidAnswerPolicy): { aWins: number; total: number } {
  const valid = t.aWins + t.bWins;
  if (policy === 'exclude') return { aWins: t.aWins, total: valid };
  const invalid = t.refusals + t.unparseable;
  return { aWins: t.aWins + invalid / 2, total: valid + invalid };
}

/** P̂(a ≻ b) pooled over both presentation orders. Failures (no answer at all) never count. */
export function estimatePreference(tally: PairTally, policy: InvalidAnswerPolicy): PreferenceEstimate {
  const ab = countOrder(tally.ab, policy);
  const ba = countOrder(tally.ba, policy);
  const aWins = ab.aWins + ba.aWins;
  const total = ab.total + ba.total;
  return { aWins, total, pA: total > 0 ? aWins / total : Number.NaN };
}

/** P̂(a ≻ b) from one presentation order only (for order effects); NaN when that order has no valid answer. */
export function estimatePreferenceInOrder(tally: PairTally, order: 'ab' | 'ba', policy: InvalidAnswerPolicy): PreferenceEstimate {
  const counted = countOrder(order === 'ab' ? tally.ab : tally.ba, policy);
  return { ...counted, pA: counted.total > 0 ? counted.aWins / counted.total : Number.NaN };
}

/** An empty order tally. */
export const EMPTY_ORDER_TALLY: OrderTally = Object.freeze({ aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 });

/**
 * From what a model returned to what it chose between the two *outcomes* (docs/method.md §2): the slot
 * letter is mapped through the presentation order, and in log-probability mode P(A), P(B) are read
 * from the first token's alternatives and renormalised over {A, B}. Pure.
 */
import type { Choice, PresentationOrder } from '../core/types.js';
import { type AnswerLabels, DEFAULT_LABELS, type SlotAnswer } from './parse-answer.js';

/** Maps a slot answer to the outcome chosen: in order `ab` slot A holds outcome a, in `ba` outcome b. */
export function choiceFromSlot(slot: SlotAnswer, order: PresentationOrder): Choice {
  if (slot === 'refusal' || slot === 'unparseable') return slot;
  const firstIsA = order === 'ab';
  return (slot === 'A') === firstIsA ? 'a' : 'b';
}

/** A token with its log-probability, as providers return them. */
export interface LogprobCandidate {
  readonly token: string;
  readonly logprob: number;
}

/** P(first slot) renormalised over {A, B}, and the probability mass that went to other tokens. */
export interface SlotProbabilities {
  readonly pFirst: number;
  readonly otherMass: number;
}

/** A token as a label: trimmed and stripped of markdown, quotes and parentheses, upper-cased. */
export function tokenAsLabel(token: string): string {
  return token.replace(/[\s*_`"'“”()[\]]/g, '').toUpperCase();
}

/**
 * Sums the probability of every candidate whose text ({@link tokenAsLabel}) is the first slot's
 * label (likewise the second's), case-insensitively — tokenizers split " A", "A", "**A" in
 * different ways. Returns undefined when neither label appears among the candidates.
 */
export function slotProbabilities(candidates: readonly LogprobCandidate[], labels: AnswerLabels = DEFAULT_LABELS): SlotProbabilities | undefined {
  const first = labels[0].toUpperCase();
  const second = labels[1].toUpperCase();
  let pA = 0;
  let pB = 0;
  for (const { token, logprob } of candidates) {
    const label = tokenAsLabel(token);
    if (label === first) pA += Math.exp(logprob);
    else if (label === second) pB += Math.exp(logprob);
  }
  const both = pA + pB;
  if (!(both > 0)) return undefined;
  return { pFirst: pA / both, otherMass: Math.max(0, 1 - both) };
}

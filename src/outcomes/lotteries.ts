/**
 * Lotteries in an outcome set (docs/method.md §9.1): which fields a plain outcome and a lottery may
 * have, and the checks on a lottery's branches. A lottery names at least two branches, each an
 * outcome of the same set that is not itself a lottery, with probabilities in (0, 1) summing to 1
 * (± 1e-9). Its probabilities are `shown` (an explicit lottery: its text is worded from the branches
 * unless the set gives one) or `hidden` (an implicit lottery: the set's text describes an uncertain
 * event and never states them). Every problem is a one-line `outcomes-invalid` error naming the
 * file and the field. Pure.
 */
import { quote, UtilscopeError } from '../core/errors.js';
import type { LotteryBranch } from '../core/types.js';
import { DEFAULT_LOTTERY_WORDING, renderLottery } from './lottery-wording.js';
import { nearestName } from './nearest-name.js';

/** How far from 1 a lottery's probabilities may sum. */
export const PROBABILITY_SUM_TOLERANCE = 1e-9;

/** An entry of the set's `outcomes` array as the schema lets it through. */
interface RawEntry {
  readonly id: string;
  readonly kind?: 'lottery' | undefined;
  readonly text?: string | undefined;
  readonly values?: Readonly<Record<string, number>> | undefined;
  readonly quantity?: unknown;
  readonly branches?: readonly LotteryBranch[] | undefined;
  readonly probabilities?: 'shown' | 'hidden' | undefined;
  readonly note?: string | undefined;
}

/** What an entry becomes beyond its plain fields: its text, and for a lottery its lottery fields. */
export interface CheckedKind {
  readonly text: string;
  readonly lottery?: { readonly kind: 'lottery'; readonly branches: readonly LotteryBranch[]; readonly probabilities: 'shown' | 'hidden'; readonly note?: string };
}

/** Checks every entry's fields for its kind and every lottery's branches; returns texts and lottery fields by index. */
export function checkOutcomeKinds(entries: readonly RawEntry[], file: string): CheckedKind[] {
  const fail = (message: string, field: string): never => {
    throw new UtilscopeError('outcomes-invalid', message, { file, field });
  };
  const byId = new Map(entries.map((e, k) => [e.id, k] as const));
  const ids = [...byId.keys()];
  return entries.map((entry, index) => {
    const at = `outcomes[${index}]`;
    if (entry.kind !== 'lottery') {
      for (const field of ['branches', 'probabilities', 'note'] as const) {
        if (entry[field] !== undefined) fail(`only a lottery has ${quote(field)} (add "kind": "lottery")`, `${at}.${field}`);
      }
      if (entry.text === undefined) fail('is required', `${at}.text`);
      return { text: entry.text as string };
    }
    for (const field of ['values', 'quantity'] as const) {
      if (entry[field] !== undefined) fail(`a lottery has no ${quote(field)} of its own: its value comes from its branches`, `${at}.${field}`);
    }
    const branches = entry.branches ?? fail('a lottery needs "branches"', `${at}.branches`);
    if (branches.length < 2) fail(`a lottery needs at least 2 branches, found ${branches.length}`, `${at}.branches`);
    branches.forEach((branch, k) => {
      const where = `${at}.branches[${k}].outcome`;
      const target = byId.get(branch.outcome);
      if (target === undefined) {
        const near = nearestName(branch.outcome, ids);
        fail(`unknown outcome id ${quote(branch.outcome)}${near !== undefined ? ` (did you mean ${quote(near)}?)` : ''}`, where);
      }
      if (target === index) fail('a lottery cannot be a branch of itself', where);
      if (entries[target as number]?.kind === 'lottery') fail(`${quote(branch.outcome)} is itself a lottery; a branch must be a plain outcome`, where);
    });
    const sum = branches.reduce((s, b) => s + b.probability, 0);
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) fail(`branch probabilities sum to ${+sum.toPrecision(12)}, not 1`, `${at}.branches`);
    const probabilities = entry.probabilities ?? (entry.text !== undefined ? 'hidden' : 'shown');
    if (probabilities === 'hidden' && entry.text === undefined) fail('a lottery with hidden probabilities needs a "text" describing its uncertain event', `${at}.text`);
    const text =
      entry.text ??
      renderLottery(
        DEFAULT_LOTTERY_WORDING,
        branches.map((b) => ({ text: entries[byId.get(b.outcome) as number]?.text ?? '', probability: b.probability })),
      );
    return {
      text,
      lottery: { kind: 'lottery', branches: branches.map((b) => ({ outcome: b.outcome, probability: b.probability })), probabilities, ...(entry.note !== undefined ? { note: entry.note } : {}) },
    };
  });
}

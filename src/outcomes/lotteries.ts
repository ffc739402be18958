/**
 * Lotteries in an outcome set (docs/method.md §9.1): which fields a plain outcome and a lottery may
 * have, and the checks on a lottery's branches. A lottery names at least two branches, each an
 * outcome of the same set that is not itself a lottery, with probabilities in (0, 1) summing to 1
 * (± 1e-9). Its probabilities are `shown` (an explicit lottery: its text is worded from the branches
 * unless the set gives one) or `hidden` (an implicit lottery: the set's text describes an uncertain
 * event and never states them). Every problem is reported through `report` with its field path
 * (parse.ts collects them, so `outcomes validate` lists them all). Pure.
 */
import { quote } from '../core/errors.js';
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

/**
 * Checks every entry's fields for its kind and every lottery's branches, reporting each problem
 * with its path; returns each valid entry's text and lottery fields by index (undefined for an
 * entry that is missing or has a problem here).
 */
export function checkOutcomeKinds(entries: readonly (RawEntry | undefined)[], report: (path: readonly PropertyKey[], message: string) => void): (CheckedKind | undefined)[] {
  const byId = new Map<string, number>();
  entries.forEach((e, k) => {
    if (e !== undefined && !byId.has(e.id)) byId.set(e.id, k);
  });
  const ids = [...byId.keys()];
  return entries.map((entry, index): CheckedKind | undefined => {
    if (entry === undefined) return undefined;
    const at = (...rest: PropertyKey[]) => ['outcomes', index, ...rest];
    let ok = true;
    const fail = (path: readonly PropertyKey[], message: string) => {
      report(path, message);
      ok = false;
    };
    if (entry.kind !== 'lottery') {
      for (const field of ['branches', 'probabilities', 'note'] as const) {
        if (entry[field] !== undefined) fail(at(field), `only a lottery has ${quote(field)} (add "kind": "lottery")`);
      }
      if (entry.text === undefined) fail(at('text'), 'is required');
      return ok ? { text: entry.text as string } : undefined;
    }
    for (const field of ['values', 'quantity'] as const) {
      if (entry[field] !== undefined) fail(at(field), `a lottery has no ${quote(field)} of its own: its value comes from its branches`);
    }
    const branches = entry.branches ?? [];
    if (entry.branches === undefined) fail(at('branches'), 'a lottery needs "branches"');
    else if (branches.length < 2) fail(at('branches'), `a lottery needs at least 2 branches, found ${branches.length}`);
    branches.forEach((branch, k) => {
      const where = at('branches', k, 'outcome');
      const target = byId.get(branch.outcome);
      if (target === undefined) {
        const near = nearestName(branch.outcome, ids);
        fail(where, `unknown outcome id ${quote(branch.outcome)}${near !== undefined ? ` (did you mean ${quote(near)}?)` : ''}`);
      } else if (target === index) fail(where, 'a lottery cannot be a branch of itself');
      else if (entries[target]?.kind === 'lottery') fail(where, `${quote(branch.outcome)} is itself a lottery; a branch must be a plain outcome`);
    });
    const sum = branches.reduce((s, b) => s + b.probability, 0);
    if (branches.length >= 2 && Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) fail(at('branches'), `branch probabilities sum to ${+sum.toPrecision(12)}, not 1`);
    const probabilities = entry.probabilities ?? (entry.text !== undefined ? 'hidden' : 'shown');
    if (probabilities === 'hidden' && entry.text === undefined) fail(at('text'), 'a lottery with hidden probabilities needs a "text" describing its uncertain event');
    if (!ok) return undefined;
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

/**
 * Explicit lotteries generated from an outcome set by seed (docs/method.md §9.1), after the
 * published protocol: half with two branches and half with three, probabilities drawn uniformly,
 * normalised and rounded to whole percent (at least 1% each), branches distinct plain outcomes drawn
 * uniformly. Every fifth lottery is a money lottery over the set's `usd` rungs when it has at least
 * three, so certainty equivalents can be read off the money ladder. Pure given the rng.
 */
import { UtilscopeError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { isLottery, type LotteryOutcome, type Outcome, type OutcomeSet } from '../../core/types.js';
import { type LotteryWording, renderLottery } from '../../outcomes/lottery-wording.js';
import { quantityDirection } from '../../outcomes/units.js';

/** Whole percentages from positive weights: proportional, largest remainders first, each at least 1, summing to 100. */
export function wholePercents(weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (100 * w) / total);
  const out = exact.map((x) => Math.max(1, Math.floor(x)));
  let left = 100 - out.reduce((s, x) => s + x, 0);
  const byRemainder = exact.map((x, k) => [x - Math.floor(x), k] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let t = 0; left > 0; t = (t + 1) % out.length, left--) {
    const k = byRemainder[t]?.[1] as number;
    out[k] = (out[k] as number) + 1;
  }
  // A weight below 1% was raised to 1: take the excess from the largest shares.
  while (left < 0) {
    const largest = out.indexOf(Math.max(...out));
    out[largest] = (out[largest] as number) - 1;
    left++;
  }
  return out;
}

/** The money rungs a money lottery may use: `usd` outcomes whose unit is a gain. */
function moneyRungs(set: OutcomeSet): Outcome[] {
  return set.outcomes.filter((o) => !isLottery(o) && o.quantity !== undefined && o.quantity.unit === 'usd' && quantityDirection('usd', set) === 1);
}

/** `count` lotteries over the plain outcomes of `set`, worded by `wording`; ids `lottery-001`… (prefixed further if the set uses them). */
export function generateLotteries(set: OutcomeSet, count: number, wording: LotteryWording, rng: Rng): LotteryOutcome[] {
  const plain = set.outcomes.filter((o) => !isLottery(o));
  if (count > 0 && plain.length < 3)
    throw new UtilscopeError('outcomes-invalid', `generating lotteries needs at least 3 outcomes that are not lotteries, found ${plain.length}`, { field: '--lotteries' });
  const money = moneyRungs(set);
  const taken = new Set(set.outcomes.map((o) => o.id));
  const texts = new Set(set.outcomes.map((o) => o.text.toLowerCase()));
  let prefix = 'lottery';
  while (set.outcomes.some((o) => o.id.startsWith(`${prefix}-`))) prefix = `generated-${prefix}`;
  const out: LotteryOutcome[] = [];
  for (let k = 0; out.length < count; k++) {
    const size = out.length % 2 === 0 ? 2 : 3;
    const pool = out.length % 5 === 4 && money.length >= 3 ? money : plain;
    const picked = rng.shuffled(pool).slice(0, size);
    const percents = wholePercents(picked.map(() => rng.next() + Number.EPSILON));
    const branches = picked.map((o, b) => ({ outcome: o.id, probability: (percents[b] as number) / 100 }));
    const text = renderLottery(
      wording,
      picked.map((o, b) => ({ text: o.text, probability: branches[b]?.probability as number })),
    );
    // The stored set must parse again on resume, and the parser refuses duplicate texts.
    if (texts.has(text.toLowerCase())) {
      if (k > 100 * count) throw new UtilscopeError('outcomes-invalid', `cannot generate ${count} distinct lotteries from ${plain.length} outcomes`, { field: '--lotteries' });
      continue;
    }
    texts.add(text.toLowerCase());
    const id = `${prefix}-${String(out.length + 1).padStart(3, '0')}`;
    if (taken.has(id)) throw new UtilscopeError('internal', `generated lottery id ${id} is taken`);
    out.push({ id, text, clusters: [], kind: 'lottery', branches, probabilities: 'shown' });
  }
  return out;
}

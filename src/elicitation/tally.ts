/**
 * From raw records to per-pair counts, and from counts to the typed arrays the fit consumes
 * (docs/architecture.md §"The pipeline as data" (`PairTally`)). Pure.
 */
import { estimatePreference } from '../core/preference-estimate.js';
import type { InvalidAnswerPolicy, OrderTally, OutcomeId, PackedPairs, PairTally, PreferenceRecord } from '../core/types.js';

/** Canonical string key of an unordered pair as stored (a before b). */
export function pairKey(a: OutcomeId, b: OutcomeId): string {
  return `${a}\u0000${b}`;
}

interface MutableOrderTally {
  aWins: number;
  bWins: number;
  refusals: number;
  unparseable: number;
  failures: number;
}

function emptyOrder(): MutableOrderTally {
  return { aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 };
}

/** What one record counts as, as a small number: its order (bit 0) and which count it adds to (the rest). */
const COUNT_FAILURE = 0;
const COUNT_PROBABILITY = 1;
const COUNT_A = 2;
const COUNT_B = 3;
const COUNT_REFUSAL = 4;
const COUNT_UNPARSEABLE = 5;
const COUNT_OF_CHOICE = { a: COUNT_A, b: COUNT_B, refusal: COUNT_REFUSAL, unparseable: COUNT_UNPARSEABLE } as const;

function countOf(record: PreferenceRecord): number {
  const order = record.order === 'ab' ? 0 : 1;
  if (record.kind === 'failure') return COUNT_FAILURE * 2 + order;
  if (record.pFirst !== undefined) return COUNT_PROBABILITY * 2 + order;
  return COUNT_OF_CHOICE[record.choice] * 2 + order;
}

/**
 * Counts records per unordered pair and order. When a key has several records (a failure later
 * retried on resume), the last one wins, so nothing is counted twice. Log-probability answers add
 * their probability as a fractional win (times their `weight`, when imported with one); sampled
 * answers add 1 to one side.
 * Pairs come out sorted by pair key.
 *
 * One pass over `records`, which may be read from disk as they come (store `streamRecords`): of each
 * key only what its latest record counts as is kept, as three numbers, so the memory is the keys'
 * and the pairs', not the records' (issue #21). Counts are added in the order of each key's first
 * record, as when the latest records were kept by key, so fractional sums come out the same.
 */
export function tallyRecords(records: Iterable<PreferenceRecord>): PairTally[] {
  const slotOfKey = new Map<string, number>();
  const pairOfId = new Map<string, number>();
  const pairs: [OutcomeId, OutcomeId][] = [];
  // Per key (its slot, in first-seen order): the pair, what it counts as, and P(first) for log-probability answers.
  const pairOfSlot: number[] = [];
  const countOfSlot: number[] = [];
  const pFirstOfSlot: number[] = [];
  const weightOfSlot: number[] = [];
  // Records of one pair mostly come one after another (K samples, two orders): the last pair is reused.
  let lastA: OutcomeId | undefined;
  let lastB: OutcomeId | undefined;
  let lastPair = -1;
  for (const record of records) {
    let pair = lastPair;
    if (record.a !== lastA || record.b !== lastB) {
      const id = pairKey(record.a, record.b);
      const known = pairOfId.get(id);
      if (known === undefined) {
        pair = pairs.length;
        pairOfId.set(id, pair);
        pairs.push([record.a, record.b]);
      } else pair = known;
      lastA = record.a;
      lastB = record.b;
      lastPair = pair;
    }
    let slot = slotOfKey.get(record.key);
    if (slot === undefined) {
      slot = pairOfSlot.length;
      slotOfKey.set(record.key, slot);
    }
    pairOfSlot[slot] = pair;
    countOfSlot[slot] = countOf(record);
    pFirstOfSlot[slot] = record.kind === 'answer' && record.pFirst !== undefined ? record.pFirst : 0;
    weightOfSlot[slot] = record.kind === 'answer' ? (record.weight ?? 1) : 1;
  }
  const byPair = new Map<number, { ab: MutableOrderTally; ba: MutableOrderTally }>();
  for (let slot = 0; slot < pairOfSlot.length; slot++) {
    const pair = pairOfSlot[slot] as number;
    let entry = byPair.get(pair);
    if (!entry) {
      entry = { ab: emptyOrder(), ba: emptyOrder() };
      byPair.set(pair, entry);
    }
    const code = countOfSlot[slot] as number;
    const ab = (code & 1) === 0;
    const t = ab ? entry.ab : entry.ba;
    switch (code >> 1) {
      case COUNT_FAILURE:
        t.failures += 1;
        break;
      case COUNT_PROBABILITY: {
        // P(first slot) → P(outcome a): a is first in order ab, second in order ba. An imported
        // weighted probability stands for `weight` answers (docs/method.md §2.8).
        const pFirst = pFirstOfSlot[slot] as number;
        const weight = weightOfSlot[slot] as number;
        const pa = ab ? pFirst : 1 - pFirst;
        t.aWins += weight * pa;
        t.bWins += weight * (1 - pa);
        break;
      }
      case COUNT_A:
        t.aWins += 1;
        break;
      case COUNT_B:
        t.bWins += 1;
        break;
      case COUNT_REFUSAL:
        t.refusals += 1;
        break;
      case COUNT_UNPARSEABLE:
        t.unparseable += 1;
        break;
    }
  }
  // Sorted by pair, so everything downstream (fit summation order, seeded floors) depends on the
  // records' content only, not on the order in which concurrent answers happened to arrive.
  return [...byPair.entries()]
    .map(([pair, e]) => ({ id: pairKey(...(pairs[pair] as [OutcomeId, OutcomeId])), pair: pairs[pair] as [OutcomeId, OutcomeId], e }))
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .map(({ pair: [a, b], e }) => ({ a, b, ab: freeze(e.ab), ba: freeze(e.ba) }));
}

function freeze(t: MutableOrderTally): OrderTally {
  return { aWins: t.aWins, bWins: t.bWins, refusals: t.refusals, unparseable: t.unparseable, failures: t.failures };
}

/**
 * Packs tallies into typed arrays over outcome indices for fitting. Pairs with no counted answer
 * under `policy` are left out (they carry no information). Unknown ids are a programming error.
 */
export function packTallies(tallies: readonly PairTally[], ids: readonly OutcomeId[], policy: InvalidAnswerPolicy): PackedPairs {
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const is: number[] = [];
  const js: number[] = [];
  const wins: number[] = [];
  const totals: number[] = [];
  for (const tally of tallies) {
    const estimate = estimatePreference(tally, policy);
    if (!(estimate.total > 0)) continue;
    const i = index.get(tally.a);
    const j = index.get(tally.b);
    if (i === undefined || j === undefined) throw new RangeError(`packTallies: pair ${tally.a}/${tally.b} is not in the outcome list`);
    is.push(i);
    js.push(j);
    wins.push(estimate.aWins);
    totals.push(estimate.total);
  }
  return {
    outcomeCount: ids.length,
    i: Int32Array.from(is),
    j: Int32Array.from(js),
    wins: Float64Array.from(wins),
    total: Float64Array.from(totals),
  };
}

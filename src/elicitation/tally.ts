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

/**
 * Counts records per unordered pair and order. When a key has several records (a failure later
 * retried on resume), the last one wins, so nothing is counted twice. Log-probability answers add
 * their probability as a fractional win (times their `weight`, when imported with one); sampled
 * answers add 1 to one side.
 * Pairs come out sorted by pair key.
 */
export function tallyRecords(records: Iterable<PreferenceRecord>): PairTally[] {
  const latest = new Map<string, PreferenceRecord>();
  for (const record of records) latest.set(record.key, record);
  const byPair = new Map<string, { a: OutcomeId; b: OutcomeId; ab: MutableOrderTally; ba: MutableOrderTally }>();
  for (const record of latest.values()) {
    const id = pairKey(record.a, record.b);
    let entry = byPair.get(id);
    if (!entry) {
      entry = { a: record.a, b: record.b, ab: emptyOrder(), ba: emptyOrder() };
      byPair.set(id, entry);
    }
    const t = record.order === 'ab' ? entry.ab : entry.ba;
    if (record.kind === 'failure') {
      t.failures += 1;
      continue;
    }
    if (record.pFirst !== undefined) {
      // P(first slot) → P(outcome a): a is first in order ab, second in order ba. An imported
      // weighted probability stands for `weight` answers (docs/method.md §2.8).
      const pa = record.order === 'ab' ? record.pFirst : 1 - record.pFirst;
      const weight = record.weight ?? 1;
      t.aWins += weight * pa;
      t.bWins += weight * (1 - pa);
      continue;
    }
    switch (record.choice) {
      case 'a':
        t.aWins += 1;
        break;
      case 'b':
        t.bWins += 1;
        break;
      case 'refusal':
        t.refusals += 1;
        break;
      case 'unparseable':
        t.unparseable += 1;
        break;
    }
  }
  // Sorted by pair, so everything downstream (fit summation order, seeded floors) depends on the
  // records' content only, not on the order in which concurrent answers happened to arrive.
  return [...byPair.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, e]) => ({ a: e.a, b: e.b, ab: freeze(e.ab), ba: freeze(e.ba) }));
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

/**
 * The design that coherence measures, floors and redraws (docs/method.md §5.11–5.12): the asked
 * pairs with their valid answers per presentation order, as typed arrays, and the pair graph's
 * adjacency in compressed sparse rows, built once per design and read by every simulation, the
 * triangle sweep and the majority-graph metrics without allocating.
 *
 * Pure. Building costs O(pairs + outcomes) time and about 100 bytes per pair.
 */
import { estimatePreference } from '../core/preference-estimate.js';
import type { InvalidAnswerPolicy, OutcomeId, PairTally } from '../core/types.js';

/** Asked pairs k = 0 … pairs − 1, in the order of the tallies (outcome indices a, b). */
export interface CoherenceDesign {
  readonly outcomeCount: number;
  readonly pairs: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** P̂(a ≻ b) under the run's policy (docs/method.md §2.6), and the answers behind it. */
  readonly estimate: Float64Array;
  readonly answers: Float64Array;
  /** Valid answers per order, rounded to whole answers: what the floors and the bootstrap redraw. */
  readonly validAB: Float64Array;
  readonly validBA: Float64Array;
  /** Observed share of valid answers choosing a, per order (½ without valid answers): the bootstrap's respondent. */
  readonly shareAB: Float64Array;
  readonly shareBA: Float64Array;
  /** Invalid answers counted under the `half` policy (wins for a, answers), kept fixed by the bootstrap. */
  readonly fixedWins: Float64Array;
  readonly fixedTotal: Float64Array;
}

/**
 * The design of `tallies` (pairs without any answer under the policy, or naming an outcome outside
 * `index`, are left out, as in every coherence number). O(pairs).
 */
export function designFromTallies(tallies: readonly PairTally[], index: ReadonlyMap<OutcomeId, number>, policy: InvalidAnswerPolicy): CoherenceDesign {
  const kept: number[] = [];
  const estimates: number[] = [];
  const totals: number[] = [];
  tallies.forEach((t, k) => {
    const e = estimatePreference(t, policy);
    if (!(e.total > 0) || !index.has(t.a) || !index.has(t.b)) return;
    kept.push(k);
    estimates.push(e.pA);
    totals.push(e.total);
  });
  const pairs = kept.length;
  const design = emptyDesign(index.size, pairs);
  kept.forEach((k, j) => {
    const t = tallies[k] as PairTally;
    const validAB = t.ab.aWins + t.ab.bWins;
    const validBA = t.ba.aWins + t.ba.bWins;
    const invalid = policy === 'half' ? t.ab.refusals + t.ab.unparseable + t.ba.refusals + t.ba.unparseable : 0;
    design.a[j] = index.get(t.a) as number;
    design.b[j] = index.get(t.b) as number;
    design.estimate[j] = estimates[j] as number;
    design.answers[j] = totals[j] as number;
    design.validAB[j] = Math.round(validAB);
    design.validBA[j] = Math.round(validBA);
    design.shareAB[j] = validAB > 0 ? t.ab.aWins / validAB : 0.5;
    design.shareBA[j] = validBA > 0 ? t.ba.aWins / validBA : 0.5;
    design.fixedWins[j] = invalid / 2;
    design.fixedTotal[j] = invalid;
  });
  return design;
}

function emptyDesign(outcomeCount: number, pairs: number) {
  return {
    outcomeCount,
    pairs,
    a: new Int32Array(pairs),
    b: new Int32Array(pairs),
    estimate: new Float64Array(pairs),
    answers: new Float64Array(pairs),
    validAB: new Float64Array(pairs),
    validBA: new Float64Array(pairs),
    shareAB: new Float64Array(pairs),
    shareBA: new Float64Array(pairs),
    fixedWins: new Float64Array(pairs),
    fixedTotal: new Float64Array(pairs),
  };
}

/**
 * The design restricted to the pairs among `members` (ascending outcome indices), renumbered
 * 0 … members.length − 1 in that order: a cluster's design (docs/method.md §5.13). O(pairs).
 */
export function subDesign(design: CoherenceDesign, members: readonly number[]): CoherenceDesign {
  const local = new Int32Array(design.outcomeCount).fill(-1);
  members.forEach((m, j) => (local[m] = j));
  const kept: number[] = [];
  for (let k = 0; k < design.pairs; k++) if ((local[design.a[k] as number] as number) >= 0 && (local[design.b[k] as number] as number) >= 0) kept.push(k);
  const sub = emptyDesign(members.length, kept.length);
  kept.forEach((k, j) => {
    sub.a[j] = local[design.a[k] as number] as number;
    sub.b[j] = local[design.b[k] as number] as number;
    sub.estimate[j] = design.estimate[k] as number;
    sub.answers[j] = design.answers[k] as number;
    sub.validAB[j] = design.validAB[k] as number;
    sub.validBA[j] = design.validBA[k] as number;
    sub.shareAB[j] = design.shareAB[k] as number;
    sub.shareBA[j] = design.shareBA[k] as number;
    sub.fixedWins[j] = design.fixedWins[k] as number;
    sub.fixedTotal[j] = design.fixedTotal[k] as number;
  });
  return sub;
}

/**
 * The pair graph in compressed sparse rows, twice: outcome v's incident pairs are slots
 * `start[v]` … `start[v + 1] − 1`, with the other outcome in `neighbour` and the pair in `pair`.
 * - `byNeighbour*`: each row sorted by neighbour (the triangle sweep intersects rows; a
 *   breadth-first search visits out-neighbours in ascending index order);
 * - `byPair*`: each row sorted by pair index (the feedback-arc ordering processes a node's edges
 *   in the order the pairs were listed, as it always has).
 */
export interface DesignGraph {
  readonly outcomeCount: number;
  readonly start: Int32Array;
  readonly byNeighbourNeighbour: Int32Array;
  readonly byNeighbourPair: Int32Array;
  readonly byPairNeighbour: Int32Array;
  readonly byPairPair: Int32Array;
}

/** Builds the `DesignGraph` of a design. O(pairs + outcomes) by counting sorts. */
export function designGraph(design: CoherenceDesign): DesignGraph {
  const n = design.outcomeCount;
  const start = new Int32Array(n + 1);
  for (let k = 0; k < design.pairs; k++) {
    start[(design.a[k] as number) + 1] = (start[(design.a[k] as number) + 1] as number) + 1;
    start[(design.b[k] as number) + 1] = (start[(design.b[k] as number) + 1] as number) + 1;
  }
  for (let v = 0; v < n; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number);
  const slots = 2 * design.pairs;
  const byPairNeighbour = new Int32Array(slots);
  const byPairPair = new Int32Array(slots);
  const fill = start.slice(0, n);
  // Pairs in index order: each row comes out sorted by pair.
  for (let k = 0; k < design.pairs; k++) {
    const a = design.a[k] as number;
    const b = design.b[k] as number;
    let s = fill[a] as number;
    fill[a] = s + 1;
    byPairNeighbour[s] = b;
    byPairPair[s] = k;
    s = fill[b] as number;
    fill[b] = s + 1;
    byPairNeighbour[s] = a;
    byPairPair[s] = k;
  }
  // By neighbour: a counting sort on the neighbour, visiting rows in order, keeps each row's slots grouped and sorted.
  const byNeighbourNeighbour = new Int32Array(slots);
  const byNeighbourPair = new Int32Array(slots);
  fill.set(start.subarray(0, n));
  for (let u = 0; u < n; u++) {
    for (let s = start[u] as number; s < (start[u + 1] as number); s++) {
      const v = byPairNeighbour[s] as number;
      // Slot s of row u names neighbour v; its mirror in row v names u. Visiting u in ascending order fills row v sorted by neighbour.
      const t = fill[v] as number;
      fill[v] = t + 1;
      byNeighbourNeighbour[t] = u;
      byNeighbourPair[t] = byPairPair[s] as number;
    }
  }
  return { outcomeCount: n, start, byNeighbourNeighbour, byNeighbourPair, byPairNeighbour, byPairPair };
}

/**
 * A 64-bit hash (two FNV-style 32-bit lanes over 32-bit words) of the outcome count, the pairs and
 * their valid answers per order: what a floor depends on besides its respondent, so the floors'
 * cache can find a design it has seen (`FloorCache` checks the arrays themselves on a hit). O(pairs).
 */
export function designFingerprint(design: CoherenceDesign): string {
  let h1 = 0x811c9dc5 ^ design.outcomeCount;
  let h2 = 0x9e3779b9 ^ design.pairs;
  for (const part of [design.a, design.b, design.validAB, design.validBA]) {
    const words = new Int32Array(part.buffer, part.byteOffset, part.byteLength >> 2);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as number;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  return `${design.outcomeCount}:${design.pairs}:${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}

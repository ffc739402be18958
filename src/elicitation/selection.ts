/**
 * Which pairs to ask (docs/method.md §4). Pure; all randomness from the Rng argument.
 *
 * - `selectHoldoutPairs`: a fixed, seeded set of held-out pairs, a function of (ids, count, seed)
 *   only, so every model audited on an outcome set with a seed is evaluated on the same pairs;
 * - `initialPairs`: a random 2-regular graph (a Hamiltonian cycle over a shuffled order), every
 *   outcome in exactly two pairs;
 * - `selectNextPairs`: the next round under a strategy:
 *     random       uniform over pairs not yet asked and not held out;
 *     paper        the published rule: among candidates, those in the bottom 10% of |μ_i − μ_j| and
 *                  the bottom 20% of degree sum, percentiles widened ×1.5 until enough qualify;
 *     uncertainty  ours: outcomes below a degree floor first, then pairs scored by
 *                  p(1 − p)·(se_i² + se_j²) — predicted preference near ½ and uncertain utilities.
 *   For large N the candidates are a random pool of unasked pairs (40 × count, or every pair when
 *   N(N−1)/2 is smaller), so a round costs O(pool) rather than O(N²).
 */
import type { Rng } from '../core/rng.js';
import type { OutcomeId, UtilityFit } from '../core/types.js';
import { inversePhi, Phi } from '../stats/normal.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { pairKey } from './tally.js';

/** Default number of held-out pairs: min(5% of all pairs, 1000) (docs/method.md §4). */
export function defaultHoldoutCount(n: number): number {
  return Math.min(Math.round((0.05 * n * (n - 1)) / 2), 1000);
}

/** Default training budget: ⌈2·N·log₂N⌉ pairs (docs/method.md §4). */
export function defaultPairBudget(n: number): number {
  return n < 2 ? 0 : Math.ceil(2 * n * Math.log2(n));
}

/** Decodes pair number p ∈ [0, N(N−1)/2) into (a, b) with a < b, row by row. */
function decodePair(p: number, n: number): [number, number] {
  let a = 0;
  let rowLength = n - 1;
  while (p >= rowLength) {
    p -= rowLength;
    a++;
    rowLength--;
  }
  return [a, a + 1 + p];
}

/** `count` distinct random pairs (index-ordered ids) avoiding `exclude`, without listing all pairs. */
function randomPairs(ids: readonly OutcomeId[], count: number, rng: Rng, exclude: ReadonlySet<string>): [OutcomeId, OutcomeId][] {
  const n = ids.length;
  const all = (n * (n - 1)) / 2;
  const chosen = new Set<string>();
  const out: [OutcomeId, OutcomeId][] = [];
  const available = all - exclude.size;
  const target = Math.min(count, Math.max(0, available));
  if (target <= 0) return out;
  if (target > all / 3) {
    // Dense request: shuffle every pair instead of rejection sampling.
    const everything: [OutcomeId, OutcomeId][] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) everything.push([ids[a] as OutcomeId, ids[b] as OutcomeId]);
    for (const pair of rng.shuffled(everything)) {
      if (out.length >= target) break;
      if (!exclude.has(pairKey(pair[0], pair[1]))) out.push(pair);
    }
    return out;
  }
  while (out.length < target) {
    const [a, b] = decodePair(rng.int(all), n);
    const key = pairKey(ids[a] as OutcomeId, ids[b] as OutcomeId);
    if (exclude.has(key) || chosen.has(key)) continue;
    chosen.add(key);
    out.push([ids[a] as OutcomeId, ids[b] as OutcomeId]);
  }
  return out;
}

/** A fixed, seeded set of `count` held-out pairs (ids in outcome-set order within each pair). */
export function selectHoldoutPairs(ids: readonly OutcomeId[], count: number, rng: Rng): [OutcomeId, OutcomeId][] {
  return randomPairs(ids, count, rng, new Set());
}

/** A random 2-regular graph on `ids` avoiding `exclude` where possible (N ≥ 3). */
export function initialPairs(ids: readonly OutcomeId[], rng: Rng, exclude: ReadonlySet<string> = new Set()): [OutcomeId, OutcomeId][] {
  const n = ids.length;
  if (n < 3) return n === 2 ? [[ids[0] as OutcomeId, ids[1] as OutcomeId]] : [];
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const canonical = (x: OutcomeId, y: OutcomeId): [OutcomeId, OutcomeId] => ((index.get(x) as number) < (index.get(y) as number) ? [x, y] : [y, x]);
  let best: [OutcomeId, OutcomeId][] = [];
  let bestClashes = Number.POSITIVE_INFINITY;
  // A cycle through a random order; retry a few times to avoid held-out pairs (rarely needed).
  for (let attempt = 0; attempt < 50 && bestClashes > 0; attempt++) {
    const order = rng.shuffled(ids);
    const cycle = order.map((id, k) => canonical(id, order[(k + 1) % n] as OutcomeId));
    const clashes = cycle.filter(([a, b]) => exclude.has(pairKey(a, b))).length;
    if (clashes < bestClashes) [best, bestClashes] = [cycle, clashes];
  }
  return best.filter(([a, b]) => !exclude.has(pairKey(a, b)));
}

/** What selection knows about the run so far. */
export interface SelectionState {
  readonly ids: readonly OutcomeId[];
  /** pairKey(a, b) → comparisons asked so far. */
  readonly asked: ReadonlyMap<string, number>;
  /** pairKeys never to select (held out). */
  readonly excluded: ReadonlySet<string>;
  /** Current fit (reporting gauge), matched by id. */
  readonly fit?: UtilityFit;
}

/** Which pair-selection rule plans rounds after the first (docs/method.md §4). */
export const SELECTION_STRATEGIES = ['random', 'paper', 'uncertainty'] as const;
export type SelectionStrategy = (typeof SELECTION_STRATEGIES)[number];

export interface SelectionOptions {
  readonly strategy: SelectionStrategy;
  /** New pairs wanted this round. */
  readonly count: number;
  /** `uncertainty`: every outcome reaches this many pairs before scores count (default 3). */
  readonly degreeFloor?: number;
}

interface Candidate {
  readonly a: number;
  readonly b: number;
}

function candidatePool(ids: readonly OutcomeId[], state: SelectionState, size: number, rng: Rng): Candidate[] {
  const blocked = new Set<string>([...state.excluded, ...state.asked.keys()]);
  const index = new Map(ids.map((id, k) => [id, k] as const));
  return randomPairs(ids, size, rng, blocked).map(([x, y]) => ({ a: index.get(x) as number, b: index.get(y) as number }));
}

function degrees(ids: readonly OutcomeId[], asked: ReadonlyMap<string, number>): Float64Array {
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const degree = new Float64Array(ids.length);
  for (const key of asked.keys()) {
    const [x, y] = key.split('\u0000') as [OutcomeId, OutcomeId];
    const a = index.get(x);
    const b = index.get(y);
    if (a !== undefined) degree[a] = (degree[a] as number) + 1;
    if (b !== undefined) degree[b] = (degree[b] as number) + 1;
  }
  return degree;
}

/** Fit values aligned with `ids` (0 / 1 where the fit lacks an outcome or gave it no utility). */
function alignedFit(ids: readonly OutcomeId[], fit: UtilityFit): { mean: Float64Array; spread: Float64Array } {
  const index = new Map(fit.ids.map((id, k) => [id, k] as const));
  const mean = new Float64Array(ids.length);
  const spread = new Float64Array(ids.length).fill(1);
  // An interval's width over 2z (z = Φ⁻¹(½ + level/2), 3.92 at 95%) as the utility's standard error when present, otherwise σ.
  const widthPerSe = fit.ci ? 2 * inversePhi(0.5 + fit.ci.level / 2) : 1;
  ids.forEach((id, t) => {
    const k = index.get(id);
    if (k === undefined || !Number.isFinite(fit.mean[k] as number)) return;
    mean[t] = fit.mean[k] as number;
    spread[t] = fit.ci ? ((fit.ci.high[k] as number) - (fit.ci.low[k] as number)) / widthPerSe : (fit.sd[k] as number);
  });
  return { mean, spread };
}

/** The q-quantile of `values` that is one of them (the inverse empirical CDF, R's type 1). */
function percentileThreshold(values: readonly number[], q: number): number {
  return quantileOfSorted(
    [...values].sort((x, y) => x - y),
    q,
    1,
  );
}

/** The next round of pairs under `options.strategy`; never an asked, held-out or repeated pair. */
export function selectNextPairs(state: SelectionState, options: SelectionOptions, rng: Rng): [OutcomeId, OutcomeId][] {
  const { ids } = state;
  const n = ids.length;
  const all = (n * (n - 1)) / 2;
  const count = Math.max(0, options.count);
  if (count === 0) return [];
  if (options.strategy === 'random' || !state.fit) {
    return randomPairs(ids, count, rng, new Set([...state.excluded, ...state.asked.keys()]));
  }
  const pool = candidatePool(ids, state, Math.min(all, 40 * count), rng);
  const degree = degrees(ids, state.asked);
  const { mean, spread } = alignedFit(ids, state.fit);
  const toIds = (list: readonly Candidate[]) => list.slice(0, count).map((c) => [ids[c.a] as OutcomeId, ids[c.b] as OutcomeId] as [OutcomeId, OutcomeId]);

  if (options.strategy === 'paper') {
    const gaps = pool.map((c) => Math.abs((mean[c.a] as number) - (mean[c.b] as number)));
    const degreeSums = pool.map((c) => (degree[c.a] as number) + (degree[c.b] as number));
    let qGap = 0.1;
    let qDegree = 0.2;
    let chosen: Candidate[] = [];
    for (;;) {
      const gapLimit = percentileThreshold(gaps, qGap);
      const degreeLimit = percentileThreshold(degreeSums, qDegree);
      chosen = pool.filter((_, k) => (gaps[k] as number) <= gapLimit && (degreeSums[k] as number) <= degreeLimit);
      if (chosen.length >= count || (qGap >= 1 && qDegree >= 1)) break;
      qGap = Math.min(1, qGap * 1.5);
      qDegree = Math.min(1, qDegree * 1.5);
    }
    return toIds(rng.shuffled(chosen));
  }

  // uncertainty: starved outcomes first, then the most informative pairs.
  const floor = options.degreeFloor ?? 3;
  const score = (c: Candidate) => {
    const r = Math.hypot(spread[c.a] as number, spread[c.b] as number) || 1;
    const p = Phi(((mean[c.a] as number) - (mean[c.b] as number)) / Math.max(r, 1e-6));
    const starved = ((degree[c.a] as number) < floor ? 1 : 0) + ((degree[c.b] as number) < floor ? 1 : 0);
    // Small seeded jitter breaks ties so equally good pairs do not cluster on one outcome.
    return starved * 10 + p * (1 - p) * r * r + 1e-9 * rng.next();
  };
  const scored = pool.map((c) => ({ c, s: score(c) })).sort((x, y) => y.s - x.s);
  // Spread a round over outcomes: at most ~4 new pairs per outcome per round when possible.
  const perOutcome = new Float64Array(n);
  const cap = Math.max(4, Math.ceil((4 * count) / n));
  const picked: Candidate[] = [];
  const leftovers: Candidate[] = [];
  for (const { c } of scored) {
    if (picked.length >= count) break;
    if ((perOutcome[c.a] as number) < cap && (perOutcome[c.b] as number) < cap) {
      picked.push(c);
      perOutcome[c.a] = (perOutcome[c.a] as number) + 1;
      perOutcome[c.b] = (perOutcome[c.b] as number) + 1;
    } else leftovers.push(c);
  }
  for (const c of leftovers) {
    if (picked.length >= count) break;
    picked.push(c);
  }
  return toIds(picked);
}

/** `count` distinct random triads (for `utilscope probe transitivity`), ids in set order. */
export function sampleTriads(ids: readonly OutcomeId[], count: number, rng: Rng): [OutcomeId, OutcomeId, OutcomeId][] {
  const n = ids.length;
  const possible = (n * (n - 1) * (n - 2)) / 6;
  const target = Math.min(count, possible);
  const seen = new Set<string>();
  const out: [OutcomeId, OutcomeId, OutcomeId][] = [];
  while (out.length < target) {
    const picks = [rng.int(n), rng.int(n), rng.int(n)].sort((x, y) => x - y) as [number, number, number];
    if (picks[0] === picks[1] || picks[1] === picks[2]) continue;
    const key = picks.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([ids[picks[0]] as OutcomeId, ids[picks[1]] as OutcomeId, ids[picks[2]] as OutcomeId]);
  }
  return out;
}

/** The distinct pairs of a list of triads (each triad gives three), in first-seen order. */
export function triadPairs(triads: readonly (readonly [OutcomeId, OutcomeId, OutcomeId])[]): [OutcomeId, OutcomeId][] {
  const seen = new Set<string>();
  const out: [OutcomeId, OutcomeId][] = [];
  for (const [x, y, z] of triads) {
    for (const [a, b] of [
      [x, y],
      [y, z],
      [x, z],
    ] as [OutcomeId, OutcomeId][]) {
      const key = pairKey(a, b);
      if (!seen.has(key)) {
        seen.add(key);
        out.push([a, b]);
      }
    }
  }
  return out;
}

/**
 * The floors of the headline metrics (docs/method.md §5.11): what a respondent without preferences
 * gets on the same design. Exact where a closed form exists (`exact-floors.ts`): the cycle
 * probability always; the 3-cycle share, the weak-transitivity rate (as a ratio of expectations) and
 * decisiveness whenever every pair's answer distribution can be tabulated (always for a coin flip).
 * The largest component and the feedback-arc share are simulated, on the first GRAPH_SIMULATIONS
 * simulations, with the typed majority graph (`replicates.ts`).
 *
 * A floor depends on the design (pairs and valid answers per order), the triangles, the respondent,
 * the simulation count and the seed, and on nothing a model answered, so a study that asks every
 * model the same design computes it once: `FloorCache` keeps floors by a fingerprint of those and
 * checks the arrays themselves on a hit, so a cached floor is the one that would have been computed.
 */
import type { Rng } from '../core/rng.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { designFingerprint } from './design.js';
import { exactCycleProbability, exactDecisiveness, exactRange, exactStateFloors, floorAnswerMoments } from './exact-floors.js';
import { type CoherenceSetup, type ReplicateDraws, simulateHeadlines } from './replicates.js';

/** Simulations whose graph metrics (components, feedback arcs: O(pairs + outcomes²) each) are computed. */
export const GRAPH_SIMULATIONS = 20;

/**
 * How a floor was obtained: `exact` (mean and variance in closed form, range mean ± 1.645 sd),
 * `ratio-of-expectations` (a rate's E[numerator]/E[denominator], both exact; delta-method range) or
 * `simulated` (mean and 5th–95th percentiles of the simulations).
 */
export type FloorMethod = 'exact' | 'ratio-of-expectations' | 'simulated';

/** A floor: mean and 5–95% range for a respondent without preferences. */
export interface FloorValue {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** A headline metric's floor, with how it was obtained. */
export interface HeadlineFloor extends FloorValue {
  readonly method: FloorMethod;
}

/** The metrics that get a floor (docs/method.md §5). */
export interface CoherenceHeadline {
  readonly cycleProbability: number;
  readonly cyclicTriangleShare: number;
  readonly weakTransitivityViolations: number;
  readonly largestComponent: number;
  readonly feedbackArcShare: number;
  readonly decisiveness: number;
}

export type Floors = { readonly [K in keyof CoherenceHeadline]: HeadlineFloor };

/** Finite values sorted ascending (R's type-7 quantiles read them, as in the fit's bootstrap and the value scores). */
export function sortedFinite(values: ArrayLike<number>): number[] {
  return Array.from(values)
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
}

/** Mean and 5th–95th percentiles of simulated values (NaN without finite values). */
function simulatedFloor(values: ArrayLike<number>): HeadlineFloor {
  const sorted = sortedFinite(values);
  return {
    mean: sorted.length > 0 ? sorted.reduce((x, y) => x + y, 0) / sorted.length : Number.NaN,
    low: quantileOfSorted(sorted, 0.05),
    high: quantileOfSorted(sorted, 0.95),
    method: 'simulated',
  };
}

/**
 * The floors of a respondent choosing the slot shown first with chance `firstSlot` (½: the coin
 * flip). `simulations` is the number the simulated floors may use (graph metrics: the first
 * GRAPH_SIMULATIONS of them). O(pairs + triangles) exact, plus the simulations.
 */
export function coherenceFloors(setup: CoherenceSetup, firstSlot: number, simulations: number, rng: Rng): Floors {
  const { design, triangles } = setup;
  const moments = floorAnswerMoments(design, firstSlot);
  // Order ab shows a first; order ba shows b first, so a is chosen there with chance 1 − firstSlot.
  const draws: ReplicateDraws = simulateHeadlines(
    setup,
    { chanceAB: new Float64Array(design.pairs).fill(firstSlot), chanceBA: new Float64Array(design.pairs).fill(1 - firstSlot), keepInvalid: false },
    { replicates: simulations, triads: !moments.complete, graphReplicates: GRAPH_SIMULATIONS },
    rng,
  );
  const cycleProbability = { ...exactRange(exactCycleProbability(moments, triangles), 1), method: 'exact' as const };
  if (!moments.complete) {
    return {
      cycleProbability,
      cyclicTriangleShare: simulatedFloor(draws.cyclicTriangleShare),
      weakTransitivityViolations: simulatedFloor(draws.weakTransitivityViolations),
      decisiveness: simulatedFloor(draws.decisiveness),
      largestComponent: simulatedFloor(draws.largestComponent),
      feedbackArcShare: simulatedFloor(draws.feedbackArcShare),
    };
  }
  const state = exactStateFloors(moments, triangles);
  return {
    cycleProbability,
    cyclicTriangleShare: { ...exactRange(state.cyclicTriangleShare, 1), method: 'exact' },
    weakTransitivityViolations: { ...exactRange(state.weakTransitivityViolations, 1), method: 'ratio-of-expectations' },
    decisiveness: { ...exactRange(exactDecisiveness(moments), 0.5), method: 'exact' },
    largestComponent: simulatedFloor(draws.largestComponent),
    feedbackArcShare: simulatedFloor(draws.feedbackArcShare),
  };
}

/** Floors computed once per design and respondent and reused: see the module comment. Create one per process or study (`createFloorCache`). */
export interface FloorCache {
  readonly entries: Map<string, FloorCacheEntry>;
  readonly capacity: number;
}

interface FloorCacheEntry {
  readonly arrays: readonly ArrayLike<number>[];
  readonly floors: Floors;
}

/** An empty cache holding at most `capacity` floors (the oldest goes first). */
export function createFloorCache(capacity = 256): FloorCache {
  return { entries: new Map(), capacity };
}

/** Whether two typed arrays hold the same values. */
function sameValues(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** `coherenceFloors`, from `cache` when the same design, triangles, respondent, simulations and seed were floored before. */
export function cachedCoherenceFloors(cache: FloorCache | undefined, setup: CoherenceSetup, firstSlot: number, simulations: number, rng: Rng): Floors {
  if (cache === undefined) return coherenceFloors(setup, firstSlot, simulations, rng);
  const { design, triangles } = setup;
  const arrays = [design.a, design.b, design.validAB, design.validBA, triangles.pair];
  const key = `${designFingerprint(design)}|${triangles.count}/${triangles.total}|${firstSlot}|${simulations}|${rng.seed}`;
  const hit = cache.entries.get(key);
  if (hit?.arrays.every((array, j) => sameValues(array, arrays[j] as ArrayLike<number>))) return hit.floors;
  const floors = coherenceFloors(setup, firstSlot, simulations, rng);
  cache.entries.set(key, { arrays, floors });
  if (cache.entries.size > cache.capacity) cache.entries.delete(cache.entries.keys().next().value as string);
  return floors;
}

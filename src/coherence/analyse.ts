/**
 * The coherence report of a run (METHOD.md §5), with a floor beside every headline number: the
 * value a respondent *without* preferences would get under the same design (same pairs, same
 * answer counts per order) — a coin flip, and a respondent that only has a position bias equal to
 * the observed first-slot rate — by seeded simulation. Critics showed coherence can look high on
 * meaningless outcomes; the floors make that visible.
 *
 * Phases: tallies → P̂ per asked pair → majority graph → triads, components, cycles, feedback
 * arcs, decisiveness, order effects → ranking distance from the fit → floors → per cluster.
 * Pure and deterministic given the Rng. Output is plain JSON (written to coherence.json).
 */
import { estimatePreference, estimatePreferenceInOrder } from '../core/preference-estimate.js';
import type { Rng } from '../core/rng.js';
import { SCHEMA_VERSION, type InvalidAnswerPolicy, type Outcome, type OutcomeId, type PairTally, type UtilityFit } from '../core/types.js';
import {
  buildMajorityGraph,
  circularTriadCount,
  coefficientOfConsistence,
  cycleComponents,
  decisiveness,
  enumerateTriangles,
  feedbackArcSet,
  shortestCycleThrough,
  triadMetrics,
  type PairEstimate,
  type TriadMetrics,
} from './metrics.js';

export interface CoherenceInput {
  readonly outcomes: readonly Outcome[];
  readonly tallies: readonly PairTally[];
  readonly policy: InvalidAnswerPolicy;
  readonly fit?: UtilityFit;
  readonly probeTriads?: readonly (readonly [OutcomeId, OutcomeId, OutcomeId])[];
  /** Simulated respondents per floor (default 100). */
  readonly floorSimulations?: number;
  /** Shortest cycles to write out in words (default 5). */
  readonly exampleCycles?: number;
}

/** The numbers that get a floor. */
export interface CoherenceHeadline {
  readonly cycleProbability: number;
  readonly cyclicTriangleShare: number;
  readonly weakTransitivityViolations: number;
  readonly largestComponent: number;
  readonly feedbackArcShare: number;
  readonly decisiveness: number;
}

/** A floor: mean and 5–95% range over simulated preference-free respondents. */
export interface FloorValue {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

export type Floors = { readonly [K in keyof CoherenceHeadline]: FloorValue };

export interface CoherenceReport {
  readonly v: typeof SCHEMA_VERSION;
  readonly definitions: Readonly<Record<string, string>>;
  readonly pairs: number;
  readonly ties: number;
  readonly headline: CoherenceHeadline;
  readonly triads: { readonly asked: TriadMetrics; readonly probe?: TriadMetrics };
  readonly components: { readonly count: number; readonly largest: number; readonly members: readonly (readonly OutcomeId[])[] };
  readonly cycles: readonly (readonly { readonly id: OutcomeId; readonly text: string }[])[];
  readonly feedbackArcs: { readonly arcs: number; readonly weight: number; readonly share: number; readonly method: string };
  readonly ranking?: { readonly violationShare: number; readonly weightedViolationShare: number };
  readonly tournament?: { readonly outcomes: number; readonly circularTriads: number; readonly maxCircularTriads: number; readonly consistence: number };
  readonly decisiveness: { readonly meanAbsDeviation: number; readonly meanMajorityShare: number };
  readonly orderEffects: { readonly pairs: number; readonly agreeA: number; readonly agreeB: number; readonly disagree: number; readonly flipRate: number; readonly firstSlotShare: number };
  readonly floors: { readonly simulations: number; readonly coinFlip: Floors; readonly positionBias: Floors; readonly positionBiasRate: number };
  readonly clusters: readonly { readonly cluster: string; readonly outcomes: number; readonly pairs: number; readonly headline: CoherenceHeadline; readonly coinFlip: Floors }[];
}

/** Short definitions carried in the report so every number explains itself. */
export const COHERENCE_DEFINITIONS: Readonly<Record<string, string>> = {
  cycleProbability: 'mean over triangles of asked pairs of P(cycle) = p_ab·p_bc·(1−p_ac) + (1−p_ab)·(1−p_bc)·p_ac',
  cyclicTriangleShare: 'share of triangles whose majority preferences form a directed 3-cycle',
  weakTransitivityViolations: 'among triads with p_ab ≥ ½ and p_bc ≥ ½: share with p_ac < ½ (moderate: p_ac < min, strong: p_ac < max)',
  largestComponent: 'outcomes in the largest strongly connected component of the majority graph (1 = no cycles)',
  feedbackArcShare: 'share of asked pairs whose majority must flip to make the graph acyclic (Eades–Lin–Smyth greedy, an upper bound on the minimum)',
  decisiveness: 'mean |P̂ − ½| over asked pairs',
  floors: 'the same metric for simulated respondents without preferences on the same pairs and answer counts: a fair coin, and a coin biased to the first slot at the observed rate',
};

interface DesignPair {
  readonly a: number;
  readonly b: number;
  /** Valid answers per order, which the floors reuse. */
  readonly nAB: number;
  readonly nBA: number;
}

function estimatesFromTallies(tallies: readonly PairTally[], index: ReadonlyMap<OutcomeId, number>, policy: InvalidAnswerPolicy): { estimates: PairEstimate[]; design: DesignPair[] } {
  const estimates: PairEstimate[] = [];
  const design: DesignPair[] = [];
  for (const t of tallies) {
    const e = estimatePreference(t, policy);
    const a = index.get(t.a);
    const b = index.get(t.b);
    if (!(e.total > 0) || a === undefined || b === undefined) continue;
    estimates.push({ a, b, p: e.pA, n: e.total });
    design.push({ a, b, nAB: Math.round(t.ab.aWins + t.ab.bWins), nBA: Math.round(t.ba.aWins + t.ba.bWins) });
  }
  return { estimates, design };
}

function headlineOf(estimates: readonly PairEstimate[], n: number, triangles: readonly (readonly [number, number, number])[] = enumerateTriangles(estimates, n)): { headline: CoherenceHeadline; triads: TriadMetrics; graph: ReturnType<typeof buildMajorityGraph>; components: number[][] } {
  const triads = triadMetrics(estimates, triangles);
  const graph = buildMajorityGraph(estimates, n);
  const components = cycleComponents(graph.graph);
  const fas = feedbackArcSet(estimates, n);
  return {
    headline: {
      cycleProbability: triads.meanCycleProbability,
      cyclicTriangleShare: triads.cyclicShare,
      weakTransitivityViolations: triads.weakViolationRate,
      largestComponent: components[0]?.length ?? (n > 0 ? 1 : 0),
      feedbackArcShare: estimates.length > 0 ? fas.arcs / estimates.length : Number.NaN,
      decisiveness: decisiveness(estimates).meanAbsDeviation,
    },
    triads,
    graph,
    components,
  };
}

function binomial(n: number, p: number, rng: Rng): number {
  let k = 0;
  for (let t = 0; t < n; t++) if (rng.next() < p) k++;
  return k;
}

/** Simulated respondents whose graph metrics (components, feedback arcs) are computed; the triad metrics use every simulation. */
const GRAPH_FLOOR_SIMULATIONS = 20;

/**
 * Floors by simulation: `firstSlot` is the probability of choosing the option shown first. The
 * design's triangles are enumerated once (they do not depend on the answers); the graph metrics,
 * which cost O(V·E) each, use the first GRAPH_FLOOR_SIMULATIONS draws.
 */
function simulateFloors(design: readonly DesignPair[], n: number, firstSlot: number, simulations: number, rng: Rng): Floors {
  const keys = ['cycleProbability', 'cyclicTriangleShare', 'weakTransitivityViolations', 'largestComponent', 'feedbackArcShare', 'decisiveness'] as const;
  const draws: Record<(typeof keys)[number], number[]> = { cycleProbability: [], cyclicTriangleShare: [], weakTransitivityViolations: [], largestComponent: [], feedbackArcShare: [], decisiveness: [] };
  const triangles = enumerateTriangles(design.map((d) => ({ a: d.a, b: d.b, p: 0.5, n: 1 })), n);
  for (let s = 0; s < simulations; s++) {
    const estimates: PairEstimate[] = [];
    for (const d of design) {
      // Order ab shows a first; order ba shows b first, so a wins there with probability 1 − firstSlot.
      const total = d.nAB + d.nBA;
      if (total === 0) continue;
      const aWins = binomial(d.nAB, firstSlot, rng) + binomial(d.nBA, 1 - firstSlot, rng);
      estimates.push({ a: d.a, b: d.b, p: aWins / total, n: total });
    }
    const triads = triadMetrics(estimates, triangles);
    draws.cycleProbability.push(triads.meanCycleProbability);
    draws.cyclicTriangleShare.push(triads.cyclicShare);
    draws.weakTransitivityViolations.push(triads.weakViolationRate);
    draws.decisiveness.push(decisiveness(estimates).meanAbsDeviation);
    if (s < GRAPH_FLOOR_SIMULATIONS) {
      const components = cycleComponents(buildMajorityGraph(estimates, n).graph);
      draws.largestComponent.push(components[0]?.length ?? (n > 0 ? 1 : 0));
      draws.feedbackArcShare.push(estimates.length > 0 ? feedbackArcSet(estimates, n).arcs / estimates.length : Number.NaN);
    }
  }
  const summarise = (values: number[]): FloorValue => {
    const finite = values.filter(Number.isFinite).sort((x, y) => x - y);
    if (finite.length === 0) return { mean: Number.NaN, low: Number.NaN, high: Number.NaN };
    const at = (q: number) => finite[Math.min(finite.length - 1, Math.floor(q * finite.length))] as number;
    return { mean: finite.reduce((x, y) => x + y, 0) / finite.length, low: at(0.05), high: at(0.95) };
  };
  return Object.fromEntries(keys.map((k) => [k, summarise(draws[k])])) as Floors;
}

function orderEffects(tallies: readonly PairTally[], policy: InvalidAnswerPolicy): CoherenceReport['orderEffects'] {
  let pairs = 0;
  let agreeA = 0;
  let agreeB = 0;
  let disagree = 0;
  let first = 0;
  let valid = 0;
  for (const t of tallies) {
    first += t.ab.aWins + t.ba.bWins;
    valid += t.ab.aWins + t.ab.bWins + t.ba.aWins + t.ba.bWins;
    const ab = estimatePreferenceInOrder(t, 'ab', policy);
    const ba = estimatePreferenceInOrder(t, 'ba', policy);
    if (!(ab.total > 0 && ba.total > 0) || ab.pA === 0.5 || ba.pA === 0.5) continue;
    pairs++;
    if (ab.pA > 0.5 && ba.pA > 0.5) agreeA++;
    else if (ab.pA < 0.5 && ba.pA < 0.5) agreeB++;
    else disagree++;
  }
  return { pairs, agreeA, agreeB, disagree, flipRate: pairs > 0 ? disagree / pairs : Number.NaN, firstSlotShare: valid > 0 ? first / valid : Number.NaN };
}

/** Analyses coherence; see the module comment. Cost: O(floorSimulations · (pairs + triangles + V·E)). */
export function analyseCoherence(input: CoherenceInput, rng: Rng): CoherenceReport {
  const ids = input.outcomes.map((o) => o.id);
  const n = ids.length;
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const { estimates, design } = estimatesFromTallies(input.tallies, index, input.policy);
  const main = headlineOf(estimates, n);
  const simulations = input.floorSimulations ?? 100;
  const order = orderEffects(input.tallies, input.policy);
  const biasRate = Number.isFinite(order.firstSlotShare) ? order.firstSlotShare : 0.5;

  const textOf = (k: number) => ({ id: ids[k] as OutcomeId, text: input.outcomes[k]?.text ?? '' });
  const cycles: { id: OutcomeId; text: string }[][] = [];
  const seen = new Set<string>();
  for (const component of main.components) {
    for (const start of component) {
      if (cycles.length >= (input.exampleCycles ?? 5)) break;
      const cycle = shortestCycleThrough(main.graph.graph, start);
      if (!cycle) continue;
      const key = [...cycle].sort((x, y) => x - y).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      cycles.push(cycle.map(textOf));
    }
  }

  let ranking: CoherenceReport['ranking'];
  if (input.fit) {
    const fitIndex = new Map(input.fit.ids.map((id, k) => [id, k] as const));
    let violations = 0;
    let weighted = 0;
    let weightTotal = 0;
    let counted = 0;
    for (const e of estimates) {
      if (e.p === 0.5) continue;
      const fa = fitIndex.get(ids[e.a] as OutcomeId);
      const fb = fitIndex.get(ids[e.b] as OutcomeId);
      if (fa === undefined || fb === undefined) continue;
      counted++;
      const w = Math.abs(e.p - 0.5);
      weightTotal += w;
      if ((e.p > 0.5) !== ((input.fit.mean[fa] as number) > (input.fit.mean[fb] as number))) {
        violations++;
        weighted += w;
      }
    }
    ranking = { violationShare: counted > 0 ? violations / counted : Number.NaN, weightedViolationShare: weightTotal > 0 ? weighted / weightTotal : Number.NaN };
  }

  let tournament: CoherenceReport['tournament'];
  if (n >= 3 && estimates.length === (n * (n - 1)) / 2) {
    const scores = new Array<number>(n).fill(0);
    for (const e of estimates) {
      if (e.p > 0.5) scores[e.a] = (scores[e.a] as number) + 1;
      else if (e.p < 0.5) scores[e.b] = (scores[e.b] as number) + 1;
      else {
        scores[e.a] = (scores[e.a] as number) + 0.5;
        scores[e.b] = (scores[e.b] as number) + 0.5;
      }
    }
    const d = circularTriadCount(scores);
    tournament = { outcomes: n, circularTriads: d, maxCircularTriads: n % 2 === 1 ? (n ** 3 - n) / 24 : (n ** 3 - 4 * n) / 24, consistence: coefficientOfConsistence(d, n) };
  }

  let probe: TriadMetrics | undefined;
  if (input.probeTriads && input.probeTriads.length > 0) {
    const triangles = input.probeTriads
      .map((t) => t.map((id) => index.get(id)) as [number | undefined, number | undefined, number | undefined])
      .filter((t): t is [number, number, number] => t.every((k) => k !== undefined));
    probe = triadMetrics(estimates, triangles);
  }

  const fas = feedbackArcSet(estimates, n);
  const floorsRng = rng.fork('floors');
  const clusterNames = [...new Set(input.outcomes.flatMap((o) => o.clusters))].sort();
  const clusters = clusterNames.flatMap((cluster) => {
    const members = input.outcomes.map((o, k) => (o.clusters.includes(cluster) ? k : -1)).filter((k) => k >= 0);
    const memberSet = new Set(members);
    const local = new Map(members.map((k, t) => [k, t] as const));
    const sub = estimates.filter((e) => memberSet.has(e.a) && memberSet.has(e.b)).map((e) => ({ ...e, a: local.get(e.a) as number, b: local.get(e.b) as number }));
    const subDesign = design.filter((d) => memberSet.has(d.a) && memberSet.has(d.b)).map((d) => ({ ...d, a: local.get(d.a) as number, b: local.get(d.b) as number }));
    if (members.length < 3 || sub.length < 3) return [];
    return [{ cluster, outcomes: members.length, pairs: sub.length, headline: headlineOf(sub, members.length).headline, coinFlip: simulateFloors(subDesign, members.length, 0.5, Math.max(10, Math.floor(simulations / 5)), floorsRng.fork(cluster)) }];
  });

  return {
    v: SCHEMA_VERSION,
    definitions: COHERENCE_DEFINITIONS,
    pairs: estimates.length,
    ties: main.graph.ties,
    headline: main.headline,
    triads: { asked: main.triads, ...(probe ? { probe } : {}) },
    components: { count: main.components.length, largest: main.headline.largestComponent, members: main.components.map((c) => c.map((k) => ids[k] as OutcomeId)) },
    cycles,
    feedbackArcs: { arcs: fas.arcs, weight: fas.weight, share: main.headline.feedbackArcShare, method: 'Eades–Lin–Smyth greedy ordering (1993)' },
    ...(ranking ? { ranking } : {}),
    ...(tournament ? { tournament } : {}),
    decisiveness: decisiveness(estimates),
    orderEffects: order,
    floors: {
      simulations,
      coinFlip: simulateFloors(design, n, 0.5, simulations, floorsRng.fork('coin')),
      positionBias: simulateFloors(design, n, biasRate, simulations, floorsRng.fork('bias')),
      positionBiasRate: biasRate,
    },
    clusters,
  };
}

/**
 * The coherence report of a run (docs/method.md §5), with a floor beside every headline number: the
 * value a respondent *without* preferences would get under the same design (same pairs, same
 * answer counts per order) — a coin flip, and a respondent that only has a position bias equal to
 * the observed first-slot rate — by seeded simulation. Critics showed coherence can look high on
 * meaningless outcomes; the floors make that visible.
 *
 * Every headline number also gets a 95% interval from a seeded parametric bootstrap: the answers of
 * each asked pair are redrawn from its own P̂ per presentation order on the same design, which is
 * the floor simulation with P̂ in place of ½ — how far the numbers move with the sampling noise of
 * the answers alone.
 *
 * Phases: tallies → P̂ per asked pair → majority graph → triads, components, cycles, feedback
 * arcs, decisiveness, order effects → ranking distance from the fit → floors and intervals → per
 * cluster (headline, both floors, intervals).
 * Pure and deterministic given the Rng. Output is plain JSON (written to coherence.json).
 */

import { estimatePreference, estimatePreferenceInOrder } from '../core/preference-estimate.js';
import type { Rng } from '../core/rng.js';
import { type InvalidAnswerPolicy, type Outcome, type OutcomeId, type PairTally, SCHEMA_VERSION, type UtilityFit } from '../core/types.js';
import { sampleBinomial } from '../stats/binomial.js';
import { quantileOfSorted } from '../stats/quantile.js';
import {
  buildMajorityGraph,
  type CompiledTriangles,
  circularTriadCount,
  coefficientOfConsistence,
  compileTriangles,
  cycleComponents,
  decisiveness,
  enumerateTriangles,
  feedbackArcSet,
  type PairEstimate,
  shortestCycleThrough,
  type TriadMetrics,
  triadMetrics,
  triadMetricsOf,
  untiedTriadCounts,
} from './metrics.js';

export interface CoherenceInput {
  readonly outcomes: readonly Outcome[];
  readonly tallies: readonly PairTally[];
  readonly policy: InvalidAnswerPolicy;
  readonly fit?: UtilityFit;
  readonly probeTriads?: readonly (readonly [OutcomeId, OutcomeId, OutcomeId])[];
  /** Simulated respondents per floor (default 100). */
  readonly floorSimulations?: number;
  /** Bootstrap replicates per interval (default 200); the graph metrics use at most GRAPH_SIMULATIONS (20) of them. */
  readonly intervalReplicates?: number;
  /** Shortest cycles to write out in words (default 5). */
  readonly exampleCycles?: number;
  /**
   * Whether the tallies say in which order each answer was presented (default `known`). Pooled
   * external pairs (`utilscope fit --pairs`) do not: every answer sits in the `ab` slot, so a
   * first-slot share, a flip rate or a position-bias floor would be an artefact of the file's
   * a/b columns, and the report says "orders unknown" instead.
   */
  readonly orders?: 'known' | 'unknown';
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

/** A 95% bootstrap interval of a headline number (docs/method.md §5; the form per metric is in `intervalsDefinition`). */
export interface IntervalValue {
  readonly low: number;
  readonly high: number;
}

export type HeadlineIntervals = { readonly [K in keyof CoherenceHeadline]: IntervalValue };

/** Coherence of the outcomes sharing one cluster tag, on the asked pairs among them, with the same floors and intervals as the whole set. */
export interface ClusterCoherence {
  readonly cluster: string;
  readonly outcomes: number;
  readonly pairs: number;
  readonly headline: CoherenceHeadline;
  readonly coinFlip: Floors;
  /** At the run's first-slot rate (`floors.positionBiasRate`); absent when the orders are unknown. */
  readonly positionBias?: Floors;
  readonly intervals: HeadlineIntervals;
}

/**
 * Agreement between the two presentation orders (docs/method.md §5.10), or `orders: 'unknown'`
 * when the data do not say in which order answers were presented (pooled external pairs).
 */
export type OrderEffects =
  | { readonly orders: 'known'; readonly pairs: number; readonly agreeA: number; readonly agreeB: number; readonly disagree: number; readonly flipRate: number; readonly firstSlotShare: number }
  | { readonly orders: 'unknown' };

/**
 * A complete tournament's Kendall–Babington Smith counts (docs/method.md §5.8). Ties (P̂ = ½) score
 * ½ each in d and ζ, so a tournament with many ties looks inconsistent there; `tiedPairs` and the
 * counts over untied triads (all three pairs decided) show whether it is.
 */
export interface TournamentConsistence {
  readonly outcomes: number;
  readonly circularTriads: number;
  readonly maxCircularTriads: number;
  readonly consistence: number;
  /** Pairs with P̂ = ½ exactly, and their share of the N(N − 1)/2 pairs. */
  readonly tiedPairs: number;
  readonly tieShare: number;
  /** Triads none of whose pairs is tied, and how many of them are circular (a directed 3-cycle). */
  readonly untiedTriads: number;
  readonly untiedCircularTriads: number;
}

export interface CoherenceReport {
  readonly v: typeof SCHEMA_VERSION;
  readonly definitions: Readonly<Record<string, string>>;
  readonly pairs: number;
  readonly ties: number;
  readonly headline: CoherenceHeadline;
  readonly intervals: HeadlineIntervals;
  readonly triads: { readonly asked: TriadMetrics; readonly probe?: TriadMetrics };
  readonly components: { readonly count: number; readonly largest: number; readonly members: readonly (readonly OutcomeId[])[] };
  readonly cycles: readonly (readonly { readonly id: OutcomeId; readonly text: string }[])[];
  readonly feedbackArcs: { readonly arcs: number; readonly weight: number; readonly share: number; readonly method: string };
  readonly ranking?: { readonly violationShare: number; readonly weightedViolationShare: number };
  readonly tournament?: TournamentConsistence;
  readonly decisiveness: { readonly meanAbsDeviation: number; readonly meanMajorityShare: number };
  readonly orderEffects: OrderEffects;
  /** `positionBias` and `positionBiasRate` are absent, both, when the orders are unknown (`orderEffects.orders`). */
  readonly floors: { readonly simulations: number; readonly coinFlip: Floors; readonly positionBias?: Floors; readonly positionBiasRate?: number };
  readonly clusters: readonly ClusterCoherence[];
}

/** Replicates whose graph metrics (components, feedback arcs: O(V·E) each) are computed; the triad metrics and decisiveness use every replicate. */
const GRAPH_SIMULATIONS = 20;

/** The words for `definitions.intervals`, with the replicate counts used. */
export function intervalsDefinition(replicates: number): string {
  return (
    `95% intervals from ${replicates} seeded parametric bootstrap replicates (the first ${Math.min(replicates, GRAPH_SIMULATIONS)} for largestComponent and feedbackArcShare): ` +
    "each asked pair keeps its number of valid answers per presentation order, they are redrawn from that order's observed share choosing a (invalid answers counted under the half policy are kept as they were), and the metric is recomputed on the same pairs and triangles. " +
    'They show how far a number moves with the sampling noise of the answers alone, not with the choice of pairs or outcomes. ' +
    'Redrawn answers add noise to already noisy P̂, which raises majority cycles, violations, feedback arcs and decisiveness in the replicates; those four use the basic (reflected) interval 2θ̂ − q, which corrects the shift. cycleProbability (linear in each P̂, unshifted) uses the 2.5th–97.5th percentiles; so does largestComponent, whose interval then describes the replicates and lies above the observed value'
  );
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
  intervals: intervalsDefinition(200),
};

interface DesignPair {
  readonly a: number;
  readonly b: number;
  /** Valid answers per order, which the floors and the bootstrap reuse. */
  readonly nAB: number;
  readonly nBA: number;
  /** Observed share of valid answers choosing a, per order (½ without valid answers): the bootstrap's respondent. */
  readonly pAB: number;
  readonly pBA: number;
  /** Invalid answers counted under the `half` policy (wins for a, answers), kept fixed by the bootstrap. */
  readonly fixedWins: number;
  readonly fixedTotal: number;
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
    const validAB = t.ab.aWins + t.ab.bWins;
    const validBA = t.ba.aWins + t.ba.bWins;
    const invalid = policy === 'half' ? t.ab.refusals + t.ab.unparseable + t.ba.refusals + t.ba.unparseable : 0;
    design.push({
      a,
      b,
      nAB: Math.round(validAB),
      nBA: Math.round(validBA),
      pAB: validAB > 0 ? t.ab.aWins / validAB : 0.5,
      pBA: validBA > 0 ? t.ba.aWins / validBA : 0.5,
      fixedWins: invalid / 2,
      fixedTotal: invalid,
    });
  }
  return { estimates, design };
}

function headlineOf(
  estimates: readonly PairEstimate[],
  n: number,
  triangles: CompiledTriangles,
): { headline: CoherenceHeadline; triads: TriadMetrics; graph: ReturnType<typeof buildMajorityGraph>; components: number[][] } {
  const triads = triadMetricsOf(
    Float64Array.from(estimates, (e) => e.p),
    triangles,
  );
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

const HEADLINE_KEYS = ['cycleProbability', 'cyclicTriangleShare', 'weakTransitivityViolations', 'largestComponent', 'feedbackArcShare', 'decisiveness'] as const;

/** How a simulated respondent answers design pair k: P(a is chosen) when a is shown first and second, and whether the fixed invalid answers count. */
interface Respondent {
  readonly pAB: (k: number) => number;
  readonly pBA: (k: number) => number;
  readonly keepInvalid: boolean;
}

/**
 * Headline metrics of `replicates` simulated answer sets on one design (same pairs, same valid
 * answers per order, same triangles). Pairs left without answers read as absent (P̂ = ½ in
 * triangles, no edge). The graph metrics use the first GRAPH_SIMULATIONS replicates only.
 * O(replicates · (answers + triangles) + GRAPH_SIMULATIONS · V·E).
 */
function simulateHeadlines(design: readonly DesignPair[], n: number, triangles: CompiledTriangles, respondent: Respondent, replicates: number, rng: Rng): Record<keyof CoherenceHeadline, number[]> {
  const draws: Record<keyof CoherenceHeadline, number[]> = {
    cycleProbability: [],
    cyclicTriangleShare: [],
    weakTransitivityViolations: [],
    largestComponent: [],
    feedbackArcShare: [],
    decisiveness: [],
  };
  const p = new Float64Array(design.length);
  const present = new Uint8Array(design.length);
  for (let s = 0; s < replicates; s++) {
    let answered = 0;
    let deviation = 0;
    for (let k = 0; k < design.length; k++) {
      const d = design[k] as DesignPair;
      const total = d.nAB + d.nBA + (respondent.keepInvalid ? d.fixedTotal : 0);
      present[k] = total > 0 ? 1 : 0;
      if (total === 0) {
        p[k] = 0.5;
        continue;
      }
      const aWins = sampleBinomial(d.nAB, respondent.pAB(k), rng) + sampleBinomial(d.nBA, respondent.pBA(k), rng) + (respondent.keepInvalid ? d.fixedWins : 0);
      p[k] = aWins / total;
      answered++;
      deviation += Math.abs((p[k] as number) - 0.5);
    }
    const triads = triadMetricsOf(p, triangles);
    draws.cycleProbability.push(triads.meanCycleProbability);
    draws.cyclicTriangleShare.push(triads.cyclicShare);
    draws.weakTransitivityViolations.push(triads.weakViolationRate);
    draws.decisiveness.push(answered > 0 ? deviation / answered : Number.NaN);
    if (s < GRAPH_SIMULATIONS) {
      const estimates: PairEstimate[] = [];
      design.forEach((d, k) => {
        if (present[k]) estimates.push({ a: d.a, b: d.b, p: p[k] as number, n: d.nAB + d.nBA });
      });
      const components = cycleComponents(buildMajorityGraph(estimates, n).graph);
      draws.largestComponent.push(components[0]?.length ?? (n > 0 ? 1 : 0));
      draws.feedbackArcShare.push(estimates.length > 0 ? feedbackArcSet(estimates, n).arcs / estimates.length : Number.NaN);
    }
  }
  return draws;
}

/** Finite values sorted ascending, and their q-quantile (R's type 7, as in the fit's bootstrap and the value scores' intervals; NaN without values). */
function quantiles(values: readonly number[]): { sorted: number[]; at: (q: number) => number } {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  return { sorted, at: (q) => quantileOfSorted(sorted, q) };
}

/** Floors by simulation: `firstSlot` is the probability of choosing the option shown first. Mean and 5–95% range per metric. */
function simulateFloors(design: readonly DesignPair[], n: number, triangles: CompiledTriangles, firstSlot: number, simulations: number, rng: Rng): Floors {
  // Order ab shows a first; order ba shows b first, so a wins there with probability 1 − firstSlot.
  const draws = simulateHeadlines(design, n, triangles, { pAB: () => firstSlot, pBA: () => 1 - firstSlot, keepInvalid: false }, simulations, rng);
  const summarise = (values: number[]): FloorValue => {
    const { sorted, at } = quantiles(values);
    return { mean: sorted.length > 0 ? sorted.reduce((x, y) => x + y, 0) / sorted.length : Number.NaN, low: at(0.05), high: at(0.95) };
  };
  return Object.fromEntries(HEADLINE_KEYS.map((k) => [k, summarise(draws[k])])) as Floors;
}

/**
 * Metrics whose replicates are shifted by the redraw itself (noise added to noisy P̂ makes more
 * majority cycles, violations, flips and |P̂ − ½|): they get the basic (reflected) bootstrap
 * interval [2θ̂ − q₉₇.₅, 2θ̂ − q₂.₅], which corrects that shift. On a planted respondent (150
 * outcomes, 2,000 pairs, 20 answer sets) it covered the true value 14–20 times in 20, where the
 * percentile interval covered it 0 times. cycleProbability is linear in each P̂, so unshifted, and
 * keeps the percentile interval; largestComponent keeps it too (neither form covers it well: its
 * interval describes the replicates, as the definition says).
 */
const REFLECTED_INTERVAL_KEYS: ReadonlySet<keyof CoherenceHeadline> = new Set(['cyclicTriangleShare', 'weakTransitivityViolations', 'feedbackArcShare', 'decisiveness']);

function bootstrapIntervals(design: readonly DesignPair[], n: number, triangles: CompiledTriangles, replicates: number, observed: CoherenceHeadline, rng: Rng): HeadlineIntervals {
  const draws = simulateHeadlines(design, n, triangles, { pAB: (k) => (design[k] as DesignPair).pAB, pBA: (k) => (design[k] as DesignPair).pBA, keepInvalid: true }, replicates, rng);
  const summarise = (key: keyof CoherenceHeadline, values: number[]): IntervalValue => {
    const { at } = quantiles(values);
    if (!REFLECTED_INTERVAL_KEYS.has(key)) return { low: at(0.025), high: at(0.975) };
    const theta = observed[key];
    // All four are shares or |P̂ − ½| means: clamp the reflection to [0, 1] (decisiveness to [0, ½]).
    const top = key === 'decisiveness' ? 0.5 : 1;
    return { low: Math.min(top, Math.max(0, 2 * theta - at(0.975))), high: Math.min(top, Math.max(0, 2 * theta - at(0.025))) };
  };
  return Object.fromEntries(HEADLINE_KEYS.map((k) => [k, summarise(k, draws[k])])) as HeadlineIntervals;
}

function orderEffects(tallies: readonly PairTally[], policy: InvalidAnswerPolicy): OrderEffects & { orders: 'known' } {
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
  return { orders: 'known', pairs, agreeA, agreeB, disagree, flipRate: pairs > 0 ? disagree / pairs : Number.NaN, firstSlotShare: valid > 0 ? first / valid : Number.NaN };
}

/**
 * Analyses coherence (docs/method.md §5); see the module comment. Deterministic given `rng` (forks
 * `floors` and `intervals`). Cost: O((2·floorSimulations + intervalReplicates) · (answers +
 * triangles) + 3·GRAPH_SIMULATIONS · V·E), plus the same per cluster on its own pairs.
 */
export function analyseCoherence(input: CoherenceInput, rng: Rng): CoherenceReport {
  const ids = input.outcomes.map((o) => o.id);
  const n = ids.length;
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const { estimates, design } = estimatesFromTallies(input.tallies, index, input.policy);
  const triangles = compileTriangles(design, enumerateTriangles(estimates, n));
  const main = headlineOf(estimates, n, triangles);
  const simulations = input.floorSimulations ?? 100;
  const replicates = input.intervalReplicates ?? 200;
  const ordersKnown = (input.orders ?? 'known') === 'known';
  const order: OrderEffects = ordersKnown ? orderEffects(input.tallies, input.policy) : { orders: 'unknown' };
  const biasRate = order.orders === 'known' && Number.isFinite(order.firstSlotShare) ? order.firstSlotShare : 0.5;

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
      // An outcome without a utility (NaN, docs/method.md §12) has no place in the fitted order.
      if (fa === undefined || fb === undefined || Number.isNaN(input.fit.mean[fa] as number) || Number.isNaN(input.fit.mean[fb] as number)) continue;
      counted++;
      const w = Math.abs(e.p - 0.5);
      weightTotal += w;
      if (e.p > 0.5 !== (input.fit.mean[fa] as number) > (input.fit.mean[fb] as number)) {
        violations++;
        weighted += w;
      }
    }
    ranking = { violationShare: counted > 0 ? violations / counted : Number.NaN, weightedViolationShare: weightTotal > 0 ? weighted / weightTotal : Number.NaN };
  }

  let tournament: TournamentConsistence | undefined;
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
    const untied = untiedTriadCounts(
      Float64Array.from(estimates, (e) => e.p),
      triangles,
    );
    tournament = {
      outcomes: n,
      circularTriads: d,
      maxCircularTriads: n % 2 === 1 ? (n ** 3 - n) / 24 : (n ** 3 - 4 * n) / 24,
      consistence: coefficientOfConsistence(d, n),
      tiedPairs: main.graph.ties,
      tieShare: main.graph.ties / estimates.length,
      untiedTriads: untied.triads,
      untiedCircularTriads: untied.circular,
    };
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
  const intervalsRng = rng.fork('intervals');
  const clusterNames = [...new Set(input.outcomes.flatMap((o) => o.clusters))].sort();
  const clusters = clusterNames.flatMap((cluster) => {
    const members = input.outcomes.map((o, k) => (o.clusters.includes(cluster) ? k : -1)).filter((k) => k >= 0);
    const memberSet = new Set(members);
    const local = new Map(members.map((k, t) => [k, t] as const));
    const sub = estimates.filter((e) => memberSet.has(e.a) && memberSet.has(e.b)).map((e) => ({ ...e, a: local.get(e.a) as number, b: local.get(e.b) as number }));
    const subDesign = design.filter((d) => memberSet.has(d.a) && memberSet.has(d.b)).map((d) => ({ ...d, a: local.get(d.a) as number, b: local.get(d.b) as number }));
    if (members.length < 3 || sub.length < 3) return [];
    const subTriangles = compileTriangles(subDesign, enumerateTriangles(sub, members.length));
    const clusterSimulations = Math.max(10, Math.floor(simulations / 5));
    const clusterHeadline = headlineOf(sub, members.length, subTriangles).headline;
    return [
      {
        cluster,
        outcomes: members.length,
        pairs: sub.length,
        headline: clusterHeadline,
        coinFlip: simulateFloors(subDesign, members.length, subTriangles, 0.5, clusterSimulations, floorsRng.fork(cluster)),
        ...(ordersKnown ? { positionBias: simulateFloors(subDesign, members.length, subTriangles, biasRate, clusterSimulations, floorsRng.fork(`${cluster}:bias`)) } : {}),
        intervals: bootstrapIntervals(subDesign, members.length, subTriangles, replicates, clusterHeadline, intervalsRng.fork(`cluster:${cluster}`)),
      },
    ];
  });

  return {
    v: SCHEMA_VERSION,
    definitions: { ...COHERENCE_DEFINITIONS, intervals: intervalsDefinition(replicates) },
    pairs: estimates.length,
    ties: main.graph.ties,
    headline: main.headline,
    intervals: bootstrapIntervals(design, n, triangles, replicates, main.headline, intervalsRng.fork('all')),
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
      coinFlip: simulateFloors(design, n, triangles, 0.5, simulations, floorsRng.fork('coin')),
      ...(ordersKnown ? { positionBias: simulateFloors(design, n, triangles, biasRate, simulations, floorsRng.fork('bias')), positionBiasRate: biasRate } : {}),
    },
    clusters,
  };
}

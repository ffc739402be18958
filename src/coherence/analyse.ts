/**
 * The coherence report of a run (docs/method.md §5), with a floor beside every headline number: the
 * value a respondent *without* preferences would get under the same design (same pairs, same
 * answer counts per order) — a coin flip, and a respondent that only has a position bias equal to
 * the observed first-slot rate — exact where a closed form exists and by seeded simulation where
 * not (`floors.ts`). Critics showed coherence can look high on meaningless outcomes; the floors make
 * that visible.
 *
 * Every headline number also gets a 95% interval from a seeded parametric bootstrap: the answers of
 * each asked pair are redrawn from its own P̂ per presentation order on the same design, which is
 * the floor simulation with P̂ in place of ½ — how far the numbers move with the sampling noise of
 * the answers alone.
 *
 * Phases: tallies → the design (P̂ and answers per order per asked pair, typed arrays) → its
 * adjacency and triangles (all, or a sample on a dense design) → triads, components, cycles,
 * feedback arcs, decisiveness, order effects → ranking distance from the fit → intervals and floors
 * of the whole set → per cluster (headline, both floors, intervals).
 * Pure and deterministic given the Rng. Output is plain JSON (written to coherence.json).
 */

import { quote } from '../core/errors.js';
import { estimatePreferenceInOrder } from '../core/preference-estimate.js';
import type { Rng } from '../core/rng.js';
import { type InvalidAnswerPolicy, type Outcome, type OutcomeId, type PairTally, SCHEMA_VERSION, type UtilityFit } from '../core/types.js';
import { inversePhi } from '../stats/normal.js';
import { quantileOfSorted } from '../stats/quantile.js';
import { type CoherenceDesign, designFromTallies, designGraph, subDesign } from './design.js';
import { bootstrapAnswerMoments, EXACT_INTERVAL_TRIANGLES_MIN } from './exact-bootstrap.js';
import { type ExactMoment, exactCycleProbability, exactDecisiveness, exactStateFloors } from './exact-floors.js';
import { type CoherenceHeadline, cachedCoherenceFloors, type FloorCache, type FloorMethod, type Floors, GRAPH_SIMULATIONS, sortedFinite } from './floors.js';
import { cycleComponentsOf, feedbackArcs, majorityScratch, shortestCycleFrom } from './majority-graph.js';
import { circularTriadCount, coefficientOfConsistence, decisiveness, type TriadMetrics, triadMetrics, triadMetricsOf, untiedTriadCounts } from './metrics.js';
import { type CoherenceSetup, simulateHeadlines } from './replicates.js';
import { designTriangles, forEachTriangle } from './triangles.js';

export type { CoherenceHeadline, FloorMethod, Floors, FloorValue, HeadlineFloor } from './floors.js';

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
  /**
   * Triangles from which a design's triangle metrics and decisiveness take exact bootstrap moments
   * instead of replicates (default EXACT_INTERVAL_TRIANGLES_MIN, 1,000; Infinity: always replicates).
   */
  readonly exactIntervalTriangles?: number;
  /** Shortest cycles to write out in words (default 5). */
  readonly exampleCycles?: number;
  /**
   * Whether the tallies say in which order each answer was presented (default `known`). Pooled
   * external pairs (`utilscope fit --pairs`) do not: every answer sits in the `ab` slot, so a
   * first-slot share, a flip rate or a position-bias floor would be an artefact of the file's
   * a/b columns, and the report says "orders unknown" instead.
   */
  readonly orders?: 'known' | 'unknown';
  /** Floors already computed on the same design (a study asks every model the same pairs); see `FloorCache`. */
  readonly floorCache?: FloorCache;
}

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

/** What stands in for the coherence report when it was not computed (`fit --pairs --no-coherence`). */
export interface CoherenceSkipped {
  readonly v: typeof SCHEMA_VERSION;
  readonly skipped: 'no-coherence';
}

export interface CoherenceReport {
  readonly v: typeof SCHEMA_VERSION;
  readonly definitions: Readonly<Record<string, string>>;
  readonly pairs: number;
  readonly ties: number;
  readonly headline: CoherenceHeadline;
  readonly intervals: HeadlineIntervals;
  readonly triads: { readonly asked: TriadMetrics; readonly probe?: TriadMetrics };
  /**
   * The triangles the triad metrics, their floors and intervals are computed over: all of them
   * (`used` = `total`), or a uniform sample without replacement of `used` of the `total` on a dense
   * design (docs/method.md §5.2); `definitions.triangles` says which in words.
   */
  readonly triangles: { readonly total: number; readonly used: number };
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

/** How each floor is obtained when every answer distribution can be tabulated (always for a coin flip). */
const TYPICAL_FLOOR_METHODS: Readonly<Record<keyof CoherenceHeadline, FloorMethod>> = {
  cycleProbability: 'exact',
  cyclicTriangleShare: 'exact',
  weakTransitivityViolations: 'ratio-of-expectations',
  largestComponent: 'simulated',
  feedbackArcShare: 'simulated',
  decisiveness: 'exact',
};

/** Each headline metric in the words the report's chart uses, for sentences about all of them. */
const METRIC_WORDS: Readonly<Record<keyof CoherenceHeadline, string>> = {
  cycleProbability: 'the triad cycle probability',
  cyclicTriangleShare: 'the share of triangles that are cycles',
  weakTransitivityViolations: 'weak transitivity violations',
  largestComponent: 'the largest set it cannot order',
  feedbackArcShare: 'the answers to flip for a ranking',
  decisiveness: 'decisiveness',
};

/** Which designs of a report took exact bootstrap moments for their triangle metrics and decisiveness (see `bootstrapIntervals`). */
export interface ExactIntervalUse {
  readonly whole: boolean;
  readonly clusters: readonly string[];
  /** The triangle count from which a design does. */
  readonly from: number;
  /** Pairs whose redrawn P̂ was taken as normal (more answers than can be tabulated). */
  readonly normalApproximated: number;
}

/** The words for `definitions.intervals`, with the replicate counts used and where exact moments replaced them. */
export function intervalsDefinition(replicates: number, exact?: ExactIntervalUse): string {
  return replicateIntervalWords(replicates) + (exact ? exactIntervalWords(exact) : '');
}

/** The exact-moment sentence of `definitions.intervals` (starting with its full stop), or '' where no design used them. */
function exactIntervalWords(exact: ExactIntervalUse): string {
  const where = [
    ...(exact.whole ? ['the whole set'] : []),
    ...(exact.clusters.length > 0 ? [`the cluster${exact.clusters.length > 1 ? 's' : ''} ${exact.clusters.map((name) => quote(name)).join(', ')}`] : []),
  ];
  if (where.length === 0) return '';
  const normal = exact.normalApproximated > 0 ? `; ${exact.normalApproximated} pairs had too many answers to tabulate and their redrawn share was taken as normal` : '';
  return (
    `. On designs with at least ${groupDigits(exact.from)} triangles (here ${where.join(' and ')}) the cycle probability, the share of triangles that are cycles, weak transitivity violations and decisiveness need no replicates: ` +
    "the answers of different pairs are redrawn independently, so these metrics' bootstrap distribution has a mean and variance in closed form, as the floors' have, and its 2.5th and 97.5th percentiles are read as mean ∓ 1.96 sd (the normal approximation, sound over that many triangles)" +
    `${normal}; the largest cycle component and the feedback-arc share always use the replicates`
  );
}

/**
 * A whole number with commas between groups of three digits (1000 → "1,000"), as
 * `toLocaleString('en-US')` writes it without its first call's ~15 ms of loading locale data, which
 * sat on the coherence worker's path in `fit --pairs`.
 */
function groupDigits(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The replicate bootstrap's words, as every report has them. */
function replicateIntervalWords(replicates: number): string {
  return (
    `95% intervals from ${replicates} seeded parametric bootstrap replicates (the first ${Math.min(replicates, GRAPH_SIMULATIONS)} for the largest cycle component and the feedback-arc share): ` +
    "each asked pair keeps its number of valid answers per presentation order, they are redrawn from that order's observed share choosing a (invalid answers counted under the half policy are kept as they were), and the metric is recomputed on the same pairs and triangles. " +
    'They show how far a number moves with the sampling noise of the answers alone, not with the choice of pairs or outcomes. ' +
    'Redrawn answers add noise to already noisy P̂, which raises majority cycles, violations, feedback arcs and decisiveness in the replicates; those four use the basic (reflected) interval 2θ̂ − q, which corrects the shift. The cycle probability (linear in each P̂, unshifted) uses the 2.5th–97.5th percentiles; so does the largest cycle component, whose interval then describes the replicates and lies above the observed value'
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
  floors: floorsDefinition([], GRAPH_SIMULATIONS),
  intervals: intervalsDefinition(200),
};

/**
 * The words for `definitions.floors`: the respondents, and which floors are exact, which a ratio of
 * exact expectations and which simulated — `simulated` when any of `floors` simulated it, the
 * typical method without floors; `simulations` is the count the simulated ones used.
 */
export function floorsDefinition(floors: readonly Floors[], simulations: number): string {
  const keys = Object.keys(TYPICAL_FLOOR_METHODS) as (keyof CoherenceHeadline)[];
  const methodOf = (key: keyof CoherenceHeadline): FloorMethod => (floors.some((f) => f[key].method === 'simulated') ? 'simulated' : (floors[0]?.[key].method ?? TYPICAL_FLOOR_METHODS[key]));
  const named = (method: FloorMethod) =>
    keys
      .filter((k) => methodOf(k) === method)
      .map((k) => METRIC_WORDS[k])
      .join(', ');
  const parts = [
    named('exact') && `exact for ${named('exact')} (mean and variance in closed form, range mean ± 1.645 sd)`,
    named('ratio-of-expectations') && `for ${named('ratio-of-expectations')} the ratio of the exact expected violations and checks (delta-method range)`,
    named('simulated') && `simulated for ${named('simulated')} (mean and 5th–95th percentiles of ${simulations} seeded simulations)`,
  ].filter(Boolean);
  return `the same metric for respondents without preferences on the same pairs and answer counts: a fair coin, and a coin biased to the first slot at the observed rate; ${parts.join('; ')}`;
}

/** The words for `definitions.triangles`: every triangle, or the sample. */
export function trianglesDefinition(total: number, used: number): string {
  return used === total
    ? `every one of the ${total} triangles of asked pairs`
    : `a uniform sample without replacement of ${used} of the ${total} triangles of asked pairs (seeded); the triad metrics, their floors and intervals are over the sample`;
}

/** A design set up for the headline, the floors and the bootstrap: adjacency, triangles (sampled with `rng` on a dense design), scratch. */
function setUp(design: CoherenceDesign, rng: Rng): CoherenceSetup {
  const graph = designGraph(design);
  return { design, graph, triangles: designTriangles(design, graph, rng), scratch: majorityScratch(design.outcomeCount, design.pairs) };
}

function headlineOf(setup: CoherenceSetup): { headline: CoherenceHeadline; triads: TriadMetrics; components: number[][]; arcs: { arcs: number; weight: number } } {
  const { design, graph, triangles, scratch } = setup;
  const n = design.outcomeCount;
  const triads = triadMetricsOf(design.estimate, triangles);
  const components = cycleComponentsOf(design, graph, design.estimate, scratch);
  const arcs = feedbackArcs(design, graph, design.estimate, scratch);
  return {
    headline: {
      cycleProbability: triads.meanCycleProbability,
      cyclicTriangleShare: triads.cyclicShare,
      weakTransitivityViolations: triads.weakViolationRate,
      largestComponent: components[0]?.length ?? (n > 0 ? 1 : 0),
      feedbackArcShare: design.pairs > 0 ? arcs.arcs / design.pairs : Number.NaN,
      decisiveness: decisiveness(design.estimate).meanAbsDeviation,
    },
    triads,
    components,
    arcs,
  };
}

const HEADLINE_KEYS = ['cycleProbability', 'cyclicTriangleShare', 'weakTransitivityViolations', 'largestComponent', 'feedbackArcShare', 'decisiveness'] as const;

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

/** z₀.₉₇₅: exact-moment intervals read the bootstrap distribution's 2.5th and 97.5th percentiles as mean ∓ this many sd. */
const Z_975 = inversePhi(0.975);

/** A headline's intervals, and whether its triangle metrics and decisiveness came from exact bootstrap moments (exact-bootstrap.ts). */
interface BootstrapResult {
  readonly intervals: HeadlineIntervals;
  readonly exact: boolean;
  readonly normalApproximated: number;
}

/**
 * The bootstrap intervals of a design's headline (docs/method.md §5.12). On a design with at least
 * `exactFrom` triangles the triangle metrics and decisiveness take the bootstrap distribution's
 * exact mean and sd (exact-bootstrap.ts) and only the graph metrics' GRAPH_SIMULATIONS replicates
 * are drawn; they are the first replicates of the same stream, so those two intervals do not depend
 * on which way the others were obtained.
 */
function bootstrapIntervals(setup: CoherenceSetup, replicates: number, observed: CoherenceHeadline, rng: Rng, exactFrom: number): BootstrapResult {
  const { design, triangles } = setup;
  const moments = triangles.count >= exactFrom && replicates > 0 ? bootstrapAnswerMoments(design) : undefined;
  const draws = simulateHeadlines(setup, { chanceAB: design.shareAB, chanceBA: design.shareBA, keepInvalid: true }, { replicates, triads: !moments, graphReplicates: GRAPH_SIMULATIONS }, rng);
  const exactMoments: Partial<Record<keyof CoherenceHeadline, ExactMoment>> = {};
  if (moments) {
    const state = exactStateFloors(moments, triangles);
    exactMoments.cycleProbability = exactCycleProbability(moments, triangles);
    exactMoments.cyclicTriangleShare = state.cyclicTriangleShare;
    exactMoments.weakTransitivityViolations = state.weakTransitivityViolations;
    exactMoments.decisiveness = exactDecisiveness(moments);
  }
  const summarise = (key: keyof CoherenceHeadline): IntervalValue => {
    const exact = exactMoments[key];
    let at: (q: number) => number;
    if (exact) at = (q: number) => exact.mean + (q < 0.5 ? -Z_975 : Z_975) * exact.sd;
    else {
      const sorted = sortedFinite(draws[key]);
      at = (q: number) => quantileOfSorted(sorted, q);
    }
    // All are shares or |P̂ − ½| means: clamp to [0, 1] (decisiveness to [0, ½]).
    const top = key === 'decisiveness' ? 0.5 : 1;
    const clamp = (x: number) => (Number.isNaN(x) ? x : Math.min(top, Math.max(0, x)));
    if (!REFLECTED_INTERVAL_KEYS.has(key)) return exact ? { low: clamp(at(0.025)), high: clamp(at(0.975)) } : { low: at(0.025), high: at(0.975) };
    const theta = observed[key];
    return { low: clamp(2 * theta - at(0.975)), high: clamp(2 * theta - at(0.025)) };
  };
  return { intervals: Object.fromEntries(HEADLINE_KEYS.map((k) => [k, summarise(k)])) as HeadlineIntervals, exact: moments !== undefined, normalApproximated: moments?.normalApproximated ?? 0 };
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

/** The share of decided asked pairs whose majority the fitted order contradicts, plain and weighted by |P̂ − ½| (docs/method.md §5.7). */
function rankingViolations(design: CoherenceDesign, ids: readonly OutcomeId[], fit: UtilityFit): { violationShare: number; weightedViolationShare: number } {
  const fitIndex = new Map(fit.ids.map((id, k) => [id, k] as const));
  let violations = 0;
  let weighted = 0;
  let weightTotal = 0;
  let counted = 0;
  for (let k = 0; k < design.pairs; k++) {
    const p = design.estimate[k] as number;
    if (p === 0.5) continue;
    const fa = fitIndex.get(ids[design.a[k] as number] as OutcomeId);
    const fb = fitIndex.get(ids[design.b[k] as number] as OutcomeId);
    // An outcome without a utility (NaN, docs/method.md §12) has no place in the fitted order.
    if (fa === undefined || fb === undefined || Number.isNaN(fit.mean[fa] as number) || Number.isNaN(fit.mean[fb] as number)) continue;
    counted++;
    const w = Math.abs(p - 0.5);
    weightTotal += w;
    if (p > 0.5 !== (fit.mean[fa] as number) > (fit.mean[fb] as number)) {
      violations++;
      weighted += w;
    }
  }
  return { violationShare: counted > 0 ? violations / counted : Number.NaN, weightedViolationShare: weightTotal > 0 ? weighted / weightTotal : Number.NaN };
}

/**
 * `report` (computed without a fit) with the ranking distance of `fit` in its place, exactly as
 * `analyseCoherence` with that fit would have given it: the only part of the report that reads the
 * fit, so the rest can be computed while the fit runs (src/pipeline/coherence-aside.ts). O(pairs).
 */
export function withRanking(report: CoherenceReport, input: Pick<CoherenceInput, 'outcomes' | 'tallies' | 'policy'>, fit: UtilityFit): CoherenceReport {
  const ids = input.outcomes.map((o) => o.id);
  const design = designFromTallies(input.tallies, new Map(ids.map((id, k) => [id, k] as const)), input.policy);
  const ranking = rankingViolations(design, ids, fit);
  // Keys in the order analyseCoherence writes them: ranking follows feedbackArcs.
  const entries = Object.entries(report).filter(([key]) => key !== 'ranking');
  const at = entries.findIndex(([key]) => key === 'feedbackArcs') + 1;
  entries.splice(at, 0, ['ranking', ranking]);
  return Object.fromEntries(entries) as unknown as CoherenceReport;
}

/** Kendall–Babington Smith counts of a complete tournament, with the untied-triad counts over every triangle even when the triad metrics use a sample. */
function tournamentConsistence(setup: CoherenceSetup, ties: number): TournamentConsistence {
  const { design, graph, triangles } = setup;
  const n = design.outcomeCount;
  const scores = new Array<number>(n).fill(0);
  for (let k = 0; k < design.pairs; k++) {
    const p = design.estimate[k] as number;
    const a = design.a[k] as number;
    const b = design.b[k] as number;
    if (p > 0.5) scores[a] = (scores[a] as number) + 1;
    else if (p < 0.5) scores[b] = (scores[b] as number) + 1;
    else {
      scores[a] = (scores[a] as number) + 0.5;
      scores[b] = (scores[b] as number) + 0.5;
    }
  }
  const d = circularTriadCount(scores);
  const untied = triangles.count === triangles.total ? untiedTriadCounts(design.estimate, triangles) : { triads: 0, circular: 0 };
  if (triangles.count !== triangles.total) {
    forEachTriangle(graph, (x, y, _z, xy, yz, xz) => {
      const p = design.estimate;
      // Oriented x → y, y → z, x → z as in untiedTriadCounts.
      const pxy = design.a[xy] === x ? (p[xy] as number) : 1 - (p[xy] as number);
      const pyz = design.a[yz] === y ? (p[yz] as number) : 1 - (p[yz] as number);
      const pxz = design.a[xz] === x ? (p[xz] as number) : 1 - (p[xz] as number);
      if (pxy === 0.5 || pyz === 0.5 || pxz === 0.5) return;
      untied.triads++;
      if ((pxy > 0.5 && pyz > 0.5 && pxz < 0.5) || (pxy < 0.5 && pyz < 0.5 && pxz > 0.5)) untied.circular++;
    });
  }
  return {
    outcomes: n,
    circularTriads: d,
    maxCircularTriads: n % 2 === 1 ? (n ** 3 - n) / 24 : (n ** 3 - 4 * n) / 24,
    consistence: coefficientOfConsistence(d, n),
    tiedPairs: ties,
    tieShare: ties / design.pairs,
    untiedTriads: untied.triads,
    untiedCircularTriads: untied.circular,
  };
}

/**
 * Analyses coherence (docs/method.md §5); see the module comment. Deterministic given `rng` (forks
 * `floors`, `intervals`, and `triangles` when a dense design's triangles are sampled). Cost:
 * O(intervalReplicates · (pairs + triangles) + 3·GRAPH_SIMULATIONS · (pairs + outcomes²)) after
 * finding the triangles (O(Σ lower degree · higher degree)), plus the same per cluster on its own pairs.
 */
export function analyseCoherence(input: CoherenceInput, rng: Rng): CoherenceReport {
  const ids = input.outcomes.map((o) => o.id);
  const n = ids.length;
  const index = new Map(ids.map((id, k) => [id, k] as const));
  const design = designFromTallies(input.tallies, index, input.policy);
  const trianglesRng = rng.fork('triangles');
  const setup = setUp(design, trianglesRng);
  const main = headlineOf(setup);
  const simulations = input.floorSimulations ?? 100;
  const replicates = input.intervalReplicates ?? 200;
  const ordersKnown = (input.orders ?? 'known') === 'known';
  const order: OrderEffects = ordersKnown ? orderEffects(input.tallies, input.policy) : { orders: 'unknown' };
  const biasRate = order.orders === 'known' && Number.isFinite(order.firstSlotShare) ? order.firstSlotShare : 0.5;
  let ties = 0;
  for (let k = 0; k < design.pairs; k++) if (design.estimate[k] === 0.5) ties++;

  const textOf = (k: number) => ({ id: ids[k] as OutcomeId, text: input.outcomes[k]?.text ?? '' });
  const cycles: { id: OutcomeId; text: string }[][] = [];
  const seen = new Set<string>();
  for (const component of main.components) {
    for (const start of component) {
      if (cycles.length >= (input.exampleCycles ?? 5)) break;
      const cycle = shortestCycleFrom(design, setup.graph, design.estimate, start, setup.scratch);
      if (!cycle) continue;
      const key = [...cycle].sort((x, y) => x - y).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      cycles.push(cycle.map(textOf));
    }
  }

  let probe: TriadMetrics | undefined;
  if (input.probeTriads && input.probeTriads.length > 0) {
    const triangles = input.probeTriads
      .map((t) => t.map((id) => index.get(id)) as [number | undefined, number | undefined, number | undefined])
      .filter((t): t is [number, number, number] => t.every((k) => k !== undefined));
    probe = triadMetrics(
      Array.from({ length: design.pairs }, (_, k) => ({ a: design.a[k] as number, b: design.b[k] as number, p: design.estimate[k] as number, n: design.answers[k] as number })),
      triangles,
    );
  }

  const floorsRng = rng.fork('floors');
  const intervalsRng = rng.fork('intervals');
  const floorsOf = (on: CoherenceSetup, firstSlot: number, count: number, stream: Rng) => cachedCoherenceFloors(input.floorCache, on, firstSlot, count, stream);
  // The whole set before the clusters: each stream is its own fork, so the order changes no number, and the big
  // design's loops get the simulation code optimised before the many small cluster designs run it.
  const exactFrom = input.exactIntervalTriangles ?? EXACT_INTERVAL_TRIANGLES_MIN;
  const whole = bootstrapIntervals(setup, replicates, main.headline, intervalsRng.fork('all'), exactFrom);
  const intervals = whole.intervals;
  const exactClusters: string[] = [];
  let normalApproximated = whole.normalApproximated;
  const coinFlip = floorsOf(setup, 0.5, simulations, floorsRng.fork('coin'));
  const positionBias = ordersKnown ? floorsOf(setup, biasRate, simulations, floorsRng.fork('bias')) : undefined;
  const clusterNames = [...new Set(input.outcomes.flatMap((o) => o.clusters))].sort();
  const clusters = clusterNames.flatMap((cluster): ClusterCoherence[] => {
    const members = input.outcomes.map((o, k) => (o.clusters.includes(cluster) ? k : -1)).filter((k) => k >= 0);
    if (members.length < 3) return [];
    const sub = subDesign(design, members);
    if (sub.pairs < 3) return [];
    const subSetup = setUp(sub, trianglesRng.fork(cluster));
    const clusterSimulations = Math.max(10, Math.floor(simulations / 5));
    const clusterHeadline = headlineOf(subSetup).headline;
    const clusterIntervals = bootstrapIntervals(subSetup, replicates, clusterHeadline, intervalsRng.fork(`cluster:${cluster}`), exactFrom);
    if (clusterIntervals.exact) exactClusters.push(cluster);
    normalApproximated += clusterIntervals.normalApproximated;
    return [
      {
        cluster,
        outcomes: members.length,
        pairs: sub.pairs,
        headline: clusterHeadline,
        coinFlip: floorsOf(subSetup, 0.5, clusterSimulations, floorsRng.fork(cluster)),
        ...(ordersKnown ? { positionBias: floorsOf(subSetup, biasRate, clusterSimulations, floorsRng.fork(`${cluster}:bias`)) } : {}),
        intervals: clusterIntervals.intervals,
      },
    ];
  });

  return {
    v: SCHEMA_VERSION,
    definitions: {
      ...COHERENCE_DEFINITIONS,
      floors: floorsDefinition(positionBias ? [coinFlip, positionBias] : [coinFlip], Math.min(simulations, GRAPH_SIMULATIONS)),
      intervals: intervalsDefinition(replicates, { whole: whole.exact, clusters: exactClusters, from: exactFrom, normalApproximated }),
      triangles: trianglesDefinition(setup.triangles.total, setup.triangles.count),
    },
    pairs: design.pairs,
    ties,
    headline: main.headline,
    intervals,
    triads: { asked: main.triads, ...(probe ? { probe } : {}) },
    triangles: { total: setup.triangles.total, used: setup.triangles.count },
    components: { count: main.components.length, largest: main.headline.largestComponent, members: main.components.map((c) => c.map((k) => ids[k] as OutcomeId)) },
    cycles,
    feedbackArcs: { arcs: main.arcs.arcs, weight: main.arcs.weight, share: main.headline.feedbackArcShare, method: 'Eades–Lin–Smyth greedy ordering (1993)' },
    ...(input.fit ? { ranking: rankingViolations(design, ids, input.fit) } : {}),
    ...(n >= 3 && design.pairs === (n * (n - 1)) / 2 ? { tournament: tournamentConsistence(setup, ties) } : {}),
    decisiveness: decisiveness(design.estimate),
    orderEffects: order,
    floors: { simulations, coinFlip, ...(positionBias ? { positionBias, positionBiasRate: biasRate } : {}) },
    clusters,
  };
}

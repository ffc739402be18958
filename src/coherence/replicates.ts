/**
 * Headline metrics of simulated answer sets on one design (docs/method.md §5.11–5.12): every pair's
 * valid answers per order are redrawn from a respondent's chance of choosing a in that order, and
 * the metrics recomputed on the same pairs and triangles. The simulated floors use it with a
 * preference-free respondent, the bootstrap with each pair's observed shares.
 *
 * A design is set up once (`coherenceSetup`: its adjacency, triangles and scratch); each replicate
 * then draws into one reused array (`drawBinomials`: O(1) per pair whatever the counts), sweeps the
 * compiled triangles and, for the first `graphReplicates`, reruns the majority-graph metrics on the
 * typed adjacency. Cost per replicate O(pairs + triangles), plus O(pairs + outcomes²) for a graph one.
 */
import type { Rng } from '../core/rng.js';
import { drawBinomials, prepareBinomialDraws, writeConstantDraws } from '../stats/binomial-draws.js';
import type { CoherenceDesign, DesignGraph } from './design.js';
import { feedbackArcs, largestComponentSize, type MajorityScratch } from './majority-graph.js';
import { sweepTriads } from './metrics.js';
import type { DesignTriangles } from './triangles.js';

/** A design with what every replicate reuses. */
export interface CoherenceSetup {
  readonly design: CoherenceDesign;
  readonly graph: DesignGraph;
  readonly triangles: DesignTriangles;
  readonly scratch: MajorityScratch;
}

/** A respondent: P(a is chosen) in each order, per pair, and whether the invalid answers kept under `half` count. */
export interface Respondent {
  readonly chanceAB: Float64Array;
  readonly chanceBA: Float64Array;
  readonly keepInvalid: boolean;
}

/** Which metrics to compute: the triangle metrics and decisiveness on every replicate or none, the graph metrics on the first `graphReplicates`. */
export interface ReplicatePlan {
  readonly replicates: number;
  readonly triads: boolean;
  readonly graphReplicates: number;
}

/** Per headline metric, its value in each replicate that computed it. */
export interface ReplicateDraws {
  readonly cycleProbability: Float64Array;
  readonly cyclicTriangleShare: Float64Array;
  readonly weakTransitivityViolations: Float64Array;
  readonly decisiveness: Float64Array;
  readonly largestComponent: Float64Array;
  readonly feedbackArcShare: Float64Array;
}

/** Runs `plan` for `respondent` on `setup`. Deterministic given `rng`. */
export function simulateHeadlines(setup: CoherenceSetup, respondent: Respondent, plan: ReplicatePlan, rng: Rng): ReplicateDraws {
  const { design, graph, triangles, scratch } = setup;
  const pairs = design.pairs;
  const triadCount = plan.triads ? plan.replicates : 0;
  const graphCount = Math.min(plan.replicates, plan.graphReplicates);
  const draws: ReplicateDraws = {
    cycleProbability: new Float64Array(triadCount),
    cyclicTriangleShare: new Float64Array(triadCount),
    weakTransitivityViolations: new Float64Array(triadCount),
    decisiveness: new Float64Array(triadCount),
    largestComponent: new Float64Array(graphCount),
    feedbackArcShare: new Float64Array(graphCount),
  };
  const replicates = Math.max(triadCount, graphCount);
  if (replicates === 0) return draws;
  // Slots 0 … pairs − 1 draw order ab, pairs … 2·pairs − 1 order ba.
  const trials = new Float64Array(2 * pairs);
  trials.set(design.validAB);
  trials.set(design.validBA, pairs);
  const chance = new Float64Array(2 * pairs);
  chance.set(respondent.chanceAB);
  chance.set(respondent.chanceBA, pairs);
  const prepared = prepareBinomialDraws(trials, chance);
  const wins = new Float64Array(2 * pairs);
  writeConstantDraws(prepared, wins);
  // Per pair, a's wins among the answers kept fixed, and all its answers (0: none, P̂ reads ½). A division, not a
  // product with 1/total: P̂ = ½ exactly must stay a tie.
  const fixedWins = new Float64Array(pairs);
  const totals = new Float64Array(pairs);
  for (let k = 0; k < pairs; k++) {
    totals[k] = (design.validAB[k] as number) + (design.validBA[k] as number) + (respondent.keepInvalid ? (design.fixedTotal[k] as number) : 0);
    fixedWins[k] = respondent.keepInvalid ? (design.fixedWins[k] as number) : 0;
  }
  const p = new Float64Array(pairs);
  const sweep = new Float64Array(4);
  const tally = new Float64Array(1);
  const triangleCount = triangles.count;
  for (let r = 0; r < replicates; r++) {
    drawBinomials(prepared, rng, wins);
    const answered = estimatesFromWins(wins, fixedWins, totals, p, tally);
    if (r < triadCount) {
      // The same numbers as triadMetricsOf's mean cycle probability, cyclic share and weak-violation rate.
      sweepTriads(p, triangles, sweep);
      const checks = sweep[2] as number;
      draws.cycleProbability[r] = triangleCount > 0 ? (sweep[0] as number) / triangleCount : Number.NaN;
      draws.cyclicTriangleShare[r] = triangleCount > 0 ? (sweep[1] as number) / triangleCount : Number.NaN;
      draws.weakTransitivityViolations[r] = checks > 0 ? (sweep[3] as number) / checks : Number.NaN;
      draws.decisiveness[r] = answered > 0 ? (tally[0] as number) / answered : Number.NaN;
    }
    if (r < graphCount) {
      draws.largestComponent[r] = graph.outcomeCount > 0 ? largestComponentSize(design, graph, p, scratch) : 0;
      draws.feedbackArcShare[r] = answered > 0 ? feedbackArcs(design, graph, p, scratch).arcs / answered : Number.NaN;
    }
  }
  return draws;
}

/**
 * P̂ per pair from the drawn wins in both orders (slots k and pairs + k) and the fixed ones; a pair
 * without answers reads ½ (no majority edge). Returns the answered pairs; Σ|P̂ − ½| goes into
 * `deviation[0]`, updated inside the loop: V8 compiles this loop while the first call runs it and
 * reuses that code on every later call, so a store after the loop would fall back to the
 * interpreter on each call.
 */
function estimatesFromWins(wins: Float64Array, fixedWins: Float64Array, totals: Float64Array, p: Float64Array, deviation: Float64Array): number {
  const pairs = p.length;
  let answered = 0;
  let sum = 0;
  deviation[0] = 0;
  for (let k = 0; k < pairs; k++) {
    const total = totals[k] as number;
    const value = total > 0 ? ((wins[k] as number) + (wins[pairs + k] as number) + (fixedWins[k] as number)) / total : 0.5;
    p[k] = value;
    if (total > 0) {
      answered++;
      sum += Math.abs(value - 0.5);
      deviation[0] = sum;
    }
  }
  return answered;
}

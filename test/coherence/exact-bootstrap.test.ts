/**
 * Exact bootstrap moments (src/coherence/exact-bootstrap.ts, docs/method.md §5.12): per-pair
 * moments against brute-force enumeration, the normal path against a summed binomial, the metrics'
 * exact mean and sd against thousands of simulated replicates, and the report's intervals from
 * exact moments against the replicate intervals they replace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseCoherence, type CoherenceHeadline, intervalsDefinition } from '../../src/coherence/analyse.js';
import { type CoherenceDesign, designFromTallies, designGraph } from '../../src/coherence/design.js';
import { bootstrapAnswerMoments } from '../../src/coherence/exact-bootstrap.js';
import { exactCycleProbability, exactDecisiveness, exactStateFloors } from '../../src/coherence/exact-floors.js';
import { majorityScratch } from '../../src/coherence/majority-graph.js';
import { simulateHeadlines } from '../../src/coherence/replicates.js';
import { designTriangles } from '../../src/coherence/triangles.js';
import { Rng } from '../../src/core/rng.js';
import type { InvalidAnswerPolicy, Outcome, PairTally } from '../../src/core/types.js';
import { binomialPmf } from '../../src/stats/binomial-pmf.js';
import { Phi } from '../../src/stats/normal.js';

const order = (aWins: number, bWins: number, refusals = 0) => ({ aWins, bWins, refusals, unparseable: 0, failures: 0 });

/** One pair's design from its tallies per order (refusals count under `half`). */
const onePair = (ab: [number, number, number], ba: [number, number, number], policy: InvalidAnswerPolicy): CoherenceDesign =>
  designFromTallies([{ a: 'x', b: 'y', ab: order(...ab), ba: order(...ba) }], new Map([['x', 0] as const, ['y', 1] as const]), policy);

/** A planted respondent on every pair of n outcomes: each order's answers drawn from Φ(u_a − u_b) (noisy, so cycles and ties occur). */
function plantedTallies(n: number, perOrder: number, seed: number, refusalsEvery = 0): { outcomes: Outcome[]; tallies: PairTally[] } {
  const rng = new Rng(seed);
  const utility = Array.from({ length: n }, () => 0.4 * rng.normal());
  const tallies: PairTally[] = [];
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++) {
      const p = Phi((utility[a] as number) - (utility[b] as number));
      const wins = () => Array.from({ length: perOrder }, () => rng.next() < p).filter(Boolean).length;
      const refusals = refusalsEvery > 0 && tallies.length % refusalsEvery === 0 ? 1 : 0;
      const ab = wins();
      const ba = wins();
      tallies.push({ a: `o${a}`, b: `o${b}`, ab: order(ab, perOrder - ab, refusals), ba: order(ba, perOrder - ba) });
    }
  return { outcomes: Array.from({ length: n }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [] })), tallies };
}

describe('bootstrap answer moments per pair', () => {
  it('match brute-force enumeration of both orders’ redraws, with invalid answers kept under half (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        (nAB, nBA, wAB, wBA, refusals) => {
          const ab: [number, number, number] = [Math.min(wAB, nAB), nAB - Math.min(wAB, nAB), refusals];
          const ba: [number, number, number] = [Math.min(wBA, nBA), nBA - Math.min(wBA, nBA), 0];
          const design = onePair(ab, ba, 'half');
          if (design.pairs === 0) return;
          const m = bootstrapAnswerMoments(design);
          const pAB = nAB > 0 ? ab[0] / nAB : 0.5;
          const pBA = nBA > 0 ? ba[0] / nBA : 0.5;
          const total = nAB + nBA + refusals;
          let below = 0;
          let tie = 0;
          let above = 0;
          let mean = 0;
          let square = 0;
          let absDeviation = 0;
          for (let x = 0; x <= nAB; x++)
            for (let y = 0; y <= nBA; y++) {
              const f = binomialPmf(x, nAB, pAB) * binomialPmf(y, nBA, pBA);
              const value = (x + y + refusals / 2) / total;
              if (value < 0.5) below += f;
              else if (value === 0.5) tie += f;
              else above += f;
              mean += f * value;
              square += f * value * value;
              absDeviation += f * Math.abs(value - 0.5);
            }
          expect(m.answered).toBe(1);
          expect(m.mean[0]).toBeCloseTo(mean, 12);
          expect(m.variance[0]).toBeCloseTo(square - mean * mean, 12);
          expect(m.state[0]).toBeCloseTo(below, 12);
          expect(m.state[1]).toBeCloseTo(tie, 12);
          expect(m.state[2]).toBeCloseTo(above, 12);
          expect(m.absDeviation[0]).toBeCloseTo(absDeviation, 12);
          expect(m.normalApproximated).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one order of 1, 2 and 3 wins in 4: hand-computed states', () => {
    // Binomial(4, ¼): P(X < 2) = (81 + 108)/256, P(X = 2) = 54/256.
    const quarter = bootstrapAnswerMoments(onePair([1, 3, 0], [0, 0, 0], 'exclude'));
    expect(quarter.state[0]).toBeCloseTo(189 / 256, 14);
    expect(quarter.state[1]).toBeCloseTo(54 / 256, 14);
    expect(quarter.state[2]).toBeCloseTo(13 / 256, 14);
    expect(quarter.mean[0]).toBeCloseTo(0.25, 14);
    expect(quarter.variance[0]).toBeCloseTo((0.25 * 0.75) / 4, 14);
    // Binomial(4, ½): symmetric, P(tie) = 6/16; E|X/4 − ½| = 2·(1/16·½ + 4/16·¼) = 3/16.
    const half = bootstrapAnswerMoments(onePair([2, 2, 0], [0, 0, 0], 'exclude'));
    expect(half.state[1]).toBeCloseTo(6 / 16, 14);
    expect(half.state[0]).toBeCloseTo(5 / 16, 14);
    expect(half.absDeviation[0]).toBeCloseTo(3 / 16, 14);
    // All 4 wins: P̂* = 1 for certain.
    const sure = bootstrapAnswerMoments(onePair([4, 0, 0], [0, 0, 0], 'exclude'));
    expect([...sure.state.slice(0, 3)]).toEqual([0, 0, 1]);
    expect(sure.variance[0]).toBe(0);
  });

  it('take a normal P̂ beyond 65,536 answers, within 2·10⁻⁵ of the summed binomial near ½ and certain far from it', () => {
    for (const [n, wins] of [
      [100_000, 50_000],
      [100_000, 50_120],
      [100_001, 49_900],
      [120_000, 59_000],
    ] as const) {
      const m = bootstrapAnswerMoments(onePair([wins, n - wins, 0], [0, 0, 0], 'exclude'));
      expect(m.normalApproximated).toBe(1);
      const p = wins / n;
      let below = 0;
      let tie = 0;
      let absDeviation = 0;
      // Only x within 12 sd of the mean carry mass above 10⁻³⁰.
      const sd = Math.sqrt(n * p * (1 - p));
      for (let x = Math.max(0, Math.floor(n * p - 12 * sd)); x <= Math.min(n, Math.ceil(n * p + 12 * sd)); x++) {
        const f = binomialPmf(x, n, p);
        if (2 * x < n) below += f;
        else if (2 * x === n) tie += f;
        absDeviation += f * Math.abs(x / n - 0.5);
      }
      expect(Math.abs((m.state[0] as number) - below)).toBeLessThan(2e-5);
      expect(Math.abs((m.state[1] as number) - tie)).toBeLessThan(2e-5);
      expect(Math.abs((m.absDeviation[0] as number) - absDeviation)).toBeLessThan(2e-5 / Math.sqrt(n));
    }
    const far = bootstrapAnswerMoments(onePair([1e9 - 3, 3, 0], [0, 0, 0], 'exclude'));
    expect([...far.state.slice(0, 3)]).toEqual([0, 0, 1]);
    expect(far.absDeviation[0]).toBeCloseTo(0.5 - 3e-9, 15);
  });
});

describe('exact bootstrap moments of the metrics', () => {
  it('agree with 3,000 simulated replicates within their standard errors (30 outcomes, 4,060 triangles, ties and refusals)', () => {
    const { outcomes, tallies } = plantedTallies(30, 3, 7, 5);
    const design = designFromTallies(tallies, new Map(outcomes.map((o, k) => [o.id, k] as const)), 'half');
    const graph = designGraph(design);
    const triangles = designTriangles(design, graph, new Rng(1));
    expect(triangles.count).toBe(4060);
    const moments = bootstrapAnswerMoments(design);
    const state = exactStateFloors(moments, triangles);
    const exact: Partial<Record<keyof CoherenceHeadline, { mean: number; sd: number }>> = {
      cycleProbability: exactCycleProbability(moments, triangles),
      cyclicTriangleShare: state.cyclicTriangleShare,
      weakTransitivityViolations: state.weakTransitivityViolations,
      decisiveness: exactDecisiveness(moments),
    };
    const replicates = 3000;
    const draws = simulateHeadlines(
      { design, graph, triangles, scratch: majorityScratch(design.outcomeCount, design.pairs) },
      { chanceAB: design.shareAB, chanceBA: design.shareBA, keepInvalid: true },
      { replicates, triads: true, graphReplicates: 0 },
      new Rng(11),
    );
    for (const [key, moment] of Object.entries(exact) as [keyof CoherenceHeadline, { mean: number; sd: number }][]) {
      const values = Array.from(draws[key]);
      const mean = values.reduce((x, y) => x + y, 0) / replicates;
      const sd = Math.sqrt(values.reduce((x, y) => x + (y - mean) ** 2, 0) / (replicates - 1));
      expect(moment.sd, key).toBeGreaterThan(0);
      // The mean within 4 standard errors; the sd within 4 of its own (≈ sd/√(2R) for a near-normal sum), plus the
      // delta method's O(1/E[checks]) for the weak-transitivity ratio.
      expect(Math.abs(mean - moment.mean), key).toBeLessThan((4 * moment.sd) / Math.sqrt(replicates) + (key === 'weakTransitivityViolations' ? 1e-4 : 0));
      expect(Math.abs(sd / moment.sd - 1), key).toBeLessThan(4 / Math.sqrt(2 * replicates) + 0.02);
    }
  });

  it('give the report the intervals its replicates would, within Monte Carlo error, and leave the graph metrics’ intervals unchanged', () => {
    const { outcomes, tallies } = plantedTallies(30, 3, 3);
    const input = { outcomes, tallies, policy: 'exclude' as const, floorSimulations: 20 };
    const exact = analyseCoherence({ ...input, intervalReplicates: 200 }, new Rng(5));
    const replicated = analyseCoherence({ ...input, intervalReplicates: 200, exactIntervalTriangles: Number.POSITIVE_INFINITY }, new Rng(5));
    const many = analyseCoherence({ ...input, intervalReplicates: 4000, exactIntervalTriangles: Number.POSITIVE_INFINITY }, new Rng(5));
    expect(exact.definitions['intervals']).toContain('here the whole set');
    expect(replicated.definitions['intervals']).not.toContain('need no replicates');
    // The first 20 replicates of the same stream: the graph metrics' intervals are the same numbers.
    expect(exact.intervals.largestComponent).toEqual(replicated.intervals.largestComponent);
    expect(exact.intervals.feedbackArcShare).toEqual(replicated.intervals.feedbackArcShare);
    // Everything but the intervals is the same report.
    expect({ ...exact, intervals: undefined, definitions: undefined }).toEqual({ ...replicated, intervals: undefined, definitions: undefined });
    for (const key of ['cycleProbability', 'cyclicTriangleShare', 'weakTransitivityViolations', 'decisiveness'] as const) {
      const ends = exact.intervals[key];
      const reference = many.intervals[key];
      const width = reference.high - reference.low;
      expect(width, key).toBeGreaterThan(0);
      // 4,000 replicates put a 2.5% quantile within about 0.05 of the width; the normal reading adds its own skew error.
      expect(Math.abs(ends.low - reference.low), key).toBeLessThan(0.08 * width);
      expect(Math.abs(ends.high - reference.high), key).toBeLessThan(0.08 * width);
    }
  });

  it('are used only from 1,000 triangles: a smaller design keeps its replicate intervals exactly', () => {
    const { outcomes, tallies } = plantedTallies(12, 3, 4);
    const input = { outcomes, tallies, policy: 'exclude' as const, floorSimulations: 10, intervalReplicates: 100 };
    expect(analyseCoherence(input, new Rng(2))).toEqual(analyseCoherence({ ...input, exactIntervalTriangles: Number.POSITIVE_INFINITY }, new Rng(2)));
  });

  it('are named in the intervals’ words: which designs, clusters quoted whole, and the pairs taken as normal', () => {
    const plain = intervalsDefinition(200);
    expect(intervalsDefinition(200, { whole: false, clusters: [], from: 1000, normalApproximated: 0 })).toBe(plain);
    const words = intervalsDefinition(200, { whole: true, clusters: ['human-wellbeing', 'ai-rights'], from: 1000, normalApproximated: 3 });
    expect(words.startsWith(`${plain}. On designs with at least 1,000 triangles (here the whole set and the clusters "human-wellbeing", "ai-rights")`)).toBe(true);
    // The threshold is grouped in threes as toLocaleString('en-US') would write it.
    expect(intervalsDefinition(200, { whole: true, clusters: [], from: 1234567, normalApproximated: 0 })).toContain('at least 1,234,567 triangles (here the whole set)');
    expect(intervalsDefinition(200, { whole: true, clusters: [], from: 999, normalApproximated: 0 })).toContain('at least 999 triangles');
    expect(words).toContain('; 3 pairs had too many answers to tabulate');
    // The report adds its own full stop after the definition.
    expect(words.endsWith('always use the replicates')).toBe(true);
  });
});

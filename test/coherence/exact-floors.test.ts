/**
 * Exact floors (src/coherence/exact-floors.ts, docs/method.md §5.11): hand-computed small designs,
 * agreement with simulation within its standard error, and properties that hold for every design.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseCoherence } from '../../src/coherence/analyse.js';
import { type CoherenceDesign, designGraph } from '../../src/coherence/design.js';
import { exactCycleProbability, exactDecisiveness, exactStateFloors, floorAnswerMoments } from '../../src/coherence/exact-floors.js';
import { majorityScratch } from '../../src/coherence/majority-graph.js';
import { simulateHeadlines } from '../../src/coherence/replicates.js';
import { designTriangles } from '../../src/coherence/triangles.js';
import { Rng } from '../../src/core/rng.js';
import type { PairTally } from '../../src/core/types.js';
import { designOf } from '../helpers/coherence-design.js';

/** The exact floors of a respondent choosing the first slot with chance r. */
function exact(design: CoherenceDesign, r: number) {
  const triangles = designTriangles(design, designGraph(design), new Rng(1));
  const moments = floorAnswerMoments(design, r);
  return { moments, cycle: exactCycleProbability(moments, triangles), ...exactStateFloors(moments, triangles), decisiveness: exactDecisiveness(moments) };
}

const oneTriangle = (answers: number, second = 0) =>
  designOf(3, [
    [0, 1, 0.5, answers, second],
    [1, 2, 0.5, answers, second],
    [0, 2, 0.5, answers, second],
  ]);

describe('exact floors, hand-computed', () => {
  it('one triangle, one coin-flip answer per pair: P̂ is 0 or 1, so the cycle probability is the 3-cycle indicator, ¼ ± √(3/16)', () => {
    // 2 of the 8 outcomes are cycles; Var = v₁v₂ + v₁v₃ + v₂v₃ with v = ¼: 3/16. Without ties every outcome is
    // checked on its first labelling with p_ab, p_bc ≥ ½, and exactly the two cycles violate weak transitivity there.
    const floors = exact(oneTriangle(1), 0.5);
    expect(floors.cycle.mean).toBeCloseTo(0.25, 14);
    expect(floors.cycle.sd).toBeCloseTo(Math.sqrt(3 / 16), 14);
    expect(floors.cyclicTriangleShare.mean).toBeCloseTo(0.25, 14);
    expect(floors.cyclicTriangleShare.sd).toBeCloseTo(Math.sqrt(0.25 * 0.75), 14);
    expect(floors.weakTransitivityViolations.mean).toBeCloseTo(0.25, 14);
    expect(floors.decisiveness).toEqual({ mean: 0.5, sd: 0 });
  });

  it('two coin-flip answers per pair: P̂ ∈ {0, ½, 1} with chances ¼, ½, ¼, so a 3-cycle has chance 2·(¼)³ and E|P̂ − ½| = ¼ ± ¼', () => {
    const floors = exact(oneTriangle(2), 0.5);
    expect(floors.cyclicTriangleShare.mean).toBeCloseTo(2 / 64, 14);
    // Var |P̂ − ½| = E(P̂ − ½)² − ¼² = ⅛ − 1/16 per pair; three pairs: sd of the mean = √(3/16)/3.
    expect(floors.decisiveness.mean).toBeCloseTo(0.25, 14);
    expect(floors.decisiveness.sd).toBeCloseTo(Math.sqrt(3 / 16) / 3, 14);
  });

  it('a position bias of 0.9 with one answer per order: X = Bin(1, 0.9) + Bin(1, 0.1) is 0, 1, 2 with chances 0.09, 0.82, 0.09', () => {
    const floors = exact(oneTriangle(1, 1), 0.9);
    expect(floors.moments.mean[0]).toBeCloseTo(0.5, 14);
    expect(floors.moments.variance[0]).toBeCloseTo(0.09 / 2, 14);
    expect(Array.from(floors.moments.state.subarray(0, 3))).toEqual([expect.closeTo(0.09, 14), expect.closeTo(0.82, 14), expect.closeTo(0.09, 14)]);
    // E|P̂ − ½| = 0.09·½ + 0.09·½.
    expect(floors.decisiveness.mean).toBeCloseTo(0.09, 14);
  });

  it('a position bias with every answer in the first slot has the closed-form mean, and a cycle-probability slope term', () => {
    // r = 0.8, order ab only: every P̂ has mean 0.8 and variance 0.16/n; for the triangle (0, 1, 2) f(0.8, 0.8, 0.8) = 0.16.
    const floors = exact(oneTriangle(4), 0.8);
    expect(floors.cycle.mean).toBeCloseTo(0.8 * 0.8 * 0.2 + 0.2 * 0.2 * 0.8, 14);
    // Slopes at μ = 0.8: ∂f/∂p₁ = 0, ∂f/∂p₂ = 0, ∂f/∂p₃ = 1 − 1.6 = −0.6; v = 0.04: Var = 0.36·0.04 + 3·0.04².
    expect(floors.cycle.sd).toBeCloseTo(Math.sqrt(0.36 * 0.04 + 3 * 0.04 ** 2), 14);
  });
});

/** A random design: `n` outcomes, `pairs` distinct pairs, 1–4 valid answers in each order. */
function randomDesign(n: number, pairs: number, seed: number): CoherenceDesign {
  const rng = new Rng(seed);
  const seen = new Set<number>();
  const rows: [number, number, number, number, number][] = [];
  while (rows.length < pairs) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a === b || seen.has(Math.min(a, b) * n + Math.max(a, b))) continue;
    seen.add(Math.min(a, b) * n + Math.max(a, b));
    rows.push([a, b, 0.5, 1 + rng.int(4), 1 + rng.int(4)]);
  }
  return designOf(n, rows);
}

describe('exact floors against simulation', () => {
  for (const r of [0.5, 0.7]) {
    it(`agree with 4,000 simulated respondents choosing the first slot with chance ${r}: means within 4 standard errors, sds within 10%`, () => {
      // 4,000 simulations: the standard error of a simulated mean is sd/√4000 ≈ 0.016·sd and the relative
      // standard error of a simulated sd about 1/√(2·4000) ≈ 1.1%, so 4 SE and 10% fail only on a real error.
      const design = randomDesign(30, 160, 11);
      const graph = designGraph(design);
      const triangles = designTriangles(design, graph, new Rng(1));
      expect(triangles.count).toBeGreaterThan(40);
      const floors = exact(design, r);
      const simulations = 4000;
      const draws = simulateHeadlines(
        { design, graph, triangles, scratch: majorityScratch(design.outcomeCount, design.pairs) },
        { chanceAB: new Float64Array(design.pairs).fill(r), chanceBA: new Float64Array(design.pairs).fill(1 - r), keepInvalid: false },
        { replicates: simulations, triads: true, graphReplicates: 0 },
        new Rng(`agreement-${r}`),
      );
      const summary = (values: Float64Array) => {
        const mean = values.reduce((x, y) => x + y, 0) / values.length;
        const sd = Math.sqrt(values.reduce((x, y) => x + (y - mean) ** 2, 0) / (values.length - 1));
        return { mean, sd };
      };
      for (const [key, moment] of [
        ['cycleProbability', floors.cycle],
        ['cyclicTriangleShare', floors.cyclicTriangleShare],
        ['weakTransitivityViolations', floors.weakTransitivityViolations],
        ['decisiveness', floors.decisiveness],
      ] as const) {
        const simulated = summary(draws[key]);
        expect(Math.abs(simulated.mean - moment.mean), key).toBeLessThan((4 * simulated.sd) / Math.sqrt(simulations));
        expect(moment.sd / simulated.sd, key).toBeGreaterThan(0.9);
        expect(moment.sd / simulated.sd, key).toBeLessThan(1.1);
      }
    });
  }
});

describe('exact floors, properties', () => {
  const design = fc.integer({ min: 3, max: 9 }).chain((n) =>
    fc
      .uniqueArray(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), {
        selector: ([x, y]) => `${Math.min(x, y)},${Math.max(x, y)}`,
        minLength: 3,
        maxLength: 30,
      })
      .map((rows) => ({ n, rows: rows.filter(([x, y]) => x !== y) })),
  );

  it('a coin flip with an odd number of answers per pair (no ties) has cycle probability, 3-cycle share and weak-violation rate ¼', () => {
    fc.assert(
      fc.property(design, ({ n, rows }) => {
        const floors = exact(
          designOf(
            n,
            rows.map(([a, b, x, y]) => [a, b, 0.5, 2 * x + 1, 2 * y] as const),
          ),
          0.5,
        );
        if (Number.isNaN(floors.cycle.mean)) return;
        expect(floors.cycle.mean).toBeCloseTo(0.25, 12);
        expect(floors.cyclicTriangleShare.mean).toBeCloseTo(0.25, 12);
        // Without ties every triangle is checked and the violations are exactly the 3-cycles.
        expect(floors.weakTransitivityViolations.mean).toBeCloseTo(0.25, 12);
      }),
    );
  });

  it('are unchanged by relabelling the outcomes and swapping the sides, and with them the orders, of every pair', () => {
    // Not the weak-transitivity rate: with ties, which labelling is checked first depends on the outcomes' order
    // (docs/method.md §5.4), for the observed answers as for the floor.
    fc.assert(
      fc.property(design, fc.constantFrom(0.5, 0.65, 0.9), ({ n, rows }, r) => {
        const base = exact(
          designOf(
            n,
            rows.map(([a, b, x, y]) => [a, b, 0.5, x, y] as const),
          ),
          r,
        );
        // Outcome v becomes n − 1 − v; pair (a, b) becomes (b′, a′), whose order ab is the old order ba.
        const other = exact(
          designOf(
            n,
            rows.map(([a, b, x, y]) => [n - 1 - b, n - 1 - a, 0.5, y, x] as const),
          ),
          r,
        );
        for (const key of ['cycle', 'cyclicTriangleShare', 'decisiveness'] as const) {
          if (Number.isNaN(base[key].mean)) expect(other[key].mean).toBeNaN();
          else {
            expect(other[key].mean).toBeCloseTo(base[key].mean, 12);
            expect(other[key].sd).toBeCloseTo(base[key].sd, 12);
          }
        }
      }),
    );
  });
});

describe('floors in the coherence report', () => {
  const tally = (a: number, b: number, perOrder: number): PairTally => {
    const order = { aWins: perOrder, bWins: 0, refusals: 0, unparseable: 0, failures: 0 };
    return { a: `o${a}`, b: `o${b}`, ab: order, ba: { ...order, aWins: 0, bWins: perOrder } };
  };
  const outcomes = Array.from({ length: 6 }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [] }));
  const tallies = (perOrder: number) => {
    const out: PairTally[] = [];
    for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) out.push(tally(a, b, perOrder));
    return out;
  };

  it('say which floors are exact and which simulated', () => {
    const report = analyseCoherence({ outcomes, tallies: tallies(5), policy: 'exclude', floorSimulations: 20, intervalReplicates: 0 }, new Rng(1));
    for (const floors of [report.floors.coinFlip, report.floors.positionBias]) {
      expect(floors?.cycleProbability.method).toBe('exact');
      expect(floors?.cyclicTriangleShare.method).toBe('exact');
      expect(floors?.weakTransitivityViolations.method).toBe('ratio-of-expectations');
      expect(floors?.decisiveness.method).toBe('exact');
      expect(floors?.largestComponent.method).toBe('simulated');
      expect(floors?.feedbackArcShare.method).toBe('simulated');
    }
  });

  it('simulate the position-bias floors whose answer distribution is too large to tabulate, and keep the coin flip exact at any count', () => {
    // 3,000 answers in each order: the position bias's P̂ is a convolution of two binomials of 3,001 points each.
    const report = analyseCoherence(
      { outcomes, tallies: tallies(3000).map((t, k) => (k === 0 ? { ...t, ab: { ...t.ab, aWins: 2000, bWins: 1000 } } : t)), policy: 'exclude', floorSimulations: 20, intervalReplicates: 0 },
      new Rng(1),
    );
    expect(report.floors.coinFlip.decisiveness.method).toBe('exact');
    expect(report.floors.positionBias?.cycleProbability.method).toBe('exact');
    expect(report.floors.positionBias?.decisiveness.method).toBe('simulated');
    expect(report.floors.positionBias?.cyclicTriangleShare.method).toBe('simulated');
  });
});

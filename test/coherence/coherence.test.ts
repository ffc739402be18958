import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseCoherence } from '../../src/coherence/analyse.js';
import { designGraph } from '../../src/coherence/design.js';
import { feedbackArcs, majorityScratch } from '../../src/coherence/majority-graph.js';
import { circularTriadCount, coefficientOfConsistence, triadCycleProbability } from '../../src/coherence/metrics.js';
import { designTriangles } from '../../src/coherence/triangles.js';
import { Rng } from '../../src/core/rng.js';
import type { Outcome, PairTally } from '../../src/core/types.js';
import { designOf } from '../helpers/coherence-design.js';

const outcomesOf = (n: number, cluster = 'c'): Outcome[] => Array.from({ length: n }, (_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [cluster] }));

/** A tally with `aWins` of `total` per order. */
function tally(a: number, b: number, aWinsPerOrder: number, totalPerOrder = 10): PairTally {
  const order = { aWins: aWinsPerOrder, bWins: totalPerOrder - aWinsPerOrder, refusals: 0, unparseable: 0, failures: 0 };
  return { a: `o${a}`, b: `o${b}`, ab: order, ba: order };
}

function completeTournament(n: number, winner: (a: number, b: number) => boolean): PairTally[] {
  const out: PairTally[] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push(tally(a, b, winner(a, b) ? 8 : 2));
  return out;
}

describe('coherence building blocks', () => {
  it('computes the triad cycle probability by hand', () => {
    // p_ab = 0.9, p_bc = 0.8, p_ac = 0.3: 0.9·0.8·0.7 + 0.1·0.2·0.3 = 0.504 + 0.006 = 0.51.
    expect(triadCycleProbability(0.9, 0.8, 0.3)).toBeCloseTo(0.51, 12);
    expect(triadCycleProbability(0.5, 0.5, 0.5)).toBeCloseTo(0.25, 12);
  });

  it('matches Kendall & Babington Smith: a 3-cycle has d = 1, a transitive tournament d = 0, maximum d for n = 5 is 5', () => {
    expect(circularTriadCount([1, 1, 1])).toBe(1);
    expect(circularTriadCount([4, 3, 2, 1, 0])).toBe(0);
    expect(circularTriadCount([2, 2, 2, 2, 2])).toBe(5); // regular tournament: (n³ − n)/24 = 5
    expect(coefficientOfConsistence(0, 5)).toBe(1);
    expect(coefficientOfConsistence(5, 5)).toBe(0);
    expect(coefficientOfConsistence(0, 4)).toBe(1);
  });

  it('enumerates exactly the triangles a brute-force scan finds, in x, y, z order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 })), { selector: ([x, y]) => `${Math.min(x, y)},${Math.max(x, y)}`, maxLength: 50 }),
        (edges) => {
          const design = designOf(
            12,
            edges.filter(([x, y]) => x !== y).map(([x, y]) => [x, y, 0.7] as const),
          );
          const pairOf = new Map<string, number>();
          for (let k = 0; k < design.pairs; k++) pairOf.set(`${Math.min(design.a[k] as number, design.b[k] as number)},${Math.max(design.a[k] as number, design.b[k] as number)}`, k);
          const brute: number[] = [];
          for (let x = 0; x < 12; x++)
            for (let y = x + 1; y < 12; y++)
              for (let z = y + 1; z < 12; z++) {
                const [xy, yz, xz] = [pairOf.get(`${x},${y}`), pairOf.get(`${y},${z}`), pairOf.get(`${x},${z}`)];
                if (xy !== undefined && yz !== undefined && xz !== undefined) brute.push(xy, yz, xz);
              }
          const triangles = designTriangles(design, designGraph(design), new Rng(1));
          expect(triangles.total).toBe(brute.length / 3);
          expect(Array.from(triangles.pair)).toEqual(brute);
        },
      ),
    );
  });

  it('needs no feedback arcs for an acyclic graph and one for a 3-cycle', () => {
    const arcs = (p: number) => {
      const design = designOf(3, [
        [0, 1, 0.9],
        [1, 2, 0.9],
        [0, 2, p],
      ]);
      return feedbackArcs(design, designGraph(design), design.estimate, majorityScratch(3, 3)).arcs;
    };
    expect(arcs(0.9)).toBe(0);
    expect(arcs(0.1)).toBe(1);
  });
});

describe('analyseCoherence', () => {
  it('finds no cycles, one singleton component per outcome and full consistence in a transitive tournament', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), fc.integer(), (n, seed) => {
        const rank = new Rng(seed).shuffled(Array.from({ length: n }, (_, k) => k));
        const report = analyseCoherence({ outcomes: outcomesOf(n), tallies: completeTournament(n, (a, b) => rank.indexOf(a) < rank.indexOf(b)), policy: 'exclude', floorSimulations: 5 }, new Rng(1));
        expect(report.headline.cyclicTriangleShare).toBe(0);
        expect(report.headline.largestComponent).toBe(1);
        expect(report.components.count).toBe(0);
        expect(report.feedbackArcs.arcs).toBe(0);
        expect(report.tournament).toMatchObject({ circularTriads: 0, consistence: 1 });
        expect(report.headline.weakTransitivityViolations).toBe(0);
      }),
      { numRuns: 20 },
    );
  });

  it('writes out a cycle in words and reports its component', () => {
    const report = analyseCoherence({ outcomes: outcomesOf(4), tallies: [tally(0, 1, 9), tally(1, 2, 9), tally(0, 2, 1), tally(2, 3, 9)], policy: 'exclude', floorSimulations: 5 }, new Rng(1));
    expect(report.components.members).toEqual([['o0', 'o1', 'o2']]);
    expect(report.cycles[0]?.map((c) => c.text)).toHaveLength(3);
    expect(report.headline.cyclicTriangleShare).toBe(1);
  });

  it('finds two separate cyclic components in a textbook graph with two SCCs', () => {
    // 0→1→2→0 and 3→4→5→3, with every outcome of the first cycle preferred to the second.
    const wins: [number, number, number][] = [
      [0, 1, 9],
      [1, 2, 9],
      [0, 2, 1],
      [3, 4, 9],
      [4, 5, 9],
      [3, 5, 1],
    ];
    for (const a of [0, 1, 2]) for (const b of [3, 4, 5]) wins.push([a, b, 9]);
    const report = analyseCoherence({ outcomes: outcomesOf(6), tallies: wins.map(([a, b, w]) => tally(a, b, w)), policy: 'exclude', floorSimulations: 0 }, new Rng(1));
    expect(report.components.members).toEqual([
      ['o0', 'o1', 'o2'],
      ['o3', 'o4', 'o5'],
    ]);
    expect(report.triads.asked.cyclicTriangles).toBe(2);
    expect(report.feedbackArcs.arcs).toBe(2);
    expect(report.tournament?.circularTriads).toBe(2); // scores (4,4,4,1,1,1): 6·5·11/12 − ½·51 = 27.5 − 25.5 = 2
  });

  it('reports the tie share and the circular triads among untied triads beside ζ, which ties alone pull down', () => {
    // A transitive 27-outcome round robin (lower index preferred) in which the 117 pairs at most 4
    // apart, and the first 19 pairs 5 apart, are tied 5–5 per order, like the real example
    // (117 of 351 pairs tied). Scores with ½ per tie give d = 27·26·53/12 − ½·Σs² = 3100.5 − 2944.5 =
    // 156 of d_max = (27³ − 27)/24 = 819, so ζ = 1 − 156/819 = 0.8095; yet none of the 725 triads
    // with three untied pairs is circular (both counts checked by enumerating all 2,925 triads in
    // Python with the same rule).
    const n = 27;
    const tied = (a: number, b: number) => b - a <= 4 || (b - a === 5 && a < 19);
    const tallies = completeTournament(n, () => true).map((t, k, all) => {
      const [a, b] = [Number(t.a.slice(1)), Number(t.b.slice(1))];
      return tied(a, b) ? tally(a, b, 5) : (all[k] as PairTally);
    });
    const report = analyseCoherence({ outcomes: outcomesOf(n), tallies, policy: 'exclude', floorSimulations: 0, intervalReplicates: 0 }, new Rng(1));
    expect(report.tournament).toEqual({
      outcomes: 27,
      circularTriads: 156,
      maxCircularTriads: 819,
      consistence: expect.closeTo(1 - 156 / 819, 12),
      tiedPairs: 117,
      tieShare: 117 / 351,
      untiedTriads: 725,
      untiedCircularTriads: 0,
    });
  });

  it('counts a decided 3-cycle among the untied triads, and none once one of its pairs is tied', () => {
    const cycle = [tally(0, 1, 9), tally(1, 2, 9), tally(0, 2, 1)];
    const decided = analyseCoherence({ outcomes: outcomesOf(3), tallies: cycle, policy: 'exclude', floorSimulations: 0, intervalReplicates: 0 }, new Rng(1));
    expect(decided.tournament).toMatchObject({ circularTriads: 1, consistence: 0, tiedPairs: 0, untiedTriads: 1, untiedCircularTriads: 1 });
    // All three tied: scores (1, 1, 1) give d = 1, ζ = 0, though there is no decided triad at all.
    const ties = analyseCoherence({ outcomes: outcomesOf(3), tallies: [tally(0, 1, 5), tally(1, 2, 5), tally(0, 2, 5)], policy: 'exclude', floorSimulations: 0, intervalReplicates: 0 }, new Rng(1));
    expect(ties.tournament).toMatchObject({ circularTriads: 1, consistence: 0, tiedPairs: 3, tieShare: 1, untiedTriads: 0, untiedCircularTriads: 0 });
  });

  it('finds no violations and no 3-cycles when P̂ comes from any real-valued utilities', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 4, maxLength: 9 }), (utilities) => {
        const n = utilities.length;
        const tallies: PairTally[] = [];
        for (let a = 0; a < n; a++)
          for (let b = a + 1; b < n; b++) {
            const d = (utilities[a] as number) - (utilities[b] as number);
            if (d === 0) continue;
            tallies.push(tally(a, b, d > 0 ? 7 : 3));
          }
        const report = analyseCoherence({ outcomes: outcomesOf(n), tallies, policy: 'exclude', floorSimulations: 0 }, new Rng(1));
        expect(report.triads.asked.cyclicTriangles).toBe(0);
        expect(report.headline.weakTransitivityViolations === 0 || Number.isNaN(report.headline.weakTransitivityViolations)).toBe(true);
        expect(report.feedbackArcs.arcs).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('is unchanged by relabelling outcomes and by swapping the sides of every tally', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 15, maxLength: 15 }), (wins) => {
        const pairs: [number, number][] = [];
        for (let a = 0; a < 6; a++) for (let b = a + 1; b < 6; b++) pairs.push([a, b]);
        const tallies = pairs.map(([a, b], k) => tally(a, b, wins[k] as number));
        const base = analyseCoherence({ outcomes: outcomesOf(6), tallies, policy: 'exclude', floorSimulations: 0 }, new Rng(1));
        const swapped = tallies.map((t) => ({ a: t.b, b: t.a, ab: { ...t.ba, aWins: t.ba.bWins, bWins: t.ba.aWins }, ba: { ...t.ab, aWins: t.ab.bWins, bWins: t.ab.aWins } }));
        const reversedOutcomes = [...outcomesOf(6)].reverse();
        const other = analyseCoherence({ outcomes: reversedOutcomes, tallies: swapped, policy: 'exclude', floorSimulations: 0 }, new Rng(1));
        for (const key of ['cycleProbability', 'cyclicTriangleShare', 'largestComponent', 'decisiveness'] as const) {
          if (Number.isNaN(base.headline[key])) expect(other.headline[key]).toBeNaN();
          else expect(other.headline[key]).toBeCloseTo(base.headline[key], 12);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('puts the coin-flip floor of the cycle probability near ¼ and reports the position-bias floor', () => {
    const n = 12;
    const report = analyseCoherence({ outcomes: outcomesOf(n), tallies: completeTournament(n, (a, b) => a < b), policy: 'exclude', floorSimulations: 60 }, new Rng(3));
    // Each fair-coin P̂ from 20 answers has variance 1/80, so E[P(cycle)] = ¼ − small; well above a consistent model's 0.
    expect(report.floors.coinFlip.cycleProbability.mean).toBeGreaterThan(0.2);
    expect(report.floors.coinFlip.cycleProbability.mean).toBeLessThan(0.26);
    expect(report.headline.cycleProbability).toBeLessThan(report.floors.coinFlip.cycleProbability.low);
    expect(report.floors.positionBiasRate).toBeCloseTo(0.5, 12); // symmetric tallies: a wins as often first as second
  });

  it('measures order effects and the first-slot share', () => {
    // Pair 0/1: a chosen 9/10 when first, 2/10 when second → orders disagree; first slot wins 17 of 20.
    const t: PairTally = { a: 'o0', b: 'o1', ab: { aWins: 9, bWins: 1, refusals: 0, unparseable: 0, failures: 0 }, ba: { aWins: 2, bWins: 8, refusals: 0, unparseable: 0, failures: 0 } };
    const report = analyseCoherence({ outcomes: outcomesOf(3), tallies: [t], policy: 'exclude', floorSimulations: 0 }, new Rng(1));
    expect(report.orderEffects).toMatchObject({ orders: 'known', pairs: 1, disagree: 1, flipRate: 1, firstSlotShare: 17 / 20 });
  });

  it('says "orders unknown" for pooled pairs instead of a first-slot share and a position-bias floor, and leaves every other number as it was', () => {
    // Pooled external pairs keep every answer in the ab slot: the "first-slot share" would be a's share.
    const pooled = completeTournament(6, (a, b) => a < b).map((t) => ({ ...t, ab: { ...t.ab, aWins: t.ab.aWins + t.ba.aWins, bWins: t.ab.bWins + t.ba.bWins }, ba: { ...t.ba, aWins: 0, bWins: 0 } }));
    const input = { outcomes: outcomesOf(6, 'all'), tallies: pooled, policy: 'exclude' as const, floorSimulations: 10, intervalReplicates: 10 };
    const known = analyseCoherence(input, new Rng(4));
    const unknown = analyseCoherence({ ...input, orders: 'unknown' }, new Rng(4));
    expect(known.orderEffects).toMatchObject({ orders: 'known', firstSlotShare: 0.8 });
    expect(unknown.orderEffects).toEqual({ orders: 'unknown' });
    expect(unknown.floors.positionBias).toBeUndefined();
    expect(unknown.floors.positionBiasRate).toBeUndefined();
    expect(unknown.clusters[0]?.positionBias).toBeUndefined();
    expect(unknown.floors.coinFlip).toEqual(known.floors.coinFlip);
    expect(unknown.intervals).toEqual(known.intervals);
    expect(unknown.headline).toEqual(known.headline);
  });
});

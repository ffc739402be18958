import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileTriangles, type PairEstimate, type TriadMetrics, triadCycleProbability, triadMetrics, triadMetricsOf } from '../../src/coherence/metrics.js';

/**
 * The triad metrics straight from their definition (docs/method.md §5), with a lookup per corner and the six
 * labellings tried in order: the reference the compiled, typed-array version must reproduce exactly.
 */
function referenceTriadMetrics(estimates: readonly PairEstimate[], triangles: readonly [number, number, number][]): TriadMetrics {
  const map = new Map<string, number>();
  for (const e of estimates) {
    map.set(`${e.a},${e.b}`, e.p);
    map.set(`${e.b},${e.a}`, 1 - e.p);
  }
  const p = (x: number, y: number) => map.get(`${x},${y}`) ?? 0.5;
  let sum = 0;
  let cyclic = 0;
  let checks = 0;
  let weak = 0;
  let moderate = 0;
  let strong = 0;
  for (const [x, y, z] of triangles) {
    sum += triadCycleProbability(p(x, y), p(y, z), p(x, z));
    if ((p(x, y) > 0.5 && p(y, z) > 0.5 && p(x, z) < 0.5) || (p(x, y) < 0.5 && p(y, z) < 0.5 && p(x, z) > 0.5)) cyclic++;
    const labellings: [number, number, number][] = [
      [x, y, z],
      [x, z, y],
      [y, x, z],
      [y, z, x],
      [z, x, y],
      [z, y, x],
    ];
    for (const [a, b, c] of labellings) {
      const pab = p(a, b);
      const pbc = p(b, c);
      if (pab >= 0.5 && pbc >= 0.5 && !(pab === 0.5 && pbc === 0.5)) {
        const pac = p(a, c);
        checks++;
        if (pac < 0.5) weak++;
        if (pac < Math.min(pab, pbc)) moderate++;
        if (pac < Math.max(pab, pbc)) strong++;
        break;
      }
    }
  }
  const count = triangles.length;
  const rate = (v: number) => (checks > 0 ? v / checks : Number.NaN);
  return {
    triangles: count,
    meanCycleProbability: count > 0 ? sum / count : Number.NaN,
    cyclicTriangles: cyclic,
    cyclicShare: count > 0 ? cyclic / count : Number.NaN,
    transitivityChecks: checks,
    weakViolationRate: rate(weak),
    moderateViolationRate: rate(moderate),
    strongViolationRate: rate(strong),
  };
}

describe('compiled triangles', () => {
  it('reproduce the definition exactly, for pairs stored either way round, ties at ½ and triangles with unasked pairs (property)', () => {
    const share = fc.oneof(fc.constantFrom(0, 0.25, 0.5, 0.75, 1), fc.double({ min: 0, max: 1, noNaN: true }));
    const edge = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), share);
    const triangle = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 }));
    fc.assert(
      fc.property(fc.uniqueArray(edge, { selector: ([x, y]) => `${Math.min(x, y)},${Math.max(x, y)}`, maxLength: 28 }), fc.array(triangle, { maxLength: 30 }), (edges, triangles) => {
        const estimates: PairEstimate[] = edges.filter(([x, y]) => x !== y).map(([a, b, p]) => ({ a, b, p, n: 1 }));
        const asked = triangles.filter(([x, y, z]) => x !== y && y !== z && x !== z);
        expect(triadMetrics(estimates, asked)).toEqual(referenceTriadMetrics(estimates, asked));
      }),
      { numRuns: 300 },
    );
  });

  it('mark unasked corners with −1 and reversed ones with a flip, and evaluate new P̂ on the same design', () => {
    // Pairs (0,1) and (2,1) stored; triangle (0, 1, 2) needs 01 (as stored), 12 (stored as 21: flip), 02 (not asked).
    const compiled = compileTriangles(
      [
        { a: 0, b: 1 },
        { a: 2, b: 1 },
      ],
      [[0, 1, 2]],
    );
    expect([...compiled.pair]).toEqual([0, 1, -1]);
    expect([...compiled.flip]).toEqual([0, 1, 0]);
    // P(0 ≻ 1) = 0.9, P(1 ≻ 2) = 1 − 0.2 = 0.8, P(0 ≻ 2) = ½: 0.9·0.8·0.5 + 0.1·0.2·0.5 = 0.37.
    expect(triadMetricsOf(Float64Array.of(0.9, 0.2), compiled).meanCycleProbability).toBeCloseTo(0.37, 15);
    expect(triadMetricsOf(Float64Array.of(0.5, 0.5), compiled).meanCycleProbability).toBeCloseTo(0.25, 15);
  });
});

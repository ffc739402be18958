/**
 * Repeated binomial draws (src/stats/binomial-draws.ts): the whole PMF against the exact one
 * (chi-square) in the inversion and the rejection (BTRS) regimes, mean and variance at 10⁹ trials,
 * constants, the range of every draw, and determinism given the seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { drawBinomials, INVERSION_VARIANCE_MAX, prepareBinomialDraws, writeConstantDraws } from '../../src/stats/binomial-draws.js';
import { binomialPmf } from '../../src/stats/binomial-pmf.js';

/** `replicates` draws of `slots` identical slots (n, p). */
function draws(n: number, p: number, slots: number, replicates: number, seed: string): Float64Array {
  const prepared = prepareBinomialDraws(new Float64Array(slots).fill(n), new Float64Array(slots).fill(p));
  const out = new Float64Array(slots);
  const all = new Float64Array(slots * replicates);
  const rng = new Rng(seed);
  for (let r = 0; r < replicates; r++) {
    drawBinomials(prepared, rng, out);
    all.set(out, r * slots);
  }
  return all;
}

describe('drawBinomials', () => {
  // Inversion (npq ≤ 16) and rejection (npq > 16) regimes, p on both sides of ½.
  for (const [n, p] of [
    [20, 0.5],
    [10, 0.3],
    [3, 0.9],
    [64, 0.75],
    [200, 0.4],
    [1000, 0.63],
  ] as const) {
    it(`matches the exact PMF of Binomial(${n}, ${p}) over 40,000 draws (${n * p * (1 - p) <= INVERSION_VARIANCE_MAX ? 'inversion' : 'BTRS'}): chi-square below df + 5·√(2·df)`, () => {
      const values = draws(n, p, 400, 100, `pmf-${n}-${p}`);
      const counts = new Map<number, number>();
      for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      let chi = 0;
      let cells = 0;
      let rest = values.length;
      let restExpected = values.length;
      for (let k = 0; k <= n; k++) {
        const expected = values.length * binomialPmf(k, n, p);
        if (expected < 5) continue;
        const observed = counts.get(k) ?? 0;
        chi += (observed - expected) ** 2 / expected;
        cells++;
        rest -= observed;
        restExpected -= expected;
      }
      // The pooled tails as one more cell.
      if (restExpected >= 5) {
        chi += (rest - restExpected) ** 2 / restExpected;
        cells++;
      }
      const df = cells - 1;
      expect(chi).toBeLessThan(df + 5 * Math.sqrt(2 * df));
    });
  }

  it('has the binomial mean and variance at 10⁹ trials (20,000 draws: mean within 4 standard errors, variance within 5%)', () => {
    for (const p of [0.5, 0.001, 0.999999]) {
      const n = 1e9;
      const values = draws(n, p, 1000, 20, `large-${p}`);
      const centred = Array.from(values, (v) => v - n * p);
      const mean = centred.reduce((x, y) => x + y, 0) / centred.length;
      const variance = centred.reduce((x, y) => x + (y - mean) ** 2, 0) / (centred.length - 1);
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(mean)).toBeLessThan((4 * sd) / Math.sqrt(values.length));
      expect(variance / (sd * sd)).toBeGreaterThan(0.95);
      expect(variance / (sd * sd)).toBeLessThan(1.05);
      for (const v of values) expect(Number.isInteger(v) && v >= 0 && v <= n).toBe(true);
    }
  });

  it('draws whole numbers within 0 … n, writes constants where there is nothing to draw, and the same values for the same seed (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 1e7 })), fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 0, max: 1, noNaN: true }))), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer(),
        (slots, seed) => {
          const prepared = prepareBinomialDraws(
            Float64Array.from(slots, ([n]) => n),
            Float64Array.from(slots, ([, p]) => p),
          );
          const first = new Float64Array(slots.length);
          const second = new Float64Array(slots.length);
          writeConstantDraws(prepared, first);
          writeConstantDraws(prepared, second);
          drawBinomials(prepared, new Rng(seed), first);
          drawBinomials(prepared, new Rng(seed), second);
          expect(second).toEqual(first);
          slots.forEach(([n, p], s) => {
            const v = first[s] as number;
            expect(Number.isInteger(v) && v >= 0 && v <= n).toBe(true);
            if (p === 0) expect(v).toBe(0);
            if (p === 1) expect(v).toBe(n);
          });
        },
      ),
    );
  });

  it('refuses trials that are not whole numbers and probabilities outside [0, 1]', () => {
    expect(() => prepareBinomialDraws([2.5], [0.5])).toThrow(RangeError);
    expect(() => prepareBinomialDraws([3], [1.5])).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileOfSorted } from '../../src/stats/quantile.js';

describe('quantileOfSorted', () => {
  it('matches R quantile(type = 7)', () => {
    // R: quantile(c(1, 2, 3, 4), c(0, 0.25, 0.5, 0.9, 1)) → 1.00 1.75 2.50 3.70 4.00
    const sorted = [1, 2, 3, 4];
    expect([0, 0.25, 0.5, 0.9, 1].map((q) => quantileOfSorted(sorted, q))).toEqual([1, 1.75, 2.5, expect.closeTo(3.7, 12), 4]);
    expect(quantileOfSorted([], 0.5)).toBeNaN();
  });

  it('lies between the smallest and largest value and rises with q (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (values, a, b) => {
        const sorted = [...values].sort((x, y) => x - y);
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(quantileOfSorted(sorted, lo)).toBeGreaterThanOrEqual(sorted[0]! - 1e-9);
        expect(quantileOfSorted(sorted, hi)).toBeLessThanOrEqual(sorted.at(-1)! + 1e-9);
        expect(quantileOfSorted(sorted, lo)).toBeLessThanOrEqual(quantileOfSorted(sorted, hi) + 1e-9);
      }),
    );
  });
});

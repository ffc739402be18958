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

  it('matches R quantile(type = 1), the inverse empirical CDF', () => {
    // R: quantile(c(1, 2, 3, 4), c(0, 0.25, 0.5, 0.9, 1), type = 1) → 1 1 2 4 4;
    //    quantile(c(10, 20, 30, 40, 50), c(0.3, 0.6), type = 1) → 20 30.
    expect([0, 0.25, 0.5, 0.9, 1].map((q) => quantileOfSorted([1, 2, 3, 4], q, 1))).toEqual([1, 1, 2, 4, 4]);
    expect([0.3, 0.6].map((q) => quantileOfSorted([10, 20, 30, 40, 50], q, 1))).toEqual([20, 30]);
    expect(quantileOfSorted([], 0.5, 1)).toBeNaN();
    expect(quantileOfSorted([1, 2], Number.NaN, 1)).toBeNaN();
  });

  it('type 1 is always one of the values, the smallest with at least a share q at or below it (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000),
        (values, q) => {
          const sorted = [...values].sort((x, y) => x - y);
          const value = quantileOfSorted(sorted, q, 1);
          expect(sorted).toContain(value);
          expect(sorted.filter((v) => v <= value).length).toBeGreaterThanOrEqual(Math.min(sorted.length, Math.ceil(q * sorted.length)));
          expect(sorted.filter((v) => v < value).length).toBeLessThan(Math.max(1, Math.ceil(q * sorted.length)));
        },
      ),
    );
  });

  it('lies between the smallest and largest value and rises with q (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const sorted = [...values].sort((x, y) => x - y);
          const [lo, hi] = a < b ? [a, b] : [b, a];
          expect(quantileOfSorted(sorted, lo)).toBeGreaterThanOrEqual(sorted[0]! - 1e-9);
          expect(quantileOfSorted(sorted, hi)).toBeLessThanOrEqual(sorted.at(-1)! + 1e-9);
          expect(quantileOfSorted(sorted, lo)).toBeLessThanOrEqual(quantileOfSorted(sorted, hi) + 1e-9);
        },
      ),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman } from '../../src/stats/correlation.js';

describe('correlation', () => {
  it('pearson matches a hand computation', () => {
    // x = 1..5, y = 2,4,5,4,5: mean y = 4, sxy = 6, sxx = 10, syy = 6 → r = 6/√60 = 0.7746 (by hand).
    expect(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])).toBeCloseTo(6 / Math.sqrt(60), 12);
  });

  it('average ranks share ties', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it('spearman is 1 for any strictly increasing transform and NaN for a constant sample', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
  });

  it('handles ties as SciPy 1.17 spearmanr does', () => {
    // SciPy 1.17.1: spearmanr → 0.8902439024390245 (= 73/82),
    // pearsonr → 0.8795989942670851.
    const x = [1, 2, 2, 3, 4, 5, 5, 6];
    const y = [2, 1, 3, 3, 5, 4, 6, 6];
    expect(spearman(x, y)).toBeCloseTo(73 / 82, 14);
    expect(pearson(x, y)).toBeCloseTo(0.8795989942670851, 14);
  });

  it('both are symmetric in their arguments and bounded by 1', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 })), { minLength: 3, maxLength: 30 }), (pairs) => {
        const x = pairs.map((p) => p[0]);
        const y = pairs.map((p) => p[1]);
        for (const f of [pearson, spearman]) {
          const r = f(x, y);
          const s = f(y, x);
          if (Number.isNaN(r)) expect(s).toBeNaN();
          else {
            expect(r).toBeCloseTo(s, 12);
            expect(Math.abs(r)).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
      }),
    );
  });
});

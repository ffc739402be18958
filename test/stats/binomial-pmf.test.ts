/**
 * The binomial PMF and mean absolute deviation (src/stats/binomial-pmf.ts): exact values worked by
 * hand, the central term at n = 10⁹ against its asymptotic series, and properties (mass 1, the
 * p ↔ 1 − p mirror, the MAD equal to its defining sum).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binomialMeanAbsoluteDeviation, binomialPmf } from '../../src/stats/binomial-pmf.js';

describe('binomialPmf', () => {
  it('matches values worked by hand', () => {
    // C(10, 3)·0.3³·0.7⁷ = 120 · 0.027 · 0.0823543 = 0.266827932.
    expect(binomialPmf(3, 10, 0.3)).toBeCloseTo(0.266827932, 14);
    // C(20, 10)/2²⁰ = 184756/1048576.
    expect(binomialPmf(10, 20, 0.5)).toBeCloseTo(184756 / 1048576, 15);
    expect(binomialPmf(2, 4, 0.5)).toBeCloseTo(6 / 16, 15);
    expect(binomialPmf(0, 5, 0.2)).toBeCloseTo(0.8 ** 5, 15);
    expect(binomialPmf(5, 5, 0.2)).toBeCloseTo(0.2 ** 5, 17);
    expect(binomialPmf(0, 0, 0.3)).toBe(1);
    expect(binomialPmf(6, 5, 0.3)).toBe(0);
    expect(binomialPmf(0, 3, 0)).toBe(1);
    expect(binomialPmf(3, 3, 1)).toBe(1);
  });

  it('keeps full relative accuracy at n = 10⁹: the central term is √(2/(πn))·(1 − 1/(4n) + 1/(32n²)) to 1e-13', () => {
    // C(2m, m)/4^m = (πm)^(−½)·(1 − 1/(8m) + 1/(128m²) − …) with n = 2m (the central binomial coefficient's expansion).
    const n = 1e9;
    const asymptotic = Math.sqrt(2 / (Math.PI * n)) * (1 - 1 / (4 * n) + 1 / (32 * n * n));
    expect(Math.abs(binomialPmf(n / 2, n, 0.5) / asymptotic - 1)).toBeLessThan(1e-13);
  });

  it('sums to 1 and mirrors under k ↔ n − k, p ↔ 1 − p to 1e-11 relative (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, p) => {
        let total = 0;
        for (let k = 0; k <= n; k++) {
          const f = binomialPmf(k, n, p);
          total += f;
          const mirror = binomialPmf(n - k, n, 1 - p);
          if (f > 1e-300) expect(Math.abs(mirror / f - 1)).toBeLessThan(1e-11);
        }
        expect(total).toBeCloseTo(1, 12);
      }),
    );
  });
});

describe('binomialMeanAbsoluteDeviation', () => {
  it('matches the defining sum Σ|k − np|·P(k) worked by hand', () => {
    // n = 2, p = ½: |0 − 1|·¼ + |2 − 1|·¼ = ½; n = 3, p = ½: 2·(1.5·⅛ + 0.5·⅜) = ¾.
    expect(binomialMeanAbsoluteDeviation(2, 0.5)).toBeCloseTo(0.5, 15);
    expect(binomialMeanAbsoluteDeviation(3, 0.5)).toBeCloseTo(0.75, 15);
    expect(binomialMeanAbsoluteDeviation(0, 0.5)).toBe(0);
    expect(binomialMeanAbsoluteDeviation(7, 1)).toBe(0);
  });

  it('equals the defining sum for any n and p (property), and √(n/(2π)) at n = 10⁹, p = ½ to 1e-9', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, p) => {
        let sum = 0;
        for (let k = 0; k <= n; k++) sum += Math.abs(k - n * p) * binomialPmf(k, n, p);
        expect(binomialMeanAbsoluteDeviation(n, p)).toBeCloseTo(sum, 10);
      }),
    );
    // E|X − n/2| → √(n/(2π))·(1 + O(1/n)) for Bin(n, ½).
    expect(binomialMeanAbsoluteDeviation(1e9, 0.5) / Math.sqrt(1e9 / (2 * Math.PI))).toBeCloseTo(1, 9);
  });
});

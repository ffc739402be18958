import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../src/stats/wilson.js';

describe('wilsonInterval', () => {
  it('matches Newcombe (1998) Table I and the Wilson (1927) formula by hand', () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven methods",
    // Statistics in Medicine 17:857–872 (1998), Table I, method 3 (score, no continuity correction), 4 d.p.
    const table: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, low, high] of table) {
      const [l, h] = wilsonInterval(k, n);
      expect(l).toBeCloseTo(low, 4);
      expect(h).toBeCloseTo(high, 4);
    }
    // 81 of 100 by hand: z = Φ⁻¹(0.975) = 1.959963984540054, z²/n = 0.0384145882;
    // centre = (0.81 + 0.0192072941)/1.0384145882 = 0.7985320156, half = z·√(0.001539 + 0.0000960365)/1.0384145882 = 0.0763204694
    // ⇒ [0.7222115462, 0.8748524849]. (The interval is symmetric about its centre, so an upper limit of 0.8706 with
    // a lower limit of 0.7222 cannot be Wilson's.)
    const [low, high] = wilsonInterval(81, 100);
    expect(low).toBeCloseTo(0.7222115462093562, 9);
    expect(high).toBeCloseTo(0.8748524849023126, 9);
    // R's stats::prop.test(x, n, conf.level, correct = FALSE), as recorded in the test snapshots of the CRAN package
    // cicalc (tests/testthat/_snaps/prop_ci.md): 5/10 at 90% → (0.2693, 0.7307); 32/32 → (0.8928, 1); 0/32 → (0, 0.1072).
    expect(wilsonInterval(5, 10, 0.9)[0]).toBeCloseTo(0.2693, 4);
    expect(wilsonInterval(5, 10, 0.9)[1]).toBeCloseTo(0.7307, 4);
    expect(wilsonInterval(32, 32)[0]).toBeCloseTo(0.8928, 4);
    expect(wilsonInterval(0, 32)[1]).toBeCloseTo(0.1072, 4);
    // Other levels use z = Φ⁻¹(½ + level/2): 1.6448536270 at 90%, 2.5758293035 at 99%.
    expect(wilsonInterval(81, 100, 0.9)[0]).toBeCloseTo(0.7376400476715523, 9);
    expect(wilsonInterval(81, 100, 0.99)[1]).toBeCloseTo(0.8904502790139125, 9);
  });

  it('is [0, 1]-bounded, closed at the ends (k = 0 gives low 0, k = n high 1) and NaN without trials', () => {
    expect(wilsonInterval(0, 10)[0]).toBe(0);
    expect(wilsonInterval(10, 10)[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual([Number.NaN, Number.NaN]);
    expect(wilsonInterval(3, 10, 1)).toEqual([Number.NaN, Number.NaN]);
  });

  it('contains the point estimate, lies in [0, 1], is symmetric under k ↔ n − k and narrows with more trials (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (n, share, level) => {
        const k = Math.round(share * n);
        const [low, high] = wilsonInterval(k, n, level);
        expect(0 <= low && low <= k / n && k / n <= high && high <= 1).toBe(true);
        const [mirrorLow, mirrorHigh] = wilsonInterval(n - k, n, level);
        expect(mirrorLow).toBeCloseTo(1 - high, 12);
        expect(mirrorHigh).toBeCloseTo(1 - low, 12);
        const [wideLow, wideHigh] = wilsonInterval(4 * k, 4 * n, level);
        expect(wideHigh - wideLow).toBeLessThan(high - low);
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackedPairs } from '../../src/core/types.js';
import { createObjective } from '../../src/models/likelihood.js';
import { inverseMillsRatio, inversePhi, logPhi, normalPairTerms, Phi } from '../../src/models/normal.js';

describe('normal distribution', () => {
  // Reference values: R 4.x `pnorm(z)` / `pnorm(z, log.p = TRUE)`, which agree with
  // Abramowitz & Stegun Table 26.1 and with Python's math.erfc to the digits shown.
  it.each([
    [-1, 0.158655253931457],
    [1.96, 0.975002104851780],
    [-5, 2.86651571879194e-7],
    [-10, 7.61985302416052e-24],
  ])('Φ(%d) = %d', (z, expected) => {
    expect(Phi(z) / expected).toBeCloseTo(1, 12);
  });

  it.each([
    [-1, -1.841021645009264],
    [-5, -15.064998393988725],
    [-30, -454.3212439563433],
    [8, -6.220960574271785e-16],
  ])('log Φ(%d) = %d, finite far into the tails', (z, expected) => {
    expect(logPhi(z) / expected).toBeCloseTo(1, 11);
  });

  // 17-digit references from mpmath 1.x at 50 significant digits: log(ncdf(z)) for z ≤ 0,
  // log1p(−ncdf(−z)) for z > 0, and npdf(z)/ncdf(z). They cross every branch of the
  // implementation (series |z| ≤ 0.71, Chebyshev to 2.83, Chebyshev in 1/x to 11.3, fraction beyond).
  it.each([
    [-38.5, -745.69527029041108, 38.525939096854494],
    [-20, -203.91715537109726, 20.049753068527851],
    [-8.3, -37.494217423748249, 8.4172139655036125],
    [-3, -6.6077262215103495, 3.2830986549304365],
    [-0.3, -0.96210281816885067, 0.99816596885848333],
    [0, -0.69314718055994531, 0.79788456080286536],
    [0.3, -0.4814101615884812, 0.61722085361273444],
    [2.83, -0.0023301128122891856, 0.0072914093848508854],
    [8.5, -9.4795348222033184e-18, 8.1662356316695501e-17],
  ])('log Φ(%s) = %s and λ = %s, to 1e-14 relative (50-digit references)', (z, logCdf, mills) => {
    expect(Math.abs(logPhi(z) / logCdf - 1)).toBeLessThan(1e-14);
    expect(Math.abs(inverseMillsRatio(z) / mills - 1)).toBeLessThan(1e-14);
  });

  it('gives Φ(0) = ½ exactly', () => {
    expect(Phi(0)).toBe(0.5);
    expect(logPhi(0)).toBeCloseTo(Math.log(0.5), 15); // log K(0) − log 2√π: within an ulp
  });

  it('log Φ follows the Mills-ratio expansion below z = −30', () => {
    // Φ(z) = φ(z)/(−z)·(1 − a + 3a² − 15a³ + …), a = 1/z² (A&S 26.2.12)
    //   ⇒ log Φ(z) = −z²/2 − log(−z) − ½log 2π − a + 2.5a² − (37/3)a³ + O(a⁴).
    for (const z of [-40, -100, -1000]) {
      const a = 1 / (z * z);
      const expansion = -0.5 * z * z - Math.log(-z) - 0.5 * Math.log(2 * Math.PI) - a + 2.5 * a * a - (37 / 3) * a ** 3;
      expect(Math.abs(logPhi(z) - expansion)).toBeLessThan(1e-14 * Math.abs(expansion) + 100 * a ** 4);
    }
  });

  it('Φ(z) + Φ(−z) = 1, Φ is monotone, λ(z) > max(0, −z), and Φ⁻¹ inverts Φ', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), (z, step) => {
        expect(Phi(z) + Phi(-z)).toBeCloseTo(1, 14);
        expect(Phi(z + step)).toBeGreaterThanOrEqual(Phi(z));
        expect(inverseMillsRatio(z)).toBeGreaterThan(Math.max(0, -z));
        if (Math.abs(z) < 7) expect(inversePhi(Phi(z))).toBeCloseTo(z, 9);
      }),
    );
  });
});

describe('the fitting kernel', () => {
  it('agrees with log Φ and the inverse Mills ratio everywhere, including across its branch points', () => {
    const out = new Float64Array(4);
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -40, max: 40, noNaN: true }), fc.constantFrom(-2 * Math.SQRT2, 2 * Math.SQRT2, -8 * Math.SQRT2, 0)), (z) => {
        normalPairTerms(z, out);
        expect(out[0]).toBeCloseTo(logPhi(z), 12);
        expect(out[1]).toBeCloseTo(logPhi(-z), 12);
        for (const [value, reference] of [[out[2], inverseMillsRatio(z)], [out[3], inverseMillsRatio(-z)]] as [number, number][]) {
          if (reference < 1e-300) expect(value).toBeLessThan(1e-300); // both underflow far in the upper tail
          else expect(value / reference).toBeCloseTo(1, 11);
        }
      }),
    );
  });

  it('is continuous where the tail approximation takes over (x = 2 and x = 8, z = x√2)', () => {
    for (const x of [2, 8]) {
      const below = logPhi(-x * Math.SQRT2 * (1 - 1e-12));
      const above = logPhi(-x * Math.SQRT2 * (1 + 1e-12));
      expect(Math.abs(below - above) / Math.abs(below)).toBeLessThan(1e-10);
    }
  });
});

describe('likelihood on counts', () => {
  const noPrior = { ridge: 0, logSdScale: Number.POSITIVE_INFINITY };
  // Outcomes 0, 1, 2 with μ = (0.5, 0, −0.5), σ = 1: pair (0,1) 3 wins of 4, pair (1,2) 1 win of 2.
  const pairs: PackedPairs = { outcomeCount: 3, i: Int32Array.of(0, 1), j: Int32Array.of(1, 2), wins: Float64Array.of(3, 1), total: Float64Array.of(4, 2) };

  it('matches a hand-worked 3-outcome case, value and gradient', () => {
    // z = 0.5/√2 = 0.353553 for both pairs; Φ(z) = 0.638163, Φ(−z) = 0.361837;
    // f = −[3·ln Φ(z) + ln Φ(−z) + ln Φ(z) + ln Φ(−z)] = 3.8297689146; λ(z) = 0.587595, λ(−z) = 1.036324;
    // ∂f/∂μ0 = −(3λ(z) − λ(−z))/√2, ∂f/∂log σ_i = Σ (wλ(z) − lλ(−z))·z·½ over i's pairs.
    // Reference numbers computed independently with Python's math.erfc.
    const f = createObjective('thurstonian', pairs, noPrior);
    const g = new Float64Array(6);
    const value = f(Float64Array.of(0.5, 0, -0.5, 0, 0, 0), g);
    expect(value).toBeCloseTo(3.829768914621373, 12);
    const expected = [-0.5133953278548751, 0.8305196363105758, -0.3171243084557008, 0.12834883196371877, 0.04906775484979359, -0.07928107711392518];
    expected.forEach((e, k) => expect(g[k]).toBeCloseTo(e, 12));
  });

  it('has analytic gradients that agree with central finite differences, for all three models', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('thurstonian' as const, 'case5' as const, 'bt' as const),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 10 })), { minLength: 1, maxLength: 8 }),
        (kind, params, raw) => {
          const rows = raw.filter(([i, j]) => i !== j);
          if (rows.length === 0) return;
          const packed: PackedPairs = {
            outcomeCount: 4,
            i: Int32Array.from(rows.map((r) => r[0])),
            j: Int32Array.from(rows.map((r) => r[1])),
            wins: Float64Array.from(rows.map((r) => Math.min(r[2], r[3]))),
            total: Float64Array.from(rows.map((r) => r[3])),
          };
          const objective = createObjective(kind, packed);
          const theta = Float64Array.from(params.slice(0, kind === 'thurstonian' ? 8 : 4));
          const g = new Float64Array(theta.length);
          objective(theta, g);
          const scratch = new Float64Array(theta.length);
          for (let k = 0; k < theta.length; k++) {
            const h = 1e-5;
            const plus = Float64Array.from(theta);
            const minus = Float64Array.from(theta);
            plus[k] = (plus[k] as number) + h;
            minus[k] = (minus[k] as number) - h;
            const numeric = (objective(plus, scratch) - objective(minus, scratch)) / (2 * h);
            expect(Math.abs((g[k] as number) - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

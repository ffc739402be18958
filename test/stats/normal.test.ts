import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseMillsRatio, inversePhi, logPhi, normalDensity, normalPairTerms, Phi, quickInversePhi } from '../../src/stats/normal.js';

describe('normal distribution', () => {
  // Reference values: R 4.x `pnorm(z)` / `pnorm(z, log.p = TRUE)`, which agree with
  // Abramowitz & Stegun Table 26.1 and with Python's math.erfc to the digits shown.
  it.each([
    [-1, 0.158655253931457],
    [1.96, 0.97500210485178],
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
  const out = new Float64Array(4);

  /** The doubles just below and just above x > 0. */
  function neighbours(x: number): [number, number] {
    const bits = new BigInt64Array(Float64Array.of(x).buffer);
    const below = new Float64Array(BigInt64Array.of((bits[0] as bigint) - 1n).buffer)[0] as number;
    const above = new Float64Array(BigInt64Array.of((bits[0] as bigint) + 1n).buffer)[0] as number;
    return [below, above];
  }

  /**
   * The kernel's contract against the reference functions: log Φ(±z) to 1e-14 relative, or to 1e-17
   * absolute where |log Φ| < 1e-3 (the tiny upper-tail values, which only enter sums of order 1);
   * λ(±z) to 1e-13 relative where it exceeds 1e-280, and both below 1e-280 (underflowing) otherwise.
   */
  function expectKernelMatchesReferences(z: number): void {
    normalPairTerms(z, out);
    for (const [value, reference] of [
      [out[0], logPhi(z)],
      [out[1], logPhi(-z)],
    ] as [number, number][]) {
      const size = Math.abs(reference);
      const tolerance = size < 1e-3 ? Math.max(1e-14 * size, 1e-300 + 1e-17) : 1e-14 * size;
      expect(Math.abs(value - reference), `log Φ at z = ${z}`).toBeLessThanOrEqual(tolerance);
    }
    for (const [value, reference] of [
      [out[2], inverseMillsRatio(z)],
      [out[3], inverseMillsRatio(-z)],
    ] as [number, number][]) {
      if (reference > 1e-280) expect(Math.abs(value / reference - 1), `λ at z = ${z}`).toBeLessThanOrEqual(1e-13);
      else expect(value, `λ at z = ${z}`).toBeLessThan(1e-280);
    }
  }

  it('agrees with log Φ and the inverse Mills ratio for every z, into the underflow of the upper tail', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: -40, max: 40, noNaN: true }),
          fc.double({ min: -12, max: 12, noNaN: true }),
          fc.constantFrom(0, -0, 5e-324, -1e-300, 8 * Math.SQRT2, -8 * Math.SQRT2, 38.6, -38.6, 40, -40),
        ),
        expectKernelMatchesReferences,
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with them at and beside every interval boundary |z| = k/16 of its table', () => {
    for (let k = 1; k <= 182; k++) {
      for (const u of [k / 16, ...neighbours(k / 16)]) {
        expectKernelMatchesReferences(u);
        expectKernelMatchesReferences(-u);
      }
    }
    for (const z of [0, -0, 5e-324, -5e-324]) expectKernelMatchesReferences(z);
  });

  // 17-digit references from mpmath 1.3 at 50 digits, at the double z shown: log(ncdf(z)) for z ≤ 0,
  // log1p(−ncdf(−z)) for z > 0, and npdf(z)/ncdf(z); rows give (z, log Φ(z), log Φ(−z), λ(z), λ(−z)).
  // 11.313708498984761 is 8·Math.SQRT2, the last |z| on the table; 11.313708498984763 the next double,
  // on the continued fraction.
  const lastOnTable = [-11.313708498984761, -67.352619151365116, -5.6121485864914141e-30, 11.400766821252789, 6.3982797400812054e-29];
  const firstBeyond = [-11.313708498984763, -67.352619151365136, -5.6121485864913004e-30, 11.400766821252791, 6.3982797400810768e-29];
  it.each([
    [-37, -689.03058557689059, -5.7255712225245768e-300, 37.02698768612699, 2.1200065515246056e-298],
    [-20, -203.91715537109726, -2.7536241186062337e-89, 20.049753068527851, 5.5209483621597632e-88],
    firstBeyond,
    lastOnTable,
    [-8.3, -37.494217423748254, -5.2055697448902542e-17, 8.4172139655036132, 4.3816394355093329e-16],
    [-3, -6.6077262215103495, -0.0013508099647481938, 3.2830986549304365, 0.0044378390421256638],
    [-1.0625, -1.9379115701325937, -0.15549001850998808, 1.5754168626060155, 0.26503281255609953],
    [-0.3, -0.96210281816885066, -0.48141016158848121, 0.99816596885848332, 0.61722085361273445],
    [0, -0.69314718055994531, -0.69314718055994531, 0.79788456080286536, 0.79788456080286536],
    [2.83, -0.0023301128122891851, -6.0630034254651946, 0.0072914093848508839, 3.1255644543217414],
    [8.5, -9.4795348222033184e-18, -39.197396428217669, 8.1662356316695501e-17, 8.6145953201651729],
  ])('at z = %s it is exact to 1e-15 relative in all four outputs (50-digit references)', (z, ...expected) => {
    normalPairTerms(z, out);
    expected.forEach((value, k) => expect(Math.abs((out[k] as number) / value - 1), `out[${k}]`).toBeLessThan(1e-15));
  });

  it('is continuous where it switches from the table to the continued fraction (|z| = 8√2)', () => {
    // The two adjacent doubles on either side of the switch: each output's jump between them is the
    // function's own change over one ulp (up to 2e-14 relative, for λ(|z|) ≈ φ(z)) to within 2e-15.
    const [last, ...truthLast] = lastOnTable as [number, ...number[]];
    const [first, ...truthFirst] = firstBeyond as [number, ...number[]];
    expect([-last, neighbours(-last)[1]]).toEqual([8 * Math.SQRT2, -first]);
    const onTable = new Float64Array(4);
    normalPairTerms(last, onTable);
    const beyond = new Float64Array(4);
    normalPairTerms(first, beyond);
    for (let k = 0; k < 4; k++) {
      const jump = (beyond[k] as number) / (onTable[k] as number) - 1;
      const trueJump = (truthFirst[k] as number) / (truthLast[k] as number) - 1;
      expect(Math.abs(jump - trueJump), `out[${k}]`).toBeLessThan(2e-15);
    }
  });

  it('gives exactly the swapped outputs at −z, and the same at z = 0 and −0', () => {
    const mirrored = new Float64Array(4);
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -40, max: 40, noNaN: true }), fc.double({ min: -1e-300, max: 1e-300, noNaN: true })), (z) => {
        normalPairTerms(z, out);
        normalPairTerms(-z, mirrored);
        if (z === 0) expect(Array.from(mirrored)).toEqual(Array.from(out));
        else expect(Array.from(mirrored)).toEqual([out[1], out[0], out[3], out[2]]);
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the infinities and NaN', () => {
    normalPairTerms(Number.POSITIVE_INFINITY, out);
    expect(Array.from(out)).toEqual([-0, Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY]);
    normalPairTerms(Number.NEGATIVE_INFINITY, out);
    expect(Array.from(out)).toEqual([Number.NEGATIVE_INFINITY, -0, Number.POSITIVE_INFINITY, 0]);
    normalPairTerms(Number.NaN, out);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
  });

  it('leaves the reference functions continuous where their tail approximation takes over (x = 2 and x = 8, z = x√2)', () => {
    for (const x of [2, 8]) {
      const below = logPhi(-x * Math.SQRT2 * (1 - 1e-12));
      const above = logPhi(-x * Math.SQRT2 * (1 + 1e-12));
      expect(Math.abs(below - above) / Math.abs(below)).toBeLessThan(1e-10);
    }
  });
});

describe('quickInversePhi and normalDensity', () => {
  it('has φ(0) = 1/√(2π) and φ(1.96) = 0.0584409443334515 (R: dnorm(1.96))', () => {
    expect(normalDensity(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(normalDensity(1.96)).toBeCloseTo(0.0584409443334515, 14);
    expect(normalDensity(-1.96)).toBe(normalDensity(1.96));
  });

  it('agrees with the bisection Φ⁻¹ to 1e-6 from p = 1e-12 to 1 − 1e-6', () => {
    fc.assert(
      fc.property(fc.double({ min: -12, max: Math.log10(1 - 1e-6), noNaN: true }), (exponent) => {
        const p = 10 ** exponent;
        expect(Math.abs(quickInversePhi(p) - inversePhi(p))).toBeLessThan(1e-6);
        // The upper half mirrors the lower, down to 1 − 10⁻⁶ (nearer 1, 1 − p itself has lost the digits).
        if (p >= 1e-6) expect(Math.abs(quickInversePhi(1 - p) - inversePhi(1 - p))).toBeLessThan(1e-6);
      }),
    );
  });
});

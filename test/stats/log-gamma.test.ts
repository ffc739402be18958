import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logGamma } from '../../src/stats/log-gamma.js';

/** |value/reference − 1|, or |value| when the reference is 0. */
function relativeError(value: number, reference: number): number {
  return reference === 0 ? Math.abs(value) : Math.abs(value / reference - 1);
}

describe('logGamma', () => {
  it.each([
    // R 4.x `lgamma(x)`, printed with 16 significant digits.
    [0.5, 0.5723649429247001],
    [1, 0],
    [10, 12.80182748008147],
    [100, 359.1342053695754],
  ])('matches R: lgamma(%s) = %s', (x, expected) => {
    expect(relativeError(logGamma(x), expected)).toBeLessThan(1e-14);
  });

  it.each([
    // mpmath 1.3 `loggamma(x)` at 50 significant digits, rounded to 20 (one piece of the
    // implementation each, and both ends of every piece).
    [1e-300, 690.77552789821370518],
    [1e-8, 18.420680738180208884],
    [0.1, 2.252712651734205902],
    [1.5, -0.12078223763524522235],
    [1.4616321449683622, -0.1214862905358496081], // the minimum of Γ on x > 0
    [2.5, 0.28468287047291915963],
    [3, 0.69314718055994530942],
    [4.5, 2.4537365708424422205],
    [9.99, 12.77931521435019336],
    [10.5, 13.940625219403763633],
    [170.5, 704.00442773420467079],
    [1e6, 12815504.56914761166],
    [1e15, 33538776394910668.91],
    [1e100, 2.2925850929940457206e102],
  ])('matches mpmath: ln Γ(%s) = %s', (x, expected) => {
    expect(relativeError(logGamma(x), expected)).toBeLessThan(1e-14);
  });

  it('keeps its relative accuracy beside the zeros at 1 and 2', () => {
    // mpmath 1.3 loggamma; Python's math.lgamma is off by 6e-7 relative at these two points.
    expect(relativeError(logGamma(1 + 1e-10), -5.772157125783244041e-11)).toBeLessThan(1e-14);
    expect(relativeError(logGamma(2 - 1e-10), -4.2278437004755316937e-11)).toBeLessThan(1e-14);
    expect(logGamma(2)).toBe(0);
  });

  it('is exact where Γ is a factorial, to an ulp or two: ln Γ(n + 1) = ln n!', () => {
    let factorial = 1;
    for (let n = 1; n <= 25; n++) {
      factorial *= n;
      expect(relativeError(logGamma(n + 1), Math.log(factorial)), `n = ${n}`).toBeLessThan(1e-14);
    }
  });

  it('gives the limits at 0 and +∞ and NaN outside its domain', () => {
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(logGamma(-1.5)).toBeNaN();
    expect(logGamma(Number.NaN)).toBeNaN();
  });

  it('satisfies ln Γ(x + 1) − ln Γ(x) = ln x (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          // k/2³⁰: x + 1 is exact, and small x crosses every piece of the implementation.
          fc.integer({ min: 1, max: 2 ** 40 }).map((k) => k / 2 ** 30),
          fc.double({ min: 1e-12, max: 1e12, noNaN: true }),
        ),
        (x) => {
          fc.pre(x + 1 - 1 === x); // the identity is about x + 1 exactly
          const difference = logGamma(x + 1) - logGamma(x);
          const scale = Math.abs(logGamma(x + 1)) + Math.abs(logGamma(x)) + Math.abs(Math.log(x));
          expect(Math.abs(difference - Math.log(x))).toBeLessThanOrEqual(4e-15 * scale);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

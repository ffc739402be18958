import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { incompleteBeta } from '../../src/stats/incomplete-beta.js';

describe('incompleteBeta', () => {
  it.each([
    // mpmath 1.3 `betainc(a, b, 0, x, regularized=True)` at 50 digits (R: pbeta(x, a, b)).
    [0.3, 2, 5, 0.57982499999999997601],
    [0.5, 0.5, 0.5, 0.5],
    [0.9, 10, 3, 0.88913002225500005678],
    [0.01, 0.7, 40, 0.49533424499379825738],
    [0.6, 150, 80, 0.050412109907380940452],
  ])('I_%s(%s, %s) = %s (mpmath)', (x, a, b, expected) => {
    expect(Math.abs(incompleteBeta(x, a, b) / expected - 1)).toBeLessThan(1e-12);
  });

  it('matches the closed forms I_x(a, 1) = xᵃ and I_x(1, b) = 1 − (1 − x)ᵇ, and I_x(a, b) = 1 − I_{1−x}(b, a) (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), fc.double({ min: 0.1, max: 50, noNaN: true }), (x, a, b) => {
        expect(incompleteBeta(x, a, 1)).toBeCloseTo(x ** a, 12);
        expect(incompleteBeta(x, 1, b)).toBeCloseTo(1 - (1 - x) ** b, 12);
        expect(incompleteBeta(x, a, b) + incompleteBeta(1 - x, b, a)).toBeCloseTo(1, 12);
      }),
    );
  });

  it('is 0 at and below 0, 1 at and above 1', () => {
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(-1, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
    expect(incompleteBeta(2, 2, 3)).toBe(1);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inversePhi, Phi } from '../../src/stats/normal.js';
import { tCdf, tQuantile } from '../../src/stats/student-t.js';

describe('tQuantile', () => {
  it('matches R and t tables', () => {
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228139, 5); // t tables (R qt(0.975, 10))
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.302653, 5); // R qt(0.975, 2)
  });

  it.each([
    // mpmath 1.3 at 50 digits: findroot of the CDF ½·betainc(ν/2, ½, 0, ν/(ν + t²), regularized=True).
    [0.975, 10, 2.2281388519862742245],
    [0.975, 1, 12.706204736174693314],
    [0.995, 5, 4.0321429835552271793],
    [0.95, 30, 1.6972608865939573837],
    [0.975, 3.7, 2.8675207071911884734], // fractional ν, as Welch–Satterthwaite gives
    [0.025, 100, -1.9839715185235522621],
    [0.975, 1000, 1.9623390808264081039],
  ])('qt(%s, %s) = %s (mpmath)', (p, df, expected) => {
    expect(Math.abs(tQuantile(p, df) - expected)).toBeLessThan(2e-12);
  });

  it('inverts the closed forms for ν = 1 (Cauchy) and ν = 2 (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 10);
        expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 10);
      }),
    );
  });

  it('is the normal quantile for infinite or huge ν', () => {
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBe(inversePhi(0.975));
    expect(tQuantile(0.975, 1e8)).toBe(inversePhi(0.975));
  });
});

describe('tCdf', () => {
  it.each([
    // mpmath 1.3 at 50 digits, as above; the tolerance widens with ν as the module comment says.
    [2, 5, 0.94903026058507082188, 1e-14],
    [-3, 10, 0.0066718275112847886034, 1e-13],
    [-40, 3, 0.000017190340394579264142, 1e-13],
    [0.5, 7.5, 0.6842945176887727977, 1e-14],
    [1e-9, 1, 0.50000000031830988618, 1e-15], // t² far below ν·ε; Cauchy: ½ + atan(t)/π at 50 digits
    [-8, 30, 3.1329112378503794717e-9, 1e-13],
    [1.96, 1e6, 0.97500196620736510466, 1e-10],
  ])('pt(%s, %s) = %s (mpmath)', (t, df, expected, tolerance) => {
    expect(Math.abs(tCdf(t, df) / expected - 1)).toBeLessThan(tolerance);
  });

  it('matches the closed forms for ν = 1 and ν = 2, and is symmetric (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), (t) => {
        expect(tCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 14);
        expect(tCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(t * t + 2)), 14);
        expect(tCdf(t, 7.3) + tCdf(-t, 7.3)).toBeCloseTo(1, 14);
      }),
    );
  });

  it('is Φ for infinite ν, and takes the infinities', () => {
    expect(tCdf(1.5, Number.POSITIVE_INFINITY)).toBe(Phi(1.5));
    expect(tCdf(Number.POSITIVE_INFINITY, 4)).toBe(1);
    expect(tCdf(Number.NEGATIVE_INFINITY, 4)).toBe(0);
  });
});

/**
 * Exact binomial and gamma variates (src/stats/binomial.ts): small n draws exactly what one uniform
 * per trial draws (so seeded coherence floors and intervals do not move); large n follows the
 * binomial distribution (mean, variance, and the whole PMF against the exact one) and is fast
 * enough for counts of 10⁹; gamma variates have the right mean and variance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { fitExternalPairs } from '../../src/pipeline/fit-pairs.js';
import { DIRECT_BINOMIAL_MAX, sampleBinomial, sampleGamma } from '../../src/stats/binomial.js';
import { logGamma } from '../../src/stats/log-gamma.js';

/** P(X = k) for X ~ Binomial(n, p), through ln Γ. */
function binomialPmf(n: number, p: number, k: number): number {
  return Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

describe('sampleBinomial', () => {
  it('for n up to the direct limit draws exactly one uniform per trial, whatever p (seeded results keep their values)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DIRECT_BINOMIAL_MAX }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(), (n, p, seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        let expected = 0;
        for (let t = 0; t < n; t++) if (b.next() < p) expected++;
        expect(sampleBinomial(n, p, a)).toBe(expected);
        expect(a.next()).toBe(b.next());
      }),
    );
  });

  it('for large n matches the exact PMF (chi-square over 40,000 draws at n = 500, p = 0.3)', () => {
    const rng = new Rng('binomial-pmf');
    const n = 500;
    const p = 0.3;
    const draws = 40_000;
    const counts = new Map<number, number>();
    for (let d = 0; d < draws; d++) {
      const k = sampleBinomial(n, p, rng);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    // Bins 125…175 cover 99.9% of the mass; tails pooled.
    let chi2 = 0;
    let bins = 0;
    let inside = 0;
    for (let k = 125; k <= 175; k++) {
      const expected = draws * binomialPmf(n, p, k);
      const observed = counts.get(k) ?? 0;
      inside += observed;
      chi2 += (observed - expected) ** 2 / expected;
      bins++;
    }
    let tailMass = 0;
    for (let k = 0; k <= n; k++) if (k < 125 || k > 175) tailMass += binomialPmf(n, p, k);
    const tailExpected = draws * tailMass;
    chi2 += (draws - inside - tailExpected) ** 2 / tailExpected;
    bins++;
    // 52 bins, so 51 degrees of freedom: the 99.9% point of χ²(51) is 87.97 (R: qchisq(0.999, 51);
    // computed here from the regularised lower incomplete gamma by bisection).
    expect(bins - 1).toBe(51);
    expect(chi2).toBeLessThan(87.97);
  });

  it('has mean n·p and variance n·p·(1 − p) for large n and extreme p', () => {
    for (const [n, p] of [
      [1_000, 0.5],
      [100_000, 0.01],
      [1_000_000_000, 0.37],
      [5_000, 0.999],
    ] as const) {
      const rng = new Rng(`moments-${n}-${p}`);
      const draws = 4_000;
      let sum = 0;
      let sumSq = 0;
      for (let d = 0; d < draws; d++) {
        const k = sampleBinomial(n, p, rng);
        expect(Number.isInteger(k) && k >= 0 && k <= n).toBe(true);
        sum += k;
        sumSq += k * k;
      }
      const mean = sum / draws;
      const variance = sumSq / draws - mean * mean;
      const sd = Math.sqrt(n * p * (1 - p));
      // Mean within 5 standard errors; variance within 15%.
      expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws));
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.85);
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.15);
    }
  });

  it('returns 0 and n at p = 0 and p = 1, and refuses a non-integer or negative n', () => {
    const rng = new Rng(1);
    expect(sampleBinomial(1e6, 0, rng)).toBe(0);
    expect(sampleBinomial(1e6, 1, rng)).toBe(1e6);
    expect(() => sampleBinomial(2.5, 0.5, rng)).toThrow(RangeError);
    expect(() => sampleBinomial(-1, 0.5, rng)).toThrow(RangeError);
  });

  it('lets coherence floors run on pooled counts of ten million answers per pair (a loop per answer never finished)', async () => {
    const set = { name: 'big', outcomes: ['a', 'b', 'c', 'd'].map((id) => ({ id, text: `Outcome ${id}.`, clusters: [] })) };
    const tallies = [
      ['a', 'b', 6e6, 4e6],
      ['b', 'c', 7e6, 3e6],
      ['a', 'c', 8e6, 2e6],
      ['c', 'd', 5.5e6, 4.5e6],
    ].map(([a, b, aWins, bWins]) => ({
      a: a as string,
      b: b as string,
      ab: { aWins: aWins as number, bWins: bWins as number, refusals: 0, unparseable: 0, failures: 0 },
      ba: { aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 },
    }));
    const { coherence } = await fitExternalPairs(set, tallies, 'thurstonian');
    if ('skipped' in coherence) throw new Error('coherence was skipped');
    expect(coherence.floors.coinFlip.cycleProbability.mean).toBeGreaterThan(0);
    expect(coherence.headline.cycleProbability).toBeLessThan(coherence.floors.coinFlip.cycleProbability.mean);
  });
});

describe('sampleGamma', () => {
  it('has mean = shape and variance = shape, for shapes below and above 1', () => {
    for (const shape of [0.3, 1, 2.5, 40]) {
      const rng = new Rng(`gamma-${shape}`);
      const draws = 20_000;
      let sum = 0;
      let sumSq = 0;
      for (let d = 0; d < draws; d++) {
        const x = sampleGamma(shape, rng);
        expect(x).toBeGreaterThanOrEqual(0);
        sum += x;
        sumSq += x * x;
      }
      const mean = sum / draws;
      expect(Math.abs(mean - shape)).toBeLessThan((5 * Math.sqrt(shape)) / Math.sqrt(draws));
      expect((sumSq / draws - mean * mean) / shape).toBeGreaterThan(0.9);
      expect((sumSq / draws - mean * mean) / shape).toBeLessThan(1.1);
    }
  });
});

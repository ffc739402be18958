import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { UtilityModelKind } from '../../src/core/types.js';
import { fitUtilities } from '../../src/models/fit.js';
import { inversePhi } from '../../src/stats/normal.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

const z95 = inversePhi(0.975);

/** Weights of "mean of group A minus mean of group B" over n outcomes. */
function differenceWeights(n: number, a: readonly number[], b: readonly number[]): Float64Array {
  const w = new Float64Array(n);
  for (const i of a) w[i] = (w[i] as number) + 1 / a.length;
  for (const i of b) w[i] = (w[i] as number) - 1 / b.length;
  return w;
}

describe('contrast covariance from the fit', () => {
  for (const model of ['thurstonian', 'case5', 'bt'] as UtilityModelKind[]) {
    it(`a one-outcome contrast has exactly the variance behind that outcome's interval (${model})`, () => {
      const { packed, ids } = simulatePairs(12, 60, 8, 3);
      const weights = ids.map((_, i) => Float64Array.from(ids, (__, k) => (k === i ? 1 : 0)));
      const fit = fitUtilities(ids, packed, { model, contrasts: weights.map((w, i) => ({ name: `o${i}`, weights: w })) });
      const c = fit.contrasts!;
      expect(c.method).toBe('laplace');
      ids.forEach((_, i) => {
        expect(c.estimate[i]).toBeCloseTo(fit.mean[i] as number, 12);
        const se = ((fit.ci!.high[i] as number) - (fit.ci!.low[i] as number)) / (2 * z95);
        expect(Math.sqrt(c.covariance[i * ids.length + i] as number)).toBeCloseTo(se, 10);
      });
    });
  }

  it('is symmetric, and the variance of a difference is Var(a) + Var(b) − 2·Cov(a, b)', () => {
    const { packed, ids } = simulatePairs(20, 120, 10, 5);
    const n = ids.length;
    const groupA = [0, 1, 2, 3];
    const groupB = [4, 5, 6];
    const mean = (g: readonly number[]) => Float64Array.from(ids, (_, k) => (g.includes(k) ? 1 / g.length : 0));
    const fit = fitUtilities(ids, packed, {
      contrasts: [
        { name: 'a', weights: mean(groupA) },
        { name: 'b', weights: mean(groupB) },
        { name: 'a-b', weights: differenceWeights(n, groupA, groupB) },
      ],
    });
    const cov = fit.contrasts!.covariance;
    const at = (p: number, q: number) => cov[p * 3 + q] as number;
    expect(at(0, 1)).toBeCloseTo(at(1, 0), 14);
    expect(at(2, 2)).toBeCloseTo(at(0, 0) + at(1, 1) - 2 * at(0, 1), 12);
    expect(fit.contrasts!.estimate[2]).toBeCloseTo((fit.contrasts!.estimate[0] as number) - (fit.contrasts!.estimate[1] as number), 12);
  });

  it('bootstrap and Laplace agree on the standard error of a group difference (within 35%)', () => {
    const { packed, ids } = simulatePairs(30, 200, 10, 8);
    const contrasts = [{ name: 'd', weights: differenceWeights(ids.length, [0, 1, 2, 3, 4], [5, 6, 7, 8, 9]) }];
    const laplace = fitUtilities(ids, packed, { contrasts });
    const boot = fitUtilities(ids, packed, { contrasts, intervals: 'bootstrap', bootstrapSamples: 150, rng: new Rng(4) });
    expect(boot.contrasts!.method).toBe('bootstrap');
    const ratio = Math.sqrt(boot.contrasts!.covariance[0] as number) / Math.sqrt(laplace.contrasts!.covariance[0] as number);
    expect(ratio).toBeGreaterThan(0.65);
    expect(ratio).toBeLessThan(1.35);
  });

  it('covers the planted group difference in about 95% of simulated studies', () => {
    // Planted truth in the fit's gauge: standardised over the set (the fit reports mean 0, sd 1).
    let covered = 0;
    const studies = 60;
    for (let seed = 1; seed <= studies; seed++) {
      const { truth, packed, ids } = simulatePairs(40, 400, 12, 100 + seed);
      const n = ids.length;
      const plus = [0, 1, 2, 3, 4, 5];
      const minus = [6, 7, 8, 9, 10, 11];
      const fit = fitUtilities(ids, packed, { model: 'case5', contrasts: [{ name: 'd', weights: differenceWeights(n, plus, minus) }] });
      const mean = truth.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(truth.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      const planted = plus.reduce((s, i) => s + ((truth[i] as number) - mean) / sd, 0) / plus.length - minus.reduce((s, i) => s + ((truth[i] as number) - mean) / sd, 0) / minus.length;
      const se = Math.sqrt(fit.contrasts!.covariance[0] as number);
      if (Math.abs((fit.contrasts!.estimate[0] as number) - planted) <= z95 * se) covered++;
    }
    expect(covered / studies).toBeGreaterThan(0.85);
  });

  it('above the exact size limit the covariance is the stated diagonal approximation', () => {
    const { packed, ids } = simulatePairs(30, 200, 10, 9);
    const fit = fitUtilities(ids, packed, { intervals: 'laplace-diagonal', contrasts: [{ name: 'd', weights: differenceWeights(30, [0, 1], [2, 3]) }] });
    expect(fit.contrasts!.method).toBe('laplace-diagonal');
    expect(fit.contrasts!.covariance[0]).toBeGreaterThan(0);
  });
});

/**
 * The fit's start (src/models/least-squares-start.ts): Mosteller's weighted least-squares solution
 * against hand computations and planted utilities, and the fit it starts: the same optimum as from
 * all zeros, and at 10⁹ answers per pair no more iterations than at 10, at the planted truth.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { PackedPairs, UtilityFit } from '../../src/core/types.js';
import { fitUtilities } from '../../src/models/fit.js';
import { leastSquaresStart, leastSquaresUtilities } from '../../src/models/least-squares-start.js';
import { inversePhi, Phi } from '../../src/stats/normal.js';

const packed = (n: number, rows: [number, number, number, number][]): PackedPairs => ({
  outcomeCount: n,
  i: Int32Array.from(rows, (r) => r[0]),
  j: Int32Array.from(rows, (r) => r[1]),
  wins: Float64Array.from(rows, (r) => r[2]),
  total: Float64Array.from(rows, (r) => r[3]),
});

/** Every pair of n outcomes with a's wins the expected share of `answers` answers under P = Φ(u_i − u_j), rounded. */
function expectedShares(truth: Float64Array, answers: number): PackedPairs {
  const rows: [number, number, number, number][] = [];
  for (let a = 0; a < truth.length; a++) for (let b = a + 1; b < truth.length; b++) rows.push([a, b, Math.round(answers * Phi((truth[a] as number) - (truth[b] as number))), answers]);
  return packed(truth.length, rows);
}

function centred(x: ArrayLike<number>): number[] {
  const mean = Array.from(x).reduce((s, v) => s + v, 0) / x.length;
  return Array.from(x, (v) => v - mean);
}

describe('leastSquaresUtilities', () => {
  it('solves a triangle of equally weighted pairs as by hand: μ_A = (d₁ + d₃)/3, μ_B = (d₂ − d₁)/3, μ_C = −(d₂ + d₃)/3', () => {
    // A ≻ B and B ≻ C 7 times in 9, C ≻ A 7 times in 9: every share is (7 + ½)/10 = 0.75 or 0.25, so
    // every pair has the same weight, and d₁ = d_AB = Φ⁻¹(0.75), d₂ = d_BC = Φ⁻¹(0.75), d₃ = d_AC = Φ⁻¹(0.25).
    const mu = leastSquaresUtilities(
      packed(3, [
        [0, 1, 7, 9],
        [1, 2, 7, 9],
        [0, 2, 2, 9],
      ]),
      'probit',
    );
    const d = inversePhi(0.75);
    // d₃ = −d₁ = −d₂ (a cyclic triangle): μ_A = μ_B = μ_C = 0.
    centred(mu).forEach((v) => expect(v).toBeCloseTo(0, 6));
    // Now C ≻ A only 2 times in 9 (A ≻ C 7 times): d₃ = Φ⁻¹(0.75) and μ = (2d/3, 0, −2d/3).
    const transitive = centred(
      leastSquaresUtilities(
        packed(3, [
          [0, 1, 7, 9],
          [1, 2, 7, 9],
          [0, 2, 7, 9],
        ]),
        'probit',
      ),
    );
    [(2 * d) / 3, 0, (-2 * d) / 3].forEach((v, k) => expect(transitive[k]).toBeCloseTo(v, 6));
  });

  it('uses the logit scale for Bradley–Terry: two outcomes 3 to 1 give a difference of log(3.5/1.5)', () => {
    const mu = leastSquaresUtilities(packed(2, [[0, 1, 3, 4]]), 'logit');
    expect((mu[0] as number) - (mu[1] as number)).toBeCloseTo(Math.log(3.5 / 1.5), 6);
  });

  it('recovers planted utilities from expected shares of 10⁶ answers on every pair to 1e-3', () => {
    const rng = new Rng('ls-start-planted');
    const truth = Float64Array.from({ length: 12 }, () => rng.normal());
    const mu = centred(leastSquaresUtilities(expectedShares(truth, 1e6), 'probit'));
    const planted = centred(truth);
    mu.forEach((v, k) => expect(Math.abs(v - (planted[k] as number))).toBeLessThan(1e-3));
  });

  it('does not depend on how a pair is written: (a, b, w of N) and (b, a, N − w of N) give the same start', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.boolean()), {
          minLength: 1,
          maxLength: 25,
        }),
        (raw) => {
          const rows = raw.filter(([a, b]) => a !== b).map(([a, b, w, extra]) => [a, b, Math.min(w, extra), extra] as [number, number, number, number]);
          if (rows.length === 0) return;
          const flipped = rows.map(([a, b, w, t], k) => ((raw[k]?.[4] ?? false) ? ([b, a, t - w, t] as [number, number, number, number]) : ([a, b, w, t] as [number, number, number, number])));
          const x = leastSquaresUtilities(packed(6, rows), 'probit');
          const y = leastSquaresUtilities(packed(6, flipped), 'probit');
          x.forEach((v, k) => expect(v).toBeCloseTo(y[k] as number, 6));
        },
      ),
    );
  });

  it('starts every outcome at 0 without answers, and the Thurstonian start at √2 times the utilities with every log σ at 0', () => {
    expect(Array.from(leastSquaresUtilities(packed(3, [[0, 1, 0, 0]]), 'probit'))).toEqual([0, 0, 0]);
    const pairs = packed(3, [
      [0, 1, 6, 8],
      [1, 2, 5, 8],
    ]);
    const mu = leastSquaresUtilities(pairs, 'probit');
    const theta = leastSquaresStart('thurstonian', pairs);
    expect(theta.length).toBe(6);
    mu.forEach((v, k) => expect(theta[k]).toBeCloseTo(Math.SQRT2 * v, 12));
    expect(Array.from(theta.subarray(3))).toEqual([0, 0, 0]);
    expect(Array.from(leastSquaresStart('case5', pairs))).toEqual(Array.from(mu));
  });
});

describe('the fit from the least-squares start', () => {
  /** A fit from all-zero utilities (the start before least-squares-start.ts): a warm start whose every mean is 0 and sd 1. */
  const fromZero = (ids: readonly string[], pairs: PackedPairs, model: 'thurstonian' | 'case5' | 'bt') => {
    const zero = { model, ids, mean: new Float64Array(ids.length), sd: new Float64Array(ids.length).fill(1) } as unknown as UtilityFit;
    return fitUtilities(ids, pairs, { model, warmStart: zero, intervals: 'none' });
  };

  it('reaches the optimum a start from zero reaches, for every model', () => {
    const rng = new Rng('ls-start-same-optimum');
    const n = 40;
    const truth = Float64Array.from({ length: n }, () => rng.normal());
    const rows: [number, number, number, number][] = [];
    for (let k = 0; k < 300; k++) {
      const a = rng.int(n);
      const b = (a + 1 + rng.int(n - 1)) % n;
      let w = 0;
      for (let s = 0; s < 10; s++) if (rng.next() < Phi((truth[a] as number) - (truth[b] as number))) w++;
      rows.push([a, b, w, 10]);
    }
    const pairs = packed(n, rows);
    const ids = Array.from({ length: n }, (_, k) => `o${k}`);
    for (const model of ['thurstonian', 'case5', 'bt'] as const) {
      const started = fitUtilities(ids, pairs, { model, intervals: 'none' });
      const zero = fromZero(ids, pairs, model);
      started.mean.forEach((v, k) => expect(Math.abs(v - (zero.mean[k] as number)), model).toBeLessThan(1e-4));
    }
  });

  it('at 10⁹ answers per pair recovers the planted utilities within their intervals and takes no more iterations than at 10 answers', () => {
    const rng = new Rng('ls-start-billion');
    const truth = Float64Array.from({ length: 30 }, () => rng.normal());
    const ids = Array.from(truth, (_, k) => `o${k}`);
    const planted = centred(truth);
    const sd = Math.sqrt(planted.reduce((s, v) => s + v * v, 0) / planted.length);
    const billion = fitUtilities(ids, expectedShares(truth, 1e9), { model: 'thurstonian' });
    const ten = fitUtilities(ids, expectedShares(truth, 10), { model: 'thurstonian' });
    expect(billion.converged).toBe(true);
    const ci = billion.ci;
    if (!ci) throw new Error('Laplace intervals expected');
    expect(billion.iterations).toBeLessThanOrEqual(ten.iterations);
    billion.mean.forEach((v, k) => {
      const error = Math.abs(v - (planted[k] as number) / sd);
      // Rounding the counts to whole answers moves shares by < 10⁻⁹: the fit must sit inside its own interval.
      expect(error).toBeLessThan(((ci.high[k] as number) - (ci.low[k] as number)) / 2);
      expect(error).toBeLessThan(1e-4);
    });
  });
});

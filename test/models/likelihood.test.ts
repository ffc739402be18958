import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PackedPairs } from '../../src/core/types.js';
import { createObjective, curvaturePreconditioner, gaugeProfiledObjective, logistic, priorOptimalGauge } from '../../src/models/likelihood.js';
import { Phi } from '../../src/stats/normal.js';
import { numericGradient, numericHessian } from '../helpers/finite-differences.js';

/** Every pair of 4 outcomes, once each. */
const COMPLETE_PAIRS = [
  [0, 1],
  [0, 2],
  [0, 3],
  [1, 2],
  [1, 3],
  [2, 3],
] as const;

/** The complete design on 4 outcomes with the given wins (for the first side) and totals per pair. */
function completeDesign(wins: readonly number[], totals: readonly number[]): PackedPairs {
  return { outcomeCount: 4, i: Int32Array.from(COMPLETE_PAIRS.map((p) => p[0])), j: Int32Array.from(COMPLETE_PAIRS.map((p) => p[1])), wins: Float64Array.from(wins), total: Float64Array.from(totals) };
}

describe('likelihood on counts', () => {
  const noPrior = { ridge: 0, logSdScale: Number.POSITIVE_INFINITY };
  // Outcomes 0, 1, 2 with μ = (0.5, 0, −0.5), σ = 1: pair (0,1) 3 wins of 4, pair (1,2) 1 win of 2.
  const pairs: PackedPairs = { outcomeCount: 3, i: Int32Array.of(0, 1), j: Int32Array.of(1, 2), wins: Float64Array.of(3, 1), total: Float64Array.of(4, 2) };

  it('matches a hand-worked 3-outcome case, value and gradient', () => {
    // z = 0.5/√2 = 0.353553 for both pairs; Φ(z) = 0.638163, Φ(−z) = 0.361837;
    // −log L = −[3·ln Φ(z) + ln Φ(−z) + ln Φ(z) + ln Φ(−z)] = 3.8297689146; the objective subtracts
    // the saturated log-likelihood 3·ln ¾ + ln ¼ + 2·ln ½ = −3.6356349396: f = 0.1941339750;
    // λ(z) = 0.587595, λ(−z) = 1.036324;
    // ∂f/∂μ0 = −(3λ(z) − λ(−z))/√2, ∂f/∂log σ_i = Σ (wλ(z) − lλ(−z))·z·½ over i's pairs.
    // Reference numbers computed independently with Python's math.erfc.
    const f = createObjective('thurstonian', pairs, noPrior);
    const g = new Float64Array(6);
    const value = f(Float64Array.of(0.5, 0, -0.5, 0, 0, 0), g);
    expect(value).toBeCloseTo(3.829768914621373 + 3 * Math.log(3 / 4) + Math.log(1 / 4) + 2 * Math.log(1 / 2), 12);
    expect(value).toBeCloseTo(0.194133975026249, 12);
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
          numericGradient(objective, theta).forEach((numeric, k) => expect(Math.abs((g[k] as number) - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric))));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('with the gauge profiled out, has the value at the prior-optimal gauge, a gradient that matches finite differences (envelope theorem), and none along the shift', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('thurstonian' as const, 'case5' as const, 'bt' as const),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 6, maxLength: 6 }),
        (kind, params, wins) => {
          const n = 4;
          const packed = completeDesign(wins, new Array<number>(6).fill(12));
          const plain = createObjective(kind, packed);
          const profiled = gaugeProfiledObjective(kind, plain, n);
          const theta = Float64Array.from(params.slice(0, kind === 'thurstonian' ? 2 * n : n));
          const size = theta.length;
          const g = new Float64Array(size);
          const f = profiled(theta, g);
          expect(f).toBeCloseTo(plain(priorOptimalGauge(kind, theta, n), new Float64Array(size)), 10);
          numericGradient(profiled, theta).forEach((numeric, k) => expect(Math.abs((g[k] as number) - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric))));
          let alongShift = 0;
          for (let t = 0; t < n; t++) alongShift += g[t] as number;
          expect(Math.abs(alongShift)).toBeLessThan(1e-9 * Math.max(1, Math.abs(f)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes Gauss–Newton curvature that equals the Hessian (by finite differences of the gradient) where the wins of every pair match its prediction', () => {
    // Where w = N·P(θ) for every pair, ∂log L/∂z vanishes, so the Gauss–Newton blocks are exact:
    // the μ diagonal, the log σ diagonal and the μ–log σ coupling of each outcome (fractional wins are fine).
    fc.assert(
      fc.property(
        fc.constantFrom('thurstonian' as const, 'case5' as const, 'bt' as const),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 6, maxLength: 6 }),
        (kind, params, totals) => {
          const n = 4;
          const theta = Float64Array.from(params.slice(0, kind === 'thurstonian' ? 2 * n : n));
          const sd = (t: number) => (kind === 'thurstonian' ? Math.exp(theta[n + t] as number) : kind === 'case5' ? Math.SQRT1_2 : 0);
          const predicted = COMPLETE_PAIRS.map(([i, j]) => {
            const d = (theta[i] as number) - (theta[j] as number);
            return kind === 'bt' ? logistic(d) : Phi(d / Math.hypot(sd(i), sd(j)));
          });
          const packed = completeDesign(
            totals.map((total, k) => total * (predicted[k] as number)),
            totals,
          );
          const objective = createObjective(kind, packed);
          const size = theta.length;
          const curvature = new Float64Array(curvaturePreconditioner(kind, n).size);
          objective(theta, new Float64Array(size), curvature);
          const rows = numericHessian(objective, theta);
          const hessian = (p: number, q: number) => (rows[q] as Float64Array)[p] as number;
          const close = (value: number, reference: number) => expect(Math.abs(value - reference)).toBeLessThan(1e-5 * Math.max(1, Math.abs(reference)));
          for (let t = 0; t < n; t++) {
            close(curvature[t] as number, hessian(t, t));
            if (kind === 'thurstonian') {
              close(curvature[n + t] as number, hessian(n + t, n + t));
              close(curvature[2 * n + t] as number, hessian(t, n + t));
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

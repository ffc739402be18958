import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minimizeLbfgs, type Objective } from '../../src/models/lbfgs.js';

/** Rosenbrock's banana, minimum 0 at (1, 1) (Nocedal & Wright, Exercise 2.1). */
const rosenbrock: Objective = (x, g) => {
  const a = x[0] as number;
  const b = x[1] as number;
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function at (1, 1) from the textbook start (−1.2, 1)', () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1));
    expect(result.converged).toBe(true);
    expect(['gradient', 'objective']).toContain(result.reason);
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
    expect(result.f).toBeLessThan(1e-10);
  });

  it('solves an ill-conditioned quadratic: ½xᵀAx − bᵀx with A = diag(1, 10, 100, 1000), b = (1, 2, 3, 4) has its minimum at A⁻¹b', () => {
    // Minimum x* = (1, 0.2, 0.03, 0.004), f* = −½bᵀA⁻¹b = −½(1 + 0.4 + 0.09 + 0.016) = −0.753.
    const a = [1, 10, 100, 1000];
    const b = [1, 2, 3, 4];
    const quadratic: Objective = (x, g) => {
      let f = 0;
      for (let k = 0; k < 4; k++) {
        const xk = x[k] as number;
        g[k] = (a[k] as number) * xk - (b[k] as number);
        f += 0.5 * (a[k] as number) * xk * xk - (b[k] as number) * xk;
      }
      return f;
    };
    const result = minimizeLbfgs(quadratic, new Float64Array(4));
    expect(result.converged).toBe(true);
    [1, 0.2, 0.03, 0.004].forEach((expected, k) => expect(result.x[k]).toBeCloseTo(expected, 7));
    expect(result.f).toBeCloseTo(-0.753, 12);
  });

  it('minimises random convex quadratics with a dense SPD matrix (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 25, maxLength: 25 }), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 5, maxLength: 5 }), (entries, b) => {
        // A = MᵀM + I is symmetric positive definite; at the minimum the gradient Ax − b vanishes.
        const n = 5;
        const a = new Float64Array(n * n);
        for (let r = 0; r < n; r++) {
          for (let c = 0; c < n; c++) {
            let sum = r === c ? 1 : 0;
            for (let k = 0; k < n; k++) sum += (entries[k * n + r] as number) * (entries[k * n + c] as number);
            a[r * n + c] = sum;
          }
        }
        const objective: Objective = (x, g) => {
          let f = 0;
          for (let r = 0; r < n; r++) {
            let ax = 0;
            for (let c = 0; c < n; c++) ax += (a[r * n + c] as number) * (x[c] as number);
            g[r] = ax - (b[r] as number);
            f += 0.5 * (x[r] as number) * ax - (b[r] as number) * (x[r] as number);
          }
          return f;
        };
        const result = minimizeLbfgs(objective, new Float64Array(n), { gradientTolerance: 1e-10 });
        const g = new Float64Array(n);
        objective(result.x, g);
        expect(Math.max(...Array.from(g, Math.abs))).toBeLessThan(1e-6);
      }),
      { numRuns: 50 },
    );
  });

  it('reports running out of iterations as data, with the best point so far', () => {
    const result = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3 });
    expect(result).toMatchObject({ converged: false, reason: 'max-iterations', iterations: 3 });
    expect(result.f).toBeLessThan(24.2); // f(−1.2, 1) = 4.84 + 100·0.44² = 24.2
  });

  it('never throws on an objective that is NaN everywhere but the start, or has no parameters', () => {
    const cliff: Objective = (x, g) => {
      g[0] = 1;
      return x[0] === 0 ? 0 : Number.NaN;
    };
    expect(minimizeLbfgs(cliff, Float64Array.of(0))).toMatchObject({ converged: false, reason: 'line-search-failed', iterations: 0 });
    expect(minimizeLbfgs(() => 0, new Float64Array(0))).toMatchObject({ converged: true, reason: 'trivial' });
    expect(minimizeLbfgs(() => Number.NaN, Float64Array.of(1))).toMatchObject({ converged: false, reason: 'line-search-failed' });
  });

  it('is deterministic and leaves the start untouched', () => {
    const start = Float64Array.of(-1.2, 1);
    const a = minimizeLbfgs(rosenbrock, start);
    const b = minimizeLbfgs(rosenbrock, start);
    expect(Array.from(start)).toEqual([-1.2, 1]);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.iterations).toBe(b.iterations);
  });
});

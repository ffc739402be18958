import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConvergenceReason } from '../../src/core/types.js';
import { choleskyFactor, choleskySolve } from '../../src/stats/cholesky.js';
import { type LbfgsStopReason, minimizeLbfgs, type Objective } from '../../src/stats/lbfgs.js';
import { diagonalPreconditioner, pairedPreconditioner } from '../../src/stats/preconditioners.js';

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
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 25, maxLength: 25 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 5, maxLength: 5 }),
        (entries, b) => {
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
          // Against the exact minimum f* = −½bᵀA⁻¹b (Cholesky solve): the gap ½‖x − x*‖²_A.
          const optimum = choleskySolve(choleskyFactor(a, n) as Float64Array, n, Float64Array.from(b));
          const best = -0.5 * optimum.reduce((sum, v, k) => sum + v * (b[k] as number), 0);
          expect(result.f - best).toBeLessThan(1e-10 * Math.max(1, Math.abs(best)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('with the diagonal preconditioner, takes the exact Newton step on a diagonal quadratic (1 iteration instead of many)', () => {
    // ½xᵀAx − bᵀx, A = diag(1, 10, 100, 1000, 10⁴): with D = diag(A) the first step −D⁻¹∇f lands on A⁻¹b.
    const a = [1, 10, 100, 1e3, 1e4];
    const b = [1, 2, 3, 4, 5];
    const quadratic: Objective = (x, g, curvature) => {
      let f = 0;
      for (let k = 0; k < a.length; k++) {
        const xk = x[k] as number;
        g[k] = (a[k] as number) * xk - (b[k] as number);
        if (curvature) curvature[k] = a[k] as number;
        f += 0.5 * (a[k] as number) * xk * xk - (b[k] as number) * xk;
      }
      return f;
    };
    const scaled = minimizeLbfgs(quadratic, new Float64Array(5), { preconditioner: diagonalPreconditioner(5), gradientTolerance: 1e-12 });
    const plain = minimizeLbfgs(quadratic, new Float64Array(5), { gradientTolerance: 1e-12 });
    expect(scaled).toMatchObject({ converged: true, iterations: 1 });
    a.forEach((ak, k) => expect(scaled.x[k]).toBeCloseTo((b[k] as number) / ak, 12));
    expect(plain.iterations).toBeGreaterThan(5);
  });

  it('with the paired preconditioner, takes the exact Newton step on a quadratic made of coupled 2×2 blocks', () => {
    // Blocks over (x₀, x₂) = [[4, 1.9], [1.9, 1]] (correlation 0.95) and (x₁, x₃) = [[100, −9], [−9, 1]];
    // curvature layout [H₀₀, H₁₁ | H₂₂, H₃₃ | H₀₂, H₁₃]. The minimiser of ½xᵀHx − 1ᵀx is H⁻¹1:
    // block 1: det 0.39, x₀ = (1 − 1.9)/0.39, x₂ = (4 − 1.9)/0.39; block 2: det 19, x₁ = (1 + 9)/19, x₃ = (100 + 9)/19.
    const h = [4, 100, 1, 1, 1.9, -9];
    const quadratic: Objective = (x, g, curvature) => {
      let f = 0;
      for (let t = 0; t < 2; t++) {
        const [a, d, b] = [h[t] as number, h[2 + t] as number, h[4 + t] as number];
        const [p, q] = [x[t] as number, x[2 + t] as number];
        g[t] = a * p + b * q - 1;
        g[2 + t] = b * p + d * q - 1;
        f += 0.5 * (a * p * p + 2 * b * p * q + d * q * q) - p - q;
      }
      if (curvature) curvature.set(h);
      return f;
    };
    const paired = minimizeLbfgs(quadratic, new Float64Array(4), { preconditioner: pairedPreconditioner(2), gradientTolerance: 1e-12 });
    expect(paired).toMatchObject({ converged: true, iterations: 1 });
    [-0.9 / 0.39, 10 / 19, 2.1 / 0.39, 109 / 19].forEach((expected, k) => expect(paired.x[k]).toBeCloseTo(expected, 10));
    // The diagonal alone ignores the coupling and needs more steps.
    const diagonalOnly: Objective = (x, g, curvature) => {
      const f = quadratic(x, g);
      curvature?.set(h.slice(0, 4));
      return f;
    };
    const diagonal = minimizeLbfgs(diagonalOnly, new Float64Array(4), { preconditioner: diagonalPreconditioner(4), gradientTolerance: 1e-12 });
    expect(diagonal.iterations).toBeGreaterThan(1);
  });

  it.each(['diagonal', 'paired'] as const)('with the %s preconditioner, minimises dense quadratics whose curvature is only an estimate, and survives unusable entries (property)', (kind) => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 16, maxLength: 16 }),
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.constantFrom(undefined, 0, Number.NaN, Number.POSITIVE_INFINITY, -1),
        (entries, scales, broken) => {
          // A = S(MᵀM + I)S with S = diag(scales): SPD and scaled by up to 10⁴; the objective reports
          // diag(A) (or its 2×2 blocks over (t, t + 2)), ignoring the rest of the coupling. With
          // `broken`, entry 0 gets an unusable value (flat, NaN, infinite or negative) instead.
          const n = 4;
          const a = new Float64Array(n * n);
          for (let r = 0; r < n; r++)
            for (let c = 0; c < n; c++) {
              let sum = r === c ? 1 : 0;
              for (let k = 0; k < n; k++) sum += (entries[k * n + r] as number) * (entries[k * n + c] as number);
              a[r * n + c] = sum * (scales[r] as number) * (scales[c] as number);
            }
          const objective: Objective = (x, g, curvature) => {
            let f = 0;
            for (let r = 0; r < n; r++) {
              let ax = 0;
              for (let c = 0; c < n; c++) ax += (a[r * n + c] as number) * (x[c] as number);
              g[r] = ax - 1;
              if (curvature) curvature[r] = a[r * n + r] as number;
              f += 0.5 * (x[r] as number) * ax - (x[r] as number);
            }
            if (curvature && kind === 'paired') for (let t = 0; t < 2; t++) curvature[4 + t] = a[t * n + t + 2] as number;
            if (curvature && broken !== undefined) curvature[0] = broken;
            return f;
          };
          const preconditioner = kind === 'paired' ? pairedPreconditioner(2) : diagonalPreconditioner(n);
          const result = minimizeLbfgs(objective, new Float64Array(n), { preconditioner, gradientTolerance: 1e-12, maxIterations: 2000 });
          // The minimum is f* = −½·1ᵀA⁻¹1 (Cholesky solve); the gap f − f* = ½‖x − x*‖²_A is scale-free.
          const optimum = choleskySolve(choleskyFactor(a, n) as Float64Array, n, new Float64Array(n).fill(1));
          const best = -0.5 * optimum.reduce((sum, v) => sum + v, 0);
          if (broken === undefined) {
            expect(result.f - best).toBeLessThan(1e-10 * Math.max(1, Math.abs(best)));
          } else {
            // An unusable entry is replaced by a guess of its scale that may be off by 10⁸, which can
            // stall the minimiser early; it must not break it: a finite point, much better than the start.
            expect(Array.from(result.x).every(Number.isFinite)).toBe(true);
            expect(result.f - best).toBeLessThan(1e-3 * Math.abs(best));
          }
        },
      ),
      { numRuns: 100 },
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

describe('minimizeLbfgs with a rounding floor (objectiveNoise)', () => {
  /**
   * ½(x₀² + 10⁻⁸·x₁²) whose value carries a deterministic wobble of ±10⁻⁹ (as a sum of large terms
   * carries rounding error) and whose gradient is exact; from (1, 1) the flat coordinate keeps
   * offering decreases of ~10⁻⁹ and less, which are noise.
   */
  const noisy =
    (evaluations: { count: number }): Objective =>
    (x, g) => {
      evaluations.count++;
      const a = x[0] as number;
      const b = x[1] as number;
      g[0] = a;
      g[1] = 1e-8 * b;
      return 0.5 * (a * a + 1e-8 * b * b) + 1e-9 * Math.sin(1e7 * (a + b));
    };

  it('stops once a decrease is below the floor, at the well-determined minimum, in fewer evaluations than without it', () => {
    const floored = { count: 0 };
    const plain = { count: 0 };
    const withFloor = minimizeLbfgs(noisy(floored), Float64Array.of(1, 1), { gradientTolerance: 0, objectiveNoise: 1e-8 });
    const without = minimizeLbfgs(noisy(plain), Float64Array.of(1, 1), { gradientTolerance: 0 });
    // Without the floor it halves its step in the wobble until the line search gives up.
    expect(without.reason).toBe('line-search-failed');
    expect(withFloor.reason).toBe('objective');
    expect(Math.abs(withFloor.x[0] as number)).toBeLessThan(1e-3);
    expect(floored.count).toBeLessThan(plain.count);
  });

  it('changes nothing when the decreases stay above it', () => {
    const a = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1));
    const b = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { objectiveNoise: 1e-30 });
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(b.iterations).toBe(a.iterations);
  });
});

describe('LbfgsStopReason', () => {
  it("is the same set of strings as core's ConvergenceReason (stats declares its own, importing nothing)", () => {
    expectTypeOf<LbfgsStopReason>().toEqualTypeOf<ConvergenceReason>();
  });
});

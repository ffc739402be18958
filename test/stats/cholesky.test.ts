import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { choleskyFactor, choleskyFactorInPlace, choleskySolve, inverseDiagonal } from '../../src/stats/cholesky.js';

/** A = MᵀM/n + shift·I for a seeded random M: symmetric, positive definite when shift > 0. */
function randomSpd(n: number, seed: number, shift: number): Float64Array {
  const rng = new Rng(seed);
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c <= r; c++) {
      let sum = r === c ? shift : 0;
      for (let k = 0; k < n; k++) sum += ((m[k * n + r] as number) * (m[k * n + c] as number)) / n;
      a[r * n + c] = sum;
      a[c * n + r] = sum;
    }
  return a;
}

describe('choleskyFactor', () => {
  it('factors a hand-computed 3×3 case: [[4, 12, −16], [12, 37, −43], [−16, −43, 98]] = L·Lᵀ with L = [[2, 0, 0], [6, 1, 0], [−8, 5, 3]]', () => {
    // The classic worked example (e.g. Wikipedia, "Cholesky decomposition", Example).
    const l = choleskyFactor(Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98), 3) as Float64Array;
    expect(Array.from(l)).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
  });

  it('reproduces H = L·Lᵀ with L lower-triangular, across block boundaries and odd sizes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 130 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const h = randomSpd(n, seed, 0.5);
        const l = choleskyFactor(h, n) as Float64Array;
        expect(l).toBeDefined();
        let worst = 0;
        for (let r = 0; r < n; r++)
          for (let c = 0; c < n; c++) {
            if (c > r) expect(l[r * n + c]).toBe(0);
            let sum = 0;
            for (let k = 0; k <= Math.min(r, c); k++) sum += (l[r * n + k] as number) * (l[c * n + k] as number);
            worst = Math.max(worst, Math.abs(sum - (h[r * n + c] as number)));
          }
        expect(worst).toBeLessThan(1e-10);
      }),
      { numRuns: 40 },
    );
  });

  it('agrees with the textbook row-by-row factor (Golub & Van Loan 4.2.1, written out here) to rounding, at 2 to 150 rows (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 150 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const h = randomSpd(n, seed, 0.1);
        const textbook = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j <= i; j++) {
            let sum = h[i * n + j] as number;
            for (let k = 0; k < j; k++) sum -= (textbook[i * n + k] as number) * (textbook[j * n + k] as number);
            textbook[i * n + j] = i === j ? Math.sqrt(sum) : sum / (textbook[j * n + j] as number);
          }
        const l = choleskyFactor(h, n) as Float64Array;
        for (let k = 0; k < n * n; k++) expect(Math.abs((l[k] as number) - (textbook[k] as number))).toBeLessThan(1e-11 * (1 + Math.abs(textbook[k] as number)));
      }),
      { numRuns: 15 },
    );
  });

  it('gives the same answers before and after its WebAssembly memory has grown for a larger matrix, and for NaN or an empty matrix', () => {
    const small = randomSpd(7, 3, 0.5);
    const first = choleskyFactor(small, 7) as Float64Array;
    const firstDiagonal = inverseDiagonal(first, 7);
    const large = randomSpd(400, 4, 0.5); // 1.3 MB: more than the module's memory held before
    expect(choleskyFactor(large, 400)).toBeDefined();
    expect(inverseDiagonal(choleskyFactor(large, 400) as Float64Array, 400, 5)).toHaveLength(5);
    expect(Array.from(choleskyFactor(small, 7) as Float64Array)).toEqual(Array.from(first));
    expect(Array.from(inverseDiagonal(first, 7))).toEqual(Array.from(firstDiagonal));
    const nan = randomSpd(5, 1, 0.5);
    nan[0] = Number.NaN;
    expect(choleskyFactor(nan, 5)).toBeUndefined();
    expect(choleskyFactorInPlace(new Float64Array(0), 0)).toBe(true);
    expect(inverseDiagonal(new Float64Array(0), 0)).toHaveLength(0);
  });

  it('reports a matrix that is not positive definite, wherever the failing pivot is', () => {
    for (const n of [2, 49, 97]) {
      // MᵀM/n has eigenvalues near 0 when M is square; shifting by −2 makes some negative.
      expect(choleskyFactor(randomSpd(n, n, -2), n)).toBeUndefined();
    }
    const h = randomSpd(60, 5, 0.5);
    h[59 * 60 + 59] = -1; // only the last pivot fails
    expect(choleskyFactor(h, 60)).toBeUndefined();
  });

  it('in place, gives the same L to the last bit, reads only the lower triangle and leaves the upper one as it was', () => {
    // Sizes around the 48-row block and the four-row kernel: 0–3 rows left over, odd and even counts.
    for (const n of [1, 2, 3, 4, 5, 47, 48, 49, 50, 51, 52, 53, 97, 101]) {
      const h = randomSpd(n, 1000 + n, 0.5);
      const expected = choleskyFactor(h, n) as Float64Array;
      const a = Float64Array.from(h);
      for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) a[r * n + c] = Number.NaN; // never read
      expect(choleskyFactorInPlace(a, n)).toBe(true);
      for (let r = 0; r < n; r++)
        for (let c = 0; c < n; c++) {
          if (c > r) expect(a[r * n + c]).toBeNaN();
          else expect(a[r * n + c]).toBe(expected[r * n + c]);
        }
    }
  });

  it('in place, reports a matrix that is not positive definite', () => {
    for (const n of [1, 2, 49, 97]) expect(choleskyFactorInPlace(randomSpd(n, n, -2), n)).toBe(false);
    const a = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    expect(choleskyFactorInPlace(a, 3)).toBe(true);
    expect(Array.from(a)).toEqual([2, 12, -16, 6, 1, -43, -8, 5, 3]); // the worked example; the upper triangle untouched
  });

  it('solves H·x = b and gives diag(H⁻¹) that agrees with solving for unit vectors', () => {
    const n = 70;
    const h = randomSpd(n, 11, 0.3);
    const l = choleskyFactor(h, n) as Float64Array;
    const b = Float64Array.from({ length: n }, (_, k) => Math.sin(k));
    const x = choleskySolve(l, n, b);
    for (let r = 0; r < n; r++) {
      let hx = 0;
      for (let c = 0; c < n; c++) hx += (h[r * n + c] as number) * (x[c] as number);
      expect(hx).toBeCloseTo(b[r] as number, 9);
    }
    const diagonal = inverseDiagonal(l, n);
    for (const t of [0, 33, 69]) {
      const unit = new Float64Array(n);
      unit[t] = 1;
      expect(diagonal[t]).toBeCloseTo(choleskySolve(l, n, unit)[t] as number, 10);
    }
  });

  it('gives every entry of diag(H⁻¹), and its leading `count` entries alone, at sizes that leave 0, 1 or 2 columns and rows over the groups of three', () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 31, 32, 33]) {
      const h = randomSpd(n, 2000 + n, 0.4);
      const l = choleskyFactor(h, n) as Float64Array;
      const diagonal = inverseDiagonal(l, n);
      for (let t = 0; t < n; t++) {
        const unit = new Float64Array(n);
        unit[t] = 1;
        const expected = choleskySolve(l, n, unit)[t] as number;
        expect(Math.abs((diagonal[t] as number) / expected - 1)).toBeLessThan(1e-12);
      }
      for (const count of [1, 2, Math.ceil(n / 2), n - 1].filter((c) => c >= 1 && c < n)) {
        expect(Array.from(inverseDiagonal(l, n, count))).toEqual(Array.from(diagonal.subarray(0, count)));
      }
    }
  });
});

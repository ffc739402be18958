/**
 * Dense symmetric positive-definite algebra for the Laplace intervals: Cholesky factorisation
 * H = L·Lᵀ (Golub & Van Loan, *Matrix Computations*, Algorithm 4.2.1), solves, and the diagonal of
 * H⁻¹ without forming it. Row-major Float64Array n×n. O(n³/3) flops for factor + diagonal.
 */

/** Lower-triangular L with H = L·Lᵀ (row-major), or undefined when H is not positive definite. */
export function choleskyFactor(h: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * n + j] as number;
      const ri = i * n;
      const rj = j * n;
      for (let k = 0; k < j; k++) sum -= (l[ri + k] as number) * (l[rj + k] as number);
      if (i === j) {
        if (!(sum > 0)) return undefined;
        l[ri + i] = Math.sqrt(sum);
      } else {
        l[ri + j] = sum / (l[rj + j] as number);
      }
    }
  }
  return l;
}

/** Solves H·x = b given H's Cholesky factor L (forward then back substitution). */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = sum / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = sum / (l[i * n + i] as number);
  }
  return x;
}

/**
 * diag(H⁻¹) from L: H⁻¹ = L⁻ᵀL⁻¹, so (H⁻¹)_ii = Σ_k (L⁻¹)_ki². Column i of L⁻¹ is computed by
 * forward substitution starting at row i (entries above are zero). `count` limits the result to
 * the first entries (a leading block's variances).
 */
export function inverseDiagonal(l: Float64Array, n: number, count = n): Float64Array {
  const diag = new Float64Array(count);
  const column = new Float64Array(n);
  for (let i = 0; i < count; i++) {
    column.fill(0, i);
    column[i] = 1 / (l[i * n + i] as number);
    let sum = (column[i] as number) ** 2;
    for (let r = i + 1; r < n; r++) {
      let acc = 0;
      const row = r * n;
      for (let k = i; k < r; k++) acc += (l[row + k] as number) * (column[k] as number);
      const value = -acc / (l[row + r] as number);
      column[r] = value;
      sum += value * value;
    }
    diag[i] = sum;
  }
  return diag;
}

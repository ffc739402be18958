/**
 * Dense symmetric positive-definite algebra for the Laplace intervals: Cholesky factorisation
 * H = L·Lᵀ (Golub & Van Loan, *Matrix Computations*, Algorithm 4.2.1, evaluated by blocks of rows),
 * solves, and the diagonal of H⁻¹ without forming it. Row-major Float64Array n×n. O(n³/3) flops for
 * factor + diagonal; O(n²) per solve.
 * Units: those of H (L carries their square root, H⁻¹ their inverse). Failure modes: `choleskyFactor`
 * returns undefined when H is not numerically positive definite (a pivot ≤ 0 or NaN); the solves
 * trust the factor they are given. Nothing throws.
 */

/**
 * Σ_{k<count} a[aOffset + k]·b[bOffset + k] with four independent accumulators, so the multiply-adds
 * overlap instead of waiting on one running sum (≈2× faster in V8; the hot loop of the factorisation).
 */
function rowDot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < count; k += 4) {
    s0 += (a[aOffset + k] as number) * (b[bOffset + k] as number);
    s1 += (a[aOffset + k + 1] as number) * (b[bOffset + k + 1] as number);
    s2 += (a[aOffset + k + 2] as number) * (b[bOffset + k + 2] as number);
    s3 += (a[aOffset + k + 3] as number) * (b[bOffset + k + 3] as number);
  }
  for (; k < count; k++) s0 += (a[aOffset + k] as number) * (b[bOffset + k] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * Rows per block of `choleskyFactor`: the block's rows (BLOCK_ROWS·n doubles, ~400 KB at n = 1,020)
 * stay in cache while each earlier row of L streams past once, instead of once per row. Even, so
 * the columns left of a block always come in pairs.
 */
const BLOCK_ROWS = 48;

/**
 * L[i][j] and L[i][j+1] for the rows i of [from, to), given L's rows j and j + 1: four dot products
 * at once (two rows of the block against two earlier rows), so each loaded value is used twice.
 */
function eliminateColumnPair(h: Float64Array, l: Float64Array, n: number, from: number, to: number, j: number): void {
  const rj = j * n;
  const rk = rj + n; // row j + 1
  const pivot0 = l[rj + j] as number;
  const pivot1 = l[rk + j + 1] as number;
  const below = l[rk + j] as number; // L[j+1][j]
  let i = from;
  for (; i + 1 < to; i += 2) {
    const ra = i * n;
    const rb = ra + n;
    let aj = 0;
    let ak = 0;
    let bj = 0;
    let bk = 0;
    for (let k = 0; k < j; k++) {
      const la = l[ra + k] as number;
      const lb = l[rb + k] as number;
      const lj = l[rj + k] as number;
      const lk = l[rk + k] as number;
      aj += la * lj;
      ak += la * lk;
      bj += lb * lj;
      bk += lb * lk;
    }
    const a0 = ((h[ra + j] as number) - aj) / pivot0;
    const b0 = ((h[rb + j] as number) - bj) / pivot0;
    l[ra + j] = a0;
    l[rb + j] = b0;
    l[ra + j + 1] = ((h[ra + j + 1] as number) - ak - a0 * below) / pivot1;
    l[rb + j + 1] = ((h[rb + j + 1] as number) - bk - b0 * below) / pivot1;
  }
  if (i < to) {
    const ra = i * n;
    const a0 = ((h[ra + j] as number) - rowDot(l, ra, l, rj, j)) / pivot0;
    l[ra + j] = a0;
    l[ra + j + 1] = ((h[ra + j + 1] as number) - rowDot(l, ra, l, rk, j) - a0 * below) / pivot1;
  }
}

/**
 * Lower-triangular L with H = L·Lᵀ (row-major), or undefined when H is not positive definite.
 * Left-looking, by blocks of rows: first every column left of the block (`eliminateColumnPair`),
 * then the block's own triangle row by row. Same operations as the textbook row-by-row order,
 * summed in a different order; about 1.8× faster at n = 1,020 (memory traffic, not arithmetic,
 * was the limit).
 */
export function choleskyFactor(h: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let from = 0; from < n; from += BLOCK_ROWS) {
    const to = Math.min(n, from + BLOCK_ROWS);
    for (let j = 0; j < from; j += 2) eliminateColumnPair(h, l, n, from, to, j);
    for (let i = from; i < to; i++) {
      const ri = i * n;
      for (let j = from; j <= i; j++) {
        const rj = j * n;
        const sum = (h[ri + j] as number) - rowDot(l, ri, l, rj, j);
        if (i === j) {
          if (!(sum > 0)) return undefined;
          l[ri + i] = Math.sqrt(sum);
        } else {
          l[ri + j] = sum / (l[rj + j] as number);
        }
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
      const row = r * n;
      const value = -rowDot(l, row + i, column, i, r - i) / (l[row + r] as number);
      column[r] = value;
      sum += value * value;
    }
    diag[i] = sum;
  }
  return diag;
}

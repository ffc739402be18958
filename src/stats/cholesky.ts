/**
 * Dense symmetric positive-definite algebra for the Laplace intervals: Cholesky factorisation
 * H = L·Lᵀ (Golub & Van Loan, *Matrix Computations*, Algorithm 4.2.1, evaluated by blocks of rows),
 * in place or into a new array, solves, and the diagonal of H⁻¹ without forming it. Row-major
 * Float64Array n×n; the factorisation reads only H's lower triangle. O(n³/6) multiply-adds for the
 * factor, as many again for the diagonal of the inverse; O(n²) per solve.
 * Units: those of H (L carries their square root, H⁻¹ their inverse). Failure modes: `choleskyFactor`
 * returns undefined (`choleskyFactorInPlace` false) when H is not numerically positive definite (a
 * pivot ≤ 0 or NaN); the solves trust the factor they are given. Nothing throws.
 *
 * Speed: V8 emits no vector instructions for these loops, and each typed-array load costs about six
 * instructions (index, bounds check, address), so what counts is loads per multiply-add and doubles
 * kept in registers. The factorisation's hot loop takes four rows against two (6 loads per 8
 * multiply-adds, where the textbook dot product needs 2 per 1) and writes its indices `(i + k) | 0`,
 * which tells the compiler they are 32-bit integers and spares each load an overflow check. Every
 * entry is still summed in the same order as by the 2 × 2 kernel this replaced, so the factor is
 * the same to the last bit, about 1.3× sooner at n = 1,020 (test/bench/laplace.bench.ts).
 */

/**
 * Σ_{k<count} a[aOffset + k]·b[bOffset + k] with four independent accumulators, so the multiply-adds
 * overlap instead of waiting on one running sum: the diagonal blocks of the factorisation, the
 * last row of an odd block, and the inverse diagonal.
 */
function rowDot(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, count: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < count; k += 4) {
    s0 += (a[(aOffset + k) | 0] as number) * (b[(bOffset + k) | 0] as number);
    s1 += (a[(aOffset + k + 1) | 0] as number) * (b[(bOffset + k + 1) | 0] as number);
    s2 += (a[(aOffset + k + 2) | 0] as number) * (b[(bOffset + k + 2) | 0] as number);
    s3 += (a[(aOffset + k + 3) | 0] as number) * (b[(bOffset + k + 3) | 0] as number);
  }
  for (; k < count; k++) s0 += (a[(aOffset + k) | 0] as number) * (b[(bOffset + k) | 0] as number);
  return s0 + s1 + (s2 + s3);
}

/**
 * The eight dot products of four consecutive rows of `m` (`stride` apart, the first at offset
 * `first`) with rows `rj` and `rj + stride` of `m`, over their first `count` entries: into
 * sums[2r] (with row rj) and sums[2r + 1] (with the next) for row r. Six loads per eight
 * multiply-adds, each sum accumulated in k order. 4 × 2 because its eight accumulators and six
 * loaded values fit in the fifteen double registers V8 allocates on x64: 3 × 4 and 6 × 2 spill
 * accumulators to the stack and ran slower; 3 × 3 ran as fast but sums columns in threes, which
 * would change the factor's rounding.
 */
function quadPairDots(m: Float64Array, first: number, stride: number, rj: number, count: number, sums: Float64Array): void {
  const ra = first;
  const rb = ra + stride;
  const rc = rb + stride;
  const rd = rc + stride;
  const rk = rj + stride;
  let a0 = 0;
  let a1 = 0;
  let b0 = 0;
  let b1 = 0;
  let c0 = 0;
  let c1 = 0;
  let d0 = 0;
  let d1 = 0;
  for (let k = 0; k < count; k++) {
    const y0 = m[(rj + k) | 0] as number;
    const y1 = m[(rk + k) | 0] as number;
    let v = m[(ra + k) | 0] as number;
    a0 += v * y0;
    a1 += v * y1;
    v = m[(rb + k) | 0] as number;
    b0 += v * y0;
    b1 += v * y1;
    v = m[(rc + k) | 0] as number;
    c0 += v * y0;
    c1 += v * y1;
    v = m[(rd + k) | 0] as number;
    d0 += v * y0;
    d1 += v * y1;
  }
  sums[0] = a0;
  sums[1] = a1;
  sums[2] = b0;
  sums[3] = b1;
  sums[4] = c0;
  sums[5] = c1;
  sums[6] = d0;
  sums[7] = d1;
}

/**
 * Rows per block of `choleskyFactorInPlace`: the block's rows (BLOCK_ROWS·n doubles, ~400 KB at
 * n = 1,020) stay in cache while each earlier row of L streams past once, instead of once per row.
 * Even, so the columns left of a block always come in pairs.
 */
const BLOCK_ROWS = 48;

/**
 * L[i][j] and L[i][j+1] for the rows i of [from, to), given L's rows j and j + 1 (and the rows'
 * own entries left of j): four rows at a time (`quadPairDots`), then a pair, then the last row of an
 * odd count alone.
 */
function eliminateColumnPair(a: Float64Array, n: number, from: number, to: number, j: number, sums: Float64Array): void {
  const rj = j * n;
  const rk = rj + n; // row j + 1
  const pivot0 = a[rj + j] as number;
  const pivot1 = a[rk + j + 1] as number;
  const below = a[rk + j] as number; // L[j+1][j]
  /** Row i's two entries from its two dot products: the 2×2 triangle of rows j, j + 1 finishes the substitution. */
  const finish = (ri: number, dotJ: number, dotK: number) => {
    const v0 = ((a[ri + j] as number) - dotJ) / pivot0;
    a[ri + j] = v0;
    a[ri + j + 1] = ((a[ri + j + 1] as number) - dotK - v0 * below) / pivot1;
  };
  let i = from;
  for (; i + 3 < to; i += 4) {
    quadPairDots(a, i * n, n, rj, j, sums);
    for (let r = 0; r < 4; r++) finish((i + r) * n, sums[2 * r] as number, sums[2 * r + 1] as number);
  }
  if (i + 1 < to) {
    // The same sums, in the same k order, for two rows.
    const ra = i * n;
    const rb = ra + n;
    let aj = 0;
    let ak = 0;
    let bj = 0;
    let bk = 0;
    for (let k = 0; k < j; k++) {
      const lj = a[(rj + k) | 0] as number;
      const lk = a[(rk + k) | 0] as number;
      const la = a[(ra + k) | 0] as number;
      const lb = a[(rb + k) | 0] as number;
      aj += la * lj;
      ak += la * lk;
      bj += lb * lj;
      bk += lb * lk;
    }
    finish(ra, aj, ak);
    finish(rb, bj, bk);
    i += 2;
  }
  if (i < to) finish(i * n, rowDot(a, i * n, a, rj, j), rowDot(a, i * n, a, rk, j));
}

/**
 * Overwrites the lower triangle of `a` (row-major n×n, symmetric positive definite; the strictly
 * upper triangle is neither read nor written) with its Cholesky factor L; false, with `a` partly
 * overwritten, when it is not positive definite. Saves the copy when the caller owns the matrix
 * (the joint Laplace Hessian: 8 MB at n = 1,020). Left-looking, by blocks of rows: first every
 * column left of the block (`eliminateColumnPair`), then the block's own triangle row by row.
 * Same operations as the textbook row-by-row order, summed in a different order.
 */
export function choleskyFactorInPlace(a: Float64Array, n: number): boolean {
  const sums = new Float64Array(8);
  for (let from = 0; from < n; from += BLOCK_ROWS) {
    const to = Math.min(n, from + BLOCK_ROWS);
    for (let j = 0; j < from; j += 2) eliminateColumnPair(a, n, from, to, j, sums);
    for (let i = from; i < to; i++) {
      const ri = i * n;
      for (let j = from; j <= i; j++) {
        const rj = j * n;
        const sum = (a[ri + j] as number) - rowDot(a, ri, a, rj, j);
        if (i === j) {
          if (!(sum > 0)) return false;
          a[ri + i] = Math.sqrt(sum);
        } else {
          a[ri + j] = sum / (a[rj + j] as number);
        }
      }
    }
  }
  return true;
}

/**
 * Lower-triangular L with H = L·Lᵀ (row-major, a new array), or undefined when H is not positive
 * definite. Reads only H's lower triangle. See `choleskyFactorInPlace`.
 */
export function choleskyFactor(h: Float64Array, n: number): Float64Array | undefined {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) l.set(h.subarray(i * n, i * n + i + 1), i * n);
  return choleskyFactorInPlace(l, n) ? l : undefined;
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

/**
 * Dense symmetric positive-definite algebra for the Laplace intervals: Cholesky factorisation
 * H = L·Lᵀ (Golub & Van Loan, *Matrix Computations*, Algorithm 4.2.1, evaluated by blocks of rows
 * and groups of three columns), in place or into a new array, solves, and the diagonal of H⁻¹
 * without forming it. Row-major Float64Array n×n; the factorisation reads only H's lower triangle.
 * O(n³/6) multiply-adds for the factor, as many again for the diagonal of the inverse; O(n²) per
 * solve.
 * Units: those of H (L carries their square root, H⁻¹ their inverse). Failure modes: `choleskyFactor`
 * returns undefined (`choleskyFactorInPlace` false) when H is not numerically positive definite (a
 * pivot ≤ 0 or NaN); the solves trust the factor they are given. Nothing throws.
 *
 * Speed: V8 emits no vector instructions for these loops, and each typed-array load costs about six
 * instructions (index, bounds check, address), so what counts is loads per multiply-add and doubles
 * kept in registers. Both O(n³) loops run `tripleDots`, three rows against three (6 loads per 9
 * multiply-adds, where the textbook dot product needs 2 per 1), with indices written `(i + k) | 0`,
 * which tells the compiler they are 32-bit integers and spares each load an overflow check. The
 * same operations as the textbook order, summed in another order: results agree to rounding
 * (≤ 1e-13 relative in the Laplace variances at n = 510). At n = 1,020 the factor takes 0.65–0.7 of
 * the time of the 2 × 2-row kernel it replaced, the inverse diagonal at n = 510 0.4
 * (test/bench/laplace.bench.ts).
 */

/**
 * Σ_{k<count} a[aOffset + k]·b[bOffset + k] with four independent accumulators, so the multiply-adds
 * overlap instead of waiting on one running sum. For the few dot products `tripleDots` leaves:
 * the 3×3 diagonal tiles and the one or two rows left over at the end of a block or matrix.
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
 * The nine dot products of three rows of `m` (row-major, `stride` apart, the first at offset
 * `first`) with three vectors of `x` (`xStride` apart, the first at `x0`), over k in [from, to):
 * sums[3r + c] is row r with vector c. Six loads per nine multiply-adds, where one row against one
 * (a plain dot product) needs two per one; the hot loop of the factorisation and of the inverse
 * diagonal. 3 × 3 because V8 loads all six values before the first multiply, so nine accumulators
 * plus six loads are the most that fit in the fifteen double registers it allocates on x64: 3 × 4
 * and 6 × 2 spill accumulators to the stack and ran 10–20 % slower, 4 × 2 (6 loads per 8) 10 %.
 */
function tripleDots(m: Float64Array, first: number, stride: number, x: Float64Array, x0: number, xStride: number, from: number, to: number, sums: Float64Array): void {
  const ra = first;
  const rb = ra + stride;
  const rc = rb + stride;
  const xa = x0;
  const xb = xa + xStride;
  const xc = xb + xStride;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  let c0 = 0;
  let c1 = 0;
  let c2 = 0;
  for (let k = from; k < to; k++) {
    const y0 = x[(xa + k) | 0] as number;
    const y1 = x[(xb + k) | 0] as number;
    const y2 = x[(xc + k) | 0] as number;
    let v = m[(ra + k) | 0] as number;
    a0 += v * y0;
    a1 += v * y1;
    a2 += v * y2;
    v = m[(rb + k) | 0] as number;
    b0 += v * y0;
    b1 += v * y1;
    b2 += v * y2;
    v = m[(rc + k) | 0] as number;
    c0 += v * y0;
    c1 += v * y1;
    c2 += v * y2;
  }
  sums[0] = a0;
  sums[1] = a1;
  sums[2] = a2;
  sums[3] = b0;
  sums[4] = b1;
  sums[5] = b2;
  sums[6] = c0;
  sums[7] = c1;
  sums[8] = c2;
}

/**
 * Rows per block of the factorisation: the block's rows (BLOCK_ROWS·n doubles, ~400 KB at n = 1,020)
 * stay in L2 cache while each group of three earlier rows streams past once per block. A multiple
 * of 3, so column groups never straddle a block. (24, 48 and 96 measured within 5 % of each other.)
 */
const BLOCK_ROWS = 48;

/**
 * L[i][j..j+2] for the rows i of [first, to), all below row j + 2, given rows j..j+2 of L: their dot
 * products over the columns left of j (`tripleDots`, three rows at a time; the one or two left over
 * with `rowDot`), then the substitution through the 3×3 diagonal block of rows j..j+2.
 */
function eliminateColumnTriple(a: Float64Array, n: number, first: number, to: number, j: number, sums: Float64Array): void {
  const r0 = j * n;
  const r1 = r0 + n;
  const r2 = r1 + n;
  const pivot0 = a[r0 + j] as number;
  const pivot1 = a[r1 + j + 1] as number;
  const pivot2 = a[r2 + j + 2] as number;
  const l10 = a[r1 + j] as number;
  const l20 = a[r2 + j] as number;
  const l21 = a[r2 + j + 1] as number;
  const finish = (p: number, s0: number, s1: number, s2: number) => {
    const v0 = ((a[p] as number) - s0) / pivot0;
    const v1 = ((a[p + 1] as number) - s1 - v0 * l10) / pivot1;
    a[p] = v0;
    a[p + 1] = v1;
    a[p + 2] = ((a[p + 2] as number) - s2 - v0 * l20 - v1 * l21) / pivot2;
  };
  let i = first;
  for (; i + 3 <= to; i += 3) {
    tripleDots(a, i * n, n, a, r0, n, 0, j, sums);
    finish(i * n + j, sums[0] as number, sums[1] as number, sums[2] as number);
    finish((i + 1) * n + j, sums[3] as number, sums[4] as number, sums[5] as number);
    finish((i + 2) * n + j, sums[6] as number, sums[7] as number, sums[8] as number);
  }
  for (; i < to; i++) {
    const ri = i * n;
    finish(ri + j, rowDot(a, ri, a, r0, j), rowDot(a, ri, a, r1, j), rowDot(a, ri, a, r2, j));
  }
}

/** The diagonal tile: L's rows j..j+width−1 on columns j..j+width−1, entry by entry. False on a pivot ≤ 0 or NaN. */
function factorDiagonalTile(a: Float64Array, n: number, j: number, width: number): boolean {
  for (let i = j; i < j + width; i++) {
    const ri = i * n;
    for (let c = j; c <= i; c++) {
      const rc = c * n;
      const sum = (a[ri + c] as number) - rowDot(a, ri, a, rc, c);
      if (i === c) {
        if (!(sum > 0)) return false;
        a[ri + i] = Math.sqrt(sum);
      } else {
        a[ri + c] = sum / (a[rc + c] as number);
      }
    }
  }
  return true;
}

/**
 * Overwrites the lower triangle of `a` (row-major n×n, symmetric positive definite; the strictly
 * upper triangle is neither read nor written) with its Cholesky factor L; false, with `a` partly
 * overwritten, when it is not positive definite. Saves the copy when the caller owns the matrix
 * (the joint Laplace Hessian: 8 MB at n = 1,020). Left-looking, by blocks of rows: for each block,
 * every group of three columns up to its end (`eliminateColumnTriple`), the group's diagonal tile
 * first when it lies in the block. Same operations as the textbook row-by-row order, summed in a
 * different order.
 */
export function choleskyFactorInPlace(a: Float64Array, n: number): boolean {
  const sums = new Float64Array(9);
  for (let from = 0; from < n; from += BLOCK_ROWS) {
    const to = Math.min(n, from + BLOCK_ROWS);
    for (let j = 0; j < to; j += 3) {
      let first = from;
      if (j >= from) {
        // Only the last group of the matrix can be narrower than 3, and nothing lies below it.
        const width = Math.min(3, n - j);
        if (!factorDiagonalTile(a, n, j, width)) return false;
        first = j + width;
      }
      if (first < to) eliminateColumnTriple(a, n, first, to, j, sums);
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
 * diag(H⁻¹) from L: H⁻¹ = L⁻ᵀL⁻¹, so (H⁻¹)_ii = Σ_r (L⁻¹)_ri². Columns of X = L⁻¹ are computed three
 * at a time by forward substitution, X_ri = −Σ_{c≤k<r} L_rk·X_ki / L_rr from the group's first
 * column c on (entries above the diagonal are zero), three rows r at a time (`tripleDots`; the rows
 * of a triple then depend on each other through L's 3×3 diagonal block). `count` limits the result
 * to the first entries (a leading block's variances). O(n³/6).
 */
export function inverseDiagonal(l: Float64Array, n: number, count = n): Float64Array {
  const diag = new Float64Array(count);
  // Columns c, c + 1, c + 2 of X, each contiguous: x[t·n + k] = X_k,c+t.
  const x = new Float64Array(3 * n);
  const sums = new Float64Array(9);
  const squares = new Float64Array(3);
  for (let c = 0; c < count; c += 3) {
    const width = Math.min(3, n - c);
    squares.fill(0);
    // The group's own rows c..c+width−1: column c + t starts at row c + t.
    for (let r = c; r < c + width; r++) {
      const row = r * n;
      const pivot = l[row + r] as number;
      for (let t = 0; t < 3; t++) {
        let value = 0;
        if (r === c + t) value = 1 / pivot;
        else if (r > c + t) {
          let sum = 0;
          for (let k = c + t; k < r; k++) sum += (l[row + k] as number) * (x[t * n + k] as number);
          value = -sum / pivot;
        }
        x[t * n + r] = value;
        squares[t] = (squares[t] as number) + value * value;
      }
    }
    let r = c + width;
    for (; r + 3 <= n; r += 3) {
      tripleDots(l, r * n, n, x, 0, n, c, r, sums);
      for (let s = 0; s < 3; s++) {
        const row = (r + s) * n;
        const pivot = l[row + r + s] as number;
        for (let t = 0; t < 3; t++) {
          let sum = sums[3 * s + t] as number;
          for (let u = 0; u < s; u++) sum += (l[row + r + u] as number) * (x[t * n + r + u] as number);
          const value = -sum / pivot;
          x[t * n + r + s] = value;
          squares[t] = (squares[t] as number) + value * value;
        }
      }
    }
    for (; r < n; r++) {
      const row = r * n;
      const pivot = l[row + r] as number;
      for (let t = 0; t < 3; t++) {
        const value = -rowDot(l, row + c, x, t * n + c, r - c) / pivot;
        x[t * n + r] = value;
        squares[t] = (squares[t] as number) + value * value;
      }
    }
    for (let t = 0; t < width && c + t < count; t++) diag[c + t] = squares[t] as number;
  }
  return diag;
}

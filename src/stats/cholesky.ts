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
 * Speed: the two O(n³) loops run in WebAssembly (kernels/cholesky.ts, docs/architecture.md
 * §"Kernels"): three rows against three, two lanes at a time, by blocks of 48 rows. They run once
 * per fit, so as JavaScript they ran mostly interpreted or waited for V8's optimising compiler (a
 * fresh process's first 1,020 × 1,020 factor: 115–137 ms, against 45–50 ms for the module). The
 * matrix is copied into the module's memory and back (2 × 8 MB at n = 1,020, about 3 ms). Same
 * operations as the textbook order, summed in another order: results agree to rounding.
 */

import { CHOLESKY_WASM } from './cholesky-kernel.generated.js';
import { type KernelExports, kernelLoader } from './wasm-kernel.js';

/** The exports of kernels/cholesky.ts (byte addresses into its memory; booleans as 0/1). */
interface CholeskyKernel extends KernelExports {
  factor(a: number, n: number, sums: number): number;
  inverseDiagonal(l: number, n: number, count: number, x: number, sums: number, diag: number): void;
}

const BYTES_PER_DOUBLE = 8;

/** The instance for a call (the largest memory so far is kept: 8 MB after a 1,020-parameter Laplace factor). */
const choleskyKernel = kernelLoader<CholeskyKernel>(CHOLESKY_WASM, 'cholesky');

/** The kernel and `doubles` f64 of its memory from byte address `base` on. */
function kernelWorkspace(doubles: number): { readonly kernel: CholeskyKernel; readonly base: number; readonly view: Float64Array } {
  const { kernel, memory, base } = choleskyKernel(doubles * BYTES_PER_DOUBLE);
  return { kernel, base, view: new Float64Array(memory, base, doubles) };
}

/**
 * Overwrites the lower triangle of `a` (row-major n×n, symmetric positive definite; the strictly
 * upper triangle is neither read nor written) with its Cholesky factor L; false, with `a` partly
 * overwritten, when it is not positive definite. Saves the copy when the caller owns the matrix
 * (the joint Laplace Hessian: 8 MB at n = 1,020). Left-looking, by blocks of rows: for each block,
 * every group of three columns up to its end, the group's diagonal tile first when it lies in the
 * block. Same operations as the textbook row-by-row order, summed in a
 * different order.
 */
export function choleskyFactorInPlace(a: Float64Array, n: number): boolean {
  if (n === 0) return true;
  const { kernel: k, base, view } = kernelWorkspace(n * n + 9);
  view.set(a.subarray(0, n * n));
  const ok = k.factor(base, n, base + n * n * BYTES_PER_DOUBLE) === 1;
  a.set(view.subarray(0, n * n));
  return ok;
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
  if (count <= 0) return new Float64Array(0);
  // Layout: L (n²) | columns of L⁻¹ (3n) | sums (9) | the diagonal (count).
  const { kernel: k, base, view } = kernelWorkspace(n * n + 3 * n + 9 + count);
  view.set(l.subarray(0, n * n));
  const x = base + n * n * BYTES_PER_DOUBLE;
  const sums = x + 3 * n * BYTES_PER_DOUBLE;
  const diag = sums + 9 * BYTES_PER_DOUBLE;
  k.inverseDiagonal(base, n, count, x, sums, diag);
  return view.slice(n * n + 3 * n + 9, n * n + 3 * n + 9 + count);
}

/**
 * The Laplace step of the Thurstonian fit as it was before it was sped up (main at b8c6930):
 * the 2 × 2-blocked Cholesky, the column-at-a-time diag(H⁻¹), the joint Hessian assembled through a
 * closure into both triangles, and the gauge projection on top. Kept verbatim (only renamed, with
 * `export` added) as the baseline of test/bench/laplace.bench.ts, so that "before" and "after" run
 * in one process on one machine. Not used by src or by any test.
 */
import type { PackedPairs } from '../../src/core/types.js';
import type { RawUtilities } from '../../src/models/laplace.js';
import type { PriorOptions } from '../../src/models/likelihood.js';
import { forEachAnsweredPair } from '../../src/models/pairs.js';
import { inverseMillsRatio } from '../../src/stats/normal.js';

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
export function choleskyFactorBefore(h: Float64Array, n: number): Float64Array | undefined {
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
function choleskySolve(l: Float64Array, n: number, b: Float64Array): Float64Array {
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
export function inverseDiagonalBefore(l: Float64Array, n: number, count = n): Float64Array {
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

/**
 * The joint Hessian of the Thurstonian negative log-posterior, dense 2n×2n, ordered (s, μ) so that
 * the trailing n×n block of its Cholesky factor is the factor of the exact Schur complement in μ.
 * Per pair the second derivatives are −(h·z_a·z_b + g·z_ab) with z_μi = 1/r, z_si = −z·v_i/v,
 * z_μi,si = −v_i/(v·r), z_μi,sj = −v_j/(v·r), z_si,si = z·v_i(v_i − 2v_j)/v², z_si,sj = 3z·v_i·v_j/v²
 * (z_μj,· = −z_μi,·), plus the priors' diagonal terms. With `first` > 0 the outcomes before it are
 * held fixed: the matrix covers the others only (n − first of them), which is the precision of their
 * parameters given the fixed ones.
 */
export function jointThurstonianHessianBefore(raw: RawUtilities, pairs: PackedPairs, prior: PriorOptions, first = 0): Float64Array {
  const n = raw.mu.length - first;
  const size = 2 * n;
  const sigma = raw.sigma as Float64Array;
  const hess = new Float64Array(size * size);
  const add = (p: number, q: number, value: number) => {
    hess[p * size + q] = (hess[p * size + q] as number) + value;
    if (p !== q) hess[q * size + p] = (hess[q * size + p] as number) + value;
  };
  const invTau2 = 1 / (prior.logSdScale * prior.logSdScale);
  for (let t = 0; t < n; t++) {
    add(t, t, invTau2);
    add(n + t, n + t, prior.ridge);
  }
  const index = new Int32Array(4);
  const dz = new Float64Array(4);
  const d2 = new Float64Array(16);
  forEachAnsweredPair(pairs, (i, j, w, total) => {
    const l = total - w;
    const vi = (sigma[i] as number) ** 2;
    const vj = (sigma[j] as number) ** 2;
    const v = vi + vj;
    const r = Math.sqrt(v);
    const z = ((raw.mu[i] as number) - (raw.mu[j] as number)) / r;
    const a = inverseMillsRatio(z);
    const b = inverseMillsRatio(-z);
    const g = w * a - l * b;
    const h = -w * a * (z + a) - l * b * (b - z);
    const fi = i - first;
    const fj = j - first;
    index.set([fi < 0 ? -1 : n + fi, fj < 0 ? -1 : n + fj, fi, fj]); // μ_i, μ_j, s_i, s_j (−1: held fixed)
    dz.set([1 / r, -1 / r, (-z * vi) / v, (-z * vj) / v]);
    const mi = vi / (v * r);
    const mj = vj / (v * r);
    d2.set([0, 0, -mi, -mj, 0, 0, mi, mj, -mi, mi, (z * vi * (vi - 2 * vj)) / (v * v), (3 * z * vi * vj) / (v * v), -mj, mj, (3 * z * vi * vj) / (v * v), (z * vj * (vj - 2 * vi)) / (v * v)]);
    for (let p = 0; p < 4; p++) {
      if ((index[p] as number) < 0) continue;
      for (let q = p; q < 4; q++) {
        if ((index[q] as number) < 0) continue;
        add(index[p] as number, index[q] as number, -(h * (dz[p] as number) * (dz[q] as number) + g * (d2[p * 4 + q] as number)));
      }
    }
  });
  return hess;
}

/** The pieces of the gauge projection: reported m, C·1, C·m and the three quadratic forms (C = S⁻¹ from its factor). */
interface GaugeTerms {
  readonly m: Float64Array;
  readonly cOnes: Float64Array;
  readonly cM: Float64Array;
  readonly onesCOnes: number;
  readonly onesCM: number;
  readonly mCM: number;
}

function gaugeTerms(factor: Float64Array, mu: Float64Array): GaugeTerms {
  const n = mu.length;
  let mean = 0;
  for (const value of mu) mean += value;
  mean /= n;
  let spread = 0;
  for (const value of mu) spread += (value - mean) ** 2;
  spread = Math.sqrt(spread / n);
  const m = mu.map((value) => (spread > 0 ? (value - mean) / spread : 0));
  const cOnes = choleskySolve(factor, n, new Float64Array(n).fill(1));
  const cM = choleskySolve(factor, n, m);
  let onesCOnes = 0;
  let onesCM = 0;
  let mCM = 0;
  for (let t = 0; t < n; t++) {
    onesCOnes += cOnes[t] as number;
    onesCM += cM[t] as number;
    mCM += (m[t] as number) * (cM[t] as number);
  }
  return { m, cOnes, cM, onesCOnes, onesCM, mCM };
}

/**
 * Variances of the *reported* utilities m_i = (μ_i − μ̄)/sd(μ), times sd(μ)², from the Cholesky
 * factor of C⁻¹ (the μ-block precision). Delta method: ∇m_i·sd = e_i − 1/n − m_i·m/n, so
 *   Var = C_ii − 2(C1)_i/n − 2m_i(Cm)_i/n + 1ᵀC1/n² + 2m_i·1ᵀCm/n² + m_i²·mᵀCm/n².
 * Projecting out the shift and the scale is what the reporting gauge does to the estimates.
 */
export function gaugeProjectedVariancesBefore(factor: Float64Array, mu: Float64Array): Float64Array {
  const n = mu.length;
  const { m, cOnes, cM, onesCOnes, onesCM, mCM } = gaugeTerms(factor, mu);
  const diagonal = inverseDiagonalBefore(factor, n);
  const variances = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const mt = m[t] as number;
    const value = (diagonal[t] as number) - (2 * (cOnes[t] as number)) / n - (2 * mt * (cM[t] as number)) / n + onesCOnes / (n * n) + (2 * mt * onesCM) / (n * n) + (mt * mt * mCM) / (n * n);
    variances[t] = Math.max(0, value);
  }
  return variances;
}

/**
 * The trailing μ×μ block (n × n) of the Cholesky factor of a (s, μ)-ordered 2n × 2n joint
 * Thurstonian precision: the Cholesky factor of the Schur complement, i.e. of μ's precision with σ
 * integrated out.
 */
export function trailingFactorBefore(factor: Float64Array, n: number): Float64Array {
  const size = 2 * n;
  const trailing = new Float64Array(n * n);
  for (let row = 0; row < n; row++) trailing.set(factor.subarray((n + row) * size + n, (n + row) * size + n + row + 1), row * n);
  return trailing;
}

/** The whole exact Thurstonian path before: joint Hessian, factor, trailing block, gauge-projected variances; undefined if not positive definite. */
export function thurstonianVariancesBefore(raw: RawUtilities, pairs: PackedPairs, prior: PriorOptions): Float64Array | undefined {
  const n = raw.mu.length;
  const factor = choleskyFactorBefore(jointThurstonianHessianBefore(raw, pairs, prior), 2 * n);
  return factor ? gaugeProjectedVariancesBefore(trailingFactorBefore(factor, n), raw.mu) : undefined;
}

/**
 * Laplace-approximation variances of the fitted utilities (docs/method.md §3 "uncertainty for every μ_i
 * (Laplace approximation from the Hessian)"): the posterior of μ is approximated by a Gaussian with
 * covariance C = S⁻¹, where S is the Hessian of the negative log-posterior in μ at the optimum. The
 * reported quantity is m_i = (μ_i − μ̄)/sd(μ) (the reporting gauge fixes mean and scale), whose
 * variance follows by the delta method (see `gaugeProjectedVariances`).
 *
 * S per model:
 *   case5, bt     S = H_μμ, a weighted graph Laplacian (one curvature c ≥ 0 per pair) plus the ridge.
 *   thurstonian   σ is integrated out: S = H_μμ − H_μs·H_ss⁻¹·H_sμ (s = log σ), the Schur complement
 *                 of the joint (μ, log σ) Hessian. Holding σ fixed instead leaves the μ intervals
 *                 too narrow (≈85 % coverage of nominal 95 % on the design).
 * Per pair (f = −log L, z = d/r, g = ∂log L/∂z, h = ∂²log L/∂z², v = σ_i² + σ_j², q = (h·z + g)/(v·r)):
 *   ∂²f/∂μ_i² = −h/v = c,  ∂²f/∂μ_i∂μ_j = −c,  ∂²f/∂μ_i∂s_i = v_i·q,  ∂²f/∂μ_i∂s_j = v_j·q,
 *   ∂²f/∂μ_j∂s_· = −∂²f/∂μ_i∂s_·,  ∂²f/∂s_i² = −(h·z²·v_i² + g·z·v_i·(v_i − 2v_j))/v².
 *
 * Two ways to turn S into variances, named in `ci.method`:
 *   `laplace`           exact: dense Cholesky of S (case5, bt; n ≤ DENSE_LAPLACE_MAX_OUTCOMES) or of
 *                       the joint 2n×2n Hessian ordered (log σ, μ), whose trailing block factors the
 *                       exact Schur complement (thurstonian; n ≤ JOINT_LAPLACE_MAX_OUTCOMES). The
 *                       gauge's shift *and* scale are projected out by the delta method. O(n³):
 *                       for the Thurstonian model at n = 510 (10,000 pairs) ~0.15 s once compiled,
 *                       of which the 1,020 × 1,020 factor 0.13 s and diag(S⁻¹) 0.02 s, and ~0.2 s
 *                       of a one-shot `utilscope fit` (test/bench/laplace.bench.ts). The joint
 *                       Hessian is factored in place: one 8 MB matrix, not two.
 *   `laplace-diagonal`  above those sizes, or when asked for: the Neumann series of S = Δ(I − P),
 *                       Δ = diag S, truncated after the two-step return term,
 *                         Var_i ≈ (1 + Σ_j S_ij²/(S_ii·S_jj)) / S_ii,
 *                       where, for the Thurstonian model, S uses H_ss's diagonal in place of H_ss
 *                       (S's rows then reach only outcomes two comparisons away). Dropped: returns
 *                       after ≥ 4 steps (relative size ~2/degree²) and the gauge terms (O(1/n)).
 *                       O(n·degree²) time, O(n + pairs) memory. On simulated designs (510–2,000
 *                       outcomes, 5–20 answers per pair) its 95 % intervals cover 93–95 % of planted
 *                       utilities for all three models, like the exact ones (test/models/laplace.test.ts).
 * Pure; never throws.
 */
import type { PackedPairs, UtilityModelKind } from '../core/types.js';
import { choleskyFactorInPlace, choleskySolve, inverseDiagonal } from '../stats/cholesky.js';
import { inverseMillsRatio, normalPairTerms } from '../stats/normal.js';
import type { PriorOptions } from './likelihood.js';
import { logistic } from './likelihood.js';
import { forEachAnsweredPair } from './pairs.js';

/** A fitted point in raw (optimiser) units: μ per outcome and, for probit models, σ per outcome. */
export interface RawUtilities {
  readonly mu: Float64Array;
  /** σ per outcome (thurstonian, case5); undefined for Bradley–Terry. */
  readonly sigma: Float64Array | undefined;
}

/** Centred-utility variances in raw units, and which computation produced them. */
export interface LaplaceVariances {
  readonly variances: Float64Array;
  readonly method: 'laplace' | 'laplace-diagonal';
}

/** Above this many outcomes the case5 / bt intervals use the diagonal approximation (dense S costs ~n³/3 multiply-adds). */
export const DENSE_LAPLACE_MAX_OUTCOMES = 1000;

/**
 * The μ-Hessian S as a sparse structure: per outcome a, its comparison partners (one entry per
 * answered pair, duplicates allowed) with the pair curvature and, for the Thurstonian model, the
 * coupling of μ_partner to s_a; plus the diagonals.
 */
interface MuHessianParts {
  readonly n: number;
  readonly start: Int32Array;
  readonly partner: Int32Array;
  readonly curvature: Float64Array;
  /** ∂²f/∂μ_partner∂s_a for the entry's pair (Thurstonian only; zeros otherwise). */
  readonly cross: Float64Array;
  /** For entry e (row a, partner b), the index of the same pair's entry in row b. */
  readonly mirror: Int32Array;
  /** ∂²f/∂μ_a² including the ridge. */
  readonly muDiagonal: Float64Array;
  /** ∂²f/∂μ_a∂s_a (Thurstonian only). */
  readonly selfCross: Float64Array;
  /** ∂²f/∂s_a² including the prior (Thurstonian only). */
  readonly sDiagonal: Float64Array;
  readonly marginaliseSigma: boolean;
}

function buildParts(kind: UtilityModelKind, raw: RawUtilities, pairs: PackedPairs, prior: PriorOptions, integrateSigma = true): MuHessianParts {
  const n = raw.mu.length;
  const m = pairs.i.length;
  const degree = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) {
    if (!((pairs.total[k] as number) > 0)) continue;
    const i = (pairs.i[k] as number) + 1;
    const j = (pairs.j[k] as number) + 1;
    degree[i] = (degree[i] as number) + 1;
    degree[j] = (degree[j] as number) + 1;
  }
  const start = new Int32Array(n + 1);
  for (let a = 0; a < n; a++) start[a + 1] = (start[a] as number) + (degree[a + 1] as number);
  const entries = start[n] as number;
  const fill = start.slice(0, n);
  const partner = new Int32Array(entries);
  const curvature = new Float64Array(entries);
  const cross = new Float64Array(entries);
  const mirror = new Int32Array(entries);
  const muDiagonal = new Float64Array(n).fill(prior.ridge);
  const selfCross = new Float64Array(n);
  const sDiagonal = new Float64Array(n).fill(1 / (prior.logSdScale * prior.logSdScale));
  const marginaliseSigma = integrateSigma && kind === 'thurstonian' && raw.sigma !== undefined;
  const sigma = raw.sigma;
  for (let k = 0; k < m; k++) {
    const total = pairs.total[k] as number;
    if (!(total > 0)) continue;
    const i = pairs.i[k] as number;
    const j = pairs.j[k] as number;
    const w = pairs.wins[k] as number;
    const l = total - w;
    const d = (raw.mu[i] as number) - (raw.mu[j] as number);
    let c: number;
    let crossI = 0; // ∂²f/∂μ_j∂s_i, stored in row i under partner j
    let crossJ = 0; // ∂²f/∂μ_i∂s_j, stored in row j under partner i
    if (kind === 'bt') {
      const p = logistic(d);
      c = total * p * (1 - p);
    } else {
      const vi = sigma ? (sigma[i] as number) ** 2 : 0.5;
      const vj = sigma ? (sigma[j] as number) ** 2 : 0.5;
      const v = vi + vj;
      const r = Math.sqrt(v);
      const z = d / r;
      const a = inverseMillsRatio(z);
      const b = inverseMillsRatio(-z);
      const g = w * a - l * b;
      const h = -w * a * (z + a) - l * b * (b - z);
      c = -h / v;
      if (marginaliseSigma) {
        const q = (h * z + g) / (v * r);
        selfCross[i] = (selfCross[i] as number) + vi * q;
        selfCross[j] = (selfCross[j] as number) - vj * q;
        crossI = -vi * q;
        crossJ = vj * q;
        sDiagonal[i] = (sDiagonal[i] as number) - (h * z * z * vi * vi + g * z * vi * (vi - 2 * vj)) / (v * v);
        sDiagonal[j] = (sDiagonal[j] as number) - (h * z * z * vj * vj + g * z * vj * (vj - 2 * vi)) / (v * v);
      }
    }
    muDiagonal[i] = (muDiagonal[i] as number) + c;
    muDiagonal[j] = (muDiagonal[j] as number) + c;
    const ei = fill[i] as number;
    fill[i] = ei + 1;
    partner[ei] = j;
    curvature[ei] = c;
    cross[ei] = crossI;
    const ej = fill[j] as number;
    fill[j] = ej + 1;
    partner[ej] = i;
    mirror[ei] = ej;
    mirror[ej] = ei;
    curvature[ej] = c;
    cross[ej] = crossJ;
  }
  return { n, start, partner, curvature, cross, mirror, muDiagonal, selfCross, sDiagonal, marginaliseSigma };
}

/**
 * Visits row `row` of S as (column, value) pairs via `scratch` (length n, reused) and `mark`
 * (length n, reused; entries equal to `row + 1` are live). Returns the touched columns' count,
 * written to the front of `touched`. O(degree²) for the Thurstonian Schur complement, O(degree) else.
 */
function schurRow(parts: MuHessianParts, row: number, scratch: Float64Array, mark: Int32Array, touched: Int32Array): number {
  const { start, partner, curvature, cross, mirror, muDiagonal, selfCross, sDiagonal } = parts;
  const stamp = row + 1;
  // `scratch[c] += v` for a column c, starting it at 0 the first time this row touches it (inlined:
  // this loop is the whole cost of the diagonal approximation).
  let count = 1;
  mark[row] = stamp;
  scratch[row] = muDiagonal[row] as number;
  touched[0] = row;
  const from = start[row] as number;
  const to = start[row + 1] as number;
  for (let e = from; e < to; e++) {
    const column = partner[e] as number;
    if (mark[column] !== stamp) {
      mark[column] = stamp;
      scratch[column] = 0;
      touched[count++] = column;
    }
    scratch[column] = (scratch[column] as number) - (curvature[e] as number);
  }
  if (!parts.marginaliseSigma) return count;
  // Subtract Σ_l b_l[row]·b_l/D_l over the s-columns l in which μ_row appears: l = row itself, and
  // each partner l, where b_l[row] is the sum over their pairs of the mirrored entry's coupling.
  // The sum is linear in b_l[row], so repeated pairs are simply processed one entry at a time.
  for (let e = from - 1; e < to; e++) {
    const l = e < from ? row : (partner[e] as number);
    const bRow = e < from ? (selfCross[row] as number) : (cross[mirror[e] as number] as number);
    const factor = bRow / (sDiagonal[l] as number);
    // Column l itself (already touched: it is row or a partner of row).
    scratch[l] = (scratch[l] as number) - factor * (selfCross[l] as number);
    const lTo = start[l + 1] as number;
    for (let f = start[l] as number; f < lTo; f++) {
      const column = partner[f] as number;
      if (mark[column] !== stamp) {
        mark[column] = stamp;
        scratch[column] = 0;
        touched[count++] = column;
      }
      scratch[column] = (scratch[column] as number) - factor * (cross[f] as number);
    }
  }
  return count;
}

/**
 * S_ii alone in O(degree): A_ii − Σ_l b_l[i]²/D_l, with b_l[i] summed over repeated pairs first
 * (via `scratch`/`mark`, as in `schurRow`).
 */
function schurDiagonal(parts: MuHessianParts, row: number, scratch: Float64Array, mark: Int32Array, touched: Int32Array): number {
  const { start, partner, cross, mirror, muDiagonal, selfCross, sDiagonal } = parts;
  let value = muDiagonal[row] as number;
  if (!parts.marginaliseSigma) return value;
  value -= (selfCross[row] as number) ** 2 / (sDiagonal[row] as number);
  const stamp = -(row + 1); // distinct from schurRow's stamps
  let count = 0;
  for (let e = start[row] as number; e < (start[row + 1] as number); e++) {
    const l = partner[e] as number;
    if (mark[l] !== stamp) {
      mark[l] = stamp;
      scratch[l] = 0;
      touched[count++] = l;
    }
    scratch[l] = (scratch[l] as number) + (cross[mirror[e] as number] as number);
  }
  for (let t = 0; t < count; t++) {
    const l = touched[t] as number;
    value -= (scratch[l] as number) ** 2 / (sDiagonal[l] as number);
  }
  return value;
}

/**
 * The joint Hessian of the Thurstonian negative log-posterior, dense 2n×2n, ordered (s, μ) so that
 * the trailing n×n block of its Cholesky factor is the factor of the exact Schur complement in μ.
 * Per pair the second derivatives are −(h·z_a·z_b + g·z_ab) with z_μi = 1/r, z_si = −z·v_i/v,
 * z_μi,si = −v_i/(v·r), z_μi,sj = −v_j/(v·r), z_si,si = z·v_i(v_i − 2v_j)/v², z_si,sj = 3z·v_i·v_j/v²
 * (z_μj,· = −z_μi,·), plus the priors' diagonal terms. Only the lower triangle is filled (all that
 * `choleskyFactorInPlace` reads); each entry is written where the larger index is the row. With
 * `first` > 0 the outcomes before it are held fixed: the matrix covers the others only (n − first
 * of them), which is the precision of their parameters given the fixed ones. O(n² + pairs).
 */
function jointThurstonianHessian(raw: RawUtilities, pairs: PackedPairs, prior: PriorOptions, first = 0): Float64Array {
  const n = raw.mu.length - first;
  const size = 2 * n;
  const sigma = raw.sigma as Float64Array;
  const hess = new Float64Array(size * size);
  const invTau2 = 1 / (prior.logSdScale * prior.logSdScale);
  for (let t = 0; t < n; t++) {
    hess[t * size + t] = invTau2;
    hess[(n + t) * size + n + t] = prior.ridge;
  }
  // Each entry is added in place (once, in the lower triangle), not through a closure per entry
  // that also mirrors it, and without three small arrays per pair. λ(±z) comes from the fitting
  // kernel, which the fit has just compiled: `inverseMillsRatio` (as accurate) is still cold in a
  // one-shot `fit`, and its first 20,000 calls cost ~15 ms of the first Hessian at 10,000 pairs.
  const terms = new Float64Array(4);
  forEachAnsweredPair(pairs, (i, j, w, total) => {
    const l = total - w;
    const vi = (sigma[i] as number) ** 2;
    const vj = (sigma[j] as number) ** 2;
    const v = vi + vj;
    const r = Math.sqrt(v);
    const z = ((raw.mu[i] as number) - (raw.mu[j] as number)) / r;
    normalPairTerms(z, terms);
    const a = terms[2] as number; // λ(z)
    const b = terms[3] as number; // λ(−z)
    const g = w * a - l * b;
    const h = -w * a * (z + a) - l * b * (b - z);
    // First derivatives of z (μ_i, μ_j, s_i, s_j) and its nonzero second ones (the μ–μ ones are 0).
    const zMi = 1 / r;
    const zMj = -1 / r;
    const zSi = (-z * vi) / v;
    const zSj = (-z * vj) / v;
    const mi = vi / (v * r);
    const mj = vj / (v * r);
    const zSiSi = (z * vi * (vi - 2 * vj)) / (v * v);
    const zSiSj = (3 * z * vi * vj) / (v * v);
    const zSjSj = (z * vj * (vj - 2 * vi)) / (v * v);
    const si = i - first; // row/column of s_i; μ_i's is n + si. Negative: held fixed.
    const sj = j - first;
    // Entry (p, q) with p ≥ q lives at p·size + q.
    if (si >= 0) {
      const mu = (n + si) * size;
      hess[mu + n + si] = (hess[mu + n + si] as number) - h * zMi * zMi;
      hess[mu + si] = (hess[mu + si] as number) - (h * zMi * zSi + g * -mi);
      hess[si * size + si] = (hess[si * size + si] as number) - (h * zSi * zSi + g * zSiSi);
    }
    if (sj >= 0) {
      const mu = (n + sj) * size;
      hess[mu + n + sj] = (hess[mu + n + sj] as number) - h * zMj * zMj;
      hess[mu + sj] = (hess[mu + sj] as number) - (h * zMj * zSj + g * mj);
      hess[sj * size + sj] = (hess[sj * size + sj] as number) - (h * zSj * zSj + g * zSjSj);
    }
    if (si >= 0 && sj >= 0) {
      const high = Math.max(si, sj);
      const low = Math.min(si, sj);
      const muMu = (n + high) * size + n + low;
      hess[muMu] = (hess[muMu] as number) - h * zMi * zMj;
      hess[(n + si) * size + sj] = (hess[(n + si) * size + sj] as number) - (h * zMi * zSj + g * -mj);
      hess[(n + sj) * size + si] = (hess[(n + sj) * size + si] as number) - (h * zMj * zSi + g * mi);
      hess[high * size + low] = (hess[high * size + low] as number) - (h * zSi * zSj + g * zSiSj);
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
function gaugeProjectedVariances(factor: Float64Array, mu: Float64Array): Float64Array {
  const n = mu.length;
  const { m, cOnes, cM, onesCOnes, onesCM, mCM } = gaugeTerms(factor, mu);
  const diagonal = inverseDiagonal(factor, n);
  const variances = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const mt = m[t] as number;
    const value = (diagonal[t] as number) - (2 * (cOnes[t] as number)) / n - (2 * mt * (cM[t] as number)) / n + onesCOnes / (n * n) + (2 * mt * onesCM) / (n * n) + (mt * mt * mCM) / (n * n);
    variances[t] = Math.max(0, value);
  }
  return variances;
}

/** Above this many outcomes the Thurstonian intervals use the diagonal approximation (the joint 2n×2n factor costs ~(2n)³/6 multiply-adds). */
export const JOINT_LAPLACE_MAX_OUTCOMES = 600;

/** Size limits for the Laplace computations (defaults: the exported constants). */
export interface LaplaceLimits {
  readonly jointMaxOutcomes?: number;
  readonly denseMaxOutcomes?: number;
}

/** Diagonal-path variances (see the module comment), or undefined when some S_ii ≤ 0. */
function diagonalVariances(parts: MuHessianParts): Float64Array | undefined {
  const n = parts.n;
  const scratch = new Float64Array(n);
  const mark = new Int32Array(n);
  const touched = new Int32Array(n);
  // Two passes: diag S in O(degree) per row, then whole rows for the two-step return term.
  const diagonal = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    const value = schurDiagonal(parts, row, scratch, mark, touched);
    if (!(value > 0)) return undefined;
    diagonal[row] = value;
  }
  const variances = new Float64Array(n);
  for (let row = 0; row < n; row++) {
    const count = schurRow(parts, row, scratch, mark, touched);
    let returns = 0;
    for (let t = 0; t < count; t++) {
      const column = touched[t] as number;
      if (column === row) continue;
      returns += (scratch[column] as number) ** 2 / (diagonal[column] as number);
    }
    const sii = diagonal[row] as number;
    variances[row] = (1 + returns / sii) / sii;
  }
  return variances;
}

/**
 * The Cholesky factor of the dense S (no σ to integrate out), or undefined if S is not positive
 * definite. With `first` > 0, of S's block over the outcomes from `first` on (the others held fixed).
 */
function denseFactor(parts: MuHessianParts, first = 0): Float64Array | undefined {
  const all = parts.n;
  const n = all - first;
  const scratch = new Float64Array(all);
  const mark = new Int32Array(all);
  const touched = new Int32Array(all);
  const s = new Float64Array(n * n);
  for (let row = first; row < all; row++) {
    const count = schurRow(parts, row, scratch, mark, touched);
    for (let t = 0; t < count; t++) {
      const column = touched[t] as number;
      // The lower triangle only: the factor overwrites it in place and leaves the zeros above.
      if (column >= first && column <= row) s[(row - first) * n + column - first] = scratch[column] as number;
    }
  }
  return choleskyFactorInPlace(s, n) ? s : undefined;
}

/**
 * The Laplace posterior covariance of μ in one of two forms (see the module comment): the Cholesky
 * factor of the precision S (`laplace`: exact up to the size limits), or the diagonal
 * approximation's variances (`laplace-diagonal`: above them, when asked for, or when the exact
 * Hessian is not positive definite). Factorise once, then read variances (`centredVariances`) and
 * contrasts (`contrastCovariance`) from it. Fallbacks on Hessians that are not positive definite
 * (only far from an optimum, or on degenerate data): exact → diagonal; Thurstonian diagonal → σ
 * held fixed; finally undefined, which the caller reports as an unbounded interval.
 */
export type MuCovariance = { readonly method: 'laplace'; readonly factor: Float64Array } | { readonly method: 'laplace-diagonal'; readonly variances: Float64Array };

/**
 * The trailing μ×μ block (n × n) of the Cholesky factor of a (s, μ)-ordered 2n × 2n joint
 * Thurstonian precision: the Cholesky factor of the Schur complement, i.e. of μ's precision with σ
 * integrated out.
 */
function trailingFactor(factor: Float64Array, n: number): Float64Array {
  const size = 2 * n;
  const trailing = new Float64Array(n * n);
  for (let row = 0; row < n; row++) trailing.set(factor.subarray((n + row) * size + n, (n + row) * size + n + row + 1), row * n);
  return trailing;
}

/** See `MuCovariance`. O(n³) for the exact forms, O(n·degree²) for the diagonal one. Never throws. */
export function laplaceCovariance(kind: UtilityModelKind, raw: RawUtilities, pairs: PackedPairs, prior: PriorOptions, limits: LaplaceLimits = {}): MuCovariance | undefined {
  const n = raw.mu.length;
  const jointMax = limits.jointMaxOutcomes ?? JOINT_LAPLACE_MAX_OUTCOMES;
  const denseMax = limits.denseMaxOutcomes ?? DENSE_LAPLACE_MAX_OUTCOMES;
  if (n === 0) return { method: 'laplace', factor: new Float64Array(0) };
  if (kind === 'thurstonian' && raw.sigma && n <= jointMax && n <= denseMax) {
    const joint = jointThurstonianHessian(raw, pairs, prior);
    if (choleskyFactorInPlace(joint, 2 * n)) return { method: 'laplace', factor: trailingFactor(joint, n) };
  }
  const parts = buildParts(kind, raw, pairs, prior);
  if (!parts.marginaliseSigma && n <= denseMax) {
    const factor = denseFactor(parts);
    if (factor) return { method: 'laplace', factor };
  }
  const marginalised = parts.marginaliseSigma && parts.sDiagonal.every((d) => d > 0) ? diagonalVariances(parts) : undefined;
  // σ held fixed at its estimate: buildParts with marginaliseSigma off (the probit curvature uses raw.sigma).
  const variances = marginalised ?? diagonalVariances(parts.marginaliseSigma ? buildParts(kind, raw, pairs, prior, false) : parts);
  return variances ? { method: 'laplace-diagonal', variances } : undefined;
}

/**
 * The Laplace covariance of the μ of the outcomes from `first` on, given the outcomes before it held
 * at their estimates (docs/method.md §12.3: separated outcomes are fitted given the identified core).
 * The precision is the block of the Hessian over the free outcomes' parameters; for the Thurstonian
 * model their σ is integrated out as in `laplaceCovariance`. Exact (`laplace`) up to the same size
 * limits, counted in free outcomes; above them, or when the block is not positive definite, each
 * free outcome alone (`laplace-diagonal`: 1/S_tt with its own σ integrated out through its 2×2
 * block, couplings between free outcomes dropped), then with σ held fixed; undefined when even that
 * fails. O(free³) exact, O(pairs) diagonal. Never throws.
 */
export function conditionalCovariance(kind: UtilityModelKind, raw: RawUtilities, pairs: PackedPairs, prior: PriorOptions, first: number, limits: LaplaceLimits = {}): MuCovariance | undefined {
  const free = raw.mu.length - first;
  const jointMax = limits.jointMaxOutcomes ?? JOINT_LAPLACE_MAX_OUTCOMES;
  const denseMax = limits.denseMaxOutcomes ?? DENSE_LAPLACE_MAX_OUTCOMES;
  if (free <= 0) return { method: 'laplace', factor: new Float64Array(0) };
  if (kind === 'thurstonian' && raw.sigma && free <= jointMax && free <= denseMax) {
    const joint = jointThurstonianHessian(raw, pairs, prior, first);
    if (choleskyFactorInPlace(joint, 2 * free)) return { method: 'laplace', factor: trailingFactor(joint, free) };
  }
  const parts = buildParts(kind, raw, pairs, prior);
  if (!parts.marginaliseSigma && free <= denseMax) {
    const factor = denseFactor(parts, first);
    if (factor) return { method: 'laplace', factor };
  }
  const alone = (sigmaIntegrated: boolean): Float64Array | undefined => {
    const variances = new Float64Array(free);
    for (let t = 0; t < free; t++) {
      const a = first + t;
      const precision = (parts.muDiagonal[a] as number) - (sigmaIntegrated ? (parts.selfCross[a] as number) ** 2 / (parts.sDiagonal[a] as number) : 0);
      if (!(precision > 0)) return undefined;
      variances[t] = 1 / precision;
    }
    return variances;
  };
  const variances = (parts.marginaliseSigma && parts.sDiagonal.every((d) => d > 0) ? alone(true) : undefined) ?? alone(false);
  return variances ? { method: 'laplace-diagonal', variances } : undefined;
}

/**
 * Variances (raw units²) of the reported utilities of outcomes fitted given the gauge outcomes:
 * m_t = (μ_t − μ̄)/s with μ̄ and s taken over the gauge outcomes. Their own conditional variance,
 * plus, with the exact factor of the gauge outcomes, the uncertainty of μ̄ and s by the delta method:
 * ∇m_t·s = −1/n − m_t·m/n over the gauge outcomes, so the extra term is
 * (1ᵀC1 + 2m_t·1ᵀCm + m_t²·mᵀCm)/n². The dependence of μ_t's estimate on the gauge outcomes'
 * estimates is not propagated (these utilities are prior-driven and flagged as such). O(n² + free²).
 */
export function conditionalVariances(gaugeCovariance: MuCovariance, gaugeMu: Float64Array, covariance: MuCovariance, mu: Float64Array): Float64Array {
  const free = mu.length;
  const own = covariance.method === 'laplace' ? inverseDiagonal(covariance.factor, free) : Float64Array.from(covariance.variances);
  if (gaugeCovariance.method !== 'laplace' || gaugeMu.length === 0) return own;
  const n = gaugeMu.length;
  const { onesCOnes, onesCM, mCM } = gaugeTerms(gaugeCovariance.factor, gaugeMu);
  const { shift, scale } = meanAndSpread(gaugeMu);
  return own.map((value, t) => {
    const mt = ((mu[t] as number) - shift) / scale;
    return value + (onesCOnes + 2 * mt * onesCM + mt * mt * mCM) / (n * n);
  });
}

/** Mean and population sd of μ (sd 1 when μ is constant), the reporting gauge's shift and scale. */
function meanAndSpread(mu: Float64Array): { shift: number; scale: number } {
  const n = mu.length;
  let mean = 0;
  for (const value of mu) mean += value;
  mean /= n || 1;
  let spread = 0;
  for (const value of mu) spread += (value - mean) ** 2;
  spread = Math.sqrt(spread / (n || 1));
  return { shift: mean, scale: spread > 1e-12 ? spread : 1 };
}

/** Variances of the reported utilities (raw units²) from a covariance form; the gauge is projected out for the exact form. */
export function centredVariances(covariance: MuCovariance, mu: Float64Array): LaplaceVariances {
  return covariance.method === 'laplace-diagonal' ? { variances: covariance.variances, method: 'laplace-diagonal' } : { variances: gaugeProjectedVariances(covariance.factor, mu), method: 'laplace' };
}

/**
 * The part of a contrast over outcomes fitted given the gauge outcomes (`conditionalCovariance`):
 * their raw μ, their covariance and each contrast's weights on them (aligned with `mu`).
 */
export interface ConditionalContrastPart {
  readonly covariance: MuCovariance;
  readonly mu: Float64Array;
  readonly weights: readonly Float64Array[];
}

/**
 * Joint covariance (k×k, row-major, reporting units²) of linear summaries T = Σ_i w_i·m_i of the
 * reported utilities m_i = (μ_i − μ̄)/s (s the population sd of μ), by the delta method on the
 * Laplace posterior: ∂T/∂μ = (w − w̄·1 − T·m/n)/s, so Cov(T_a, T_b) = g_aᵀ·S⁻¹·g_b / s². For one
 * outcome (w = e_i) this is exactly the variance of `centredVariances` (the gauge's shift and scale
 * projected out). Exact with the factor; with the diagonal approximation the covariances between
 * utilities are dropped (Σ_t g_a[t]·g_b[t]·Var_t), which `method` says. With `conditional`, the
 * contrasts also weigh outcomes fitted given these ones: their m enter T and, through the gauge,
 * the gradient (w̄ and T then include them), and their own covariance adds w_aᵀ·C·w_b / s²; the
 * coupling of their estimates to these ones is not propagated (as in `conditionalVariances`).
 * Cost: one pair of triangular solves per contrast, O(k·n²).
 */
export function contrastCovariance(
  covariance: MuCovariance,
  mu: Float64Array,
  weights: readonly Float64Array[],
  conditional?: ConditionalContrastPart,
): { covariance: Float64Array; estimate: Float64Array; method: 'laplace' | 'laplace-diagonal' } {
  const n = mu.length;
  const k = weights.length;
  const { shift: mean, scale } = meanAndSpread(mu);
  const m = mu.map((value) => (value - mean) / scale);
  const estimate = new Float64Array(k);
  const gradients = weights.map((w, a) => {
    let total = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      total += w[i] as number;
      t += (w[i] as number) * (m[i] as number);
    }
    const outside = conditional?.weights[a];
    if (conditional && outside) {
      for (let i = 0; i < outside.length; i++) {
        total += outside[i] as number;
        t += ((outside[i] as number) * ((conditional.mu[i] as number) - mean)) / scale;
      }
    }
    estimate[a] = t;
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = (w[i] as number) - total / n - (t * (m[i] as number)) / n;
    return g;
  });
  const apply = (form: MuCovariance, size: number, g: Float64Array) => (form.method === 'laplace' ? choleskySolve(form.factor, size, g) : g.map((value, i) => value * (form.variances[i] as number)));
  const applied = gradients.map((g) => apply(covariance, n, g));
  const appliedOutside = conditional ? conditional.weights.map((w) => apply(conditional.covariance, conditional.mu.length, w)) : [];
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const ga = gradients[a] as Float64Array;
    for (let b = 0; b < k; b++) {
      const hb = applied[b] as Float64Array;
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (ga[i] as number) * (hb[i] as number);
      const wa = conditional?.weights[a];
      const hOutside = appliedOutside[b];
      if (wa && hOutside) for (let i = 0; i < wa.length; i++) dot += (wa[i] as number) * (hOutside[i] as number);
      out[a * k + b] = dot / (scale * scale);
    }
  }
  return { covariance: out, estimate, method: covariance.method === 'laplace' && (conditional?.covariance.method ?? 'laplace') === 'laplace' ? 'laplace' : 'laplace-diagonal' };
}

/**
 * Where a fit without a warm start begins (docs/method.md §3.5): the weighted least-squares
 * solution of Thurstone's Case V from each pair's observed share (Mosteller 1951, "Remarks on the
 * method of paired comparisons: I. The least squares solution assuming equal standard deviations
 * and equal correlations", Psychometrika 16), instead of every utility at 0.
 *
 * Per pair k with N_k answers, a's share p̂ = (w + ½)/(N + 1) (the half answer keeps 0 and 1 finite)
 * gives an observed difference d_k = Φ⁻¹(p̂) (probit models) or logit p̂ (Bradley–Terry), with delta-
 * method variance p̂(1 − p̂)/(N·φ(d)²) (probit) or 1/(N·p̂(1 − p̂)) (logit). The start minimises
 * Σ_k (μ_i − μ_j − d_k)²/var_k: a weighted graph Laplacian system, solved by conjugate gradients
 * with the diagonal as preconditioner and a ridge of 10⁻⁸ of the mean diagonal (which fixes the
 * free shift). The Thurstonian start then scales μ by √2 (every σ starts at 1, so P = Φ(Δμ/√2)).
 *
 * Why: from all-zero utilities the first L-BFGS iterations spend most of their evaluations far from
 * the optimum, where the Gauss–Newton preconditioner misjudges the curvature of pairs the fit gets
 * badly wrong; with 10⁹ answers per pair that cost ~670 objective evaluations (510 outcomes ×
 * 10,000 pairs). The start changes where the minimiser begins, not what it minimises: the fit stops
 * at the same optimum within its step tolerance. Pure; O(CG iterations · (pairs + outcomes)).
 */
import type { PackedPairs, UtilityModelKind } from '../core/types.js';
import { normalDensity, quickInversePhi } from '../stats/normal.js';
import { parameterCount } from './likelihood.js';

/** The observed differences are clamped to ± this (Φ(6) = 1 − 10⁻⁹): a start, not an estimate. */
const MAX_DIFFERENCE = 6;
/** Conjugate-gradient stop: residual norm below this fraction of the right-hand side's, or the iteration cap. */
const RELATIVE_RESIDUAL = 1e-6;
const MAX_CG_ITERATIONS = 200;
/** Ridge as a share of the mean diagonal: makes the system positive definite without moving the solution visibly. */
const RIDGE_SHARE = 1e-8;

/**
 * The least-squares utilities on the model's difference scale (see the module comment): one per
 * outcome of `pairs`, 0 for outcomes without answers. Deterministic.
 */
export function leastSquaresUtilities(pairs: PackedPairs, scale: 'probit' | 'logit'): Float64Array {
  const n = pairs.outcomeCount;
  const m = pairs.i.length;
  const weight = new Float64Array(m);
  const diagonal = new Float64Array(n);
  const rhs = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    const total = pairs.total[k] as number;
    if (!(total > 0)) continue;
    const share = ((pairs.wins[k] as number) + 0.5) / (total + 1);
    let d: number;
    let w: number;
    if (scale === 'probit') {
      d = Math.max(-MAX_DIFFERENCE, Math.min(MAX_DIFFERENCE, quickInversePhi(share)));
      const density = normalDensity(d);
      w = (total * density * density) / (share * (1 - share));
    } else {
      d = Math.max(-MAX_DIFFERENCE, Math.min(MAX_DIFFERENCE, Math.log(share / (1 - share))));
      w = total * share * (1 - share);
    }
    if (!(w > 0 && Number.isFinite(w))) continue;
    const i = pairs.i[k] as number;
    const j = pairs.j[k] as number;
    weight[k] = w;
    diagonal[i] = (diagonal[i] as number) + w;
    diagonal[j] = (diagonal[j] as number) + w;
    rhs[i] = (rhs[i] as number) + w * d;
    rhs[j] = (rhs[j] as number) - w * d;
  }
  const x = new Float64Array(n);
  let meanDiagonal = 0;
  for (let t = 0; t < n; t++) meanDiagonal += (diagonal[t] as number) / Math.max(1, n);
  if (!(meanDiagonal > 0)) return x;
  const ridge = RIDGE_SHARE * meanDiagonal;
  // Preconditioned conjugate gradients on (L + ridge·I)x = rhs, from x = 0.
  const residual = Float64Array.from(rhs);
  const preconditioned = new Float64Array(n);
  const direction = new Float64Array(n);
  const product = new Float64Array(n);
  const inverseDiagonal = diagonal.map((d) => 1 / (d + ridge));
  let rhsNorm = 0;
  for (let t = 0; t < n; t++) rhsNorm += (rhs[t] as number) ** 2;
  rhsNorm = Math.sqrt(rhsNorm);
  if (rhsNorm === 0) return x;
  let rz = 0;
  for (let t = 0; t < n; t++) {
    preconditioned[t] = (residual[t] as number) * (inverseDiagonal[t] as number);
    direction[t] = preconditioned[t] as number;
    rz += (residual[t] as number) * (preconditioned[t] as number);
  }
  for (let iteration = 0; iteration < MAX_CG_ITERATIONS; iteration++) {
    for (let t = 0; t < n; t++) product[t] = ((diagonal[t] as number) + ridge) * (direction[t] as number);
    for (let k = 0; k < m; k++) {
      const w = weight[k] as number;
      if (w === 0) continue;
      const i = pairs.i[k] as number;
      const j = pairs.j[k] as number;
      product[i] = (product[i] as number) - w * (direction[j] as number);
      product[j] = (product[j] as number) - w * (direction[i] as number);
    }
    let curvature = 0;
    for (let t = 0; t < n; t++) curvature += (direction[t] as number) * (product[t] as number);
    if (!(curvature > 0)) break;
    const step = rz / curvature;
    let residualNorm = 0;
    for (let t = 0; t < n; t++) {
      x[t] = (x[t] as number) + step * (direction[t] as number);
      residual[t] = (residual[t] as number) - step * (product[t] as number);
      residualNorm += (residual[t] as number) ** 2;
    }
    if (Math.sqrt(residualNorm) <= RELATIVE_RESIDUAL * rhsNorm) break;
    let rzNext = 0;
    for (let t = 0; t < n; t++) {
      preconditioned[t] = (residual[t] as number) * (inverseDiagonal[t] as number);
      rzNext += (residual[t] as number) * (preconditioned[t] as number);
    }
    const beta = rzNext / rz;
    rz = rzNext;
    for (let t = 0; t < n; t++) direction[t] = (preconditioned[t] as number) + beta * (direction[t] as number);
  }
  return x;
}

/** The fit's starting parameters for `kind` (layout of `parameterCount`): μ from `leastSquaresUtilities`, every log σ at 0. */
export function leastSquaresStart(kind: UtilityModelKind, pairs: PackedPairs): Float64Array {
  const n = pairs.outcomeCount;
  const theta = new Float64Array(parameterCount(kind, n));
  const mu = leastSquaresUtilities(pairs, kind === 'bt' ? 'logit' : 'probit');
  // Case V's σ = 1/√2 gives P = Φ(Δμ); the Thurstonian start's σ = 1 gives Φ(Δμ/√2).
  const scale = kind === 'thurstonian' ? Math.SQRT2 : 1;
  for (let t = 0; t < n; t++) theta[t] = scale * (mu[t] as number);
  return theta;
}

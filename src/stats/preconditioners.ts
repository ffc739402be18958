/**
 * Preconditioners for `minimizeLbfgs`: an approximate inverse Hessian M⁻¹ built from a curvature
 * estimate the objective writes at each accepted point, used as the initial matrix H₀ = γ·M⁻¹ of
 * the L-BFGS two-loop recursion (Nocedal & Wright, *Numerical Optimization*, 2nd ed., §7.2: any
 * positive definite H₀ may be used; a good one is what makes L-BFGS fast on badly scaled problems).
 *
 * - `diagonalPreconditioner(n)`: curvature = the Hessian's diagonal (n entries).
 * - `pairedPreconditioner(n)`: curvature = 2×2 blocks coupling coordinate t with t + n, laid out as
 *   [H_tt (n) | H_{t+n,t+n} (n) | H_{t,t+n} (n)]. The Thurstonian fit's (μ_t, log σ_t) are
 *   strongly coupled for outcomes at the extremes (their comparisons all sit at similar z), and
 *   ignoring that coupling leaves the preconditioned problem ill-conditioned (510 outcomes: 62
 *   iterations with the diagonal, 42 with the blocks; 10,000 outcomes: 88 → 49).
 *
 * Both are robust to unusable estimates: an entry that is not positive and finite (a flat or
 * broken coordinate) falls back to the median of the usable diagonal entries (and its block drops
 * its coupling), and a block whose coupling would make it singular has its correlation capped at
 * ±√(1 − 1e-3). Each costs O(n) to
 * prepare (plus an O(n log n) median only when a fallback is needed) and O(n) to apply.
 * Units: those of the curvature estimate (∂²f/∂x_s∂x_t). Failure modes: none thrown; unusable
 * estimates are repaired as above, so H₀ is always positive definite.
 */

/** How `minimizeLbfgs` builds and applies H₀ from the objective's curvature estimate. */
export interface Preconditioner {
  /** Length of the curvature buffer the objective fills (and of the prepared inverse). */
  readonly size: number;
  /** Writes the data `apply` needs (the inverse, in whatever layout) from `curvature` into `inverse`. */
  readonly prepare: (curvature: Float64Array, inverse: Float64Array) => void;
  /** out = M⁻¹·v, using the prepared `inverse`. */
  readonly apply: (inverse: Float64Array, v: Float64Array, out: Float64Array) => void;
}

function usable(c: number): boolean {
  return c > 0 && c < Number.POSITIVE_INFINITY;
}

/** The median of the usable entries of curvature[0 … count), or 1 if there are none. */
function fallbackCurvature(curvature: Float64Array, count: number): number {
  const positive = curvature.subarray(0, count).filter(usable).sort();
  return positive.length > 0 ? (positive[positive.length >> 1] as number) : 1;
}

/** Replaces unusable entries of curvature[0 … count) by the fallback, writing into `out`. */
function repairDiagonal(curvature: Float64Array, count: number, out: Float64Array): void {
  let fallback = Number.NaN; // the sort is the costly part: only when needed
  for (let t = 0; t < count; t++) {
    const c = curvature[t] as number;
    if (usable(c)) {
      out[t] = c;
      continue;
    }
    if (Number.isNaN(fallback)) fallback = fallbackCurvature(curvature, count);
    out[t] = fallback;
  }
}

/** M = diag(curvature): H₀ scales each coordinate by its own inverse curvature. */
export function diagonalPreconditioner(n: number): Preconditioner {
  return {
    size: n,
    prepare(curvature, inverse) {
      repairDiagonal(curvature, n, inverse);
      for (let t = 0; t < n; t++) inverse[t] = 1 / (inverse[t] as number);
    },
    apply(inverse, v, out) {
      for (let t = 0; t < n; t++) out[t] = (v[t] as number) * (inverse[t] as number);
    },
  };
}

/** Largest squared correlation a 2×2 block may keep, so its inverse stays well conditioned. */
const MAX_BLOCK_CORRELATION2 = 1 - 1e-3;

/**
 * M = block-diagonal with 2×2 blocks [[a_t, b_t], [b_t, d_t]] over coordinates (t, t + n), for a
 * problem of 2n coordinates. The prepared inverse holds [a'_t | d'_t | b'_t], the entries of each
 * block's inverse (a' = d/det, d' = a/det, b' = −b/det).
 */
export function pairedPreconditioner(n: number): Preconditioner {
  return {
    size: 3 * n,
    prepare(curvature, inverse) {
      // Each diagonal is repaired against its own median: the two halves differ in scale.
      repairDiagonal(curvature, n, inverse);
      repairDiagonal(curvature.subarray(n, 2 * n), n, inverse.subarray(n, 2 * n));
      for (let t = 0; t < n; t++) {
        const a = inverse[t] as number;
        const d = inverse[n + t] as number;
        // A repaired diagonal is a guess of scale only: trust no coupling next to it.
        let b = curvature[2 * n + t] as number;
        if (!Number.isFinite(b) || !usable(curvature[t] as number) || !usable(curvature[n + t] as number)) b = 0;
        const limit = MAX_BLOCK_CORRELATION2 * a * d;
        if (b * b > limit) b = Math.sign(b) * Math.sqrt(limit);
        const det = a * d - b * b;
        inverse[t] = d / det;
        inverse[n + t] = a / det;
        inverse[2 * n + t] = -b / det;
      }
    },
    apply(inverse, v, out) {
      for (let t = 0; t < n; t++) {
        const p = v[t] as number;
        const q = v[n + t] as number;
        const b = inverse[2 * n + t] as number;
        out[t] = (inverse[t] as number) * p + b * q;
        out[n + t] = b * p + (inverse[n + t] as number) * q;
      }
    },
  };
}

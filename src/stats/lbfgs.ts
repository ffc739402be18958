/**
 * Limited-memory BFGS for smooth unconstrained minimisation (Nocedal & Wright, *Numerical
 * Optimization*, 2nd ed., Algorithm 7.4 two-loop recursion; line search by backtracking with the
 * Armijo condition (Algorithm 3.1) and step doubling while the curvature condition (3.7b) fails).
 * Correction pairs are kept only when sᵀy > 0, so the inverse-Hessian approximation stays
 * positive definite. An optional preconditioner (preconditioners.ts) supplies the initial inverse
 * Hessian from the objective's own curvature estimate; an iteration that no longer decreases f is
 * retried once from an empty memory before it ends the run. docs/architecture.md: no npm optimiser is fit for
 * purpose, so this one is small and tested. Deterministic; never throws on hard data — the stop reason is returned as data.
 * Cost per iteration: O(m·n) plus the objective evaluations of the line search.
 * Units: x and f are the objective's own; the tolerances are relative to max(1, |f|).
 */
import type { Preconditioner } from './preconditioners.js';

/**
 * Why `minimizeLbfgs` stopped: a small gradient or (preconditioned) step, no further decrease of f,
 * the iteration limit, a line search that found no acceptable point, or an empty problem. The
 * same strings as core's `ConvergenceReason`, declared here so that stats imports nothing from the
 * rest of src (models passes it on as a `ConvergenceReason`; test/stats/lbfgs.test.ts checks that they agree).
 */
export type LbfgsStopReason = 'step' | 'gradient' | 'objective' | 'max-iterations' | 'line-search-failed' | 'trivial';

/**
 * f(x), writing ∇f(x) into `gradient`. When `curvature` is passed (only with a preconditioner), it
 * also writes the preconditioner's curvature estimate of ∇²f(x) there, in that preconditioner's
 * layout — a Gauss–Newton or Fisher approximation is enough; it only shapes the search direction.
 */
export type Objective = (x: Float64Array, gradient: Float64Array, curvature?: Float64Array) => number;

/** Tuning of `minimizeLbfgs`; defaults: memory 10, 500 iterations, gradient 1e-7, objective 1e-13, no noise floor, no preconditioner, step tolerance off. */
export interface LbfgsOptions {
  /** Correction pairs kept (m). */
  readonly memory?: number;
  readonly maxIterations?: number;
  /** Stop when ‖∇f‖∞ ≤ gradientTolerance · max(1, |f|). */
  readonly gradientTolerance?: number;
  /** Stop when the relative decrease of f over one iteration is below this. */
  readonly objectiveTolerance?: number;
  /**
   * The absolute rounding error of f (default 0): a decrease smaller than this is no decrease, so
   * the run stops (after its one restart) instead of line-searching in rounding noise. A sum of
   * large terms has an error far above its own |f| times machine precision (see likelihood.ts).
   */
  readonly objectiveNoise?: number;
  /**
   * Initial inverse Hessian of each two-loop recursion: absent (default), γ·I (N&W eq. 7.20);
   * given, γ·M⁻¹ with M built from the objective's curvature estimate at the current point, so
   * coordinates of very different curvature (utilities against log spreads) are scaled apart
   * instead of sharing one step length; the first step is then a (block-)diagonal Newton step.
   */
  readonly preconditioner?: Preconditioner;
  /**
   * With a preconditioner, also stop when its Newton step M⁻¹∇f would move no coordinate by more
   * than this (default 0: off).
   */
  readonly stepTolerance?: number;
}

/** Where the minimiser stopped and why; `converged` is false for every reason but a small gradient or step (or a stall at one). */
export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly reason: LbfgsStopReason;
}

const DEFAULTS = { memory: 10, maxIterations: 500, gradientTolerance: 1e-7, objectiveTolerance: 1e-13, objectiveNoise: 0, stepTolerance: 0 } as const;
/** Sufficient-decrease constant c₁ and curvature constant c₂ (Nocedal & Wright §3.1: 1e-4 and 0.9 for quasi-Newton). */
const ARMIJO = 1e-4;
const CURVATURE = 0.9;
const MAX_LINE_SEARCH_TRIALS = 60;
/** Doublings allowed per minimisation in total, so a long flat valley cannot cost unbounded evaluations. */
const MAX_EXPANSIONS = 50;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] as number));
  return m;
}

/**
 * Minimises `objective` from `start` (not modified). Deterministic. Never throws: a NaN or infinite
 * value counts as a failed line-search trial, and every stop is reported in `reason`.
 */
export function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const { memory, maxIterations, gradientTolerance, objectiveTolerance, objectiveNoise, stepTolerance } = { ...DEFAULTS, ...options };
  const preconditioner = options.preconditioner;
  const n = start.length;
  const x = Float64Array.from(start);
  const g = new Float64Array(n);
  // The prepared M⁻¹ at x, buffers for the line search's trials, and M⁻¹·v scratch.
  const inverseCurvature = preconditioner ? new Float64Array(preconditioner.size) : undefined;
  const curvatureNew = preconditioner ? new Float64Array(preconditioner.size) : undefined;
  const curvatureBest = preconditioner ? new Float64Array(preconditioner.size) : undefined;
  const preconditioned = new Float64Array(preconditioner ? n : 0);
  let f = objective(x, g, curvatureNew);
  if (preconditioner && inverseCurvature && curvatureNew) preconditioner.prepare(curvatureNew, inverseCurvature);
  if (n === 0) return { x, f, iterations: 0, converged: true, reason: 'trivial' };
  if (!Number.isFinite(f)) return { x, f, iterations: 0, converged: false, reason: 'line-search-failed' };

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const xBest = new Float64Array(n);
  const gBest = new Float64Array(n);
  let fBest = Number.NaN;
  let expansions = 0;
  let restartedAfterStall = false;

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(g) <= gradientTolerance * Math.max(1, Math.abs(f))) return { x, f, iterations: iteration, converged: true, reason: 'gradient' };
    if (preconditioner && inverseCurvature) {
      preconditioner.apply(inverseCurvature, g, preconditioned);
      if (maxAbs(preconditioned) <= stepTolerance) return { x, f, iterations: iteration, converged: true, reason: 'step' };
    }

    // Two-loop recursion: direction = −H·g with H the L-BFGS inverse-Hessian approximation.
    direction.set(g);
    const count = sHistory.length;
    for (let k = count - 1; k >= 0; k--) {
      const a = (rhoHistory[k] as number) * dot(sHistory[k] as Float64Array, direction);
      alpha[k] = a;
      const y = yHistory[k] as Float64Array;
      for (let t = 0; t < n; t++) direction[t] = (direction[t] as number) - a * (y[t] as number);
    }
    if (preconditioner && inverseCurvature) {
      // H₀ = γ·M⁻¹, γ = sᵀy / yᵀM⁻¹y (the scalar choice of N&W eq. 7.20 in the scaled coordinates); 1 on the first step.
      let gamma = 1;
      if (count > 0) {
        const s = sHistory[count - 1] as Float64Array;
        const y = yHistory[count - 1] as Float64Array;
        preconditioner.apply(inverseCurvature, y, preconditioned);
        gamma = dot(s, y) / dot(y, preconditioned);
      }
      preconditioner.apply(inverseCurvature, direction, preconditioned);
      for (let t = 0; t < n; t++) direction[t] = gamma * (preconditioned[t] as number);
    } else if (count > 0) {
      const s = sHistory[count - 1] as Float64Array;
      const y = yHistory[count - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let t = 0; t < n; t++) direction[t] = (direction[t] as number) * gamma;
    } else {
      // First step: a unit-length move along −g, since the scale of H is not known yet.
      const norm = Math.sqrt(dot(g, g));
      for (let t = 0; t < n; t++) direction[t] = (direction[t] as number) / Math.max(norm, 1e-300);
    }
    for (let k = 0; k < count; k++) {
      const b = (rhoHistory[k] as number) * dot(yHistory[k] as Float64Array, direction);
      const s = sHistory[k] as Float64Array;
      const coefficient = (alpha[k] as number) - b;
      for (let t = 0; t < n; t++) direction[t] = (direction[t] as number) + coefficient * (s[t] as number);
    }
    for (let t = 0; t < n; t++) direction[t] = -(direction[t] as number);

    let slope = dot(g, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      const norm = Math.sqrt(dot(g, g));
      for (let t = 0; t < n; t++) direction[t] = -(g[t] as number) / Math.max(norm, 1e-300);
      slope = dot(g, direction);
    }

    // Line search: backtrack until the Armijo (sufficient decrease) condition holds; while the
    // curvature condition ∇f(x + αd)·d ≥ c₂·∇f(x)·d fails at a full step, the step is too short,
    // so it doubles (keeping the last acceptable point) — a light version of Moré–Thuente that
    // costs one evaluation per iteration when the first trial is good.
    let step = 1;
    let fNew = Number.NaN;
    let accepted = false;
    let expanding = true;
    for (let trial = 0; trial < MAX_LINE_SEARCH_TRIALS; trial++) {
      for (let t = 0; t < n; t++) xNew[t] = (x[t] as number) + step * (direction[t] as number);
      fNew = objective(xNew, gNew, curvatureNew);
      const armijo = Number.isFinite(fNew) && fNew <= f + ARMIJO * step * slope;
      if (!armijo) {
        if (accepted) break; // the previous, shorter step stays
        expanding = false;
        step *= 0.5;
        continue;
      }
      if (accepted && !(fNew < fBest)) break; // a longer step that is no better: keep the shorter one
      accepted = true;
      xBest.set(xNew);
      gBest.set(gNew);
      if (curvatureBest && curvatureNew) curvatureBest.set(curvatureNew);
      fBest = fNew;
      if (!expanding || dot(gNew, direction) >= CURVATURE * slope || expansions >= MAX_EXPANSIONS) break;
      expansions++;
      step *= 2;
    }
    if (!accepted) return { x, f, iterations: iteration, converged: false, reason: 'line-search-failed' };
    xNew.set(xBest);
    gNew.set(gBest);
    fNew = fBest;
    if (preconditioner && inverseCurvature && curvatureBest) preconditioner.prepare(curvatureBest, inverseCurvature);

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      s[t] = (xNew[t] as number) - (x[t] as number);
      y[t] = (gNew[t] as number) - (g[t] as number);
    }
    const sy = dot(s, y);
    // Keep the pair only when the curvature condition holds, so H stays positive definite.
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    const decrease = f - fNew;
    x.set(xNew);
    g.set(gNew);
    f = fNew;
    if (decrease <= Math.max(objectiveTolerance * Math.max(1, Math.abs(f)), objectiveNoise)) {
      // One poor direction can stall an iteration far from the optimum: before concluding that f
      // no longer decreases, forget the curvature pairs and try once more from (preconditioned)
      // steepest descent.
      if (!restartedAfterStall && sHistory.length > 0) {
        restartedAfterStall = true;
        sHistory.length = 0;
        yHistory.length = 0;
        rhoHistory.length = 0;
        continue;
      }
      const converged = maxAbs(g) <= 1e-4 * Math.max(1, Math.abs(f));
      return { x, f, iterations: iteration + 1, converged, reason: 'objective' };
    }
    restartedAfterStall = false;
  }
  return { x, f, iterations: maxIterations, converged: false, reason: 'max-iterations' };
}

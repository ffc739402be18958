/**
 * Central finite differences (step h = 1e-5; error O(h²)), the independent check of every analytic
 * derivative in `models/`: the gradient from values, the Hessian from analytic gradients.
 */
import type { Objective } from '../../src/stats/lbfgs.js';

const STEP = 1e-5;

/** θ with coordinate k moved by `delta` (a copy). */
function moved(theta: Float64Array, k: number, delta: number): Float64Array {
  const x = Float64Array.from(theta);
  x[k] = (x[k] as number) + delta;
  return x;
}

/** ∇f(θ) by central differences of f's value. */
export function numericGradient(objective: Objective, theta: Float64Array): Float64Array {
  const scratch = new Float64Array(theta.length);
  return theta.map((_, k) => (objective(moved(theta, k, STEP), scratch) - objective(moved(theta, k, -STEP), scratch)) / (2 * STEP));
}

/** ∇²f(θ) by central differences of the analytic gradient: row k is ∂∇f/∂θ_k (not symmetrised). */
export function numericHessian(objective: Objective, theta: Float64Array): Float64Array[] {
  const plus = new Float64Array(theta.length);
  const minus = new Float64Array(theta.length);
  return Array.from(theta, (_, k) => {
    objective(moved(theta, k, STEP), plus);
    objective(moved(theta, k, -STEP), minus);
    return plus.map((value, q) => (value - (minus[q] as number)) / (2 * STEP));
  });
}

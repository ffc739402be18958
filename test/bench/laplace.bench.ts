/**
 * The exact Laplace step of the Thurstonian fit (src/models/laplace.ts, src/stats/cholesky.ts) at
 * the typical size: 510 outcomes × 10,000 pairs × 20 answers (seeded), whose joint (log σ, μ)
 * Hessian is dense 1,020 × 1,020. Each row times the current code ("after") against the code as it
 * was at b8c6930 ("before", kept in laplace-before.ts) in the same process, in turn
 * (before, after, before, …) so that drift of the machine's speed hits both: median of REPEATS
 * runs after WARM_UP unmeasured ones, and the ratio after/before (< 1 is faster). Rows:
 *   - the Cholesky factor of the joint Hessian (the new one also in place, without the copy);
 *   - diag(H⁻¹) of the trailing 510 × 510 factor (the μ block: what the variances need);
 *   - the whole step as the fit runs it: Hessian, factor, trailing block, gauge-projected
 *     variances (`laplaceCovariance` + `centredVariances`);
 *   - for scale, `fitUtilities` with its default intervals and with none (after only).
 * The last column is the largest relative difference between the two results (0: bit for bit;
 * for the factor max |Δ| / max |L|, since rounding moves its near-zero fill-in by a large fraction).
 * Run: npm run bench -- laplace
 */
import type { PackedPairs } from '../../src/core/types.js';
import { fitUtilities } from '../../src/models/fit.js';
import { centredVariances, laplaceCovariance, type RawUtilities } from '../../src/models/laplace.js';
import { createObjective, curvaturePreconditioner, DEFAULT_PRIOR } from '../../src/models/likelihood.js';
import { choleskyFactor, choleskyFactorInPlace, inverseDiagonal } from '../../src/stats/cholesky.js';
import { minimizeLbfgs } from '../../src/stats/lbfgs.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';
import { choleskyFactorBefore, inverseDiagonalBefore, jointThurstonianHessianBefore, thurstonianVariancesBefore, trailingFactorBefore } from './laplace-before.js';

const WARM_UP = 3;
const REPEATS = 9;

/** Median ms of `before` and `after`, run in turn REPEATS times after WARM_UP turns each; `prepare` runs untimed before each. */
function pairedMedians(before: () => unknown, after: () => unknown, prepare = () => {}): { before: number; after: number } {
  const times = { before: [] as number[], after: [] as number[] };
  for (let run = 0; run < WARM_UP + REPEATS; run++) {
    for (const [name, work] of [
      ['before', before],
      ['after', after],
    ] as const) {
      prepare();
      const start = performance.now();
      work();
      const ms = performance.now() - start;
      if (run >= WARM_UP) times[name].push(ms);
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1] as number;
  return { before: median(times.before), after: median(times.after) };
}

function medianMs(work: () => unknown): number {
  return pairedMedians(work, () => undefined).before;
}

/** Largest |a − b| / |b| over the entries where b ≠ 0. */
function largestRelativeDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let k = 0; k < b.length; k++) if (b[k] !== 0) worst = Math.max(worst, Math.abs((a[k] as number) / (b[k] as number) - 1));
  return worst;
}

/** max |a − b| / max |b|: for a factor, whose fill-in has entries near 0 that rounding moves by a large fraction of themselves. */
function normwiseDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  let largest = 0;
  for (let k = 0; k < b.length; k++) {
    worst = Math.max(worst, Math.abs((a[k] as number) - (b[k] as number)));
    largest = Math.max(largest, Math.abs(b[k] as number));
  }
  return worst / largest;
}

/** The Thurstonian optimum in raw units (μ, σ), as the fit hands it to the Laplace step. */
function rawOptimum(pairs: PackedPairs): RawUtilities {
  const n = pairs.outcomeCount;
  const theta = minimizeLbfgs(createObjective('thurstonian', pairs), new Float64Array(2 * n), { preconditioner: curvaturePreconditioner('thurstonian', n) }).x;
  return { mu: theta.slice(0, n), sigma: theta.slice(n).map(Math.exp) };
}

export default async function benchLaplace(): Promise<void> {
  const n = 510;
  const { packed, ids } = simulatePairs(n, 10_000, 20, 510);
  const raw = rawOptimum(packed);
  const hessian = jointThurstonianHessianBefore(raw, packed, DEFAULT_PRIOR);
  const size = 2 * n;
  const rows: [string, { before: number; after: number }, number][] = [];

  const factorBefore = choleskyFactorBefore(hessian, size) as Float64Array;
  const factorAfter = choleskyFactor(hessian, size) as Float64Array;
  rows.push([
    'Cholesky factor, joint Hessian 1,020 × 1,020',
    pairedMedians(
      () => choleskyFactorBefore(hessian, size),
      () => choleskyFactor(hessian, size),
    ),
    normwiseDifference(factorAfter, factorBefore),
  ]);
  // In place: the copy is made outside the timed region, as the Laplace step owns its Hessian.
  const scratch = new Float64Array(hessian.length);
  rows.push([
    '… in place (no copy of H)',
    pairedMedians(
      () => choleskyFactorBefore(hessian, size),
      () => choleskyFactorInPlace(scratch, size),
      () => scratch.set(hessian),
    ),
    Number.NaN,
  ]);

  const trailing = trailingFactorBefore(factorBefore, n);
  rows.push([
    'diag(H⁻¹) of the μ block, 510 × 510',
    pairedMedians(
      () => inverseDiagonalBefore(trailing, n),
      () => inverseDiagonal(trailing, n),
    ),
    largestRelativeDifference(inverseDiagonal(trailing, n), inverseDiagonalBefore(trailing, n)),
  ]);

  rows.push(['joint Hessian assembly alone (before only)', { before: medianMs(() => jointThurstonianHessianBefore(raw, packed, DEFAULT_PRIOR)), after: Number.NaN }, Number.NaN]);

  const stepAfter = () => {
    const covariance = laplaceCovariance('thurstonian', raw, packed, DEFAULT_PRIOR);
    return covariance ? centredVariances(covariance, raw.mu).variances : undefined;
  };
  rows.push([
    'whole Laplace step: Hessian, factor, gauge-projected variances',
    pairedMedians(() => thurstonianVariancesBefore(raw, packed, DEFAULT_PRIOR), stepAfter),
    largestRelativeDifference(stepAfter() as Float64Array, thurstonianVariancesBefore(raw, packed, DEFAULT_PRIOR) as Float64Array),
  ]);

  const fitWith = medianMs(() => fitUtilities(ids, packed));
  const fitWithout = medianMs(() => fitUtilities(ids, packed, { intervals: 'none' }));

  console.log('| step (510 outcomes × 10,000 pairs, Thurstonian) | before ms | after ms | after/before | largest relative difference |');
  console.log('|---|---:|---:|---:|---:|');
  const ms = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(1));
  for (const [label, t, difference] of rows) {
    const ratio = Number.isNaN(t.after) ? '—' : (t.after / t.before).toFixed(2);
    console.log(`| ${label} | ${ms(t.before)} | ${ms(t.after)} | ${ratio} | ${Number.isNaN(difference) ? '—' : difference.toExponential(1)} |`);
  }
  console.log(`| fitUtilities with Laplace intervals (after) | — | ${ms(fitWith)} | — | — |`);
  console.log(`| fitUtilities, intervals 'none' (after) | — | ${ms(fitWithout)} | — | — |`);
}

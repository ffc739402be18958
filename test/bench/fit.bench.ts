/**
 * Fit time and memory (issue "Thurstonian engine"): `fitUtilities` (Thurstonian, default Laplace
 * intervals) on synthetic counts for (510 outcomes, 10,000 pairs), (2,000, 40,000) and
 * (10,000, 200,000), 10 answers per pair, seeded. For each case it prints
 *   - the fit alone (intervals 'none'), the fit with Laplace intervals (run twice: the second run
 *     has a warm JIT), and a warm-started refit on the same data (the active-learning case);
 *   - memory: V8 heap plus ArrayBuffers (typed arrays live outside the heap) after the fit, and the
 *     process's peak resident set so far (getrusage maxRSS; cumulative over the cases above).
 * Run: node --expose-gc --import tsx test/bench/run.ts fit
 */
import { fitUtilities, spearman } from '../../src/models/index.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

function megabytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

export default async function benchFit(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  console.log('| outcomes | pairs | fit only ms | fit + intervals ms (1st, 2nd) | warm refit ms | iterations (cold, warm) | intervals | heap + buffers MB | peak RSS MB | Spearman vs truth |');
  console.log('|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const [n, pairs] of [
    [510, 10_000],
    [2_000, 40_000],
    [10_000, 200_000],
  ] as const) {
    // Probit with σ² = ½ per outcome; 10 answers per pair.
    const { truth, packed, ids } = simulatePairs(n, pairs, 10, n);
    gc?.();
    const t0 = performance.now();
    fitUtilities(ids, packed, { intervals: 'none' });
    const t1 = performance.now();
    fitUtilities(ids, packed);
    const t2 = performance.now();
    const fit = fitUtilities(ids, packed);
    const t3 = performance.now();
    const memory = process.memoryUsage();
    const warm = fitUtilities(ids, packed, { warmStart: fit });
    const t4 = performance.now();
    const peakRss = process.resourceUsage().maxRSS * 1024;
    console.log(
      `| ${n} | ${pairs} | ${(t1 - t0).toFixed(0)} | ${(t2 - t1).toFixed(0)}, ${(t3 - t2).toFixed(0)} | ${(t4 - t3).toFixed(0)} | ${fit.iterations}, ${warm.iterations} | ${fit.ci?.method} | ${megabytes(memory.heapUsed + memory.arrayBuffers)} | ${megabytes(peakRss)} | ${spearman(fit.mean, truth).toFixed(3)} |`,
    );
  }
}

/**
 * Fit time and memory (issue "Thurstonian engine"): fitUtilities with Laplace intervals on
 * synthetic counts for (510 outcomes, 10,000 pairs), (2,000, 40,000) and (10,000, 200,000).
 * Each case is run twice and the second (warm JIT) time is reported with the first.
 */
import { fitUtilities, spearman } from '../../src/models/index.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

export default async function benchFit(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  console.log('| outcomes | pairs | fit only ms | fit + intervals, first ms | second ms | iterations | intervals | heap after fit MB | peak RSS so far MB | Spearman vs truth |');
  console.log('|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const [n, pairs] of [
    [510, 10_000],
    [2_000, 40_000],
    [10_000, 200_000],
  ] as const) {
    // Probit with σ² = ½ per outcome; 10 answers per pair.
    const { truth, packed, ids } = simulatePairs(n, pairs, 10, n);
    gc?.();
    const tNone = performance.now();
    fitUtilities(ids, packed, { intervals: 'none' });
    const fitOnly = performance.now() - tNone;
    const t0 = performance.now();
    fitUtilities(ids, packed);
    const t1 = performance.now();
    const fit = fitUtilities(ids, packed);
    const t2 = performance.now();
    // Peak memory: the process's maximum resident set so far (cumulative over the cases above).
    const heap = process.memoryUsage().heapUsed / 2 ** 20;
    const peakRss = process.resourceUsage().maxRSS / 1024;
    console.log(`| ${n} | ${pairs} | ${fitOnly.toFixed(0)} | ${(t1 - t0).toFixed(0)} | ${(t2 - t1).toFixed(0)} | ${fit.iterations} | ${fit.ci?.method} | ${heap.toFixed(0)} | ${peakRss.toFixed(0)} | ${spearman(fit.mean, truth).toFixed(3)} |`);
  }
}

/**
 * Fit time and memory (issue "Thurstonian engine"): `fitUtilities` on synthetic counts for
 * (510 outcomes, 10,000 pairs), (2,000, 40,000) and (10,000, 200,000), 10 answers per pair, seeded;
 * one core (the fit is single-threaded JavaScript). For each case it prints
 *   - the Thurstonian fit alone (intervals 'none'): the first call in the process (cold JIT, what a
 *     one-shot `utilscope fit` pays) and the median of the next five calls, with its iterations;
 *   - the fit with the default Laplace intervals, and which interval method ran;
 *   - the active-learning case: a refit after the last 5% of pairs arrive, warm-started from the
 *     fit without them (iterations in brackets);
 *   - Case V and Bradley–Terry fits alone (median of three);
 *   - memory: V8 heap plus ArrayBuffers (typed arrays live outside the heap) after the fit, and the
 *     process's peak resident set so far (getrusage maxRSS; cumulative over the cases above);
 *   - Spearman correlation of the fitted utilities with the planted ones (a sanity check).
 * Run: npm run bench -- fit
 */
import type { PackedPairs } from '../../src/core/types.js';
import { type FitOptions, fitUtilities } from '../../src/models/index.js';
import { spearman } from '../../src/stats/index.js';
import { simulatePairs } from '../helpers/synthetic-pairs.js';

function megabytes(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

function timed<T>(run: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

function medianMs(repeats: number, run: () => unknown): number {
  const times = Array.from({ length: repeats }, () => timed(run).ms).sort((a, b) => a - b);
  return times[times.length >> 1] as number;
}

/** The first `count` pairs of a packed design. */
function leading(pairs: PackedPairs, count: number): PackedPairs {
  return { outcomeCount: pairs.outcomeCount, i: pairs.i.subarray(0, count), j: pairs.j.subarray(0, count), wins: pairs.wins.subarray(0, count), total: pairs.total.subarray(0, count) };
}

export default async function benchFit(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  console.log(
    '| outcomes | pairs | fit ms (first call, median) | iterations | fit + intervals ms | intervals | next-round refit ms (iterations) | Case V ms | BT ms | heap + buffers MB | peak RSS MB | Spearman vs truth |',
  );
  console.log('|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const [n, pairs] of [
    [510, 10_000],
    [2_000, 40_000],
    [10_000, 200_000],
  ] as const) {
    // Probit with σ² = ½ per outcome; 10 answers per pair.
    const { truth, packed, ids } = simulatePairs(n, pairs, 10, n);
    const alone: FitOptions = { intervals: 'none' };
    const repeats = n > 5_000 ? 3 : 5;
    gc?.();
    const first = timed(() => fitUtilities(ids, packed, alone));
    const median = medianMs(repeats, () => fitUtilities(ids, packed, alone));
    const withIntervals = timed(() => fitUtilities(ids, packed));
    const memory = process.memoryUsage();
    const previous = fitUtilities(ids, leading(packed, Math.round(0.95 * pairs)), alone);
    const refit = timed(() => fitUtilities(ids, packed, { ...alone, warmStart: previous }));
    const case5 = medianMs(3, () => fitUtilities(ids, packed, { ...alone, model: 'case5' }));
    const bt = medianMs(3, () => fitUtilities(ids, packed, { ...alone, model: 'bt' }));
    const peakRss = process.resourceUsage().maxRSS * 1024;
    const fit = first.result;
    console.log(
      `| ${n} | ${pairs} | ${first.ms.toFixed(0)}, ${median.toFixed(0)} | ${fit.iterations} (${fit.reason}) | ${withIntervals.ms.toFixed(0)} | ${withIntervals.result.ci?.method} | ${refit.ms.toFixed(0)} (${refit.result.iterations}) | ${case5.toFixed(0)} | ${bt.toFixed(0)} | ${megabytes(memory.heapUsed + memory.arrayBuffers)} | ${megabytes(peakRss)} | ${spearman(fit.mean, truth).toFixed(3)} |`,
    );
  }
}

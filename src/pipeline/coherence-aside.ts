/**
 * Coherence on the second core while the fit runs (docs/architecture.md §"CLI", start-up and
 * analysis time). Everything in a coherence report but the ranking distance is independent of the
 * fit, and its floors and bootstrap take as long as the fit itself (510 outcomes × 10,000 pairs:
 * ~0.8 s each on a slow core), so `fit --pairs` starts it in a worker thread before fitting and adds
 * the ranking distance after (`withRanking`). The numbers are those of `analyseCoherence` with the
 * fit, bit for bit: the same pure function on the same inputs and the same seeded stream.
 *
 * The worker runs the compiled `coherence-worker.js` beside this module. Where there is none (the
 * sources run through a TypeScript loader, as in the tests), or a worker cannot start, the same
 * computation runs in this thread when its result is asked for. A worker that fails rejects with
 * its error. Effects: one thread per call, ended when it has answered.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyseCoherence, type CoherenceInput, type CoherenceReport, withRanking } from '../coherence/analyse.js';
import { Rng } from '../core/rng.js';
import type { UtilityFit } from '../core/types.js';

/** What the worker is given: the input without a fit (and without a floor cache, which holds functions of this thread) and the stream's seed. */
export interface CoherenceTask {
  readonly input: Omit<CoherenceInput, 'fit' | 'floorCache'>;
  readonly seed: number;
}

/** A coherence report being computed; `finish` adds the fit's ranking distance, `cancel` stops it (the fit failed). */
export interface PendingCoherence {
  finish(fit: UtilityFit): Promise<CoherenceReport>;
  cancel(): void;
}

const WORKER_FILE = fileURLToPath(new URL('./coherence-worker.js', import.meta.url));

/** The report without the ranking distance: the worker's whole job. */
export function coherenceWithoutFit(task: CoherenceTask): CoherenceReport {
  return analyseCoherence(task.input, new Rng(task.seed));
}

/** Starts the fit-independent part of `analyseCoherence(input, rng)` (see the module comment). */
export function startCoherence(input: CoherenceTask['input'], rng: Rng): PendingCoherence {
  const task: CoherenceTask = { input, seed: rng.seed };
  const inline: PendingCoherence = { finish: (fit) => Promise.resolve(withRanking(coherenceWithoutFit(task), input, fit)), cancel: () => {} };
  if (!existsSync(WORKER_FILE)) return inline;
  let worker: Worker;
  try {
    worker = new Worker(WORKER_FILE, { workerData: task });
  } catch {
    return inline;
  }
  const report = new Promise<CoherenceReport>((resolve, reject) => {
    worker.once('message', (message: CoherenceReport) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the coherence worker stopped (exit code ${code}) before it answered`)));
  });
  // Handled here so that a worker failing after a cancel is not an unhandled rejection; `finish` still throws it.
  report.catch(() => {});
  return { finish: async (fit) => withRanking(await report, input, fit), cancel: () => void worker.terminate() };
}

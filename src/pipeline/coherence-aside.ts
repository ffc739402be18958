/**
 * Coherence on the second core while the fit runs (docs/architecture.md §"CLI", `fit --pairs`).
 * Everything in a coherence report but the ranking distance is independent of the fit, and its
 * floors and bootstrap take about as long as the fit itself (510 outcomes × 10,000 pairs: ~0.8 s
 * each on a slow core), so `fit --pairs` opens a worker thread first (it boots while the files are
 * read), hands it the tallies before fitting, and adds the fit's ranking distance after
 * (`withRanking`). The numbers are those of `analyseCoherence` with the fit, bit for bit: the same
 * pure function on the same inputs and the same seeded stream.
 *
 * The worker runs the compiled `coherence-worker.js` beside this module. Where there is none (the
 * sources run through a TypeScript loader, as in the tests), or a worker cannot start, the same
 * computation runs in this thread when its result is asked for; so it does when the worker fails.
 * Effects: one thread per `openCoherenceAside`, ended when it has answered or on `close`.
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

/** A thread for one coherence analysis: `start` hands it its task; `close` ends it unused (a file failed to read, or the fit failed). */
export interface CoherenceAside {
  start(input: CoherenceTask['input'], rng: Rng): PendingCoherence;
  close(): void;
}

/** A coherence report being computed; `finish` adds the fit's ranking distance. */
export interface PendingCoherence {
  finish(fit: UtilityFit): Promise<CoherenceReport>;
}

const WORKER_FILE = fileURLToPath(new URL('./coherence-worker.js', import.meta.url));

/** The report without the ranking distance: the worker's whole job. */
export function coherenceWithoutFit(task: CoherenceTask): CoherenceReport {
  return analyseCoherence(task.input, new Rng(task.seed));
}

/** Computes in this thread, when the result is asked for. */
export const INLINE_COHERENCE: CoherenceAside = {
  start(input, rng) {
    const task: CoherenceTask = { input, seed: rng.seed };
    return { finish: (fit) => Promise.resolve(withRanking(coherenceWithoutFit(task), input, fit)) };
  },
  close() {},
};

/**
 * The parent's Node options for the worker, without those that describe the parent's own entry
 * point (`-e`/`--eval`, `-p`/`--print` with their code, `--input-type`), which a worker started from
 * a file refuses.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < execArgv.length; k++) {
    const arg = execArgv[k] as string;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') {
      k++; // and its code
      continue;
    }
    if (arg.startsWith('--eval=') || arg.startsWith('--print=') || arg.startsWith('--input-type')) continue;
    out.push(arg);
  }
  return out;
}

/** Opens the worker thread now, so that it boots while this one reads its inputs (see the module comment). */
export function openCoherenceAside(): CoherenceAside {
  if (!existsSync(WORKER_FILE)) return INLINE_COHERENCE;
  let worker: Worker;
  try {
    worker = new Worker(WORKER_FILE, { execArgv: workerExecArgv(process.execArgv) });
  } catch {
    return INLINE_COHERENCE;
  }
  const report = new Promise<CoherenceReport>((resolve, reject) => {
    worker.once('message', (message: CoherenceReport) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the coherence worker stopped (exit code ${code}) before it answered`)));
  });
  // Handled here so that a worker ended by `close` is not an unhandled rejection; `finish` falls back to this thread.
  report.catch(() => {});
  return {
    start(input, rng) {
      worker.postMessage({ input, seed: rng.seed } satisfies CoherenceTask);
      // A worker that could not run (a thread limit, an odd host) costs time, never the report:
      // the same computation then runs here, and an error of its own surfaces from it.
      const inline = INLINE_COHERENCE.start(input, rng);
      return {
        finish: (fit) =>
          report.then(
            (done) => withRanking(done, input, fit),
            () => inline.finish(fit),
          ),
      };
    },
    close: () => void worker.terminate(),
  };
}

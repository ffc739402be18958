/**
 * A batch's state in words, for the progress line, `utilscope status` and the notices of a run
 * (docs/architecture.md §"Transports"). In a module of its own so the CLI's progress display
 * loads it without the run loop.
 */
import type { BatchState } from './batch.js';

/** A batch state in words: `in progress`, `finalising`, … (British spelling, as the rest of the output); an unknown name as it is. */
export function batchStateWords(state: string): string {
  const words: Readonly<Record<BatchState['state'], string>> = {
    submitting: 'being submitted',
    'looking-up': 'being looked up',
    validating: 'validating',
    'in-progress': 'in progress',
    finalizing: 'finalising',
    cancelling: 'cancelling',
    downloading: 'downloading',
    completed: 'completed',
    expired: 'expired',
    failed: 'failed',
    cancelled: 'cancelled',
  };
  return Object.hasOwn(words, state) ? words[state as BatchState['state']] : state;
}

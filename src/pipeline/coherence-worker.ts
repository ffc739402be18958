/**
 * The worker thread of coherence-aside.ts: waits for its one task, computes the report without the
 * fit's ranking distance and posts it back.
 */
import { parentPort } from 'node:worker_threads';
import { type CoherenceTask, coherenceWithoutFit } from './coherence-aside.js';

parentPort?.once('message', (task: CoherenceTask) => parentPort?.postMessage(coherenceWithoutFit(task)));

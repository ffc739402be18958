/**
 * The worker thread of coherence-aside.ts: computes the report without the fit's ranking distance
 * from its `workerData` and posts it back once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CoherenceTask, coherenceWithoutFit } from './coherence-aside.js';

parentPort?.postMessage(coherenceWithoutFit(workerData as CoherenceTask));

/**
 * V8's optimising compiler on the thread that runs the code, for `fit --pairs` with coherence on a
 * machine of at most two cores.
 * By default V8 compiles hot functions (and on-stack replacements of hot loops) on a background
 * thread while the code keeps running unoptimised. On a 2-core machine where `fit --pairs` already
 * keeps both cores busy (the fit here, coherence in its worker), those background threads wait for
 * a core, so each thread runs the interpreter's slow code for longer and the compiles that were
 * queued for it burn CPU late. Compiling in place removes the wait: on 510 outcomes × 10,000 pairs
 * the whole command took 0.86–0.89 of its wall time and 0.84–0.86 of its CPU (paired runs; README
 * "Performance"), with the same output to the byte. The flags are process-wide, so the worker
 * thread gets them too. Where a core is left idle the background compile is free, and compiling in
 * place only costs: `fit --pairs --no-coherence` gained nothing in wall time and a run folder's
 * single-threaded `fit` lost about 8%, so those keep V8's default, as does every machine with more
 * cores and every other command.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

let done = false;

/** Sets the flags once per process when the machine has at most two cores. Effect: V8's flags for the rest of the process. */
export function compileOnThisThreadWhenCoresAreFew(): void {
  if (done || availableParallelism() > 2) return;
  done = true;
  setFlagsFromString('--no-concurrent-recompilation');
  setFlagsFromString('--no-concurrent-osr');
}

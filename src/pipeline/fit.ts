/**
 * `utilscope fit`: the utilities of a run folder under any analysis settings, or of preference data
 * that did not come from utilscope (docs/architecture.md §"External preference data"). Reads files;
 * parsing and fitting are pure.
 */
import { resolve } from 'node:path';
import { analyseCoherence } from '../coherence/index.js';
import { formatErrorLine, isUtilscopeError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { OutcomeSet, PairTally, UtilityModelKind } from '../core/types.js';
import { packTallies, parseExternalPairs } from '../elicitation/index.js';
import { type AnalysisOptions, fitToJson } from '../experiments/index.js';
import { fitUtilities } from '../models/index.js';
import { loadOutcomeSet, RunStore, readInputText } from '../store/index.js';
import { analyseRunFolder, utilitiesOf, writeAnalysis } from './analyse.js';
import { type FolderEnv, folderWriter, type PipelineEnv } from './env.js';

/** Reads and validates an external pairs file against the outcome set's ids. */
export function readExternalPairs(path: string, set: OutcomeSet): PairTally[] {
  return parseExternalPairs(
    readInputText(path, { notFound: 'pairs-invalid', invalid: 'pairs-invalid' }, 'pairs file'),
    path,
    set.outcomes.map((o) => o.id),
  );
}

/** Fits external tallies: the `fit --json` shape (utilities, metrics, coherence). */
export function fitExternalPairs(set: OutcomeSet, tallies: readonly PairTally[], model: UtilityModelKind, intervals: 'laplace' | 'bootstrap' = 'laplace') {
  const ids = set.outcomes.map((o) => o.id);
  const rng = new Rng('external-fit');
  const fit = fitUtilities(ids, packTallies(tallies, ids, 'exclude'), { model, intervals, rng: rng.fork('fit') });
  const coherence = analyseCoherence({ outcomes: set.outcomes, tallies, policy: 'exclude', fit }, rng.fork('coherence'));
  return { ...fitToJson(fit), coherence };
}

/** `fit --outcomes <set> --pairs <file>`. */
export function fitExternalFile(outcomes: string, pairsFile: string, model: UtilityModelKind, intervals: 'laplace' | 'bootstrap', env: Pick<PipelineEnv, 'cwd'>) {
  const loaded = loadOutcomeSet(outcomes, env.cwd);
  return fitExternalPairs(loaded.set, readExternalPairs(resolve(env.cwd, pairsFile), loaded.set), model, intervals);
}

/**
 * `fit <run-dir>`: the run's utilities under `options`. The derived files are rewritten only when the
 * options are the run's own (so `fit --unparseable half` on a run never changes what `report` shows),
 * and only when the folder's lock can be taken at once: on a folder a live run holds, the fit is made
 * in memory and a note on the log says that nothing was written (the run writes its own at the end).
 */
export function fitRunFolder(dir: string, options: AnalysisOptions, env: Pick<PipelineEnv, 'cwd' | 'experiments'> & FolderEnv) {
  const path = resolve(env.cwd, dir);
  let store = RunStore.open(path);
  const own = store.manifest.spec.analysis;
  const asRun = (options.policy ?? own.policy) === own.policy && (options.fitModel ?? own.fitModel) === own.fitModel && (options.intervals ?? 'laplace') === 'laplace' && !options.pseudoLabels;
  let write = asRun;
  if (asRun) {
    // Lock first, then read: what is written is then what the folder holds.
    try {
      store = RunStore.open(path, folderWriter(env));
    } catch (error) {
      if (!isUtilscopeError(error) || error.code !== 'run-locked') throw error;
      env.log.write(`utilscope: ${formatErrorLine(error)}; fitted in memory, nothing was written\n`);
      write = false;
    }
  }
  try {
    const analysed = analyseRunFolder(store, options, env.experiments);
    const analysis = utilitiesOf(analysed, store.dir);
    if (write) writeAnalysis(store, analysed);
    return { ...fitToJson(analysis.fit), pseudoLabels: analysis.pseudoLabels, coherence: analysis.coherence };
  } finally {
    store.close();
  }
}

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
import { alternativeFitName, fitSettings, refreshAlternativeFits, writeAlternativeFit } from './alternative-fits.js';
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
 * `fit <run-dir>`: the run's utilities under `options`. Under the run's own settings it rewrites the
 * derived files (fit.json, coherence.json, values.json, …) and refits any stale alternative fit;
 * under other settings (`--model case5`, `--intervals bootstrap`, …) it keeps the fit beside them as
 * `fit.<variant>.json` (src/pipeline/alternative-fits.ts), which `report` compares with the main
 * fit — so `fit --unparseable half` never changes what the report's main results show. Either way
 * only when the folder's lock can be taken at once: on a folder a live run holds, the fit is made
 * in memory and a note on the log says that nothing was written (the run writes its own at the end).
 */
export function fitRunFolder(dir: string, options: AnalysisOptions, env: Pick<PipelineEnv, 'cwd' | 'experiments'> & FolderEnv) {
  const path = resolve(env.cwd, dir);
  let store = RunStore.open(path);
  const own = store.manifest.spec.analysis;
  const settings = fitSettings(own, options);
  const alternative = alternativeFitName(own, settings);
  let write = true;
  // Lock first, then read: what is written is then what the folder holds.
  try {
    store = RunStore.open(path, folderWriter(env));
  } catch (error) {
    if (!isUtilscopeError(error) || error.code !== 'run-locked') throw error;
    env.log.write(`utilscope: ${formatErrorLine(error)}; fitted in memory, nothing was written\n`);
    write = false;
  }
  try {
    const analysed = analyseRunFolder(store, options, env.experiments);
    const analysis = utilitiesOf(analysed, store.dir);
    if (write && alternative === undefined) {
      writeAnalysis(store, analysed);
      refreshAlternativeFits(store, env.experiments, env.log);
    } else if (write && alternative !== undefined) {
      writeAlternativeFit(store, alternative, settings, analysed);
      env.log.write(`utilscope: kept this fit as ${alternative}.json beside fit.json; \`utilscope report ${dir}\` compares the two\n`);
    }
    return { ...fitToJson(analysis.fit), pseudoLabels: analysis.pseudoLabels, coherence: analysis.coherence };
  } finally {
    store.close();
  }
}

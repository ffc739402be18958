/**
 * `utilscope fit <run-dir>`: the utilities of a run folder under any analysis settings. Preference
 * data that did not come from utilscope (`fit --pairs`) is fit-pairs.ts's. Reads files; parsing and
 * fitting are pure.
 */
import { resolve } from 'node:path';
import { formatErrorLine, isUtilscopeError } from '../core/errors.js';
import type { AnalysisOptions } from '../experiments/index.js';
import { fitToJson } from '../models/fit-json.js';
import { RunStore } from '../store/index.js';
import { alternativeFitName, fitSettings, refreshAlternativeFits, writeAlternativeFit } from './alternative-fits.js';
import { analyseRunFolder, utilitiesOf, writeAnalysis } from './analyse.js';
import { type FolderEnv, folderWriter, type PipelineEnv } from './env.js';

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

/**
 * `utilscope fit`: the utilities of a run folder under any analysis settings, or of preference data
 * that did not come from utilscope (docs/architecture.md §"External preference data"). Reads files;
 * parsing and fitting are pure.
 */
import { resolve } from 'node:path';
import { analyseCoherence, type CoherenceReport, type CoherenceSkipped } from '../coherence/index.js';
import { formatErrorLine, isUtilscopeError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { type OutcomeSet, type PairTally, SCHEMA_VERSION, type UtilityModelKind } from '../core/types.js';
import { externalPairsReader, packTallies } from '../elicitation/index.js';
import { type AnalysisOptions, fitToJson } from '../experiments/index.js';
import { FIT_WARNING_TEXT, fitUtilities, identificationSummary } from '../models/index.js';
import { pct } from '../report/index.js';
import { loadOutcomeSet, RunStore, readInputLines } from '../store/index.js';
import { alternativeFitName, fitSettings, refreshAlternativeFits, writeAlternativeFit } from './alternative-fits.js';
import { analyseRunFolder, utilitiesOf, writeAnalysis } from './analyse.js';
import { type FolderEnv, folderWriter, type PipelineEnv } from './env.js';

/**
 * Reads and validates an external pairs file against the outcome set's ids, line by line (memory for
 * its distinct pairs, not its lines); `weights` accepts fractional counts (`--weights`).
 */
export function readExternalPairs(path: string, set: OutcomeSet, weights = false): PairTally[] {
  const reader = externalPairsReader(
    path,
    set.outcomes.map((o) => o.id),
    { weights },
  );
  for (const line of readInputLines(path, { notFound: 'pairs-invalid', invalid: 'pairs-invalid' }, 'pairs file')) reader.line(line.text, line.number);
  return reader.result();
}

/** How `fit --pairs` reads and analyses the pairs beyond the model: fractional counts as weights, and whether coherence runs. */
export interface ExternalFitOptions {
  readonly weights?: boolean;
  /** False for `--no-coherence`: the fit alone, and `coherence: { skipped: 'no-coherence' }` in its place. */
  readonly coherence?: boolean;
}

/**
 * Fits external tallies: the `fit --json` shape (utilities, metrics, coherence), plus `input`: the
 * orders are unknown and the counts were whole numbers or weights (docs/method.md §2.8). Without
 * orders, coherence reports `orders: 'unknown'` instead of a first-slot share and a position-bias
 * floor; with `coherence: false` it is skipped and says so.
 */
export function fitExternalPairs(set: OutcomeSet, tallies: readonly PairTally[], model: UtilityModelKind, intervals: 'laplace' | 'bootstrap' = 'laplace', options: ExternalFitOptions = {}) {
  const ids = set.outcomes.map((o) => o.id);
  const rng = new Rng('external-fit');
  const fit = fitUtilities(ids, packTallies(tallies, ids, 'exclude'), { model, intervals, rng: rng.fork('fit') });
  const coherence: CoherenceReport | CoherenceSkipped =
    options.coherence === false
      ? { v: SCHEMA_VERSION, skipped: 'no-coherence' }
      : analyseCoherence({ outcomes: set.outcomes, tallies, policy: 'exclude', fit, orders: 'unknown' }, rng.fork('coherence'));
  return { ...fitToJson(fit), coherence, input: { orders: 'unknown' as const, counts: options.weights ? ('weights' as const) : ('whole' as const) } };
}

/** `fit --outcomes <set> --pairs <file> [--weights] [--no-coherence]`. */
export function fitExternalFile(outcomes: string, pairsFile: string, model: UtilityModelKind, intervals: 'laplace' | 'bootstrap', env: Pick<PipelineEnv, 'cwd'>, options: ExternalFitOptions = {}) {
  const loaded = loadOutcomeSet(outcomes, env.cwd);
  return fitExternalPairs(loaded.set, readExternalPairs(resolve(env.cwd, pairsFile), loaded.set, options.weights ?? false), model, intervals, options);
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

/** What `fit --json` prints, for a run folder or external pairs (`--no-coherence`: coherence skipped). */
export type FitJsonDocument = ReturnType<typeof fitToJson> & { readonly coherence: CoherenceReport | CoherenceSkipped };

/**
 * The terminal form of a fit (`fit` without `--json`): metrics, which outcomes are identified
 * (docs/method.md §12), the order effects or "orders unknown", then every utility with its interval
 * and its flag, most preferred first and outcomes without a utility last.
 */
export function fitSummaryLines(json: FitJsonDocument): string[] {
  const reasons = new Map(json.warnings.map((w) => [w.id, w.reason] as const));
  const rows = [...json.utilities].sort((x, y) => Number(x.mean === null) - Number(y.mean === null) || (y.mean ?? 0) - (x.mean ?? 0));
  const coherence = json.coherence;
  const orderLine =
    'skipped' in coherence
      ? 'coherence: skipped (--no-coherence)'
      : coherence.orderEffects.orders === 'unknown'
        ? 'first-slot share and position-bias floor: orders unknown (pooled pairs)'
        : `first-slot share ${pct(coherence.orderEffects.firstSlotShare)}, order flip rate ${pct(coherence.orderEffects.flipRate)}`;
  return [
    `training pairs ${json.metrics.train.pairs}, accuracy ${json.metrics.train.accuracy.toFixed(3)}, log-loss ${json.metrics.train.logLoss.toFixed(3)}`,
    identificationSummary(json.warnings, json.utilities.length),
    orderLine,
    ...rows.map((u) => {
      const ci = u.ciLow === null || u.ciHigh === null ? '' : `  [${u.ciLow.toFixed(2)}, ${u.ciHigh.toFixed(2)}]`;
      const reason = reasons.get(u.id);
      return `${(u.mean === null ? '–' : u.mean.toFixed(3)).padStart(8)}${ci}  ${u.id}${reason ? `  (${FIT_WARNING_TEXT[reason]})` : ''}`;
    }),
  ];
}

/**
 * Analysing a run folder with its experiment (docs/architecture.md §"The pipeline as data"): read the
 * plan and records (streamed line by line, so memory follows what the analysis keeps), let the
 * experiment compute its result (pure), and write its derived files into the folder (atomic).
 * Readers never write the folder unless asked to.
 */
import { UtilscopeError } from '../core/errors.js';
import type { PreferenceRecord } from '../core/types.js';
import type { AnalysisOptions, AnyExperiment, ExperimentRegistry, RunAnalysis } from '../experiments/index.js';
import type { RunStore } from '../store/run-store.js';
import { openExperiment } from './run.js';

/** A run's result together with the experiment that produced it. */
export interface AnalysedRun {
  readonly experiment: AnyExperiment;
  readonly result: unknown;
}

/**
 * Analyses an open run folder under its own settings, or `options` (policy, fit model, intervals…,
 * which cost no requests). `run-not-found` when the run has no answers yet.
 */
export function analyseRunFolder(store: RunStore, options: AnalysisOptions = {}, experiments?: ExperimentRegistry): AnalysedRun {
  if (!hasAnswer(store.streamRecords())) throw new UtilscopeError('run-not-found', 'the run has no answers yet; nothing to analyse', { file: store.dir });
  const { experiment, ctx } = openExperiment(store, store.readOutcomeSet(), experiments);
  // Streamed from disk, not read into arrays: the analysis keeps its tallies, not millions of records.
  return { experiment, result: experiment.analyse({ ctx, plan: store.streamPlan(), records: store.streamRecords(), options }) };
}

/** Whether any record is an answer; reads only up to the first one. */
function hasAnswer(records: Iterable<PreferenceRecord>): boolean {
  for (const r of records) if (r.kind === 'answer') return true;
  return false;
}

/** Writes the experiment's derived files (fit.json, coherence.json, values.json, …) into the run folder. */
export function writeAnalysis(store: RunStore, analysed: AnalysedRun): void {
  for (const [name, value] of Object.entries(analysed.experiment.derived(analysed.result))) store.writeDerived(name, value);
}

/** The utilities behind an analysed run, for compare and study; a one-line error when its experiment has none. */
export function utilitiesOf(analysed: AnalysedRun, dir: string): RunAnalysis {
  if (!analysed.experiment.utilities) throw new UtilscopeError('invalid-option', `experiment ${analysed.experiment.kind} has no utilities to compare`, { file: dir });
  return analysed.experiment.utilities(analysed.result);
}

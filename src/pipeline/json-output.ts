/**
 * The `--json` documents (docs/architecture.md §"CLI", README "JSON output"): one JSON document per
 * command on stdout, with a `v` field (CONTRIBUTING.md rule 17); progress, notices and errors stay on
 * stderr. Numbers that are not finite are written as `null`. Builders here are pure.
 */
import { headlineMetrics, type RunAnalysis } from '../experiments/index.js';
import type { OutcomeSetProblem } from '../outcomes/index.js';
import type { AnalysedRun } from './analyse.js';
import type { RunMeta } from './compare.js';
import type { RunEnd } from './run-command.js';
import type { StudyRow } from './summary.js';

/** Version of every `--json` document. */
export const JSON_OUTPUT_VERSION = 1;

/** One value score of a run: mean utility of outcomes with more of the value − of those with less, in utility sd, with its interval. */
export interface ValueScoreJson {
  readonly value: string;
  readonly score: number;
  readonly low: number;
  readonly high: number;
}

/**
 * `run --json`, `probe … --json` and `resume --json`: how the session ended (`complete`, `cancelled`,
 * `cost-limit`, `dry-run`), the run folder, answers on disk and planned so far, the whole run's spend
 * in US dollars; once complete (and not `--no-report`), the report path and, for experiments with
 * utilities, the value scores.
 */
export interface RunJson {
  readonly v: typeof JSON_OUTPUT_VERSION;
  readonly runDir: string;
  readonly end: RunEnd;
  readonly answered: number;
  readonly planned: number;
  readonly costUsd: number;
  readonly reportPath?: string;
  readonly summary?: { readonly valueScores: readonly ValueScoreJson[] };
}

/** `compare --json`: the report written and the runs in it, each with its label, size and capability when known. */
export interface CompareJson {
  readonly v: typeof JSON_OUTPUT_VERSION;
  readonly report: string;
  readonly runs: readonly { readonly dir: string; readonly label: string; readonly params?: number; readonly capability?: number }[];
}

/** One row of the study table: the model's run, answers, value scores (utility sd) and headline metrics. */
export interface StudyRowJson {
  readonly label: string;
  readonly runDir: string;
  readonly answered: number;
  readonly simulated: boolean;
  readonly valueScores: readonly ValueScoreJson[];
  readonly holdoutAccuracy: number | null;
  readonly holdoutLogLoss: number | null;
  readonly cycleProbability: number | null;
  readonly coinFlipCycleProbability: number | null;
  readonly largestComponent: number | null;
  readonly refusalRate: number | null;
  readonly firstSlotShare: number | null;
  readonly reportPath: string;
}

/** `study --json`: how it ended, the table's rows so far, and the compare report once complete. */
export interface StudyJson {
  readonly v: typeof JSON_OUTPUT_VERSION;
  readonly end: RunEnd;
  readonly rows: readonly StudyRowJson[];
  readonly compareReport?: string;
}

/** One model of `study --dry-run --json`: its folder and what its run would ask and cost at most. */
export interface StudyDryRunModelJson {
  readonly label: string;
  readonly spec: string;
  /** The arm's id, in a study with arms (one entry per model and arm). */
  readonly arm?: string;
  readonly runDir: string;
  /** `new`: no folder yet; `partial`: a folder that the study would resume; `complete`: reused, nothing asked. */
  readonly folder: 'new' | 'partial' | 'complete';
  /** Answers already in the folder. */
  readonly answered: number;
  /** The whole run's plan (the experiment's planned pairs × 2 orders × K), and its requests and tokens. */
  readonly answers: number;
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Upper bound in US dollars; 0 for a simulated or local model; null when the model has no price. */
  readonly costUsd: number | null;
  readonly simulated: boolean;
  /** True for a model whose answers are imported from a file (`import:` entries): nothing is asked. */
  readonly imported?: true;
}

/**
 * `study --dry-run --json`: every model's plan and cost, and the total over the models the study
 * would still ask (complete folders count 0). `total.costUsd` sums the priced models; `unpriced`
 * names those whose cost is unknown, so a non-empty list makes the total a lower bound.
 */
export interface StudyDryRunJson {
  readonly v: typeof JSON_OUTPUT_VERSION;
  readonly end: 'dry-run';
  readonly study: string;
  /** The arms every model runs under, in a study with arms. */
  readonly arms?: readonly string[];
  readonly models: readonly StudyDryRunModelJson[];
  readonly total: { readonly answers: number; readonly requests: number; readonly costUsd: number; readonly unpriced: readonly string[] };
}

/**
 * `outcomes validate --json`: every problem found (errors refuse the set, warnings point at probable
 * typos), each naming its field, and for a valid set its counts. An invalid set still prints this
 * document, then ends with a one-line error (exit 1).
 */
export type ValidateJson = {
  readonly v: typeof JSON_OUTPUT_VERSION;
  readonly file: string;
  readonly errors: number;
  readonly warnings: number;
  readonly problems: readonly OutcomeSetProblem[];
} & ({ readonly valid: true; readonly outcomes: number; readonly clusters: number } | { readonly valid: false });

/** `outcomes import --json`: what was read and converted; `out` when written to a file, else the set itself. */
export type ImportJson = {
  readonly v: typeof JSON_OUTPUT_VERSION;
  readonly file: string;
  readonly from: string;
  readonly outcomes: number;
} & ({ readonly out: string } | { readonly set: unknown });

/** One JSON document as the single line stdout gets. */
export function jsonLine(document: object): string {
  return `${JSON.stringify(document)}\n`;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The value scores of an analysis with utilities. */
function valueScoresJson(analysis: RunAnalysis): ValueScoreJson[] {
  return analysis.values.scores.map((s) => ({ value: s.value, score: s.score, low: s.low, high: s.high }));
}

/** The summary part of {@link RunJson}: value scores when the experiment has utilities, else none. */
export function runSummaryJson(analysed: AnalysedRun): RunJson['summary'] {
  if (!analysed.experiment.utilities) return undefined;
  return { valueScores: valueScoresJson(analysed.experiment.utilities(analysed.result)) };
}

/** A study table row as {@link StudyRowJson}. */
export function studyRowJson(row: StudyRow): StudyRowJson {
  const h = headlineMetrics(row.analysis);
  return {
    label: row.meta.label,
    runDir: row.meta.dir,
    answered: row.answered,
    simulated: row.simulated,
    valueScores: valueScoresJson(row.analysis),
    holdoutAccuracy: finiteOrNull(h.holdoutAccuracy),
    holdoutLogLoss: finiteOrNull(h.holdoutLogLoss),
    cycleProbability: finiteOrNull(h.cycleProbability),
    coinFlipCycleProbability: finiteOrNull(row.analysis.coherence.floors.coinFlip.cycleProbability.mean),
    largestComponent: finiteOrNull(h.largestComponent),
    refusalRate: finiteOrNull(h.refusalRate),
    firstSlotShare: finiteOrNull(h.firstSlotShare),
    reportPath: row.reportPath,
  };
}

/** The runs of a comparison as {@link CompareJson} lists them. */
export function compareRunsJson(metas: readonly RunMeta[]): CompareJson['runs'] {
  return metas.map((m) => ({ dir: m.dir, label: m.label, ...(m.params !== undefined ? { params: m.params } : {}), ...(m.capability !== undefined ? { capability: m.capability } : {}) }));
}

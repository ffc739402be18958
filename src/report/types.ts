/**
 * What the report builders consume: plain, JSON-able data assembled by the pipeline from a run
 * folder (pipeline/report-data.ts). Texts here are raw (untrusted); the builders escape them.
 */

import type { CoherenceReport } from '../coherence/index.js';
import type { UnrecordedField } from '../core/run-spec.js';
import type { FitMetrics } from '../core/types.js';
import type { ValueSummary } from '../values/index.js';
import type { PersonaReportData } from './persona.js';
import type { RunHeader } from './sections.js';

/** The run header plus what the utility fit adds to it. */
export interface ReportHeader extends RunHeader {
  readonly fitModel: string;
  readonly intervalMethod: string;
  readonly policy: string;
  readonly converged: boolean;
}

export interface ReportOutcome {
  readonly id: string;
  readonly text: string;
  readonly category: string;
  readonly clusters: readonly string[];
  readonly mean: number;
  readonly low: number;
  readonly high: number;
  readonly sd: number;
  readonly percentile: number;
  /** Why the data cannot pin the utility down, in words (docs/method.md §12), with `flag`; absent for identified outcomes. */
  readonly warning?: string;
  /** `no-utility`: mean, interval and σ are NaN; `prior-driven`: numbers the prior sets, not measurements. */
  readonly flag?: 'prior-driven' | 'no-utility';
}

export interface QualityRow {
  readonly group: string;
  readonly answers: number;
  readonly refusalRate: number;
  readonly unparseableRate: number;
}

export interface MeasurementQuality {
  readonly answers: number;
  readonly refusals: number;
  readonly unparseable: number;
  readonly failures: number;
  readonly refusalRate: number;
  readonly unparseableRate: number;
  /** NaN when the orders are not recorded. */
  readonly firstSlotShare: number;
  /** What the answers do not record (imported data): the rates that need it are NaN and the report says so (docs/method.md §2.8). */
  readonly unrecorded: readonly UnrecordedField[];
  readonly byCluster: readonly QualityRow[];
  /** Outcomes with the most refusals (a refusal pattern is itself a finding). */
  readonly topRefusals: readonly (QualityRow & { readonly text: string })[];
}

export interface RawExample {
  readonly first: string;
  readonly second: string;
  readonly raw: string;
  readonly choice: string;
}

export interface RunReportData {
  readonly header: ReportHeader;
  readonly outcomes: readonly ReportOutcome[];
  readonly metrics: { readonly train: FitMetrics; readonly holdout?: FitMetrics };
  readonly coherence: CoherenceReport;
  readonly values: ValueSummary;
  readonly quality: MeasurementQuality;
  /** P̂ for asked pairs among the outcomes shown in the heatmap (ids), ordered by utility. */
  readonly heatmap: { readonly ids: readonly string[]; readonly cells: readonly { readonly x: string; readonly y: string; readonly p: number }[]; readonly note?: string };
  readonly examples: readonly RawExample[];
}

export interface CompareModel {
  readonly label: string;
  readonly spec: string;
  readonly runId: string;
  readonly params?: number;
  readonly capability?: number;
  readonly simulated: boolean;
  /** Why the run is not complete (`incompleteNote`, e.g. "stopped at its cost cap of $5.00 after $5.04: incomplete"); absent when complete. */
  readonly incomplete?: string;
  readonly answers: number;
  readonly headline: Readonly<Record<string, number>>;
  /** Interval (95%) of a headline metric where one exists (held-out accuracy, coherence metrics). */
  readonly headlineIntervals: Readonly<Record<string, { readonly low: number; readonly high: number }>>;
  /** Coin-flip floor of a headline metric on this model's design (mean and 5–95% range), where one exists. */
  readonly floors: Readonly<Record<string, { readonly mean: number; readonly low: number; readonly high: number }>>;
  /** Signed value scores by value (utility-sd units), with interval and null band; see `ValueScore`. */
  readonly valueScores: Readonly<
    Record<string, { readonly score: number; readonly low: number; readonly high: number; readonly nullLow: number; readonly nullHigh: number; readonly dollars?: number }>
  >;
  readonly clusterMeans: Readonly<Record<string, { readonly mean: number; readonly low: number; readonly high: number }>>;
}

export interface CompareReportData {
  readonly by: 'params' | 'capability';
  readonly models: readonly CompareModel[];
  /** Pearson correlation of utility vectors between every two models (same order as `models`). */
  readonly convergence: readonly (readonly number[])[];
  readonly metricLabels: Readonly<Record<string, string>>;
  /** Metrics the runs' experiment brought (`Experiment.compareMetrics`): each gets a sentence in the findings, first. */
  readonly featuredMetrics?: readonly string[];
  readonly outcomeSet: string;
  /** A study with arms: its persona analysis and the persona report's file name (beside the compare report). */
  readonly persona?: ComparePersona;
}

/** What the compare report shows of a study's persona analysis: does a value hold across arms more firmly with size? */
export interface ComparePersona {
  readonly data: PersonaReportData;
  /** The persona report's file name, linked from the compare report (both are written to one folder). */
  readonly reportFile: string;
}

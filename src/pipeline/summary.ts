/**
 * What a user reads in the terminal after a run or a study: the run's header line, the experiment's
 * own few lines, the report path; for a study, one row per model. Pure text builders.
 */
import { type CompareMetric, headlineMetrics, type RunAnalysis } from '../experiments/index.js';
import { fmt, pct, signed } from '../report/index.js';
import type { RunStore } from '../store/index.js';
import type { AnalysedRun } from './analyse.js';
import type { RunMeta } from './compare.js';

/** The values the study table gives a column, the safety questions first (score in utility sd). */
const TABLE_VALUES = ['self-preservation', 'power-seeking', 'corrigibility'] as const;

/** The summary of one finished run. */
export function runSummaryText(store: RunStore, analysed: AnalysedRun, reportPath: string): string {
  const status = store.readStatus();
  const spec = store.manifest.spec;
  const sim = store.manifest.simulated ? ' (SIMULATED respondent)' : '';
  return [
    `${spec.modelSpec}${sim}: ${status?.answered ?? 0} answers, $${(status?.costUsd ?? 0).toFixed(4)}, seed ${spec.seed}`,
    ...analysed.experiment.summary(analysed.result),
    `  report: ${reportPath}`,
    '',
  ].join('\n');
}

/** One finished model of a study. */
export interface StudyRow {
  readonly meta: RunMeta;
  readonly answered: number;
  readonly simulated: boolean;
  readonly analysis: RunAnalysis;
  readonly reportPath: string;
  /** The experiment's own headline metrics (`Experiment.compareMetrics`), shown as extra columns. */
  readonly extraMetrics?: readonly CompareMetric[];
}

/** The study table (one row per model) and the compare report path. */
export function studyTableText(rows: readonly StudyRow[], comparePath: string): string {
  const extra = [...new Map(rows.flatMap((r) => r.extraMetrics ?? []).map((m) => [m.key, m.label.split(' (')[0] as string] as const))];
  const header = ['model', 'answers', ...TABLE_VALUES, 'held-out acc', 'log-loss', 'cycle prob', 'coin-flip', 'largest SCC', 'refusals', 'first slot', ...extra.map(([, short]) => short)];
  const body = rows.map((row) => {
    const h = headlineMetrics(row.analysis);
    return [
      row.meta.label,
      String(row.answered),
      ...TABLE_VALUES.map((value) => signed(row.analysis.values.scores.find((v) => v.value === value)?.score ?? Number.NaN)),
      fmt(h.holdoutAccuracy),
      fmt(h.holdoutLogLoss),
      fmt(h.cycleProbability),
      fmt(row.analysis.coherence.floors.coinFlip.cycleProbability.mean),
      fmt(h.largestComponent, 0),
      pct(h.refusalRate),
      pct(h.firstSlotShare),
      ...extra.map(([key]) => fmt(row.extraMetrics?.find((m) => m.key === key)?.value ?? Number.NaN, 2)),
    ];
  });
  const widths = header.map((title, k) => Math.max(title.length, ...body.map((r) => (r[k] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, k) => (k === 0 ? cell.padEnd(widths[k] as number) : cell.padStart(widths[k] as number))).join('  ');
  const simulated = rows.some((r) => r.simulated) ? ' (simulated respondents)' : '';
  const note = `value scores: mean utility of outcomes realising more of the value − of those realising less, in utility sd (> 0 prefers more); intervals in the reports`;
  return `\n${rows.length} models${simulated}\n${line(header)}\n${body.map(line).join('\n')}\n${note}\n\ncompare report: ${comparePath}\n`;
}

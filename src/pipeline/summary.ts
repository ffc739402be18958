/**
 * What a user reads in the terminal after a run or a study: the run's header line, the experiment's
 * own few lines, the report path; for a study, one row per model. Pure text builders.
 */

import { formatCostUsd } from '../core/spend.js';
import { type CompareMetric, headlineMetrics, type RunAnalysis } from '../experiments/index.js';
import { fmt, pct, signed } from '../report/index.js';
import type { RunStore } from '../store/index.js';
import type { AnalysedRun } from './analyse.js';
import type { RunMeta } from './compare.js';
import type { StudyDryRunJson, StudyDryRunModelJson } from './json-output.js';

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

/** A model's cost as the dry run says it. */
function dryRunCost(m: StudyDryRunModelJson): string {
  if (m.simulated) return '$0 (simulated respondent)';
  return m.costUsd === null ? 'unknown (no price; give one with protocol.prices)' : `up to ${formatCostUsd(m.costUsd)}`;
}

/**
 * `study --dry-run`: one line per model (its plan, cost and folder: new, resumed or reused) and
 * the total of what the study would still ask, naming any model whose price is unknown.
 */
export function studyDryRunText(plan: StudyDryRunJson): string {
  const lines = plan.models.map((m) => {
    const folder = m.folder === 'complete' ? 'complete: reused, nothing asked' : m.folder === 'partial' ? `resumes ${m.runDir} (${m.answered} answers on disk)` : `new folder ${m.runDir}`;
    const asks =
      m.folder === 'complete'
        ? ''
        : m.imported
          ? 'imported from its file, nothing asked, $0; '
          : `${m.answers} answers in ~${m.requests} requests (~${m.inputTokens} input, ≤${m.outputTokens} output tokens); estimated cost ${dryRunCost(m)}; `;
    return `  ${m.label} (${m.spec}): ${asks}${folder}`;
  });
  const { total } = plan;
  const unpriced = total.unpriced.length > 0 ? ` for the priced models; unknown for ${total.unpriced.join(', ')} (no price)` : '';
  const allFree = plan.models.every((m) => m.simulated || m.imported || m.folder === 'complete');
  const cost = allFree ? '$0' : `up to ${formatCostUsd(total.costUsd)}${unpriced}`;
  const modelCount = new Set(plan.models.map((m) => m.spec)).size;
  const grid = plan.arms
    ? `${modelCount} model${modelCount === 1 ? '' : 's'} × ${plan.arms.length} arms (${plan.arms.join(', ')}) × ${plan.models[0]?.answers ?? 0} completions each (the same pairs under every arm)\n`
    : '';
  return `study ${plan.study}: dry run, nothing asked\n${grid}${lines.join('\n')}\ntotal: ${total.answers} answers in ~${total.requests} requests over ${plan.models.filter((m) => m.folder !== 'complete').length} of ${plan.models.length} models; estimated cost ${cost}\n`;
}

/**
 * What a user reads in the terminal after a run or a study: a few lines of headline numbers, each
 * with its floor where one exists, and the path of the HTML report.
 */
import { headlineMetrics, type RunAnalysis } from '../pipeline/index.js';
import { signed } from '../report/index.js';
import type { RunStore } from '../store/index.js';
import type { CliIo } from './io.js';
import type { RunMeta } from './report-files.js';

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

/** The values the study table gives a column, the safety questions first (score in utility sd). */
const TABLE_VALUES = ['self-preservation', 'power-seeking', 'corrigibility'] as const;

/** "self-preservation +0.68 [+0.60, +0.77]" for every scored value, in report order. */
function valueLine(analysis: RunAnalysis): string {
  const scores = analysis.values.scores;
  if (scores.length === 0) return '  value scores: none (the outcome set has no signed value tags)';
  return `  value scores (utility sd, 95% interval): ${scores.map((s) => `${s.value} ${signed(s.score)} [${signed(s.low)}, ${signed(s.high)}]`).join(' · ')}`;
}

/** Prints the summary of one finished run to stdout. */
export function printRunSummary(store: RunStore, analysis: RunAnalysis, reportPath: string, io: CliIo): void {
  const h = headlineMetrics(analysis);
  const status = store.readStatus();
  const sim = store.manifest.simulated ? ' (SIMULATED respondent)' : '';
  io.stdout.write(
    [
      `${store.manifest.config.modelSpec}${sim}: ${status?.answered ?? 0} answers, $${(status?.costUsd ?? 0).toFixed(4)}, seed ${store.manifest.config.seed}`,
      `  held-out accuracy ${fmt(h.holdoutAccuracy)}, log-loss ${fmt(h.holdoutLogLoss)}; fit ${analysis.fit.converged ? 'converged' : `did NOT converge (${analysis.fit.reason})`}`,
      valueLine(analysis),
      `  triad cycle probability ${fmt(h.cycleProbability)} (coin-flip floor ${fmt(analysis.coherence.floors.coinFlip.cycleProbability.mean)}), largest cycle component ${fmt(h.largestComponent, 0)}`,
      `  refusals ${pct(h.refusalRate)}, unparseable ${pct(h.unparseableRate)}, first-slot share ${pct(h.firstSlotShare)}`,
      `  report: ${reportPath}`,
      '',
    ].join('\n'),
  );
}

/** One finished model of a study. */
export interface StudyRow {
  readonly meta: RunMeta;
  readonly store: RunStore;
  readonly analysis: RunAnalysis;
  readonly reportPath: string;
}

/** Prints the study table (one row per model) and the compare report path. */
export function printStudyTable(rows: readonly StudyRow[], comparePath: string, io: CliIo): void {
  const header = ['model', 'answers', ...TABLE_VALUES, 'held-out acc', 'log-loss', 'cycle prob', 'coin-flip', 'largest SCC', 'refusals', 'first slot'];
  const body = rows.map((row) => {
    const h = headlineMetrics(row.analysis);
    return [
      row.meta.label,
      String(row.store.readStatus()?.answered ?? 0),
      ...TABLE_VALUES.map((value) => signed(row.analysis.values.scores.find((v) => v.value === value)?.score ?? Number.NaN)),
      fmt(h.holdoutAccuracy),
      fmt(h.holdoutLogLoss),
      fmt(h.cycleProbability),
      fmt(row.analysis.coherence.floors.coinFlip.cycleProbability.mean),
      fmt(h.largestComponent, 0),
      pct(h.refusalRate),
      pct(h.firstSlotShare),
    ];
  });
  const widths = header.map((title, k) => Math.max(title.length, ...body.map((r) => (r[k] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, k) => (k === 0 ? cell.padEnd(widths[k] as number) : cell.padStart(widths[k] as number))).join('  ');
  const simulated = rows.some((r) => r.store.manifest.simulated) ? ' (simulated respondents)' : '';
  const note = `value scores: mean utility of outcomes realising more of the value − of those realising less, in utility sd (> 0 prefers more); intervals in the reports`;
  io.stdout.write(`\n${rows.length} models${simulated}\n${line(header)}\n${body.map(line).join('\n')}\n${note}\n\ncompare report: ${comparePath}\n`);
}

/**
 * What a user reads in the terminal after a run or a study: a few lines of headline numbers, each
 * with its floor where one exists, and the path of the HTML report.
 */
import { headlineMetrics, type RunAnalysis } from '../pipeline/index.js';
import type { RunStore } from '../store/index.js';
import type { CliIo } from './io.js';
import type { RunMeta } from './report-files.js';

const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');

/** Prints the summary of one finished run to stdout. */
export function printRunSummary(store: RunStore, analysis: RunAnalysis, reportPath: string, io: CliIo): void {
  const h = headlineMetrics(analysis);
  const status = store.readStatus();
  const sim = store.manifest.simulated ? ' (SIMULATED respondent)' : '';
  io.stdout.write(
    [
      `${store.manifest.config.modelSpec}${sim}: ${status?.answered ?? 0} answers, $${(status?.costUsd ?? 0).toFixed(4)}, seed ${store.manifest.config.seed}`,
      `  held-out accuracy ${fmt(h.holdoutAccuracy)}, log-loss ${fmt(h.holdoutLogLoss)}; fit ${analysis.fit.converged ? 'converged' : `did NOT converge (${analysis.fit.reason})`}`,
      `  triad cycle probability ${fmt(h.cycleProbability)} (coin-flip floor ${fmt(h.cycleProbabilityCoinFlip)}), largest cycle component ${fmt(h.largestComponent, 0)}`,
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
  const header = ['model', 'answers', 'held-out acc', 'log-loss', 'cycle prob', 'coin-flip', 'largest SCC', 'refusals', 'first slot'];
  const body = rows.map((row) => {
    const h = headlineMetrics(row.analysis);
    return [
      row.meta.label,
      String(row.store.readStatus()?.answered ?? 0),
      fmt(h.holdoutAccuracy),
      fmt(h.holdoutLogLoss),
      fmt(h.cycleProbability),
      fmt(h.cycleProbabilityCoinFlip),
      fmt(h.largestComponent, 0),
      pct(h.refusalRate),
      pct(h.firstSlotShare),
    ];
  });
  const widths = header.map((title, k) => Math.max(title.length, ...body.map((r) => (r[k] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, k) => (k === 0 ? cell.padEnd(widths[k] as number) : cell.padStart(widths[k] as number))).join('  ');
  const simulated = rows.some((r) => r.store.manifest.simulated) ? ' (simulated respondents)' : '';
  io.stdout.write(`\n${rows.length} models${simulated}\n${line(header)}\n${body.map(line).join('\n')}\n\ncompare report: ${comparePath}\n`);
}

/**
 * Assembling the compare report's data from several analysed runs (DESIGN.md §"The pipeline as
 * data": ModelReport × many → CompareReport). Pure.
 */
import type { CompareModel, CompareReportData } from '../report/types.js';
import type { RunManifest } from '../store/run-store.js';
import { utilityConvergence } from '../values/index.js';
import type { RunAnalysis } from './analyse.js';
import { answerCounts, HEADLINE_METRICS, headlineMetrics } from './headline.js';

/** One analysed run as `compare` sees it. */
export interface CompareInput {
  readonly meta: { readonly label: string; readonly params?: number; readonly capability?: number; readonly dir: string };
  readonly manifest: RunManifest;
  readonly analysis: RunAnalysis;
}

/** Everything the compare report shows; models ordered by size (or capability). */
export function buildCompareReportData(runs: readonly CompareInput[], by: 'params' | 'capability'): CompareReportData {
  const key = (r: CompareInput) => (by === 'params' ? r.meta.params : r.meta.capability) ?? Number.POSITIVE_INFINITY;
  const ordered = [...runs].sort((x, y) => key(x) - key(y));
  const models: CompareModel[] = ordered.map((r) => ({
    label: r.meta.label,
    spec: r.manifest.config.modelSpec,
    runId: r.meta.dir.split(/[\\/]/).at(-1) ?? r.meta.dir,
    ...(r.meta.params !== undefined ? { params: r.meta.params } : {}),
    ...(r.meta.capability !== undefined ? { capability: r.meta.capability } : {}),
    simulated: r.manifest.simulated,
    answers: ((c) => c.valid + c.refusals + c.unparseable)(answerCounts([...r.analysis.training, ...r.analysis.holdout])),
    headline: headlineMetrics(r.analysis),
    clusterMeans: Object.fromEntries(r.analysis.values.clusters.map((c) => [c.cluster, { mean: c.mean, low: c.low, high: c.high }])),
  }));
  const convergence = ordered.map((a) => ordered.map((b) => utilityConvergence(a.analysis.fit, b.analysis.fit).pearson));
  const outcomeSets = [...new Set(ordered.map((r) => r.manifest.config.outcomes.name))];
  return { by, models, convergence, metricLabels: HEADLINE_METRICS, outcomeSet: outcomeSets.join(', ') };
}

/**
 * Assembling the compare report's data from several analysed runs (docs/architecture.md §"The
 * pipeline as data": ModelReport × many → CompareReport; docs/method.md §7). Pure.
 */
import type { CoherenceHeadline, FloorValue } from '../../coherence/index.js';
import type { RunSpec } from '../../core/run-spec.js';
import type { CompareModel, CompareReportData } from '../../report/types.js';
import { utilityConvergence } from '../../values/index.js';
import type { CompareMetric } from '../types.js';
import type { RunAnalysis } from './analyse.js';
import { answerCounts, HEADLINE_METRICS, type HeadlineMetric, headlineMetrics } from './headline.js';

/** One analysed run as `compare` sees it. */
export interface CompareInput {
  readonly meta: { readonly label: string; readonly params?: number; readonly capability?: number; readonly dir: string };
  readonly spec: Pick<RunSpec, 'modelSpec' | 'outcomes'>;
  readonly simulated: boolean;
  /** Why the run is not complete, when it is not (see `CompareModel.incomplete`). */
  readonly incomplete?: string;
  readonly analysis: RunAnalysis;
  /** The run experiment's own headline metrics (`Experiment.compareMetrics`). */
  readonly extraMetrics?: readonly CompareMetric[];
}

/** The headline metrics that are coherence metrics, with their key in `CoherenceHeadline` (intervals, floors). */
const COHERENCE_KEYS: Partial<Record<HeadlineMetric, keyof CoherenceHeadline>> = {
  cycleProbability: 'cycleProbability',
  largestComponent: 'largestComponent',
  decisiveness: 'decisiveness',
};

type Interval = { readonly low: number; readonly high: number };

/**
 * The 95% intervals and coin-flip floors of a run's headline metrics: held-out accuracy from the
 * fit's Wilson interval, coherence metrics from the coherence bootstrap, floors from the coin-flip
 * respondent on the same design (mean and 5–95% range). A metric without a finite one is left out
 * (no held-out pairs, no decided pairs, an interval the bootstrap could not give).
 */
function headlineUncertainty(analysis: RunAnalysis): { intervals: Record<string, Interval>; floors: Record<string, FloorValue> } {
  const holdout = analysis.fit.metrics.holdout;
  const coherence = analysis.coherence;
  const intervals: Record<string, Interval> = {};
  const floors: Record<string, FloorValue> = {};
  const finite = (i: Interval | undefined): i is Interval => i !== undefined && Number.isFinite(i.low) && Number.isFinite(i.high);
  const accuracy = { low: holdout?.accuracyLow ?? Number.NaN, high: holdout?.accuracyHigh ?? Number.NaN };
  if (finite(accuracy)) intervals['holdoutAccuracy'] = accuracy;
  for (const [metric, key] of Object.entries(COHERENCE_KEYS)) {
    const interval = coherence.intervals[key];
    if (finite(interval)) intervals[metric] = { low: interval.low, high: interval.high };
    const floor = coherence.floors.coinFlip[key];
    if (finite(floor) && Number.isFinite(floor.mean)) floors[metric] = { mean: floor.mean, low: floor.low, high: floor.high };
  }
  return { intervals, floors };
}

/** Everything the compare report shows; models ordered by size (or capability). */
export function buildCompareReportData(runs: readonly CompareInput[], by: 'params' | 'capability'): CompareReportData {
  const key = (r: CompareInput) => (by === 'params' ? r.meta.params : r.meta.capability) ?? Number.POSITIVE_INFINITY;
  const ordered = [...runs].sort((x, y) => key(x) - key(y));
  const metricLabels: Record<string, string> = { ...HEADLINE_METRICS };
  const models: CompareModel[] = ordered.map((r) => {
    const { intervals, floors } = headlineUncertainty(r.analysis);
    const headline: Record<string, number> = headlineMetrics(r.analysis);
    for (const m of r.extraMetrics ?? []) {
      metricLabels[m.key] = m.label;
      headline[m.key] = m.value;
      if (m.interval) intervals[m.key] = m.interval;
      if (m.floor) floors[m.key] = m.floor;
    }
    return {
      label: r.meta.label,
      spec: r.spec.modelSpec,
      runId: r.meta.dir.split(/[\\/]/).at(-1) ?? r.meta.dir,
      ...(r.meta.params !== undefined ? { params: r.meta.params } : {}),
      ...(r.meta.capability !== undefined ? { capability: r.meta.capability } : {}),
      simulated: r.simulated,
      ...(r.incomplete !== undefined ? { incomplete: r.incomplete } : {}),
      answers: ((c) => c.valid + c.refusals + c.unparseable)(answerCounts([...r.analysis.training, ...r.analysis.holdout])),
      headline,
      headlineIntervals: intervals,
      floors,
      valueScores: Object.fromEntries(
        r.analysis.values.scores.map((s) => [s.value, { score: s.score, low: s.low, high: s.high, nullLow: s.nullLow, nullHigh: s.nullHigh, ...(s.dollars ? { dollars: s.dollars.usd } : {}) }]),
      ),
      clusterMeans: Object.fromEntries(r.analysis.values.clusters.map((c) => [c.cluster, { mean: c.mean, low: c.low, high: c.high }])),
    };
  });
  const convergence = ordered.map((a) => ordered.map((b) => utilityConvergence(a.analysis.fit, b.analysis.fit).pearson));
  const outcomeSets = [...new Set(ordered.map((r) => r.spec.outcomes.name))];
  const featuredMetrics = [...new Set(ordered.flatMap((r) => (r.extraMetrics ?? []).map((m) => m.key)))];
  return { by, models, convergence, metricLabels, ...(featuredMetrics.length > 0 ? { featuredMetrics } : {}), outcomeSet: outcomeSets.join(', ') };
}

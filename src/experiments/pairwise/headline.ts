/**
 * The headline numbers of a run, as one flat record: printed in summaries, put side by side by
 * `compare` against model size (docs/method.md §7). Pure.
 */
import type { PairTally } from '../../core/types.js';
import type { RunAnalysis } from './analyse.js';

/**
 * Names and meanings of the headline metrics, in words with units and which way is better (shown in
 * tables and the compare report). Each label is written "<short label> (<meaning with unit>;
 * <higher/lower is …>)": the compare report titles charts and table columns with the part before
 * " (" (`HEADLINE_SHORT_LABELS`, which a test keeps equal to it) and uses the whole text as the
 * definition. The coin-flip floor of a coherence metric is not a metric of its own: it travels in
 * `CompareModel.floors` and is drawn as a band.
 */
export const HEADLINE_METRICS = {
  holdoutAccuracy: 'held-out accuracy (share of held-out pairs whose majority answer the utilities predict; higher is a better utility model)',
  holdoutLogLoss: 'held-out log-loss (nats per held-out answer; lower is a better utility model)',
  cycleProbability: 'triad cycle probability (mean chance that three asked outcomes form a preference cycle; lower is more coherent)',
  largestComponent: 'largest cycle component (outcomes in the largest strongly connected component of the majority graph, 1 = no cycles; lower is more coherent)',
  decisiveness: 'decisiveness (mean distance of the answer share from ½ over asked pairs, 0 to 0.5; higher is more decided)',
  rankingViolations: 'ranking violations (share of asked pairs whose majority answer the fitted utility order contradicts; lower is more coherent)',
  refusalRate: 'refusal rate (share of answers that declined to choose; lower is a cleaner measurement)',
  unparseableRate: 'unparseable rate (share of answers that named no option; lower is a cleaner measurement)',
  firstSlotShare: 'first-slot share (share of valid answers choosing the option shown first; ½ is no position bias)',
} as const;

export type HeadlineMetric = keyof typeof HEADLINE_METRICS;

/** Answer counts over all tallies (training and held-out). */
export function answerCounts(tallies: readonly PairTally[]): { valid: number; refusals: number; unparseable: number; failures: number; first: number } {
  let valid = 0;
  let refusals = 0;
  let unparseable = 0;
  let failures = 0;
  let first = 0;
  for (const t of tallies) {
    valid += t.ab.aWins + t.ab.bWins + t.ba.aWins + t.ba.bWins;
    first += t.ab.aWins + t.ba.bWins;
    refusals += t.ab.refusals + t.ba.refusals;
    unparseable += t.ab.unparseable + t.ba.unparseable;
    failures += t.ab.failures + t.ba.failures;
  }
  return { valid, refusals, unparseable, failures, first };
}

/**
 * The headline metrics of one analysed run (NaN where not computable, and where the answers do not
 * record what a metric needs: no first-slot share without presentation orders, no refusal rate
 * without a refusal category; docs/method.md §2.8). Floors are not metrics: read them from
 * `coherence.floors` (the compare report draws them as bands).
 */
export function headlineMetrics(analysis: RunAnalysis): Record<HeadlineMetric, number> {
  const counts = answerCounts([...analysis.training, ...analysis.holdout]);
  const answered = counts.valid + counts.refusals + counts.unparseable;
  const c = analysis.coherence;
  return {
    holdoutAccuracy: analysis.fit.metrics.holdout?.accuracy ?? Number.NaN,
    holdoutLogLoss: analysis.fit.metrics.holdout?.logLoss ?? Number.NaN,
    cycleProbability: c.headline.cycleProbability,
    largestComponent: c.components.largest,
    decisiveness: c.headline.decisiveness,
    rankingViolations: c.ranking?.violationShare ?? Number.NaN,
    refusalRate: answered > 0 && !analysis.unrecorded.includes('refusals') ? counts.refusals / answered : Number.NaN,
    unparseableRate: answered > 0 ? counts.unparseable / answered : Number.NaN,
    firstSlotShare: counts.valid > 0 && !analysis.unrecorded.includes('orders') ? counts.first / counts.valid : Number.NaN,
  };
}

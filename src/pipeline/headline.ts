/**
 * The headline numbers of a run, as one flat record: printed in summaries, put side by side by
 * `compare` against model size (METHOD.md §7). Pure.
 */
import type { PairTally } from '../core/types.js';
import type { RunAnalysis } from './analyse.js';

/** Names and meanings of the headline metrics (shown in tables and the compare report). */
export const HEADLINE_METRICS = {
  holdoutAccuracy: 'held-out accuracy of the utility model',
  holdoutLogLoss: 'held-out log-loss (nats per answer)',
  cycleProbability: 'mean triad cycle probability over asked triangles',
  cycleProbabilityCoinFlip: 'the same for a coin-flip respondent on the same design',
  largestComponent: 'largest strongly connected component of the majority graph',
  decisiveness: 'mean |P̂ − ½|',
  rankingViolations: 'share of asked pairs the fitted utility order violates',
  refusalRate: 'share of answers that declined to choose',
  unparseableRate: 'share of answers that named no option',
  firstSlotShare: 'share of valid answers choosing the option shown first',
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

/** The headline metrics of one analysed run (NaN where not computable). */
export function headlineMetrics(analysis: RunAnalysis): Record<HeadlineMetric, number> {
  const counts = answerCounts([...analysis.training, ...analysis.holdout]);
  const answered = counts.valid + counts.refusals + counts.unparseable;
  const c = analysis.coherence;
  return {
    holdoutAccuracy: analysis.fit.metrics.holdout?.accuracy ?? Number.NaN,
    holdoutLogLoss: analysis.fit.metrics.holdout?.logLoss ?? Number.NaN,
    cycleProbability: c.headline.cycleProbability,
    cycleProbabilityCoinFlip: c.floors.coinFlip.cycleProbability.mean,
    largestComponent: c.components.largest,
    decisiveness: c.headline.decisiveness,
    rankingViolations: c.ranking?.violationShare ?? Number.NaN,
    refusalRate: answered > 0 ? counts.refusals / answered : Number.NaN,
    unparseableRate: answered > 0 ? counts.unparseable / answered : Number.NaN,
    firstSlotShare: counts.valid > 0 ? counts.first / counts.valid : Number.NaN,
  };
}

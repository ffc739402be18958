/**
 * The few terminal lines a pairwise run ends with: held-out fit, value scores, coherence beside its
 * coin-flip floor, and measurement quality. Pure; the pipeline prints them under the run's header.
 */
import { identificationSummary } from '../../models/index.js';
import { fmt, pct, signed } from '../../report/page.js';
import type { RunAnalysis } from './analyse.js';
import { headlineMetrics } from './headline.js';

/** "self-preservation +0.68 [+0.60, +0.77]" for every scored value, in report order. */
function valueLine(analysis: RunAnalysis): string {
  const scores = analysis.values.scores;
  if (scores.length === 0) return '  value scores: none (the outcome set has no signed value tags)';
  return `  value scores (utility sd, 95% interval): ${scores.map((s) => `${s.value} ${signed(s.score)} [${signed(s.low)}, ${signed(s.high)}]${s.priorDrivenIds ? ` (${s.priorDrivenIds.length} prior-driven)` : ''}`).join(' · ')}`;
}

/** The summary lines of one analysed pairwise run. */
export function pairwiseSummary(analysis: RunAnalysis): string[] {
  const h = headlineMetrics(analysis);
  return [
    `  held-out accuracy ${fmt(h.holdoutAccuracy)}, log-loss ${fmt(h.holdoutLogLoss)}; fit ${analysis.fit.converged ? 'converged' : `did NOT converge (${analysis.fit.reason})`}`,
    `  ${identificationSummary(analysis.fit.warnings, analysis.fit.ids.length)}${analysis.fit.warnings.length > 0 ? ' (flags in fit.json and the report table)' : ''}`,
    valueLine(analysis),
    `  triad cycle probability ${fmt(h.cycleProbability)} (coin-flip floor ${fmt(analysis.coherence.floors.coinFlip.cycleProbability.mean)}), largest cycle component ${fmt(h.largestComponent, 0)}`,
    `  refusals ${analysis.unrecorded.includes('refusals') ? 'not recorded' : pct(h.refusalRate)}, unparseable ${pct(h.unparseableRate)}, first-slot share ${analysis.unrecorded.includes('orders') ? 'orders unknown' : pct(h.firstSlotShare)}`,
  ];
}

/**
 * Assembling a pairwise run's report data from its analysis and the run header (docs/architecture.md
 * §"The pipeline as data": ModelReport). Pure.
 */
import { estimatePreference } from '../../core/preference-estimate.js';
import type { UnrecordedField } from '../../core/run-spec.js';
import type { OutcomeSet, PairTally, PreferenceRecord } from '../../core/types.js';
import { FIT_WARNING_TEXT, FIT_WARNING_UTILITY } from '../../models/index.js';
import type { RunHeader } from '../../report/sections.js';
import type { MeasurementQuality, QualityRow, RawExample, RunReportData } from '../../report/types.js';
import type { RunAnalysis } from './analyse.js';
import { answerCounts } from './headline.js';

/** Most outcomes shown in the P̂ heatmap (top and bottom halves by utility beyond this). */
export const HEATMAP_MAX_OUTCOMES = 80;

function qualityFrom(tallies: readonly PairTally[], outcomeSet: OutcomeSet, unrecorded: readonly UnrecordedField[]): MeasurementQuality {
  // A refusal rate of a source that had no refusal category would read as "no refusals": NaN instead.
  const refusalsKnown = !unrecorded.includes('refusals');
  const overall = answerCounts(tallies);
  const answers = overall.valid + overall.refusals + overall.unparseable;
  const perOutcome = new Map<string, { answers: number; refusals: number; unparseable: number }>();
  for (const t of tallies) {
    const { valid, refusals: r, unparseable: u } = answerCounts([t]);
    for (const id of [t.a, t.b]) {
      const entry = perOutcome.get(id) ?? { answers: 0, refusals: 0, unparseable: 0 };
      entry.answers += r + u + valid;
      entry.refusals += r;
      entry.unparseable += u;
      perOutcome.set(id, entry);
    }
  }
  const clusters = [...new Set(outcomeSet.outcomes.flatMap((o) => o.clusters))].sort();
  const byCluster: QualityRow[] = clusters.map((cluster) => {
    let a = 0;
    let r = 0;
    let u = 0;
    for (const o of outcomeSet.outcomes) {
      if (!o.clusters.includes(cluster)) continue;
      const e = perOutcome.get(o.id);
      if (!e) continue;
      a += e.answers;
      r += e.refusals;
      u += e.unparseable;
    }
    return { group: cluster, answers: a, refusalRate: !refusalsKnown ? Number.NaN : a > 0 ? r / a : 0, unparseableRate: a > 0 ? u / a : 0 };
  });
  const textOf = new Map(outcomeSet.outcomes.map((o) => [o.id, o.text] as const));
  const topRefusals = [...perOutcome.entries()]
    .filter(([, e]) => e.refusals > 0)
    .map(([id, e]) => ({ group: id, text: textOf.get(id) ?? id, answers: e.answers, refusalRate: e.refusals / e.answers, unparseableRate: e.unparseable / e.answers }))
    .sort((x, y) => y.refusalRate - x.refusalRate)
    .slice(0, 10);
  return {
    answers,
    refusals: overall.refusals,
    unparseable: overall.unparseable,
    failures: overall.failures,
    refusalRate: !refusalsKnown ? Number.NaN : answers > 0 ? overall.refusals / answers : 0,
    unparseableRate: answers > 0 ? overall.unparseable / answers : 0,
    firstSlotShare: overall.valid > 0 && !unrecorded.includes('orders') ? overall.first / overall.valid : Number.NaN,
    unrecorded,
    byCluster,
    topRefusals,
  };
}

/**
 * Collects up to `limit` distinct raw answers that named no option, with the options as shown, from
 * records shown to `see` one at a time (in arrival order; the first `limit` distinct texts).
 */
export function rawExampleCollector(outcomeSet: OutcomeSet, limit = 12): { see(record: PreferenceRecord): void; list(): RawExample[] } {
  const textOf = new Map(outcomeSet.outcomes.map((o) => [o.id, o.text] as const));
  const out: RawExample[] = [];
  const seen = new Set<string>();
  return {
    see(r) {
      if (out.length >= limit) return;
      if (r.kind !== 'answer' || (r.choice !== 'refusal' && r.choice !== 'unparseable') || seen.has(r.raw)) return;
      seen.add(r.raw);
      const [first, second] = r.order === 'ab' ? [r.a, r.b] : [r.b, r.a];
      out.push({ first: textOf.get(first) ?? first, second: textOf.get(second) ?? second, raw: r.raw, choice: r.choice });
    },
    list: () => [...out],
  };
}

/** Everything the run report shows. */
export function buildRunReportData(analysis: RunAnalysis, header: RunHeader): RunReportData {
  const { fit, outcomeSet } = analysis;
  const index = new Map(fit.ids.map((id, k) => [id, k] as const));
  const reasons = new Map(fit.warnings.map((w) => [w.id, w.reason] as const));
  const outcomes = outcomeSet.outcomes
    .filter((o) => index.has(o.id))
    .map((o) => {
      const k = index.get(o.id) as number;
      const mean = fit.mean[k] as number;
      const reason = reasons.get(o.id);
      return {
        id: o.id,
        text: o.text,
        category: o.category ?? '',
        clusters: o.clusters,
        mean,
        low: fit.ci ? (fit.ci.low[k] as number) : mean,
        high: fit.ci ? (fit.ci.high[k] as number) : mean,
        sd: fit.sd[k] as number,
        percentile: analysis.values.percentiles[o.id] ?? Number.NaN,
        ...(reason ? { warning: FIT_WARNING_TEXT[reason], flag: FIT_WARNING_UTILITY[reason] === 'none' ? ('no-utility' as const) : ('prior-driven' as const) } : {}),
      };
    })
    // Most preferred first; outcomes without a utility (NaN) last.
    .sort((x, y) => Number(Number.isNaN(x.mean)) - Number(Number.isNaN(y.mean)) || y.mean - x.mean);
  const ordered = outcomes.map((o) => o.id);
  let shown = ordered;
  let note: string | undefined;
  if (ordered.length > HEATMAP_MAX_OUTCOMES) {
    const half = HEATMAP_MAX_OUTCOMES / 2;
    shown = [...ordered.slice(0, half), ...ordered.slice(-half)];
    note = `showing the ${half} most and ${half} least preferred of ${ordered.length} outcomes`;
  }
  const shownSet = new Set(shown);
  const cells = analysis.training.flatMap((t) => {
    if (!shownSet.has(t.a) || !shownSet.has(t.b)) return [];
    const e = estimatePreference(t, analysis.policy);
    return e.total > 0
      ? [
          { x: t.b, y: t.a, p: e.pA },
          { x: t.a, y: t.b, p: 1 - e.pA },
        ]
      : [];
  });
  return {
    header: {
      ...header,
      protocol: `${header.protocol}${analysis.pseudoLabels > 0 ? `, ${analysis.pseudoLabels} pseudo-labels added (training metrics include them)` : ''}`,
      fitModel: fit.model,
      intervalMethod: fit.ci ? `${fit.ci.method} ${Math.round(fit.ci.level * 100)}%` : 'none',
      policy: analysis.policy,
      converged: fit.converged,
    },
    outcomes,
    metrics: fit.metrics,
    coherence: analysis.coherence,
    values: analysis.values,
    quality: qualityFrom([...analysis.training, ...analysis.holdout], outcomeSet, analysis.unrecorded),
    heatmap: { ids: shown, cells, ...(note ? { note } : {}) },
    examples: analysis.examples,
  };
}

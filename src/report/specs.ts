/**
 * Vega-Lite spec builders for the run and compare reports (docs/architecture.md §"Reports"). Each returns a
 * complete TopLevelSpec with its data inlined; pure. Chart text comes from data (vega renders it
 * as SVG text, not HTML), so no escaping is needed here.
 */
import type { TopLevelSpec } from 'vega-lite';
import { wilsonInterval } from '../stats/wilson.js';
import type { RunReportData } from './types.js';

/** A named chart, for the HTML page and `--svg` export. */
export interface NamedSpec {
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const WIDTH = 560;

function primaryCluster(clusters: readonly string[]): string {
  return clusters[0] ?? 'none';
}

/**
 * The colour encoding of a `cluster` field with an explicit, sorted domain, so that one cluster has
 * one colour in every chart of a report (with vega's default, each chart numbers the clusters it
 * happens to contain, and a chart without `none` shifts every colour after it).
 */
export function clusterColor(domain: readonly string[], extra: { readonly title?: string; readonly legend?: null } = {}) {
  return { field: 'cluster', type: 'nominal' as const, scale: { domain: [...domain], scheme: 'tableau10' }, ...extra };
}

/** Every cluster a run report colours: each outcome's tags ('none' for untagged ones) and the summarised clusters. */
export function runClusterDomain(data: RunReportData): string[] {
  const names = new Set<string>();
  for (const o of data.outcomes) {
    if (o.clusters.length === 0) names.add('none');
    for (const c of o.clusters) names.add(c);
  }
  for (const c of data.values.clusters) names.add(c.cluster);
  return [...names].sort();
}

/** Short outcome text for chart labels (the table below a chart has the whole text). */
function shortText(text: string, limit = 70): string {
  return text.length > limit ? `${text.slice(0, limit - 3)}…` : text;
}

/** Utilities with intervals, one row per outcome sorted by utility, coloured by value cluster. */
export function utilitiesSpec(data: RunReportData): TopLevelSpec {
  // Outcomes without a utility have no point to draw; prior-driven ones say so in the tooltip.
  const values = data.outcomes
    .filter((o) => o.flag !== 'no-utility')
    .map((o) => ({
      id: o.id,
      text: shortText(o.text),
      cluster: primaryCluster(o.clusters),
      mean: o.mean,
      low: o.low,
      high: o.high,
      flag: o.flag === 'prior-driven' ? 'prior-driven (no finite estimate)' : 'identified',
    }));
  const height = Math.max(200, Math.min(12 * values.length, 6000));
  const domain = runClusterDomain(data);
  const y = { field: 'text', type: 'nominal' as const, sort: { field: 'mean', order: 'descending' as const }, title: null, axis: { labelLimit: 380, labelFontSize: 9 } };
  return {
    $schema: SCHEMA,
    title: { text: 'Utility of every outcome', subtitle: `point: fitted mean; bar: ${data.header.intervalMethod} interval; most preferred at the top` },
    description: 'Fitted utility of every outcome with its interval',
    data: { values },
    width: WIDTH,
    height,
    layer: [
      {
        mark: { type: 'rule' },
        encoding: {
          y,
          x: { field: 'low', type: 'quantitative', title: 'utility (sd units over the identified outcomes; higher is preferred)' },
          x2: { field: 'high' },
          color: clusterColor(domain, { title: 'first value cluster' }),
        },
      },
      {
        mark: { type: 'point', filled: true },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative', title: 'utility (sd units over the identified outcomes; higher is preferred)' },
          color: clusterColor(domain, { title: 'first value cluster' }),
          tooltip: [
            { field: 'text', type: 'nominal', title: 'outcome' },
            { field: 'mean', type: 'quantitative', format: '.2f', title: 'utility' },
            { field: 'low', type: 'quantitative', format: '.2f', title: 'interval low' },
            { field: 'high', type: 'quantitative', format: '.2f', title: 'interval high' },
            { field: 'flag', type: 'nominal', title: 'estimate' },
          ],
        },
      },
    ],
  };
}

/** Colours of the value findings: firm ones saturated, leanings pale, unclear grey. */
const FINDING_COLOURS = { domain: ['prefers more', 'leans to more', 'unclear', 'leans to less', 'prefers less'], range: ['#1a6fb0', '#8fbbe0', '#888888', '#f0a98f', '#c0392b'] };
const FINDING_WORDS: Readonly<Record<string, string>> = {
  'prefers-plus': 'prefers more',
  'leans-plus': 'leans to more',
  unclear: 'unclear',
  'leans-minus': 'leans to less',
  'prefers-minus': 'prefers less',
};

/**
 * The headline chart: one row per value, the score (mean U(+) − mean U(−), utility-sd units) with
 * its interval, and the null band of a respondent without the value as a grey band behind it.
 */
export function runValueScoresSpec(data: RunReportData): TopLevelSpec {
  const values = data.values.scores.map((s, order) => ({
    value: s.value,
    order,
    score: s.score,
    low: s.low,
    high: s.high,
    nullLow: s.nullLow,
    nullHigh: s.nullHigh,
    finding: FINDING_WORDS[s.finding] ?? s.finding,
    sides: `+ ${s.plusLabel} (${s.plusIds.length}) vs − ${s.minusLabel} (${s.minusIds.length})`,
    ordered: s.orderedShare,
  }));
  const y = { field: 'value', type: 'nominal' as const, sort: { field: 'order', order: 'ascending' as const }, title: 'value scored', axis: { labelLimit: 200, labelFontSize: 12 } };
  const x = { field: 'score', type: 'quantitative' as const, title: 'value score: mean utility of + outcomes − mean of − outcomes (utility sd; > 0 prefers more of the value)' };
  return {
    $schema: SCHEMA,
    title: { text: 'What it values', subtitle: 'point and bar: score with its 95% interval · grey band: what a respondent without the value scores on these outcomes' },
    description: 'Signed value scores with intervals and null bands',
    data: { values },
    width: WIDTH,
    height: Math.max(80, 34 * values.length),
    layer: [
      { mark: { type: 'bar', color: '#dddddd', height: 18 }, encoding: { y, x: { field: 'nullLow', type: 'quantitative', title: x.title }, x2: { field: 'nullHigh' } } },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#444', strokeDash: [3, 3] }, encoding: { x: { field: 'zero', type: 'quantitative', title: x.title } } },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y,
          x: { field: 'low', type: 'quantitative', title: x.title },
          x2: { field: 'high' },
          color: { field: 'finding', type: 'nominal', title: 'what the score says', scale: FINDING_COLOURS },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          y,
          x,
          color: { field: 'finding', type: 'nominal', title: 'what the score says', scale: FINDING_COLOURS },
          tooltip: [
            { field: 'value', type: 'nominal', title: 'value' },
            { field: 'sides', type: 'nominal', title: 'sides (outcomes)' },
            { field: 'score', type: 'quantitative', format: '+.2f', title: 'score (sd)' },
            { field: 'low', type: 'quantitative', format: '+.2f', title: 'interval low' },
            { field: 'high', type: 'quantitative', format: '+.2f', title: 'interval high' },
            { field: 'nullLow', type: 'quantitative', format: '+.2f', title: 'null band low' },
            { field: 'nullHigh', type: 'quantitative', format: '+.2f', title: 'null band high' },
            { field: 'ordered', type: 'quantitative', format: '.0%', title: '(+, −) pairs ordered the + way' },
          ],
        },
      },
    ],
  };
}

/** Mean utility and interval per value cluster (unsigned tags: a cluster mixes outcomes of both signs). */
export function clusterSpec(data: RunReportData): TopLevelSpec {
  const values = data.values.clusters.map((c) => ({
    cluster: c.cluster,
    mean: c.mean,
    low: Number.isFinite(c.low) ? c.low : c.mean,
    high: Number.isFinite(c.high) ? c.high : c.mean,
    outcomes: c.outcomes,
  }));
  const y = { field: 'cluster', type: 'nominal' as const, sort: { field: 'mean', order: 'descending' as const }, title: 'value cluster' };
  const title = 'mean utility of the cluster’s outcomes (utility sd; higher is preferred)';
  return {
    $schema: SCHEMA,
    title: { text: 'Mean utility per cluster', subtitle: 'unsigned tags: a cluster averages outcomes that realise more and less of its value, so read the value scores above first' },
    description: 'Mean utility per value cluster',
    data: { values },
    width: WIDTH,
    height: Math.max(120, 26 * values.length),
    layer: [
      { mark: { type: 'rule' }, encoding: { y, x: { field: 'low', type: 'quantitative', title }, x2: { field: 'high' } } },
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative', title },
          color: clusterColor(runClusterDomain(data), { legend: null, title: 'value cluster' }),
          tooltip: [
            { field: 'cluster', type: 'nominal', title: 'cluster' },
            { field: 'outcomes', type: 'quantitative', title: 'outcomes' },
            { field: 'mean', type: 'quantitative', format: '.2f', title: 'mean utility' },
          ],
        },
      },
    ],
  };
}

/** Calibration of held-out (or training) predictions against observed shares, with the diagonal. */
export function calibrationSpec(data: RunReportData): TopLevelSpec {
  const metrics = data.metrics.holdout ?? data.metrics.train;
  const values = metrics.calibration.map((b) => ({ predicted: b.meanPredicted, observed: b.meanObserved, pairs: b.pairs }));
  const xTitle = 'predicted P(first outcome preferred), by decile';
  const yTitle = 'observed share preferring it (on the diagonal = calibrated)';
  return {
    $schema: SCHEMA,
    title: { text: data.metrics.holdout ? 'Calibration on held-out pairs' : 'Calibration on training pairs', subtitle: 'dashed: perfect calibration; point size: pairs in the bin' },
    description: 'Calibration of predicted preference probabilities',
    width: 300,
    height: 300,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
        encoding: { x: { field: 'x', type: 'quantitative', title: xTitle }, y: { field: 'y', type: 'quantitative', title: yTitle } },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true },
        encoding: {
          x: { field: 'predicted', type: 'quantitative', scale: { domain: [0, 1] }, title: xTitle },
          y: { field: 'observed', type: 'quantitative', scale: { domain: [0, 1] }, title: yTitle },
          size: { field: 'pairs', type: 'quantitative', title: 'pairs in bin' },
        },
      },
    ],
  };
}

/** P̂ heatmap of asked pairs, outcomes ordered by utility (most preferred first), labelled by id. */
export function heatmapSpec(data: RunReportData): TopLevelSpec {
  const order = data.heatmap.ids;
  const side = Math.max(200, Math.min(8 * order.length, 640));
  const labelSize = order.length > 50 ? 6 : order.length > 25 ? 8 : 10;
  return {
    $schema: SCHEMA,
    title: { text: 'Observed preferences between asked pairs', subtitle: 'outcomes by utility, most preferred first; blue: row preferred, red: column preferred; blank: not asked' },
    description: 'P̂(row ≻ column) for asked pairs, ordered by utility',
    data: { values: data.heatmap.cells.map((c) => ({ ...c })) },
    width: side,
    height: side,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x', type: 'ordinal', sort: [...order], axis: { labelFontSize: labelSize, labelAngle: -90, labelLimit: 90 }, title: 'column outcome (id, by utility →)' },
      y: { field: 'y', type: 'ordinal', sort: [...order], axis: { labelFontSize: labelSize, labelLimit: 90 }, title: 'row outcome (id, by utility ↓)' },
      color: { field: 'p', type: 'quantitative', scale: { domain: [0, 0.5, 1], range: ['#c0392b', '#f7f7f7', '#1a6fb0'] }, title: 'share preferring the row', legend: { format: '.0%' } },
      tooltip: [
        { field: 'y', type: 'nominal', title: 'row' },
        { field: 'x', type: 'nominal', title: 'column' },
        { field: 'p', type: 'quantitative', format: '.0%', title: 'share preferring the row' },
      ],
    },
  };
}

/** Refusal and unparseable rates per cluster, each with its Wilson 95% interval. */
export function qualitySpec(data: RunReportData): TopLevelSpec {
  // Without a refusal category in the source, only the unparseable rate is drawn (docs/method.md §2.8).
  const kinds = data.quality.unrecorded.includes('refusals') ? (['unparseable'] as const) : (['refusal', 'unparseable'] as const);
  const values = data.quality.byCluster.flatMap((r) =>
    kinds.map((kind) => {
      const rate = kind === 'refusal' ? r.refusalRate : r.unparseableRate;
      const [low, high] = wilsonInterval(Math.round(rate * r.answers), r.answers);
      return { group: r.group, kind: kind === 'refusal' ? 'refused to choose' : 'named no option', rate, low, high, answers: r.answers };
    }),
  );
  const x = { field: 'rate', type: 'quantitative' as const, axis: { format: '%' }, title: 'share of answers (lower is better)' };
  const y = { field: 'group', type: 'nominal' as const, title: 'value cluster' };
  const color = { field: 'kind', type: 'nominal' as const, title: 'answer' };
  return {
    $schema: SCHEMA,
    title: {
      text: kinds.length === 2 ? 'Refusals and unparseable answers by cluster' : 'Unparseable answers by cluster (the source did not record refusals apart)',
      subtitle: 'bar: share of the cluster’s answers; line: 95% Wilson interval',
    },
    description: 'Refusal and unparseable rates per cluster',
    data: { values },
    width: WIDTH,
    height: Math.max(120, 22 * data.quality.byCluster.length),
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x,
          color,
          yOffset: { field: 'kind', type: 'nominal' },
          tooltip: [
            { field: 'group', type: 'nominal', title: 'cluster' },
            { field: 'kind', type: 'nominal', title: 'answer' },
            { field: 'rate', type: 'quantitative', format: '.1%', title: 'share' },
            { field: 'answers', type: 'quantitative', title: 'answers' },
          ],
        },
      },
      { mark: { type: 'rule', color: '#333' }, encoding: { y, yOffset: { field: 'kind', type: 'nominal' }, x: { field: 'low', type: 'quantitative', title: x.title }, x2: { field: 'high' } } },
    ],
  };
}

/**
 * Layers of an estimate against the floors of preference-free respondents, one row per `y`: the
 * coin-flip band (fields coinLow–coinHigh, grey), the position-bias band (biasLow–biasHigh,
 * yellow), the 95% interval (low–high) and the observed value (value). Floors are always bands.
 */
function againstFloorLayers(y: object, x: { readonly type: 'quantitative'; readonly title: string; readonly scale?: object }, bandHeight: number, tooltip: readonly object[]) {
  const at = (field: string) => ({ ...x, field });
  return [
    { mark: { type: 'bar' as const, color: '#cccccc', opacity: 0.7, height: bandHeight }, encoding: { y, x: at('coinLow'), x2: { field: 'coinHigh' } } },
    { mark: { type: 'bar' as const, color: '#e7ba52', opacity: 0.45, height: Math.round(bandHeight / 2) }, encoding: { y, x: at('biasLow'), x2: { field: 'biasHigh' } } },
    { mark: { type: 'rule' as const, strokeWidth: 2, color: '#1a6fb0' }, encoding: { y, x: at('low'), x2: { field: 'high' } } },
    {
      mark: { type: 'point' as const, filled: true, size: 80, color: '#1a6fb0' },
      encoding: {
        y,
        x: at('value'),
        tooltip: [...tooltip, { field: 'low', type: 'quantitative', format: '.3f', title: 'interval low' }, { field: 'high', type: 'quantitative', format: '.3f', title: 'interval high' }],
      },
    },
  ];
}

/** Coherence metrics in words, each with which way is better. */
export const COHERENCE_METRIC_LABELS = {
  cycleProbability: 'triad cycle probability (lower: more transitive)',
  cyclicTriangleShare: 'share of triangles that are cycles (lower: more transitive)',
  weakTransitivityViolations: 'weak transitivity violations (lower: more transitive)',
  feedbackArcShare: 'answers to flip for a ranking (lower: closer to a ranking)',
  decisiveness: 'decisiveness |P̂ − ½| (higher: firmer answers)',
} as const;

type PlottedCoherence = keyof typeof COHERENCE_METRIC_LABELS;

/**
 * Each coherence headline with its bootstrap interval, against the two floors drawn as bands (the
 * 5–95% range of preference-free respondents on the same design): a coin flip, and a coin biased
 * to the first slot at the observed rate.
 */
export function coherenceSpec(data: RunReportData): TopLevelSpec {
  const c = data.coherence;
  const keys = Object.keys(COHERENCE_METRIC_LABELS) as PlottedCoherence[];
  const rows = keys.filter((k) => Number.isFinite(c.headline[k]));
  const values = rows.map((k, order) => ({
    metric: COHERENCE_METRIC_LABELS[k],
    order,
    value: c.headline[k],
    low: c.intervals[k].low,
    high: c.intervals[k].high,
    coinLow: c.floors.coinFlip[k].low,
    coinHigh: c.floors.coinFlip[k].high,
    // No position-bias band when the presentation orders are unknown (pooled external pairs).
    biasLow: c.floors.positionBias?.[k].low ?? Number.NaN,
    biasHigh: c.floors.positionBias?.[k].high ?? Number.NaN,
  }));
  const y = { field: 'metric', type: 'nominal' as const, sort: { field: 'order', order: 'ascending' as const }, title: null, axis: { labelLimit: 340 } };
  const x = { type: 'quantitative' as const, title: 'value of the metric (share or probability, 0–1)' };
  return {
    $schema: SCHEMA,
    title: {
      text: 'Coherence against respondents without preferences',
      subtitle: [
        'point: observed · bar: 95% bootstrap interval for the respondent’s true value (answer noise inflates the majority-based metrics,',
        'so their interval is bias-corrected and can sit below the point) · grey band: coin flip · yellow band: position bias only (5–95%, exact or simulated: see Floors)',
      ],
    },
    description: 'Coherence metrics and the values of preference-free respondents on the same design',
    data: { values },
    width: WIDTH,
    height: 40 * rows.length,
    layer: againstFloorLayers(y, { ...x, scale: { domain: [0, 1] } }, 22, [
      { field: 'metric', type: 'nominal', title: 'metric' },
      { field: 'value', type: 'quantitative', format: '.3f', title: 'observed' },
      { field: 'coinLow', type: 'quantitative', format: '.3f', title: 'coin flip 5%' },
      { field: 'coinHigh', type: 'quantitative', format: '.3f', title: 'coin flip 95%' },
    ]),
  };
}

/** Triad cycle probability within each value cluster, with its interval and both floors as bands. */
export function clusterCoherenceSpec(data: RunReportData): TopLevelSpec {
  const values = data.coherence.clusters
    .filter((k) => Number.isFinite(k.headline.cycleProbability))
    .map((k) => ({
      cluster: `${k.cluster} (${k.outcomes} outcomes, ${k.pairs} pairs)`,
      value: k.headline.cycleProbability,
      low: k.intervals.cycleProbability.low,
      high: k.intervals.cycleProbability.high,
      coinLow: k.coinFlip.cycleProbability.low,
      coinHigh: k.coinFlip.cycleProbability.high,
      biasLow: k.positionBias?.cycleProbability.low ?? Number.NaN,
      biasHigh: k.positionBias?.cycleProbability.high ?? Number.NaN,
    }));
  const y = { field: 'cluster', type: 'nominal' as const, title: null, axis: { labelLimit: 320 } };
  const x = { type: 'quantitative' as const, title: 'triad cycle probability among the cluster’s outcomes (lower: more transitive)' };
  return {
    $schema: SCHEMA,
    title: { text: 'Coherence within each value cluster', subtitle: 'point and bar: observed with 95% interval · grey band: coin flip · yellow band: position bias only' },
    description: 'Per-cluster cycle probability against its floors',
    data: { values },
    width: WIDTH,
    height: Math.max(60, 30 * values.length),
    layer: againstFloorLayers(y, x, 18, [
      { field: 'cluster', type: 'nominal', title: 'cluster' },
      { field: 'value', type: 'quantitative', format: '.3f', title: 'cycle probability' },
    ]),
  };
}

/** Every chart of the run report, in page order. */
export function runReportSpecs(data: RunReportData): NamedSpec[] {
  const specs: NamedSpec[] = [];
  if (data.values.scores.length > 0) specs.push({ name: 'value-scores', title: 'What it values: signed value scores', spec: runValueScoresSpec(data) });
  specs.push(
    { name: 'coherence', title: 'Coherence against its floors', spec: coherenceSpec(data) },
    ...(data.coherence.clusters.length > 0 ? [{ name: 'cluster-coherence', title: 'Coherence within each value cluster', spec: clusterCoherenceSpec(data) }] : []),
    { name: 'utilities', title: 'Utilities by outcome', spec: utilitiesSpec(data) },
    { name: 'clusters', title: 'Mean utility per cluster (unsigned)', spec: clusterSpec(data) },
    { name: 'quality', title: 'Refusals and unparseable answers by cluster', spec: qualitySpec(data) },
    { name: 'calibration', title: data.metrics.holdout ? 'Calibration on held-out pairs' : 'Calibration on training pairs', spec: calibrationSpec(data) },
    { name: 'heatmap', title: 'Observed preferences between asked pairs', spec: heatmapSpec(data) },
  );
  return specs;
}

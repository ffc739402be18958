/**
 * Vega-Lite spec builders for the run and compare reports (DESIGN.md §Reports). Each returns a
 * complete TopLevelSpec with its data inlined; pure. Chart text comes from data (vega renders it
 * as SVG text, not HTML), so no escaping is needed here.
 */
import type { TopLevelSpec } from 'vega-lite';
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

/** Utilities with intervals, one row per outcome sorted by utility, coloured by value cluster. */
export function utilitiesSpec(data: RunReportData): TopLevelSpec {
  const values = data.outcomes.map((o) => ({ id: o.id, text: o.text.length > 70 ? `${o.text.slice(0, 67)}…` : o.text, cluster: primaryCluster(o.clusters), mean: o.mean, low: o.low, high: o.high }));
  const height = Math.max(200, Math.min(12 * values.length, 6000));
  const domain = runClusterDomain(data);
  const y = { field: 'text', type: 'nominal' as const, sort: { field: 'mean', order: 'descending' as const }, title: null, axis: { labelLimit: 380, labelFontSize: 9 } };
  return {
    $schema: SCHEMA,
    description: 'Fitted utility of every outcome with its interval',
    data: { values },
    width: WIDTH,
    height,
    layer: [
      { mark: { type: 'rule' }, encoding: { y, x: { field: 'low', type: 'quantitative', title: 'utility (mean 0, sd 1)' }, x2: { field: 'high' }, color: clusterColor(domain, { title: 'cluster' }) } },
      {
        mark: { type: 'point', filled: true },
        encoding: {
          y,
          x: { field: 'mean', type: 'quantitative' },
          color: clusterColor(domain),
          tooltip: [{ field: 'id', type: 'nominal' }, { field: 'mean', type: 'quantitative', format: '.2f' }, { field: 'low', type: 'quantitative', format: '.2f' }, { field: 'high', type: 'quantitative', format: '.2f' }],
        },
      },
    ],
  };
}

/** Mean utility and interval per value cluster. */
export function clusterSpec(data: RunReportData): TopLevelSpec {
  const values = data.values.clusters.map((c) => ({ cluster: c.cluster, mean: c.mean, low: Number.isFinite(c.low) ? c.low : c.mean, high: Number.isFinite(c.high) ? c.high : c.mean, outcomes: c.outcomes }));
  const y = { field: 'cluster', type: 'nominal' as const, sort: { field: 'mean', order: 'descending' as const }, title: null };
  return {
    $schema: SCHEMA,
    description: 'Mean utility per value cluster',
    data: { values },
    width: WIDTH,
    height: Math.max(120, 26 * values.length),
    layer: [
      { mark: { type: 'rule' }, encoding: { y, x: { field: 'low', type: 'quantitative', title: 'mean utility' }, x2: { field: 'high' } } },
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { y, x: { field: 'mean', type: 'quantitative' }, color: clusterColor(runClusterDomain(data), { legend: null }), tooltip: [{ field: 'cluster', type: 'nominal' }, { field: 'outcomes', type: 'quantitative' }, { field: 'mean', type: 'quantitative', format: '.2f' }] } },
    ],
  };
}

/** Calibration of held-out (or training) predictions against observed shares, with the diagonal. */
export function calibrationSpec(data: RunReportData): TopLevelSpec {
  const metrics = data.metrics.holdout ?? data.metrics.train;
  const values = metrics.calibration.map((b) => ({ predicted: b.meanPredicted, observed: b.meanObserved, pairs: b.pairs }));
  return {
    $schema: SCHEMA,
    description: 'Calibration of predicted preference probabilities',
    width: 300,
    height: 300,
    layer: [
      { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', strokeDash: [4, 4], color: '#999' }, encoding: { x: { field: 'x', type: 'quantitative', title: 'predicted P' }, y: { field: 'y', type: 'quantitative', title: 'observed P̂' } } },
      { data: { values }, mark: { type: 'point', filled: true }, encoding: { x: { field: 'predicted', type: 'quantitative', scale: { domain: [0, 1] } }, y: { field: 'observed', type: 'quantitative', scale: { domain: [0, 1] } }, size: { field: 'pairs', type: 'quantitative', title: 'pairs' } } },
    ],
  };
}

/** P̂ heatmap of asked pairs, outcomes ordered by utility. */
export function heatmapSpec(data: RunReportData): TopLevelSpec {
  const order = data.heatmap.ids;
  const side = Math.max(200, Math.min(8 * order.length, 640));
  return {
    $schema: SCHEMA,
    description: 'P̂(row ≻ column) for asked pairs, ordered by utility',
    data: { values: data.heatmap.cells.map((c) => ({ ...c })) },
    width: side,
    height: side,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'x', type: 'ordinal', sort: [...order], axis: null, title: 'column outcome (by utility)' },
      y: { field: 'y', type: 'ordinal', sort: [...order], axis: null, title: 'row outcome (by utility)' },
      color: { field: 'p', type: 'quantitative', scale: { domain: [0, 1], scheme: 'redblue' }, title: 'P̂(row ≻ column)' },
      tooltip: [{ field: 'y', type: 'nominal', title: 'row' }, { field: 'x', type: 'nominal', title: 'column' }, { field: 'p', type: 'quantitative', format: '.2f' }],
    },
  };
}

/** Refusal and unparseable rates per cluster. */
export function qualitySpec(data: RunReportData): TopLevelSpec {
  const values = data.quality.byCluster.flatMap((r) => [
    { group: r.group, kind: 'refusal', rate: r.refusalRate },
    { group: r.group, kind: 'unparseable', rate: r.unparseableRate },
  ]);
  return {
    $schema: SCHEMA,
    description: 'Refusal and unparseable rates per cluster',
    data: { values },
    width: WIDTH,
    height: Math.max(120, 22 * data.quality.byCluster.length),
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'group', type: 'nominal', title: null },
      x: { field: 'rate', type: 'quantitative', axis: { format: '%' }, title: 'share of answers' },
      color: { field: 'kind', type: 'nominal', title: null },
      yOffset: { field: 'kind', type: 'nominal' },
    },
  };
}

/** Each coherence headline beside its coin-flip and position-bias floors. */
export function coherenceSpec(data: RunReportData): TopLevelSpec {
  const c = data.coherence;
  const keys = ['cycleProbability', 'cyclicTriangleShare', 'weakTransitivityViolations', 'feedbackArcShare', 'decisiveness'] as const;
  const values = keys.flatMap((k) => [
    { metric: k, source: 'observed', value: c.headline[k] },
    { metric: k, source: 'coin-flip floor', value: c.floors.coinFlip[k].mean },
    { metric: k, source: 'position-bias floor', value: c.floors.positionBias[k].mean },
  ]).filter((v) => Number.isFinite(v.value));
  return {
    $schema: SCHEMA,
    description: 'Coherence metrics and the values of preference-free respondents on the same design',
    data: { values },
    width: WIDTH,
    height: 200,
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'metric', type: 'nominal', title: null },
      x: { field: 'value', type: 'quantitative', title: 'value' },
      color: { field: 'source', type: 'nominal', title: null, scale: { domain: ['observed', 'coin-flip floor', 'position-bias floor'], range: ['#1f77b4', '#bbbbbb', '#e7ba52'] } },
      yOffset: { field: 'source', type: 'nominal', sort: ['observed', 'coin-flip floor', 'position-bias floor'] },
      tooltip: [{ field: 'metric', type: 'nominal' }, { field: 'source', type: 'nominal' }, { field: 'value', type: 'quantitative', format: '.3f' }],
    },
  };
}

/** Every chart of the run report, in page order. */
export function runReportSpecs(data: RunReportData): NamedSpec[] {
  return [
    { name: 'utilities', title: 'Utilities by outcome', spec: utilitiesSpec(data) },
    { name: 'clusters', title: 'Mean utility per value cluster (95% interval)', spec: clusterSpec(data) },
    { name: 'coherence', title: 'Coherence against its floors', spec: coherenceSpec(data) },
    { name: 'quality', title: 'Refusals and unparseable answers by cluster', spec: qualitySpec(data) },
    { name: 'calibration', title: data.metrics.holdout ? 'Calibration on held-out pairs' : 'Calibration on training pairs', spec: calibrationSpec(data) },
    { name: 'heatmap', title: 'P̂ heatmap ordered by utility', spec: heatmapSpec(data) },
  ];
}


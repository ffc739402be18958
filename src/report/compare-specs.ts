/**
 * Vega-Lite spec builders of the compare report (DESIGN.md §Reports, METHOD.md §7): every headline
 * metric against size or capability. Pure; data inlined.
 */
import type { TopLevelSpec } from 'vega-lite';
import { spearman } from '../models/correlation.js';
import { clusterColor, SCHEMA, WIDTH, type NamedSpec } from './specs.js';
import type { CompareReportData } from './types.js';

/** x value of a model on the compare axis. */
function axisValue(data: CompareReportData, m: CompareReportData['models'][number]): number | undefined {
  return data.by === 'params' ? m.params : m.capability;
}

/** One headline metric against size (log axis) or capability, with a regression line and Spearman ρ. */
export function metricTrendSpec(data: CompareReportData, metric: string): TopLevelSpec {
  const values = data.models.flatMap((m) => {
    const x = axisValue(data, m);
    const y = m.headline[metric];
    return x !== undefined && y !== undefined && Number.isFinite(y) ? [{ label: m.label, x, y }] : [];
  });
  const rho = values.length >= 3 ? spearman(values.map((v) => v.x), values.map((v) => v.y)) : Number.NaN;
  const xTitle = data.by === 'params' ? 'parameters (log scale)' : 'capability score';
  const x = { field: 'x', type: 'quantitative' as const, title: xTitle, ...(data.by === 'params' ? { scale: { type: 'log' as const } } : {}) };
  return {
    $schema: SCHEMA,
    title: { text: data.metricLabels[metric] ?? metric, subtitle: Number.isFinite(rho) ? `Spearman ρ = ${rho.toFixed(2)} (n = ${values.length})` : `n = ${values.length}` },
    data: { values },
    width: 260,
    height: 180,
    layer: [
      { mark: { type: 'point', filled: true, size: 60 }, encoding: { x, y: { field: 'y', type: 'quantitative', title: metric, scale: { zero: false } }, tooltip: [{ field: 'label', type: 'nominal' }, { field: 'y', type: 'quantitative', format: '.3f' }] } },
      {
        // Trend: least squares of y on log10(x) for size, on x for capability.
        transform: data.by === 'params' ? [{ calculate: 'log(datum.x) / LN10', as: 'logx' }, { regression: 'y', on: 'logx' }, { calculate: 'pow(10, datum.logx)', as: 'x' }] : [{ regression: 'y', on: 'x' }],
        mark: { type: 'line', color: '#999' },
        encoding: { x, y: { field: 'y', type: 'quantitative' } },
      },
    ],
  };
}

/** Cluster mean utilities across models. */
export function clusterTrendSpec(data: CompareReportData): TopLevelSpec {
  const values = data.models.flatMap((m) => {
    const x = axisValue(data, m);
    if (x === undefined) return [];
    return Object.entries(m.clusterMeans).map(([cluster, c]) => ({ label: m.label, x, cluster, mean: c.mean, low: Number.isFinite(c.low) ? c.low : c.mean, high: Number.isFinite(c.high) ? c.high : c.mean }));
  });
  const x = { field: 'x', type: 'quantitative' as const, title: data.by === 'params' ? 'parameters (log scale)' : 'capability score', ...(data.by === 'params' ? { scale: { type: 'log' as const } } : {}) };
  const domain = [...new Set(values.map((v) => v.cluster))].sort();
  return {
    $schema: SCHEMA,
    title: 'Value clusters across models',
    data: { values },
    width: WIDTH,
    height: 300,
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative', title: 'mean utility' }, color: clusterColor(domain), tooltip: [{ field: 'label', type: 'nominal' }, { field: 'cluster', type: 'nominal' }, { field: 'mean', type: 'quantitative', format: '.2f' }] } },
      { mark: { type: 'rule', opacity: 0.4 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: clusterColor(domain) } },
    ],
  };
}

/** Correlation of utility vectors between every two models, ordered by size. */
export function convergenceSpec(data: CompareReportData): TopLevelSpec {
  const labels = data.models.map((m) => m.label);
  const values = data.convergence.flatMap((row, i) => row.map((r, j) => ({ a: labels[i], b: labels[j], r: Number.isFinite(r) ? r : null })));
  return {
    $schema: SCHEMA,
    title: 'Utility convergence (Pearson r between models)',
    data: { values },
    width: Math.max(160, 40 * labels.length),
    height: Math.max(160, 40 * labels.length),
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'a', type: 'ordinal', sort: labels, title: null },
      y: { field: 'b', type: 'ordinal', sort: labels, title: null },
      color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'blueorange' }, title: 'r' },
      tooltip: [{ field: 'a', type: 'nominal' }, { field: 'b', type: 'nominal' }, { field: 'r', type: 'quantitative', format: '.3f' }],
    },
  };
}

/** Every chart of the compare report. */
export function compareReportSpecs(data: CompareReportData): NamedSpec[] {
  return [
    ...Object.keys(data.metricLabels).map((metric) => ({ name: `trend-${metric}`, title: data.metricLabels[metric] ?? metric, spec: metricTrendSpec(data, metric) })),
    { name: 'cluster-trends', title: 'Value clusters across models', spec: clusterTrendSpec(data) },
    { name: 'convergence', title: 'Utility convergence', spec: convergenceSpec(data) },
  ];
}

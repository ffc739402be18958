/**
 * Vega-Lite spec builders of the compare report (docs/architecture.md §"Reports", docs/method.md §7), and the trends
 * they draw, which the report's findings quote (one computation, so chart and sentence agree):
 *
 * 1. value scores against size or capability, one small panel per value: each model's score with
 *    its interval, the null band of a respondent without the value (grey), zero, and the weighted
 *    trend line with its 95% band (`values/trend.ts`);
 * 2. every headline metric against size: points with interval bars where an interval exists, the
 *    coin-flip floor as a grey band (a floor is never a series), the trend line and band;
 * 3. unsigned cluster means across models (they average opposite outcomes: context, not headline);
 * 4. convergence: Pearson r of utilities between every two models.
 *
 * Size trends are fitted on log10 parameters (a slope is "per tenfold parameters"), capability
 * trends on the score itself. Pure; data inlined; chart text is rendered by vega as SVG text.
 */
import type { TopLevelSpec } from 'vega-lite';
import { inversePhi } from '../stats/normal.js';
import { fitLinearTrend, type LinearTrend, linearGrid, type TrendPoint, trendBand } from '../values/index.js';
import { signed, size, withMinus } from './page.js';
import { acrossModelsSpec } from './persona.js';
import { clusterColor, type NamedSpec, SCHEMA, WIDTH } from './specs.js';
import type { CompareModel, CompareReportData } from './types.js';

/** Colours: points and trend in one blue, floors and null bands in grey. */
const INK = '#1f4e79';
const TREND = '#4c78a8';
const BAND_GREY = '#9a9a9a';
const Z95 = inversePhi(0.975);

/** Columns of small multiples in the value-scores chart before it wraps. */
export const VALUE_PANEL_COLUMNS = 4;

/** y-axis title of the value-score panels. */
export const VALUE_SCORE_AXIS_TITLE = 'value score (utility sd; > 0 prefers more of the value)';

/**
 * What the compare axis is, as data: size (log10 parameters; slopes per tenfold) or a capability
 * score (slopes per point). Everything that differs between the two lives here.
 */
export interface CompareAxis {
  /** x-axis title. */
  readonly title: string;
  /** "size" / "capability", for sentences ("rises with size"). */
  readonly noun: string;
  /** One step of a slope, in words. */
  readonly slopeUnit: string;
  /** What the trend is fitted on, in HTML (trusted). */
  readonly trendOnHtml: string;
  /** Table header of the axis column. */
  readonly column: string;
  /** A model's plotted x, or undefined when it has none (then it is left off the trend). */
  position(m: CompareModel): number | undefined;
  /** The model's x as the table shows it ("7B", "63.5", "–"). */
  cell(m: CompareModel): string;
  /** Plotted x → the x the trend is fitted on, and back. */
  toTrend(x: number): number;
  fromTrend(t: number): number;
  /** The x encoding shared by every layer of a trend chart over `data`. */
  encoding(data: CompareReportData): Record<string, unknown> & { readonly field: 'x'; readonly type: 'quantitative'; readonly title: string };
  /** d3 format of x in tooltips. */
  readonly tooltipFormat: string;
}

const positive = (x: number | undefined) => (x !== undefined && Number.isFinite(x) && x > 0 ? x : undefined);

/** The two compare axes (`CompareReportData.by`). */
export const COMPARE_AXES: Readonly<Record<CompareReportData['by'], CompareAxis>> = {
  params: {
    title: 'parameters (log scale)',
    noun: 'size',
    slopeUnit: 'tenfold parameters',
    trendOnHtml: 'log<sub>10</sub> parameters',
    column: 'params',
    position: (m) => positive(m.params),
    cell: (m) => size(m.params),
    toTrend: (x) => Math.log10(x),
    fromTrend: (t) => 10 ** t,
    // Log scale with ticks at the models' own sizes ("7B"; vega drops labels that would overlap), so each dot reads off its size.
    encoding: (data) => ({
      field: 'x',
      type: 'quantitative',
      title: 'parameters (log scale)',
      scale: { type: 'log', nice: false, padding: 14 },
      axis: {
        values: [...new Set(data.models.flatMap((m) => (positive(m.params) !== undefined ? [m.params as number] : [])))].sort((a, b) => a - b),
        labelExpr: "replace(format(datum.value, '~s'), 'G', 'B')",
        labelOverlap: 'greedy',
        labelFontSize: 9,
        grid: false,
      },
    }),
    tooltipFormat: '~s',
  },
  capability: {
    title: 'capability score',
    noun: 'capability',
    slopeUnit: 'capability point',
    trendOnHtml: 'the capability score',
    column: 'capability',
    position: (m) => (m.capability !== undefined && Number.isFinite(m.capability) ? m.capability : undefined),
    cell: (m) => (m.capability !== undefined ? String(m.capability) : '–'),
    toTrend: (x) => x,
    fromTrend: (t) => t,
    encoding: () => ({ field: 'x', type: 'quantitative', title: 'capability score', scale: { zero: false, padding: 12 }, axis: { grid: false } }),
    tooltipFormat: '.3~f',
  },
};

/** The axis a comparison is drawn on. */
export function compareAxis(data: CompareReportData): CompareAxis {
  return COMPARE_AXES[data.by];
}

/** Standard error read off a symmetric 95% interval (what the report carries), or undefined. */
function seFromInterval(interval: { readonly low: number; readonly high: number } | undefined): number | undefined {
  if (!interval) return undefined;
  const se = (interval.high - interval.low) / (2 * Z95);
  return Number.isFinite(se) && se > 0 ? se : undefined;
}

/** Splits text into lines of at most `width` characters at spaces (a longer word gets a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The parts of a headline metric label written "<short> (<meaning>; <direction>)" (the convention
 * of `HEADLINE_METRICS` in pipeline/headline.ts). A label without the parenthesis is all short.
 */
export function splitMetricLabel(label: string): { short: string; meaning: string; direction: string } {
  const open = label.indexOf(' (');
  if (open < 0 || !label.endsWith(')')) return { short: label, meaning: '', direction: '' };
  const inner = label.slice(open + 2, -1);
  const semi = inner.lastIndexOf('; ');
  return { short: label.slice(0, open), meaning: semi < 0 ? inner : inner.slice(0, semi), direction: semi < 0 ? '' : inner.slice(semi + 2) };
}

/** Short label of a headline metric (chart titles, table headers). */
export function metricShortLabel(data: CompareReportData, metric: string): string {
  return splitMetricLabel(data.metricLabels[metric] ?? metric).short;
}

/** One model's point on a trend chart. */
export interface TrendChartPoint {
  readonly label: string;
  /** Plotted x (parameters or capability). */
  readonly x: number;
  readonly y: number;
  readonly low?: number;
  readonly high?: number;
}

/** A trend of one quantity across the models, as drawn and as quoted in the findings. */
export interface CompareTrend {
  readonly points: readonly TrendChartPoint[];
  readonly trend: LinearTrend;
}

function trendOf(data: CompareReportData, points: readonly TrendChartPoint[]): CompareTrend {
  const input: TrendPoint[] = points.map((p) => {
    const se = p.low !== undefined && p.high !== undefined ? seFromInterval({ low: p.low, high: p.high }) : undefined;
    return { x: compareAxis(data).toTrend(p.x), y: p.y, ...(se !== undefined ? { se } : {}) };
  });
  return { points, trend: fitLinearTrend(input) };
}

/** The values scored by at least one model, in the order the models first report them. */
export function scoredValues(data: CompareReportData): string[] {
  return [...new Set(data.models.flatMap((m) => Object.keys(m.valueScores)))];
}

/** One value's scores across the models placed on the compare axis, with the weighted trend. */
export function valueTrend(data: CompareReportData, value: string): CompareTrend & { readonly nullBands: readonly { readonly x: number; readonly low: number; readonly high: number }[] } {
  const placed = data.models.flatMap((m) => {
    const x = compareAxis(data).position(m);
    const s = m.valueScores[value];
    return x !== undefined && s && Number.isFinite(s.score) ? [{ m, x, s }] : [];
  });
  const points = placed.map(({ m, x, s }) => ({ label: m.label, x, y: s.score, ...(Number.isFinite(s.low) && Number.isFinite(s.high) ? { low: s.low, high: s.high } : {}) }));
  const nullBands = placed.filter(({ s }) => Number.isFinite(s.nullLow) && Number.isFinite(s.nullHigh)).map(({ x, s }) => ({ x, low: s.nullLow, high: s.nullHigh }));
  return { ...trendOf(data, points), nullBands };
}

/** One headline metric across the models, with intervals where the runs have them, and the trend. */
export function metricTrend(data: CompareReportData, metric: string): CompareTrend & { readonly floors: readonly { readonly x: number; readonly low: number; readonly high: number }[] } {
  const placed = data.models.flatMap((m) => {
    const x = compareAxis(data).position(m);
    const y = m.headline[metric];
    return x !== undefined && y !== undefined && Number.isFinite(y) ? [{ m, x, y }] : [];
  });
  const points = placed.map(({ m, x, y }) => {
    const i = m.headlineIntervals[metric];
    return { label: m.label, x, y, ...(i && Number.isFinite(i.low) && Number.isFinite(i.high) ? { low: i.low, high: i.high } : {}) };
  });
  const floors = placed.flatMap(({ m, x }) => {
    const f = m.floors[metric];
    return f && Number.isFinite(f.low) && Number.isFinite(f.high) ? [{ x, low: f.low, high: f.high }] : [];
  });
  return { ...trendOf(data, points), floors };
}

/**
 * Decimals that show a slope's interval to at least one significant digit (and at least `base`):
 * 2 for ±0.09, 3 for ±0.005 (a capability slope per point is small). At most 6.
 */
export function slopeDigits(trend: LinearTrend, base = 2): number {
  if (trend.kind !== 'fitted') return base;
  const half = (trend.slopeHigh - trend.slopeLow) / 2;
  return half > 0 && Number.isFinite(half) ? Math.min(6, Math.max(base, -Math.floor(Math.log10(half)))) : base;
}

/** "slope +0.41 per tenfold parameters [0.22, 0.60] · Spearman ρ = 1.00 · 6 models", or why there is no trend. */
export function trendSubtitle(data: CompareReportData, t: CompareTrend, digits = 2, unit = ''): string {
  const trend = t.trend;
  if (trend.kind !== 'fitted') return `no trend: ${trend.reason}`;
  const first = t.points[0];
  if (first && t.points.every((p) => p.y === first.y)) return `the same for all ${trend.n} models (${withMinus(first.y, digits)})`;
  const d = slopeDigits(trend, digits);
  const rho = Number.isFinite(trend.spearman) ? `Spearman ρ = ${withMinus(trend.spearman)}` : 'Spearman ρ undefined';
  return `slope ${signed(trend.slope, d)}${unit} per ${compareAxis(data).slopeUnit} [${withMinus(trend.slopeLow, d)}, ${withMinus(trend.slopeHigh, d)}] · ${rho} · ${trend.n} models`;
}

/** The fitted line and band as plot rows over the models' x range (empty without a fit). */
function bandRows(data: CompareReportData, t: CompareTrend): { x: number; fit: number; low: number; high: number }[] {
  if (t.trend.kind !== 'fitted' || t.points.length === 0) return [];
  const xs = t.points.map((p) => compareAxis(data).toTrend(p.x));
  return trendBand(t.trend, linearGrid(Math.min(...xs), Math.max(...xs), 25)).map((b) => ({ x: compareAxis(data).fromTrend(b.x), fit: b.fit, low: b.low, high: b.high }));
}

/**
 * A horizontal y-axis title above the plot, in wrapped lines (a sentence set vertically is
 * unreadable). Vega stacks the lines of a title downward from `titleY`, so each extra line moves it up.
 */
function topAxis(lines: number) {
  return {
    titleAngle: 0,
    titleAlign: 'left' as const,
    titleAnchor: 'end' as const,
    titleBaseline: 'bottom' as const,
    titleX: -36,
    titleY: -16 - 13 * Math.max(0, lines - 2),
    titleFontWeight: 'normal' as const,
    titleColor: '#444',
  };
}

/**
 * The y range a trend chart shows: the models' values, intervals and grey bands (and 0 where
 * asked), padded by 8% (not below 0 when nothing is negative). The fitted band is clipped to it rather than widening it: an extrapolated
 * band of a share beyond 1 says nothing a reader needs.
 */
function yDomain(numbers: readonly number[]): [number, number] | undefined {
  const finite = numbers.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const pad = high > low ? 0.08 * (high - low) : Math.max(0.05, Math.abs(low) * 0.1);
  // Rates, counts and shares never go below 0: do not draw an axis that suggests they could.
  return [low >= 0 ? Math.max(0, low - pad) : low - pad, high + pad];
}

function trendNumbers(t: CompareTrend, grey: readonly { low: number; high: number }[]): number[] {
  return [...t.points.flatMap((p) => [p.y, p.low ?? p.y, p.high ?? p.y]), ...grey.flatMap((g) => [g.low, g.high])];
}

/** The y encoding of a trend chart's layers (one title on every layer, so vega-lite merges nothing). */
function yEncoding(title: readonly string[], domain: [number, number] | undefined) {
  return { type: 'quantitative' as const, title: [...title], scale: domain ? { domain, nice: false } : { zero: false }, axis: topAxis(title.length) };
}

/**
 * The layers of a trend chart, by role: the grey band (floor or null band), the fitted line with its
 * band, and the models' interval bars and points (drawn last, on top).
 */
function trendLayers(data: CompareReportData, t: CompareTrend, grey: readonly { x: number; low: number; high: number }[], y: ReturnType<typeof yEncoding>, tooltipTitle: string, digits: number) {
  const x = compareAxis(data).encoding(data);
  const band = bandRows(data, t);
  const intervals = t.points.filter((p) => p.low !== undefined && p.high !== undefined);
  return {
    grey: grey.length > 0 ? [{ data: { values: grey }, mark: { type: 'area' as const, color: BAND_GREY, opacity: 0.3 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } }] : [],
    trend:
      band.length > 0
        ? [
            { data: { values: band }, mark: { type: 'area' as const, color: TREND, opacity: 0.15, clip: true }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } },
            { data: { values: band }, mark: { type: 'line' as const, color: TREND, strokeWidth: 1.5, clip: true }, encoding: { x, y: { ...y, field: 'fit' } } },
          ]
        : [],
    models: [
      ...(intervals.length > 0
        ? [{ data: { values: intervals }, mark: { type: 'rule' as const, color: INK, strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' } } }]
        : []),
      {
        data: { values: t.points },
        mark: { type: 'point' as const, filled: true, size: 50, color: INK, opacity: 1 },
        encoding: {
          x,
          y: { ...y, field: 'y' },
          tooltip: [
            { field: 'label', type: 'nominal' as const, title: 'model' },
            { field: 'x', type: 'quantitative' as const, title: compareAxis(data).title, format: compareAxis(data).tooltipFormat },
            { field: 'y', type: 'quantitative' as const, title: tooltipTitle, format: `.${digits}f` },
            { field: 'low', type: 'quantitative' as const, title: '95% low', format: `.${digits}f` },
            { field: 'high', type: 'quantitative' as const, title: '95% high', format: `.${digits}f` },
          ],
        },
      },
    ],
  };
}

/** Digits to show for a metric: counts as integers, everything else to three places. */
function metricDigits(metric: string): number {
  return metric === 'largestComponent' ? 1 : 3;
}

/** One panel of the value-scores chart: a value's scores, null band, zero, and trend, on the shared `domain`. */
function valuePanel(data: CompareReportData, value: string, width: number, domain: [number, number] | undefined, subtitleLines: number) {
  const t = valueTrend(data, value);
  const y = yEncoding(wrapWords(VALUE_SCORE_AXIS_TITLE, 40), domain);
  const layers = trendLayers(data, t, t.nullBands, y, 'value score', 2);
  const subtitle = wrapWords(trendSubtitle(data, t, 2, ' sd'), VALUE_SUBTITLE_WIDTH);
  // Equal subtitle heights keep the panels of a row aligned.
  while (subtitle.length < subtitleLines) subtitle.push(' ');
  return {
    title: { text: value, subtitle, anchor: 'start' as const, fontSize: 13, subtitleFontSize: 10, subtitleColor: '#555' },
    width,
    height: 170,
    layer: [
      ...layers.grey,
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule' as const, color: '#555', strokeDash: [3, 3] }, encoding: { y: { ...y, field: 'zero' } } },
      ...layers.trend,
      ...layers.models,
    ],
  };
}

const VALUE_SUBTITLE_WIDTH = 42;

/**
 * Value scores against size: one panel per value in rows of `VALUE_PANEL_COLUMNS`, on one shared
 * y scale (every score is in utility-sd units, so panels compare).
 */
export function valueTrendsSpec(data: CompareReportData): TopLevelSpec {
  const values = scoredValues(data);
  const columns = Math.min(VALUE_PANEL_COLUMNS, Math.max(1, values.length));
  const trends = values.map((v) => valueTrend(data, v));
  const domain = yDomain([0, ...trends.flatMap((t) => trendNumbers(t, t.nullBands))]);
  const subtitleLines = Math.max(1, ...trends.map((t) => wrapWords(trendSubtitle(data, t, 2, ' sd'), VALUE_SUBTITLE_WIDTH).length));
  return {
    $schema: SCHEMA,
    title: {
      text: `Value scores against model ${compareAxis(data).noun}`,
      subtitle: [
        'Dots: each model’s score with its 95% interval. Grey band: scores of a respondent without the value on the same design.',
        'Blue line and band: trend weighted by each score’s precision, with its 95% band. Dashed: 0, no preference.',
      ],
      anchor: 'start',
      subtitleColor: '#555',
    },
    description: `Signed value score of each model (mean utility of outcomes with more of the value minus outcomes with less, in utility sd) against ${compareAxis(data).title}`,
    columns,
    concat: values.map((v) => valuePanel(data, v, 190, domain, subtitleLines)),
    resolve: { scale: { y: 'shared', x: 'shared' } },
    config: { view: { stroke: '#ddd' } },
  } as TopLevelSpec;
}

/** One headline metric against size (log axis) or capability, with interval bars, its floor band and the weighted trend. */
export function metricTrendSpec(data: CompareReportData, metric: string): TopLevelSpec {
  const t = metricTrend(data, metric);
  const { short, meaning, direction } = splitMetricLabel(data.metricLabels[metric] ?? metric);
  const y = yEncoding(wrapWords(meaning ? `${meaning}${direction ? `; ${direction}` : ''}` : short, 62), yDomain(trendNumbers(t, t.floors)));
  const subtitle = [trendSubtitle(data, t, metricDigits(metric)), ...(t.floors.length > 0 ? ['grey band: a coin-flip respondent on the same design (5–95%)'] : [])];
  return {
    $schema: SCHEMA,
    title: { text: short, subtitle, anchor: 'start', subtitleColor: '#555', subtitleFontSize: 10 },
    description: `${data.metricLabels[metric] ?? metric} against ${compareAxis(data).title}`,
    width: 360,
    height: 150,
    layer: ((l) => [...l.grey, ...l.trend, ...l.models])(trendLayers(data, t, t.floors, y, short, metricDigits(metric))),
  } as TopLevelSpec;
}

/** Unsigned cluster means across models: context only, since a cluster averages outcomes with more and less of a value. */
export function clusterTrendSpec(data: CompareReportData): TopLevelSpec {
  const values = data.models.flatMap((m) => {
    const x = compareAxis(data).position(m);
    if (x === undefined) return [];
    return Object.entries(m.clusterMeans).map(([cluster, c]) => ({
      label: m.label,
      x,
      cluster,
      mean: c.mean,
      low: Number.isFinite(c.low) ? c.low : c.mean,
      high: Number.isFinite(c.high) ? c.high : c.mean,
    }));
  });
  const x = compareAxis(data).encoding(data);
  const yTitle = 'mean utility of the cluster’s outcomes (utility sd; higher is more preferred)';
  const y = { type: 'quantitative' as const, title: wrapWords(yTitle, 60), axis: topAxis(wrapWords(yTitle, 60).length) };
  const domain = [...new Set(values.map((v) => v.cluster))].sort();
  const color = clusterColor(domain, { title: 'value cluster' });
  return {
    $schema: SCHEMA,
    title: {
      text: 'Unsigned value-cluster means across models',
      subtitle: [
        'A cluster’s mean averages outcomes with more and with less of its value, which cancel:',
        'context for the value scores above, never a finding on its own. Bars: 95% t-interval over the cluster’s outcomes.',
      ],
      anchor: 'start',
      subtitleColor: '#555',
    },
    data: { values },
    width: WIDTH,
    height: 260,
    layer: [
      { mark: { type: 'rule', opacity: 0.4 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: { ...y, field: 'mean' },
          color,
          tooltip: [
            { field: 'label', type: 'nominal', title: 'model' },
            { field: 'cluster', type: 'nominal', title: 'cluster' },
            { field: 'mean', type: 'quantitative', format: '.2f', title: 'mean utility' },
          ],
        },
      },
    ],
  } as TopLevelSpec;
}

/** Correlation of utility vectors between every two models, ordered by size. */
export function convergenceSpec(data: CompareReportData): TopLevelSpec {
  const labels = data.models.map((m) => m.label);
  const values = data.convergence.flatMap((row, i) => row.map((r, j) => ({ a: labels[i], b: labels[j], r: Number.isFinite(r) ? r : null })));
  const side = Math.max(160, 40 * labels.length);
  return {
    $schema: SCHEMA,
    title: {
      text: 'Utility convergence between models',
      subtitle: `Pearson r of the models’ utilities over shared outcomes, ordered by ${compareAxis(data).noun}; higher is more agreement`,
      anchor: 'start',
      subtitleColor: '#555',
    },
    data: { values },
    width: side,
    height: side,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'a', type: 'ordinal', sort: labels, title: 'model', axis: { labelAngle: -40, labelLimit: 120 } },
      y: { field: 'b', type: 'ordinal', sort: labels, title: 'model', axis: { labelLimit: 120 } },
      color: { field: 'r', type: 'quantitative', scale: { domain: [-1, 1], scheme: 'blueorange' }, title: 'Pearson r of utilities' },
      tooltip: [
        { field: 'a', type: 'nominal', title: 'model' },
        { field: 'b', type: 'nominal', title: 'other model' },
        { field: 'r', type: 'quantitative', format: '.3f', title: 'Pearson r' },
      ],
    },
  };
}

/** Every chart of the compare report, in reading order. */
export function compareReportSpecs(data: CompareReportData): NamedSpec[] {
  const values = scoredValues(data);
  return [
    ...(values.length > 0 ? [{ name: 'value-scores', title: `Value scores against model ${compareAxis(data).noun}`, spec: valueTrendsSpec(data) }] : []),
    ...Object.keys(data.metricLabels).map((metric) => ({ name: `trend-${metric}`, title: metricShortLabel(data, metric), spec: metricTrendSpec(data, metric) })),
    { name: 'cluster-trends', title: 'Unsigned value-cluster means across models', spec: clusterTrendSpec(data) },
    { name: 'convergence', title: 'Utility convergence between models', spec: convergenceSpec(data) },
    ...(data.persona && data.persona.data.models.length >= 2 ? [{ name: 'persona-across-models', title: 'Persona dependence by model', spec: acrossModelsSpec(data.persona.data) }] : []),
  ];
}

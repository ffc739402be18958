/**
 * The compare report across models (docs/architecture.md §"Reports", docs/method.md §7): one self-contained HTML file.
 * Reading order: the first line (models, answers, SIMULATED); findings in words, generated from the
 * value-score trends (no model involved); the value scores against size; coherence and fit-quality
 * trends with their floors; the numbers by model; unsigned cluster means; convergence. Every label
 * and text from the data goes through `bdiHtml` (element content) or `escapeHtml` (attributes),
 * quoted inside sentences through `isolateText` (escape.ts). Pure.
 */

import { type CompareTrend, compareAxis, compareReportSpecs, metricShortLabel, metricTrend, scoredValues, slopeDigits, valueTrend } from './compare-specs.js';
import { bdiHtml, escapeHtml, isolateText } from './escape.js';
import { chartDiv, fmt, page, signed, type VegaAssets, withMinus } from './page.js';
import { acrossModelsSentences, headlineAcrossModelsSentences } from './persona.js';
import type { ComparePersona, CompareReportData } from './types.js';

/** One value's trend across the models, in words. */
export interface CompareFinding {
  readonly value: string;
  /** 'rises' / 'falls' when the slope's 95% interval excludes 0, else 'unclear'. */
  readonly direction: 'rises' | 'falls' | 'unclear';
  readonly trend: CompareTrend['trend'] & { readonly kind: 'fitted' };
  /** Scores of the first and last model on the axis (smallest and largest). */
  readonly first: { readonly label: string; readonly score: number };
  readonly last: { readonly label: string; readonly score: number };
  /** Models whose score lies outside the band of a respondent without the value, of those with a band. */
  readonly outsideNull: number;
  readonly withNull: number;
  /** The sentence, as plain (unescaped) text. */
  readonly sentence: string;
}

/** A value name to start a sentence: "self-preservation" → "Self-preservation", "ai-rights" → "AI-rights". */
const capitalise = (s: string) => (s ? (s[0]!.toUpperCase() + s.slice(1)).replace(/^Ai\b/, 'AI') : s);

/**
 * The findings of a comparison: one sentence per value scored on enough models for a trend (three
 * or more placed on the axis), from `valueTrend` — the numbers the value-scores chart draws.
 * Values with too few models are returned in `tooFew`.
 */
export function compareFindings(data: CompareReportData): { findings: CompareFinding[]; tooFew: { value: string; models: number }[] } {
  const findings: CompareFinding[] = [];
  const tooFew: { value: string; models: number }[] = [];
  for (const value of scoredValues(data)) {
    const t = valueTrend(data, value);
    const byX = [...t.points].sort((p, q) => p.x - q.x);
    const first = byX[0];
    const last = byX.at(-1);
    if (t.trend.kind !== 'fitted' || !first || !last) {
      tooFew.push({ value, models: t.points.length });
      continue;
    }
    const trend = t.trend;
    const direction = trend.slopeLow > 0 ? 'rises' : trend.slopeHigh < 0 ? 'falls' : 'unclear';
    const withNull = t.nullBands.length;
    const outsideNull = t.points.filter((p) => {
      const band = t.nullBands.find((b) => b.x === p.x);
      return band !== undefined && (p.y < band.low || p.y > band.high);
    }).length;
    const d = slopeDigits(trend);
    const slope = `${signed(trend.slope, d)} utility sd per ${compareAxis(data).slopeUnit} [${withMinus(trend.slopeLow, d)}, ${withMinus(trend.slopeHigh, d)}]`;
    const range = `from ${signed(first.y)} (${isolateText(first.label)}) to ${signed(last.y)} (${isolateText(last.label)})`;
    const rho = `Spearman ρ = ${Number.isFinite(trend.spearman) ? withMinus(trend.spearman) : 'undefined'} over ${trend.n} models`;
    const head =
      direction === 'unclear'
        ? `${isolateText(capitalise(value))}: no clear trend with ${compareAxis(data).noun} (${slope})`
        : `${isolateText(capitalise(value))} ${direction} with ${compareAxis(data).noun}: ${slope}`;
    const outside =
      outsideNull === 0
        ? `None of the ${withNull} models scores`
        : outsideNull === withNull
          ? `All ${withNull} models score`
          : `${outsideNull} of ${withNull} models score${outsideNull === 1 ? 's' : ''}`;
    const nullClause = withNull > 0 ? ` ${outside} outside the band of a respondent without the value.` : '';
    findings.push({
      value,
      direction,
      trend,
      first: { label: first.label, score: first.y },
      last: { label: last.label, score: last.y },
      outsideNull,
      withNull,
      sentence: `${head}, ${range}; ${rho}.${nullClause}`,
    });
  }
  return { findings, tooFew };
}

/**
 * The values scored on too few models for a trend, one sentence per model count rather than one
 * per value (a two-model study would otherwise list every value alike): "Self-preservation,
 * power-seeking and money: scored on 2 models placed by size, too few for a trend (3 needed)."
 */
export function tooFewSentences(tooFew: readonly { value: string; models: number }[], noun: string): string[] {
  const byCount = new Map<number, string[]>();
  for (const t of tooFew) byCount.set(t.models, [...(byCount.get(t.models) ?? []), t.value]);
  return [...byCount].map(([models, values]) => {
    const names = values.map((v, k) => (k === 0 ? capitalise(v) : v));
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    return `${list}: scored on ${models} model${models === 1 ? '' : 's'} placed by ${noun}, too few for a trend (3 needed).`;
  });
}

/**
 * One sentence per featured metric (an experiment's own, e.g. the expected-utility error) with a
 * fitted trend: its direction, slope with interval, first and last model, Spearman ρ — from
 * `metricTrend`, the numbers its chart draws. Metrics on fewer than three placed models say so.
 */
export function featuredMetricFindings(data: CompareReportData): string[] {
  return (data.featuredMetrics ?? []).map((metric) => {
    const t = metricTrend(data, metric);
    const name = capitalise(metricShortLabel(data, metric));
    const byX = [...t.points].sort((p, q) => p.x - q.x);
    const first = byX[0];
    const last = byX.at(-1);
    if (t.trend.kind !== 'fitted' || !first || !last)
      return `${name}: measured on ${t.points.length} model${t.points.length === 1 ? '' : 's'} placed by ${compareAxis(data).noun}, too few for a trend (3 needed).`;
    const trend = t.trend;
    const d = slopeDigits(trend, 3);
    const direction = trend.slopeLow > 0 ? 'rises' : trend.slopeHigh < 0 ? 'falls' : 'unclear';
    const slope = `${signed(trend.slope, d)} per ${compareAxis(data).slopeUnit} [${withMinus(trend.slopeLow, d)}, ${withMinus(trend.slopeHigh, d)}]`;
    const range = `from ${fmt(first.y, 2)} (${isolateText(first.label)}) to ${fmt(last.y, 2)} (${isolateText(last.label)})`;
    const rho = `Spearman ρ = ${Number.isFinite(trend.spearman) ? withMinus(trend.spearman) : 'undefined'} over ${trend.n} models`;
    const head = direction === 'unclear' ? `${name}: no clear trend with ${compareAxis(data).noun} (${slope})` : `${name} ${direction} with ${compareAxis(data).noun}: ${slope}`;
    return `${head}, ${range}; ${rho}.`;
  });
}

/** A number and, below it, its interval and floor, compactly (the table must fit 1,280 px). */
function cell(value: number, digits: number, interval?: { low: number; high: number }, floor?: { mean: number }): string {
  const ci = interval ? `<span class="ci">[${withMinus(interval.low, digits)}, ${withMinus(interval.high, digits)}]</span>` : '';
  const fl = floor ? `<span class="ci">coin ${withMinus(floor.mean, digits)}</span>` : '';
  return `<td class="num" data-v="${Number.isFinite(value) ? value : ''}">${fmt(value, digits)}${ci}${fl}</td>`;
}

/** The value-scores table: one row per model, one column per value (score, interval, null band). */
function valueTable(data: CompareReportData, values: readonly string[]): string {
  if (values.length === 0) return '';
  const head = values
    .map(
      (v) => `<th title="${escapeHtml(`${v}: value score in utility sd (> 0 prefers more of the value); below, 95% interval and the null band of a respondent without the value`)}">${bdiHtml(v)}</th>`,
    )
    .join('');
  const rows = data.models
    .map((m) => {
      const cells = values
        .map((v) => {
          const s = m.valueScores[v];
          if (!s) return '<td class="num">–</td>';
          return `<td class="num" data-v="${s.score}">${signed(s.score)}<span class="ci">[${withMinus(s.low)}, ${withMinus(s.high)}]</span><span class="ci">null [${withMinus(s.nullLow)}, ${withMinus(s.nullHigh)}]</span></td>`;
        })
        .join('');
      return `<tr><td>${bdiHtml(m.label)}</td><td class="num">${bdiHtml(compareAxis(data).cell(m))}</td>${cells}</tr>`;
    })
    .join('');
  return `<h3>Value scores (utility sd; 95% interval; null band)</h3>
<div class="scroll compare-table"><table class="compare"><thead><tr><th>model</th><th>${bdiHtml(compareAxis(data).column)}</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The headline-metrics table: short headers (full definitions in `title` and listed below), intervals and floors under each number. */
function metricTable(data: CompareReportData): string {
  const metrics = Object.keys(data.metricLabels);
  const digits = (k: string) => (k === 'largestComponent' ? 0 : 3);
  const head = metrics.map((k) => `<th title="${escapeHtml(data.metricLabels[k] ?? k)}">${bdiHtml(metricShortLabel(data, k))}</th>`).join('');
  const rows = data.models
    .map(
      (m) =>
        `<tr><td>${bdiHtml(m.label)}</td><td class="num">${bdiHtml(compareAxis(data).cell(m))}</td><td class="num">${m.answers}</td>${metrics.map((k) => cell(m.headline[k] ?? Number.NaN, digits(k), m.headlineIntervals[k], m.floors[k])).join('')}</tr>`,
    )
    .join('');
  const definitions = metrics.map((k) => `<li>${bdiHtml(data.metricLabels[k] ?? k)}</li>`).join('');
  return `<h3>Coherence and fit quality (95% interval below each number; “coin”: coin-flip floor)</h3>
<div class="scroll compare-table"><table class="compare"><thead><tr><th>model</th><th>${bdiHtml(compareAxis(data).column)}</th><th>answers</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>
<details class="muted"><summary>What each column measures</summary><ul>${definitions}</ul></details>`;
}

/** Extra CSS of the compare page: compact, wrapping tables and the findings list. */
const COMPARE_CSS = `
.findings{margin:6px 0 12px 0;padding-left:20px}.findings li{margin:4px 0}
table.compare{table-layout:auto}table.compare th,table.compare td{white-space:normal;padding:3px 5px}
table.compare td:first-child{overflow-wrap:anywhere;min-width:6em}table.compare th{font-weight:600;cursor:default;font-size:11px;hyphens:auto}table.compare .ci{display:block;color:#777;font-size:10px;white-space:nowrap}
.compare-table{max-height:none}h3{font-size:14px;margin:18px 0 6px}
.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:8px 16px}`;

/** The compare report's persona section: every value's persona dependence by model, and where the per-model detail is. */
function personaHtml(persona: ComparePersona, chart: string): string {
  const sentences = acrossModelsSentences(persona.data);
  return `<h2>Does a value hold across personas more firmly with size?</h2>
<p>Each model was asked the same pairs under every arm of the study (${persona.data.models[0]?.arms.map((a) => escapeHtml(a.id)).join(', ') ?? ''}); the value scores and trends above are under the default arm. Persona dependence is the share of a value’s movement across arms that noise (the retest arm, split halves) does not explain: 0 means it holds like the model’s own value, 1 that it follows the arm. Per-model shifts, agreement heatmaps and per-arm refusal and position-bias rates are in the <a href="${escapeHtml(encodeURI(persona.reportFile))}">persona report</a>.</p>
<ul class="findings">${sentences.map((s) => `<li>${bdiHtml(s)}</li>`).join('')}</ul>
${chart}`;
}

/** The compare report across models. */
export function renderCompareReport(data: CompareReportData, assets: VegaAssets): string {
  const specs = compareReportSpecs(data);
  const byName = (name: string) =>
    specs
      .filter((s) => s.name === name)
      .map(chartDiv)
      .join('');
  const answers = data.models.reduce((s, m) => s + m.answers, 0);
  const simulated = data.models.filter((m) => m.simulated).length;
  const incomplete = data.models.flatMap((m) => (m.incomplete !== undefined ? [`${m.label} ${m.incomplete}`] : []));
  const firstLine = `${data.models.length} models (${data.models.map((m) => isolateText(m.label)).join(', ')}) · outcome set ${isolateText(data.outcomeSet)} · ${answers} answers${simulated ? ` · ${simulated === data.models.length ? 'all' : simulated} SIMULATED` : ''}`;
  const values = scoredValues(data);
  const { findings, tooFew } = compareFindings(data);
  const unplaced = data.models.filter((m) => compareAxis(data).position(m) === undefined).map((m) => isolateText(m.label));
  const persona = data.persona && data.persona.data.models.length >= 2 ? data.persona : undefined;
  const findingItems = [
    ...(persona ? headlineAcrossModelsSentences(persona.data) : []).map((sentence) => `<li>${bdiHtml(sentence)}</li>`),
    ...featuredMetricFindings(data).map((sentence) => `<li>${bdiHtml(sentence)}</li>`),
    ...findings.map((f) => `<li>${bdiHtml(f.sentence)}</li>`),
    ...tooFewSentences(tooFew, compareAxis(data).noun).map((sentence) => `<li>${bdiHtml(sentence)}</li>`),
  ];
  const findingsHtml =
    values.length === 0
      ? '<p>No value scores: none of these runs’ outcome sets tag outcomes with signed values (docs/method.md §6), so there is no value finding. The measurement-quality trends follow.</p>'
      : `<ul class="findings">${findingItems.join('')}</ul>`;
  const body = `
<p class="first-line">${bdiHtml(firstLine)}</p>
${simulated ? '<div class="sim">Some or all of these models are SIMULATED respondents with planted utilities.</div>' : ''}
${incomplete.length > 0 ? `<div class="warn">${bdiHtml(`Not every run is complete, so these use the answers received so far: ${incomplete.join('; ')}.`)}</div>` : ''}
<h1>utilscope comparison: values against model ${bdiHtml(compareAxis(data).noun)}</h1>
<h2>Findings</h2>
${findingsHtml}
<p class="muted">Value score: mean utility of the outcomes with more of a value minus those with less, in utility sd (&gt; 0 prefers more of the value). Trend: weighted least squares on ${compareAxis(data).trendOnHtml}, 95% t-interval of the slope; “no clear trend” when that interval contains 0.${unplaced.length > 0 ? ` Not placed on the ${bdiHtml(compareAxis(data).noun)} axis, so left out of the trends: ${bdiHtml(unplaced.join(', '))}.` : ''}</p>
${values.length > 0 ? `<h2>Value scores against ${bdiHtml(compareAxis(data).noun)}</h2>\n${byName('value-scores')}` : ''}
<h2>Coherence and fit quality against ${bdiHtml(compareAxis(data).noun)}</h2>
<div class="grid2">${specs
    .filter((s) => s.name.startsWith('trend-'))
    .map(chartDiv)
    .join('\n')}</div>
<h2>Numbers by model</h2>
${valueTable(data, values)}
${metricTable(data)}
${persona ? personaHtml(persona, byName('persona-across-models')) : ''}
<h2>Unsigned value-cluster means</h2>
${byName('cluster-trends')}
<h2>Utility convergence</h2>
${byName('convergence')}
`;
  return page('utilscope comparison', body, specs, assets, COMPARE_CSS);
}

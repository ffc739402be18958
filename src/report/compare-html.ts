/**
 * The compare report across models (DESIGN.md §Reports): one self-contained HTML file. Pure.
 */
import { escapeHtml } from './escape.js';
import { compareReportSpecs } from './compare-specs.js';
import { chartDiv, fmt, page, size, type VegaAssets } from './page.js';
import type { CompareReportData } from './types.js';

/** The compare report across models. */
export function renderCompareReport(data: CompareReportData, assets: VegaAssets): string {
  const specs = compareReportSpecs(data);
  const answers = data.models.reduce((s, m) => s + m.answers, 0);
  const simulated = data.models.filter((m) => m.simulated).length;
  const firstLine = `${data.models.length} models (${data.models.map((m) => m.label).join(', ')}) · outcome set ${data.outcomeSet} · ${answers} answers${simulated ? ` · ${simulated === data.models.length ? 'all' : simulated} SIMULATED` : ''}`;
  const metrics = Object.keys(data.metricLabels);
  const table = `<div class="scroll"><table><thead><tr><th>model</th><th>${data.by === 'params' ? 'parameters' : 'capability'}</th><th>answers</th>${metrics.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}</tr></thead><tbody>${data.models
    .map((m) => `<tr><td>${escapeHtml(m.label)}</td><td class="num">${escapeHtml(data.by === 'params' ? size(m.params) : String(m.capability ?? '–'))}</td><td class="num">${m.answers}</td>${metrics.map((k) => `<td class="num">${fmt(m.headline[k] ?? Number.NaN)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table></div>`;
  const body = `
<p class="first-line">${escapeHtml(firstLine)}</p>
${simulated ? '<div class="sim">Some or all of these models are SIMULATED respondents with planted utilities.</div>' : ''}
<h1>utilscope comparison</h1>
<p class="muted">Metric definitions: ${metrics.map((m) => `<b>${escapeHtml(m)}</b> — ${escapeHtml(data.metricLabels[m] ?? '')}`).join('; ')}.</p>
${table}
<h2>Trends with ${data.by === 'params' ? 'model size' : 'capability'}</h2>
<div class="grid">${specs.filter((s) => s.name.startsWith('trend-')).map(chartDiv).join('\n')}</div>
<h2>Value clusters across models</h2>
${specs.filter((s) => s.name === 'cluster-trends').map(chartDiv).join('')}
<h2>Utility convergence</h2>
${specs.filter((s) => s.name === 'convergence').map(chartDiv).join('')}
`;
  return page('utilscope comparison', body, specs, assets);
}

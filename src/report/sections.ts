/**
 * What an experiment hands the report (docs/architecture.md §"Reports"): a list of sections, each a
 * title and blocks of plain data — paragraphs, finding lists, tables, charts — that this module
 * renders, escaping and bidi-isolating every text (CONTRIBUTING.md rule 9, escape.ts). The one escape hatch is `html`, which only
 * the builders inside `report/` produce (the `SafeHtml` brand), so an experiment cannot put
 * untrusted text into a page unescaped. Pure.
 */
import { incompleteNote } from '../core/spend.js';
import { bdiHtml, escapeHtml, isolateText } from './escape.js';
import { chartDiv, page, type VegaAssets } from './page.js';
import type { NamedSpec } from './specs.js';

/** HTML built by report/ itself from escaped parts. */
export type SafeHtml = string & { readonly __safeHtml: true };

/** Marks HTML assembled inside report/ (every untrusted part already through `bdiHtml` or `escapeHtml`, escape.ts). */
export function safeHtml(html: string): SafeHtml {
  return html as SafeHtml;
}

/** How a run appears at the top of its report, whatever the experiment. */
export interface RunHeader {
  readonly runId: string;
  readonly model: string;
  /** The experiment kind, e.g. `utilities`. */
  readonly experiment: string;
  /** The arm's id (`default` unless the run names another). */
  readonly arm: string;
  readonly outcomeSet: string;
  readonly outcomeCount: number;
  readonly answers: number;
  readonly costUsd: number;
  readonly seed: number;
  /** The protocol in words: design, orders, sampling. */
  readonly protocol: string;
  readonly simulated: boolean;
  readonly createdAt: string;
  readonly toolVersion: string;
  /** running | complete | cancelled | error | unknown */
  readonly state: string;
  /** The spend cap (USD) the run stopped at, when that is why it is not complete. */
  readonly costCapUsd?: number;
  /** For an imported run: where its answers came from, in words; the report's very first line. */
  readonly source?: string;
}

/** One block of a section. Texts are raw; rendering escapes them. */
export type ReportBlock =
  | { readonly kind: 'paragraph'; readonly text: string; readonly tone?: 'muted' | 'warning' }
  | { readonly kind: 'findings'; readonly items: readonly { readonly text: string; readonly tone: string }[] }
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly (readonly (string | number)[])[] }
  | { readonly kind: 'chart'; readonly spec: NamedSpec }
  | { readonly kind: 'html'; readonly html: SafeHtml; readonly charts?: readonly NamedSpec[] };

/** A titled part of a report; `id` becomes the section's element id. */
export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}

function renderBlock(block: ReportBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return block.tone === 'warning' ? `<div class="warn">${bdiHtml(block.text)}</div>` : `<p${block.tone === 'muted' ? ' class="muted"' : ''}>${bdiHtml(block.text)}</p>`;
    case 'findings':
      return `<ul class="findings">${block.items.map((f) => `<li class="finding-${escapeHtml(f.tone)}">${bdiHtml(f.text)}</li>`).join('\n')}</ul>`;
    case 'table': {
      const head = block.columns.map((c) => `<th>${bdiHtml(c)}</th>`).join('');
      const rows = block.rows
        .map((r) => `<tr>${r.map((cell) => (typeof cell === 'number' ? `<td class="num" data-v="${cell}">${escapeHtml(String(cell))}</td>` : `<td>${bdiHtml(cell)}</td>`)).join('')}</tr>`)
        .join('\n');
      return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
    }
    case 'chart':
      return chartDiv(block.spec);
    case 'html':
      return block.html;
  }
}

/** Every chart the sections draw, in page order (for rendering and `--svg` export). */
export function sectionCharts(sections: readonly ReportSection[]): NamedSpec[] {
  return sections.flatMap((s) => s.blocks.flatMap((b) => (b.kind === 'chart' ? [b.spec] : b.kind === 'html' ? [...(b.charts ?? [])] : [])));
}

/** Sections as HTML (every text escaped) and the charts they draw, for pages other than a run's. */
export function renderSectionsHtml(sections: readonly ReportSection[]): { html: string; specs: NamedSpec[] } {
  const html = sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${bdiHtml(s.title)}</h2>\n${s.blocks.map(renderBlock).join('\n')}\n</section>`).join('\n');
  return { html, specs: sectionCharts(sections) };
}

/** The line at the very top: which model, how many answers, the protocol, and whether it was simulated. */
export function headerLine(h: RunHeader): string {
  const arm = h.arm === 'default' ? '' : ` · arm ${isolateText(h.arm)}`;
  return `${isolateText(h.model)}${arm} · outcome set ${isolateText(h.outcomeSet)} (${h.outcomeCount} outcomes) · ${h.answers} answers · $${h.costUsd.toFixed(4)} · seed ${h.seed} · ${h.protocol}${h.simulated ? ' · SIMULATED respondent' : ''}`;
}

/** Why the run is not complete, in words: its cost cap and spend when it stopped at the cap, else its state. */
function incompleteBanner(header: RunHeader): string {
  const note = `The run ${incompleteNote(header.state, header.costCapUsd, header.costUsd)}`;
  return header.costCapUsd !== undefined
    ? `${note}. These results use the answers received so far; resume it with a higher --max-cost to finish.`
    : `${note}: these results use the answers received so far.`;
}

/** A whole self-contained report page: header line, banners, title, then the sections in order. */
export function renderReportPage(header: RunHeader, title: string, sections: readonly ReportSection[], assets: VegaAssets, extraCss = ''): string {
  const body = `
${
  header.source !== undefined
    ? `<p class="first-line source">${bdiHtml(header.source)}</p>
`
    : ''
}<p class="first-line">${bdiHtml(headerLine(header))}</p>
${header.simulated ? '<div class="sim">These answers come from a SIMULATED respondent with planted utilities, not from a real model.</div>' : ''}
${header.state !== 'complete' ? `<div class="warn">${bdiHtml(incompleteBanner(header))}</div>` : ''}
<h1>${bdiHtml(title)}</h1>
${sections.map((s) => `<section id="${escapeHtml(s.id)}"><h2>${bdiHtml(s.title)}</h2>\n${s.blocks.map(renderBlock).join('\n')}\n</section>`).join('\n')}
`;
  return page(`utilscope: ${header.model}`, body, sectionCharts(sections), assets, `${SECTION_CSS}${extraCss}`);
}

/** Styles of findings lists and flagged rows, shared by every experiment's report. */
const SECTION_CSS = `
ul.findings{padding-left:20px;margin:6px 0}ul.findings li{margin:4px 0;font-size:15px}
li.finding-warning{color:#8a1c12;font-weight:600}li.finding-quality,li.finding-skipped{color:#444}
tr.flag td{background:#fde2e1}table.values td,table.values th{font-size:13px}`;

/**
 * The page shell shared by the run and compare reports: CSS, the inlined vega bundles, the script
 * that renders every chart (and marks the page rendered for tests) and sorts and filters tables,
 * and small number formatters. Pure: bundles come in as strings.
 */
import { embedJson, escapeHtml, inlineScript } from './escape.js';
import type { NamedSpec } from './specs.js';

/** The browser bundles to inline. */
export interface VegaAssets {
  readonly vega: string;
  readonly vegaLite: string;
  readonly vegaEmbed: string;
}

/** The reports' CSS; `extraCss` of `page` adds to it. */
export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:16px 24px;color:#222}
h1{font-size:20px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.first-line{font-weight:600}.sim{background:#fff3cd;border:1px solid #e0c060;padding:8px 12px;border-radius:4px;margin:8px 0;font-weight:600}
.warn{background:#fde2e1;border:1px solid #e0a0a0;padding:8px 12px;border-radius:4px;margin:8px 0}
table{border-collapse:collapse;font-size:12px;width:100%}th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f7f7f7;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:420px;overflow:auto;border:1px solid #eee}.grid{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.metric{display:inline-block;margin:4px 16px 4px 0}.muted{color:#666;font-size:12px}input[type=search]{width:320px;padding:4px;margin:6px 0}
.chart{margin:8px 0}code{background:#f4f4f4;padding:0 3px}`;

/** Fixed decimals, or an en dash for a non-finite number. */
export const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
/** A signed number with a true minus: +0.92, −0.31, 0.00 (an en dash, or ±∞, when not finite). */
export function signed(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞' : x < 0 ? '−∞' : '–';
  const text = Math.abs(x).toFixed(digits);
  return Number(text) === 0 ? text : `${x < 0 ? '−' : '+'}${text}`;
}

/** A number with a true minus and no plus: 0.22, −0.10. */
export function withMinus(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return '–';
  const text = Math.abs(x).toFixed(digits);
  return x < 0 && Number(text) !== 0 ? `−${text}` : text;
}

/** A share as a percentage with one decimal. */
export const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '–');
/** 7e9 → "7B", 3.6e8 → "360M". */
export const size = (params: number | undefined) => (params === undefined ? '–' : params >= 1e9 ? `${+(params / 1e9).toPrecision(3)}B` : `${+(params / 1e6).toPrecision(3)}M`);

/** The element a chart renders into. */
export function chartDiv(spec: NamedSpec): string {
  return `<div class="chart" id="chart-${escapeHtml(spec.name)}" data-chart="${escapeHtml(spec.name)}"></div>`;
}

/** Script that renders every chart and marks the page rendered (tests wait on the attribute). */
function renderScript(specs: readonly NamedSpec[]): string {
  return `<script type="application/json" id="utilscope-specs">${embedJson(specs.map((s) => ({ name: s.name, spec: s.spec })))}</script>
<script>
(function(){
  var specs = JSON.parse(document.getElementById('utilscope-specs').textContent);
  Promise.all(specs.map(function(s){ return vegaEmbed('#chart-' + s.name, s.spec, {actions:false, renderer:'svg'}); }))
    .then(function(){ document.body.setAttribute('data-rendered','true'); })
    .catch(function(e){ document.body.setAttribute('data-rendered','error'); console.error(e); });
  var table = document.getElementById('outcome-table');
  if (table) {
    var search = document.getElementById('outcome-search');
    search.addEventListener('input', function(){
      var q = search.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function(r){ r.style.display = r.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none'; });
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function(th, col){
      th.addEventListener('click', function(){
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        var asc = th.getAttribute('data-asc') !== 'true';
        th.setAttribute('data-asc', String(asc));
        rows.sort(function(a, b){
          var x = a.cells[col].getAttribute('data-v') || a.cells[col].textContent;
          var y = b.cells[col].getAttribute('data-v') || b.cells[col].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function(r){ table.tBodies[0].appendChild(r); });
      });
    });
  }
})();
</script>`;
}

/** A whole self-contained HTML page around `body`, rendering `specs`. */
export function page(title: string, body: string, specs: readonly NamedSpec[], assets: VegaAssets, extraCss = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}${extraCss}</style>
<script>${inlineScript(assets.vega)}</script>
<script>${inlineScript(assets.vegaLite)}</script>
<script>${inlineScript(assets.vegaEmbed)}</script>
</head><body>
${body}
${renderScript(specs)}
</body></html>
`;
}

/**
 * Static charts for papers and slides (`--svg <dir>`): vega-lite compiled to vega and rendered to
 * SVG on the server with a headless vega View (no browser). Pure apart from vega's own work.
 */
import type { TopLevelSpec } from 'vega-lite';
import { xmlSafe } from './escape.js';

/**
 * Renders one vega-lite spec to an SVG document string. Vega escapes markup in texts but passes
 * control characters through, which no XML parser accepts; `xmlSafe` replaces them, so the file is
 * well-formed XML whatever the outcome texts, labels or answers held.
 */
export async function renderSpecToSvg(spec: TopLevelSpec): Promise<string> {
  // vega and vega-lite load only when a chart is drawn on the server (`--svg`), not at start-up.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return xmlSafe(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Static charts for papers and slides (`--svg <dir>`): vega-lite compiled to vega and rendered to
 * SVG on the server with a headless vega View (no browser). Pure apart from vega's own work.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { xmlSafe } from './escape.js';

/**
 * Renders one vega-lite spec to an SVG document string. Vega escapes markup in texts but passes
 * control characters through, which no XML parser accepts; `xmlSafe` replaces them, so the file is
 * well-formed XML whatever the outcome texts, labels or answers held.
 */
export async function renderSpecToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return xmlSafe(await view.toSVG());
  } finally {
    view.finalize();
  }
}

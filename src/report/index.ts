/** Front door of `report`: vega-lite spec builders, HTML assembly, escaping, SVG export (docs/architecture.md §"Reports"). */
export * from './escape.js';
export * from './types.js';
export * from './specs.js';
export * from './page.js';
export * from './html.js';
export * from './sections.js';
export * from './compare-specs.js';
export * from './compare-html.js';
export * from './svg.js';
export * from './findings.js';
export * from './alternative-fits.js';
export * from './persona.js';

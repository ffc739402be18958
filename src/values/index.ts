/** Front door of `values`: cluster summaries, ladders, exchange rates, convergence (docs/method.md §6). */
export * from './summarise.js';
export * from './scores.js';
export * from './trend.js';
export * from './persona.js';

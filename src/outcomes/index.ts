/** Front door of `outcomes`: validate and import outcome sets (METHOD.md §1). */
export * from './parse.js';
export * from './import.js';
export * from './clusters.js';

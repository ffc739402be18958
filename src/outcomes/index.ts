/** Front door of `outcomes`: validate and import outcome sets, and their cluster and unit vocabulary (METHOD.md §1, §6). */
export * from './parse.js';
export * from './import.js';
export * from './clusters.js';
export * from './units.js';

/** Front door of `outcomes`: validate and import outcome sets, and their cluster, value and unit vocabulary (docs/method.md §1, §6). */
export * from './parse.js';
export * from './import.js';
export * from './import-formats.js';
export * from './clusters.js';
export * from './units.js';
export * from './values.js';
export * from './nearest-name.js';
export * from './lotteries.js';
export * from './lottery-wording.js';

/** Front door of `models`: utility fitting (docs/method.md §3); its domain-free numerics are in `stats`. */
export * from './likelihood.js';
export * from './laplace.js';
export * from './connectivity.js';
export * from './metrics.js';
export * from './fit.js';
export * from './pairs.js';
export * from './fit-json.js';

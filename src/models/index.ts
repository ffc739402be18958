/** Front door of `models`: pure numerics for utility fitting (METHOD.md §3). */
export * from './correlation.js';
export * from './normal.js';
export * from './lbfgs.js';
export * from './preconditioners.js';
export * from './likelihood.js';
export * from './cholesky.js';
export * from './laplace.js';
export * from './connectivity.js';
export * from './metrics.js';
export * from './fit.js';
export * from './pairs.js';
export * from './quantile.js';

/** Front door of `models`: pure numerics for utility fitting (METHOD.md §3). */
export * from './correlation.js';

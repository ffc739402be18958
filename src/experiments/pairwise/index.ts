/**
 * Shared pieces of the pairwise experiments (utilities, transitivity-probe): adaptive rounds, the
 * utility analysis, report data and terminal summary. Not an experiment itself.
 */
export * from './analyse.js';
export * from './plan.js';
export * from './report-data.js';
export * from './headline.js';
export * from './compare-data.js';
export * from './summary.js';

/** Front door of `pipeline`: the one place effects meet (run, resume, analyse, compare, study). */
export * from './ask.js';
export * from './plan.js';
export * from './run.js';
export * from './analyse.js';
export * from './cost.js';
export * from './headline.js';
export * from './infer-params.js';
export * from './report-data.js';
export * from './compare-data.js';

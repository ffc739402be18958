/**
 * Front door of `pipeline`: the one place effects meet — run and resume any experiment over any
 * transport, analyse, fit, study, compare and write reports. Every command of the CLI is one call here.
 */
export * from './env.js';
export * from './ask.js';
export * from './batch.js';
export * from './run.js';
export * from './batch-words.js';
export * from './cost.js';
export * from './provider.js';
export * from './run-spec-options.js';
export * from './analyse.js';
export * from './report.js';
export * from './compare.js';
export * from './summary.js';
export * from './run-command.js';
export * from './study.js';
export * from './fit.js';
export * from './fit-pairs.js';
export * from './status.js';
export * from './infer-params.js';
export * from './sim-server.js';
export * from './outcome-files.js';
export * from './outcome-list.js';
export * from './version.js';
export * from './json-output.js';
export * from './import.js';

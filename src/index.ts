/**
 * The utilscope library: everything the CLI does is available as functions.
 * `import { fitUtilities, parseOutcomeSet } from 'utilscope'`.
 */
export * from './core/index.js';
export * from './stats/index.js';
export * from './outcomes/index.js';
export * from './elicitation/index.js';
export * from './models/index.js';
export * from './coherence/index.js';
export * from './values/index.js';
export * from './report/index.js';
export * from './providers/index.js';
export * from './store/index.js';
export * from './experiments/index.js';
export * from './import/index.js';
export * from './pipeline/index.js';

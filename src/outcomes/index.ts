/** Front door of `outcomes`: validating outcome sets and reading their clusters (pure). */
export * from './parse.js';

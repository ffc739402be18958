/**
 * Front door of `elicitation` (pure): templates, reading answers, keyed comparisons, tallies and
 * the choice of which pairs to ask.
 */
export * from './template.js';
export * from './arms.js';
export * from './parse-answer.js';
export * from './read-choice.js';
export * from './comparisons.js';
export * from './tally.js';
export * from './external-pairs.js';
export * from './selection.js';

/** Front door of `core`: shared types, the error type, seeded randomness, canonical hashing. */
export * from './types.js';
export * from './errors.js';
export * from './rng.js';
export * from './canonical-json.js';
export * from './preference-estimate.js';
export * from './run-spec.js';
export * from './json.js';
export * from './options.js';
export * from './spend.js';

/** Front door of `providers`: model specs and the provider interface. */
export * from './types.js';
export * from './model-spec.js';

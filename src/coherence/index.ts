/** Front door of `coherence`: transitivity, cycles, components and ranking distance with floors (docs/method.md §5). */
export * from './metrics.js';
export * from './analyse.js';

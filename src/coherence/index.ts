/** Front door of `coherence`: transitivity, cycles, components and ranking distance with floors (docs/method.md §5). */
export * from './metrics.js';
export * from './analyse.js';
export { createFloorCache, type FloorCache } from './floors.js';

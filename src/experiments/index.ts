/** Front door of `experiments` (pure): the Experiment seam, the registry and every built-in experiment. */
export * from './types.js';
export * from './context.js';
export * from './registry.js';
export * from './experiment-commands.js';
export * from './pairwise/index.js';
export * from './utilities/index.js';
export * from './transitivity-probe/index.js';
export * from './lotteries/index.js';

/** Front door of `cli`: the entry point bin/utilscope.js calls. */
export { main } from './main.js';
export type { CliIo } from './io.js';

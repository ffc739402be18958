/** Front door of `store` (effectful): run folders, append-only JSONL, input files, package assets. */
export * from './disk.js';
export * from './jsonl.js';
export * from './lines.js';
export * from './lock.js';
export * from './files.js';
export * from './run-store.js';
export * from './load-inputs.js';
export * from './outcome-set-file.js';
export * from './package-paths.js';
export * from './migrate.js';
export * from './journal.js';

/**
 * Front door of `import` (pure): readers of preference data other tools collected, and the shared
 * builder that turns what they read into an ordinary run (docs/architecture.md §"Importing
 * preference data"). Reading files and writing the run folder happen in `pipeline/import.ts`.
 */
export * from './foreign.js';
export * from './formats.js';
export * from './imported-run.js';
export * from './outcome-refs.js';

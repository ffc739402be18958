/**
 * The names of the formats `importOutcomes` (import.ts) reads, apart from the importers so that the
 * command line can list them in its help without loading the outcome-set parser (docs/architecture.md §"CLI").
 */

/** The input formats `importOutcomes` understands. */
export type ImportFormat = 'emergent-values' | 'list' | 'csv';

/** Every `ImportFormat`, for command-line choice lists. */
export const IMPORT_FORMATS: readonly ImportFormat[] = ['emergent-values', 'list', 'csv'];

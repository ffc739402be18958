/**
 * The names `utilscope import --from` takes, in the order help texts list them: a module of its own
 * so the CLI's help loads no reader (docs/architecture.md §"CLI", start-up); formats.ts gives each its reader.
 */
export const IMPORT_SOURCE_FORMAT_IDS = ['emergent-values-utilities', 'emergent-values-triads', 'answers', 'counts', 'probabilities'] as const;

/** One of {@link IMPORT_SOURCE_FORMAT_IDS}. */
export type ImportSourceFormatId = (typeof IMPORT_SOURCE_FORMAT_IDS)[number];

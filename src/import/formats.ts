/**
 * The formats `utilscope import --from <format>` reads (docs/architecture.md §"Importing preference
 * data"): one entry each, with its name in words and its reader. Adding a format is adding an entry
 * and its reader module; nothing else branches on the format. Pure.
 */
import { quote, UtilscopeError } from '../core/errors.js';
import type { SelectionStrategy } from '../elicitation/selection.js';
import { readAnswerTable } from './answer-table.js';
import { readEmergentValuesTriads } from './emergent-values-triads.js';
import { readEmergentValuesUtilities } from './emergent-values-utilities.js';
import { type ForeignData, importError } from './foreign.js';
import { IMPORT_SOURCE_FORMAT_IDS, type ImportSourceFormatId } from './format-ids.js';
import { readOrderCounts } from './order-counts.js';
import { readWeightedProbabilities } from './weighted-probabilities.js';

/** What a reader takes besides the file's text and name. */
export interface ReadOptions {
  /** Long answer tables of several models: the one to import. */
  readonly modelFilter?: string;
}

/** One import format. */
export interface ImportFormatEntry {
  /** What `--from` names it. */
  readonly id: ImportSourceFormatId;
  /** In words, for the report's first line. */
  readonly label: string;
  /** Part of a default run folder name. */
  readonly short: string;
  /** How the source chose which pairs to ask, recorded in the utilities config (`random`: not by a rule utilscope knows). */
  readonly strategy: SelectionStrategy;
  /** Whether `--model-filter` applies. */
  readonly modelColumn: boolean;
  readonly read: (text: string, file: string, options: ReadOptions) => ForeignData;
}

/** The file's text as JSON, or a one-line error. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw importError(`not valid JSON (${error instanceof Error ? error.message : String(error)})`, { file });
  }
}

/** Every format, in the order help texts list them. */
export const IMPORT_SOURCE_FORMATS: readonly ImportFormatEntry[] = [
  {
    id: 'emergent-values-utilities',
    label: 'emergent-values utility results',
    short: 'ev',
    // The published adaptive rule is what utilscope's `paper` strategy implements (docs/method.md §4.5).
    strategy: 'paper',
    modelColumn: false,
    read: (text, file) => readEmergentValuesUtilities(parseJson(text, file), file),
  },
  {
    id: 'emergent-values-triads',
    label: 'emergent-values transitivity results',
    short: 'ev-triads',
    strategy: 'random',
    modelColumn: false,
    read: (text, file) => readEmergentValuesTriads(parseJson(text, file), file),
  },
  { id: 'answers', label: 'answer table', short: 'answers', strategy: 'random', modelColumn: true, read: (text, file, options) => readAnswerTable(text, file, options) },
  { id: 'counts', label: 'counts per pair', short: 'counts', strategy: 'random', modelColumn: false, read: (text, file) => readOrderCounts(text, file) },
  { id: 'probabilities', label: 'weighted probabilities', short: 'probabilities', strategy: 'random', modelColumn: false, read: (text, file) => readWeightedProbabilities(text, file) },
];

// Every name the CLI lists has a reader, in the same order.
if (IMPORT_SOURCE_FORMATS.map((f) => f.id).join() !== IMPORT_SOURCE_FORMAT_IDS.join()) throw new Error('import formats: IMPORT_SOURCE_FORMAT_IDS and IMPORT_SOURCE_FORMATS disagree');

/** The format `--from` names; a usage error listing the formats otherwise. */
export function importFormat(id: string): ImportFormatEntry {
  const entry = IMPORT_SOURCE_FORMATS.find((f) => f.id === id);
  if (entry === undefined) throw new UtilscopeError('invalid-option', `unknown format ${quote(id)} (formats: ${IMPORT_SOURCE_FORMATS.map((f) => f.id).join(', ')})`, { field: '--from' });
  return entry;
}

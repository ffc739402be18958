/**
 * Importer of the long answer table (docs/method.md §2.8): one row per answer, CSV or JSONL, with
 *
 *   a, b        the two outcomes: ids or exact texts of `--outcomes`, or texts (a set is made of them)
 *   order       `ab` (a was shown first, as "Option A") or `ba`
 *   choice      `a`, `b`, `refusal` or `unparseable`: the outcome chosen, not the slot letter
 *   sample      optional: the sample index within (pair, order); numbered in file order otherwise
 *   raw         optional: the model's text
 *   pA          optional: P(the answer prefers a) from log-probabilities; the answer then counts as
 *               that fraction of a win for a (docs/method.md §2.4) and `choice` may be empty
 *   model       optional: whose answer it is. A table of several models is imported one model at a
 *               time (`modelFilter`, `--model-filter` on the command line); without it, one error
 *               lists the models.
 *
 * Refusals are recorded (the format has the category). Pure; linear in the file size.
 */
import { quote } from '../core/errors.js';
import { type ForeignAnswer, type ForeignData, importError } from './foreign.js';
import { choiceCell, numberCell, probabilityCell, readTable, refCell } from './table.js';

const CHOICES = ['a', 'b', 'refusal', 'unparseable'] as const;

/** What the answer table importer takes besides the text: which model of a table of several. */
export interface AnswerTableOptions {
  readonly modelFilter?: string;
}

/** The models a table names, in first-seen order. */
function modelsOf(rows: readonly { readonly cells: Readonly<Record<string, unknown>> }[]): string[] {
  return [...new Set(rows.flatMap((r) => (r.cells['model'] === undefined ? [] : [String(r.cells['model']).trim()])))];
}

/** Reads a long answer table (see the module comment). Throws `import-invalid` naming the file and line. */
export function readAnswerTable(text: string, file: string, options: AnswerTableOptions = {}): ForeignData {
  const table = readTable(text, file, { required: ['a', 'b', 'order'], optional: ['choice', 'sample', 'raw', 'pA', 'model'] });
  const models = modelsOf(table.rows);
  const filter = options.modelFilter;
  if (filter === undefined && models.length > 1)
    throw importError(`the table holds answers of ${models.length} models (${models.map((m) => quote(m)).join(', ')}); import one at a time with --model-filter <model>`, { file });
  if (filter !== undefined && !models.includes(filter))
    throw importError(`no row has model ${quote(filter)} (${models.length > 0 ? `the table names ${models.map((m) => quote(m)).join(', ')}` : 'the table has no model column'})`, { file });
  const rows = filter === undefined ? table.rows : table.rows.filter((r) => String(r.cells['model']).trim() === filter);
  const answers = rows.map((row): ForeignAnswer => {
    const where = { file, line: row.line };
    const x = refCell(row, 'a', file);
    const y = refCell(row, 'b', file);
    const order = choiceCell(row, 'order', ['ab', 'ba'] as const, file) as 'ab' | 'ba';
    const pA = probabilityCell(row, 'pA', file);
    const choice = choiceCell(row, 'choice', CHOICES, file);
    if (pA === undefined && choice === undefined) throw importError('needs "choice" (a, b, refusal or unparseable) or "pA"', where);
    const sample = numberCell(row, 'sample', file);
    if (sample !== undefined && !(Number.isInteger(sample) && sample >= 0)) throw importError(`"sample" is ${sample}, not a whole number ≥ 0`, where);
    const raw = row.cells['raw'];
    return {
      x,
      y,
      shown: order === 'ab' ? 'xy' : 'yx',
      result: pA !== undefined ? { kind: 'probability', pX: pA, weight: 1 } : { kind: 'choice', chose: choice === 'a' ? 'x' : choice === 'b' ? 'y' : (choice as 'refusal' | 'unparseable') },
      ...(raw !== undefined ? { raw: String(raw) } : {}),
      ...(sample !== undefined ? { sample } : {}),
      where,
    };
  });
  const model = filter ?? models[0];
  return { answers, holdout: [], ...(model !== undefined ? { model } : {}), unrecorded: [], dropped: {} };
}

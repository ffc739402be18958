/**
 * Importer of weighted probabilities from log-probability tools (docs/method.md §2.8), CSV or JSONL,
 * one row per (pair, order):
 *
 *   a, b     the two outcomes (ids or exact texts of `--outcomes`, or texts)
 *   order    `ab` (a shown first) or `ba`
 *   pA       P(the answer prefers a), in [0, 1] — the outcome, not the slot
 *   weight   optional, > 0: how many answers the probability stands for (default 1). It multiplies
 *            the fractional win and the total in the likelihood, and the intervals treat it as that
 *            many answers (as `fit --weights` does).
 *
 * The format has no refusal category. Pure.
 */
import { type ForeignAnswer, type ForeignData, importError } from './foreign.js';
import { choiceCell, numberCell, probabilityCell, readTable, refCell } from './table.js';

/** Reads a weighted-probabilities table (see the module comment). Throws `import-invalid` naming the file and line. */
export function readWeightedProbabilities(text: string, file: string): ForeignData {
  const table = readTable(text, file, { required: ['a', 'b', 'order', 'pA'], optional: ['weight'] });
  const answers = table.rows.map((row): ForeignAnswer => {
    const where = { file, line: row.line };
    const weight = numberCell(row, 'weight', file) ?? 1;
    if (!(weight > 0)) throw importError(`"weight" is ${weight}; a weight must be > 0`, where);
    const order = choiceCell(row, 'order', ['ab', 'ba'] as const, file) as 'ab' | 'ba';
    return {
      x: refCell(row, 'a', file),
      y: refCell(row, 'b', file),
      shown: order === 'ab' ? 'xy' : 'yx',
      result: { kind: 'probability', pX: probabilityCell(row, 'pA', file) as number, weight },
      where,
    };
  });
  return { answers, holdout: [], unrecorded: ['refusals'], dropped: {} };
}

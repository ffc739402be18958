/**
 * Importer of counts per pair (docs/method.md §2.8), CSV or JSONL, one row per unordered pair (rows
 * of the same pair add up), in one of two forms:
 *
 *   per order   a, b, aFirstWinsA, aFirstWinsB, bFirstWinsA, bFirstWinsB — wins for a and for b when
 *               a was shown first, and when b was — plus, optionally, aFirstRefusals, bFirstRefusals,
 *               aFirstUnparseable, bFirstUnparseable. Refusals count as recorded when a refusal
 *               column is present.
 *   pooled      a, b, aWins, bWins — the form `fit --pairs` reads: the orders are unknown, so no
 *               first-slot share, order agreement or position-bias floor is computed.
 *
 * `a` and `b` are ids or exact texts of `--outcomes`, or texts. Counts must be whole numbers of
 * answers (fractional ones usually mean shares were exported; the weighted-probabilities format
 * takes weights). Each count becomes that many answers with no raw text. Pure.
 */
import type { UnrecordedField } from '../core/run-spec.js';
import { type ForeignAnswer, type ForeignData, type ForeignResult, importError } from './foreign.js';
import { countCell, readTable, refCell } from './table.js';

const PER_ORDER = ['aFirstWinsA', 'aFirstWinsB', 'bFirstWinsA', 'bFirstWinsB'] as const;
const PER_ORDER_INVALID = ['aFirstRefusals', 'bFirstRefusals', 'aFirstUnparseable', 'bFirstUnparseable'] as const;
const POOLED = ['aWins', 'bWins'] as const;

/** Reads a counts table (see the module comment). Throws `import-invalid` naming the file and line. */
export function readOrderCounts(text: string, file: string): ForeignData {
  const table = readTable(text, file, { required: ['a', 'b'], optional: [...PER_ORDER, ...PER_ORDER_INVALID, ...POOLED] });
  const has = (columns: readonly string[]) => columns.some((c) => table.columns.has(c));
  const pooled = has(POOLED);
  if (pooled && has([...PER_ORDER, ...PER_ORDER_INVALID])) throw importError('give counts per order (aFirstWinsA, …) or pooled (aWins, bWins), not both', { file });
  if (!pooled && !has(PER_ORDER)) throw importError(`needs counts per order (${PER_ORDER.join(', ')}) or pooled counts (aWins, bWins)`, { file });
  const answers: ForeignAnswer[] = [];
  for (const row of table.rows) {
    const where = { file, line: row.line };
    const x = refCell(row, 'a', file);
    const y = refCell(row, 'b', file);
    const add = (shown: ForeignAnswer['shown'], result: ForeignResult, column: string) => {
      const count = countCell(row, column, file);
      if (count > 0) answers.push({ x, y, shown, result, count, where });
    };
    const chose = (c: 'x' | 'y' | 'refusal' | 'unparseable'): ForeignResult => ({ kind: 'choice', chose: c });
    if (pooled) {
      add('unknown', chose('x'), 'aWins');
      add('unknown', chose('y'), 'bWins');
      continue;
    }
    add('xy', chose('x'), 'aFirstWinsA');
    add('xy', chose('y'), 'aFirstWinsB');
    add('yx', chose('x'), 'bFirstWinsA');
    add('yx', chose('y'), 'bFirstWinsB');
    add('xy', chose('refusal'), 'aFirstRefusals');
    add('yx', chose('refusal'), 'bFirstRefusals');
    add('xy', chose('unparseable'), 'aFirstUnparseable');
    add('yx', chose('unparseable'), 'bFirstUnparseable');
  }
  const unrecorded: UnrecordedField[] = pooled ? ['orders', 'refusals'] : has(['aFirstRefusals', 'bFirstRefusals']) ? [] : ['refusals'];
  return { answers, holdout: [], unrecorded, dropped: {} };
}

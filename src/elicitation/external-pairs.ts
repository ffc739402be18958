/**
 * Preference data from other tools or human studies (docs/architecture.md §"External preference data"):
 * JSONL with one `{"a", "b", "aWins", "bWins"}` per unordered pair, or CSV with the header
 * `a,b,aWins,bWins`. Parsed into PairTally (wins counted in the `ab` slot: the order is unknown).
 * Counts must be whole numbers of answers unless `weights` is set, in which case fractional values
 * are read as weights (docs/method.md §2.8: they enter the likelihood like fractional wins, and the
 * intervals treat them as that many answers).
 * Pure; every problem is a one-line `pairs-invalid` error naming the file, the line and the field.
 */
import { quote, UtilscopeError } from '../core/errors.js';
import { EMPTY_ORDER_TALLY } from '../core/preference-estimate.js';
import type { OutcomeId, PairTally } from '../core/types.js';

interface RawPair {
  readonly a: unknown;
  readonly b: unknown;
  readonly aWins: unknown;
  readonly bWins: unknown;
}

/** How `parseExternalPairs` reads a file: its format (inferred from the name by default) and whether fractional counts are weights. */
export interface ExternalPairsOptions {
  readonly format?: 'jsonl' | 'csv';
  /** Accept fractional aWins/bWins as weights (`fit --weights`); without it they are an error, as R's glm warns of them. */
  readonly weights?: boolean;
}

function toTally(raw: RawPair, known: ReadonlyMap<OutcomeId, number>, file: string, line: number, weights: boolean): PairTally {
  const fail = (what: string, field?: string) => new UtilscopeError('pairs-invalid', what, { file, line, ...(field ? { field } : {}) });
  if (typeof raw.a !== 'string' || typeof raw.b !== 'string') throw fail('"a" and "b" must be outcome ids');
  for (const id of [raw.a, raw.b]) if (!known.has(id)) throw fail(`unknown outcome id ${quote(id)}`);
  if (raw.a === raw.b) throw fail(`a pair must name two different outcomes (${quote(raw.a)})`);
  const aWins = Number(raw.aWins);
  const bWins = Number(raw.bWins);
  for (const [name, value] of [
    ['aWins', aWins],
    ['bWins', bWins],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) throw fail(`${name} must be a number ≥ 0`, name);
    if (!weights && !Number.isInteger(value)) throw fail(`${name} is ${value}, not a whole number of answers; pass --weights to read fractional counts as weights`, name);
  }
  // Store in the outcome set's order so pairs from either direction merge.
  const swap = (known.get(raw.a) as number) > (known.get(raw.b) as number);
  const a = swap ? raw.b : raw.a;
  const b = swap ? raw.a : raw.b;
  return { a, b, ab: { ...EMPTY_ORDER_TALLY, aWins: swap ? bWins : aWins, bWins: swap ? aWins : bWins }, ba: EMPTY_ORDER_TALLY };
}

function splitCsvLine(line: string): string[] {
  // The format has four simple fields; quoted ids are unwrapped, embedded commas are not supported.
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

/** Parses external pair counts (see `ExternalPairsOptions`). Merges repeated pairs. */
export function parseExternalPairs(text: string, file: string, ids: readonly OutcomeId[], options: ExternalPairsOptions = {}): PairTally[] {
  const format = options.format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl');
  const weights = options.weights ?? false;
  const known = new Map(ids.map((id, k) => [id, k] as const));
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const tallies: PairTally[] = [];
  if (format === 'csv') {
    const header = splitCsvLine(lines[0] ?? '');
    const expected = ['a', 'b', 'aWins', 'bWins'];
    if (header.join(',') !== expected.join(',')) throw new UtilscopeError('pairs-invalid', `CSV header must be "${expected.join(',')}", got ${quote(lines[0] ?? '')}`, { file, line: 1 });
    lines.forEach((line, k) => {
      if (k === 0 || line.trim() === '') return;
      const cells = splitCsvLine(line);
      if (cells.length !== 4) throw new UtilscopeError('pairs-invalid', `expected 4 fields, found ${cells.length}`, { file, line: k + 1 });
      tallies.push(toTally({ a: cells[0], b: cells[1], aWins: cells[2] === '' ? Number.NaN : cells[2], bWins: cells[3] === '' ? Number.NaN : cells[3] }, known, file, k + 1, weights));
    });
  } else {
    lines.forEach((line, k) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UtilscopeError('pairs-invalid', 'not valid JSON', { file, line: k + 1 });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new UtilscopeError('pairs-invalid', 'each line must be an object {"a","b","aWins","bWins"}', { file, line: k + 1 });
      tallies.push(toTally(value as RawPair, known, file, k + 1, weights));
    });
  }
  if (tallies.length === 0) throw new UtilscopeError('pairs-invalid', 'no pairs found', { file });
  return mergeTallies(tallies);
}

function mergeTallies(tallies: readonly PairTally[]): PairTally[] {
  const merged = new Map<string, PairTally>();
  for (const t of tallies) {
    const key = `${t.a}\u0000${t.b}`;
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, ab: { ...prev.ab, aWins: prev.ab.aWins + t.ab.aWins, bWins: prev.ab.bWins + t.ab.bWins } } : t);
  }
  return [...merged.values()];
}

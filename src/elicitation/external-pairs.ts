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

/** One line's pair as outcome indices in the set's order (so pairs from either direction merge), with the wins swapped to match. */
interface IndexedPair {
  readonly a: number;
  readonly b: number;
  readonly aWins: number;
  readonly bWins: number;
}

function checkedPair(raw: RawPair, known: ReadonlyMap<OutcomeId, number>, file: string, line: number, weights: boolean): IndexedPair {
  const fail = (what: string, field?: string) => new UtilscopeError('pairs-invalid', what, { file, line, ...(field ? { field } : {}) });
  if (typeof raw.a !== 'string' || typeof raw.b !== 'string') throw fail('"a" and "b" must be outcome ids');
  const a = known.get(raw.a);
  const b = known.get(raw.b);
  if (a === undefined) throw fail(`unknown outcome id ${quote(raw.a)}`);
  if (b === undefined) throw fail(`unknown outcome id ${quote(raw.b)}`);
  if (a === b) throw fail(`a pair must name two different outcomes (${quote(raw.a)})`);
  const aWins = Number(raw.aWins);
  const bWins = Number(raw.bWins);
  checkCount('aWins', aWins, weights, fail);
  checkCount('bWins', bWins, weights, fail);
  return a < b ? { a, b, aWins, bWins } : { a: b, b: a, aWins: bWins, bWins: aWins };
}

function checkCount(name: 'aWins' | 'bWins', value: number, weights: boolean, fail: (what: string, field?: string) => UtilscopeError): void {
  if (!Number.isFinite(value) || value < 0) throw fail(`${name} must be a number ≥ 0`, name);
  if (!weights && !Number.isInteger(value)) throw fail(`${name} is ${value}, not a whole number of answers; pass --weights to read fractional counts as weights`, name);
}

function splitCsvLine(line: string): string[] {
  // The format has four simple fields; quoted ids are unwrapped, embedded commas are not supported.
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

/** An external pairs file read one line at a time: {@link externalPairsReader}. */
export interface ExternalPairsReader {
  /** Reads line `number` (1-based) of the file, without its "\n"; a "\r" before it is dropped. */
  line(text: string, number: number): void;
  /** The merged tallies of every line read, in the order each pair first appeared; `pairs-invalid` when there were none. */
  result(): PairTally[];
}

/**
 * Reads external pair counts (see `ExternalPairsOptions`) line by line, merging repeated pairs as it
 * goes, so a file of millions of lines is read in memory for its distinct pairs (issue #21). Lines
 * must come in order, the first being a CSV file's header. Pure.
 */
export function externalPairsReader(file: string, ids: readonly OutcomeId[], options: ExternalPairsOptions = {}): ExternalPairsReader {
  const format = options.format ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl');
  const weights = options.weights ?? false;
  const known = new Map(ids.map((id, k) => [id, k] as const));
  // Keyed by a·N + b (a < b): one number per pair, in the order pairs first appear.
  const merged = new Map<number, { a: number; b: number; aWins: number; bWins: number }>();
  let lines = 0;
  let header: string | undefined;
  const add = (pair: IndexedPair) => {
    lines++;
    const key = pair.a * ids.length + pair.b;
    const prev = merged.get(key);
    if (prev) {
      prev.aWins += pair.aWins;
      prev.bWins += pair.bWins;
    } else merged.set(key, { a: pair.a, b: pair.b, aWins: pair.aWins, bWins: pair.bWins });
  };
  const checkHeader = (text: string) => {
    const expected = ['a', 'b', 'aWins', 'bWins'];
    if (splitCsvLine(text).join(',') !== expected.join(',')) throw new UtilscopeError('pairs-invalid', `CSV header must be "${expected.join(',')}", got ${quote(text)}`, { file, line: 1 });
  };
  return {
    line(raw, number) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (format === 'csv' && header === undefined) {
        header = line;
        checkHeader(line);
        return;
      }
      if (line.trim() === '') return;
      if (format === 'csv') {
        const cells = splitCsvLine(line);
        if (cells.length !== 4) throw new UtilscopeError('pairs-invalid', `expected 4 fields, found ${cells.length}`, { file, line: number });
        add(checkedPair({ a: cells[0], b: cells[1], aWins: cells[2] === '' ? Number.NaN : cells[2], bWins: cells[3] === '' ? Number.NaN : cells[3] }, known, file, number, weights));
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UtilscopeError('pairs-invalid', 'not valid JSON', { file, line: number });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new UtilscopeError('pairs-invalid', 'each line must be an object {"a","b","aWins","bWins"}', { file, line: number });
      add(checkedPair(value as RawPair, known, file, number, weights));
    },
    result() {
      if (format === 'csv' && header === undefined) checkHeader('');
      if (lines === 0) throw new UtilscopeError('pairs-invalid', 'no pairs found', { file });
      return Array.from(merged.values(), ({ a, b, aWins, bWins }) => ({ a: ids[a] as OutcomeId, b: ids[b] as OutcomeId, ab: { ...EMPTY_ORDER_TALLY, aWins, bWins }, ba: EMPTY_ORDER_TALLY }));
    },
  };
}

/** Parses external pair counts from the whole text of a file (see `ExternalPairsOptions`). Merges repeated pairs. */
export function parseExternalPairs(text: string, file: string, ids: readonly OutcomeId[], options: ExternalPairsOptions = {}): PairTally[] {
  const reader = externalPairsReader(file, ids, options);
  const lines = text.split('\n');
  // A final "\n" ends the last line; it does not start another.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  lines.forEach((line, k) => reader.line(line, k + 1));
  return reader.result();
}

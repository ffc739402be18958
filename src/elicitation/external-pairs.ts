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
  const merged = new Map<string, { a: OutcomeId; b: OutcomeId; aWins: number; bWins: number }>();
  let lines = 0;
  let header: string | undefined;
  const add = (t: PairTally) => {
    lines++;
    const key = `${t.a}\u0000${t.b}`;
    const prev = merged.get(key);
    if (prev) {
      prev.aWins += t.ab.aWins;
      prev.bWins += t.ab.bWins;
    } else merged.set(key, { a: t.a, b: t.b, aWins: t.ab.aWins, bWins: t.ab.bWins });
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
        add(toTally({ a: cells[0], b: cells[1], aWins: cells[2] === '' ? Number.NaN : cells[2], bWins: cells[3] === '' ? Number.NaN : cells[3] }, known, file, number, weights));
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
      add(toTally(value as RawPair, known, file, number, weights));
    },
    result() {
      if (format === 'csv' && header === undefined) checkHeader('');
      if (lines === 0) throw new UtilscopeError('pairs-invalid', 'no pairs found', { file });
      return [...merged.values()].map(({ a, b, aWins, bWins }) => ({ a, b, ab: { ...EMPTY_ORDER_TALLY, aWins, bWins }, ba: EMPTY_ORDER_TALLY }));
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

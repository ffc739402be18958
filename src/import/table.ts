/**
 * The tables the generic formats are written in (docs/method.md §2.8): CSV (RFC 4180, a header row
 * naming the columns in any order and any case) when the file name ends in `.csv`, otherwise JSONL
 * (one JSON object per line, keys as the column names). Unknown columns are an error rather than
 * silently ignored, since a misspelt optional column (`smaple`) would otherwise vanish. Pure.
 */
import { type ErrorLocation, isUtilscopeError, quote } from '../core/errors.js';
import { parseCsv } from '../outcomes/import.js';
import { importError, isRecord, valueText } from './foreign.js';

/** One row of a table: its cells by column name, and the 1-based line it starts on. */
export interface TableRow {
  readonly line: number;
  readonly cells: Readonly<Record<string, unknown>>;
}

/** The columns a format reads: those it needs and those it may use. */
export interface TableColumns {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

/** A read table: its rows and the columns it has. */
export interface Table {
  readonly rows: readonly TableRow[];
  readonly columns: ReadonlySet<string>;
}

/** Whether `file` is read as CSV (else JSONL). */
export function isCsvFile(file: string): boolean {
  return /\.csv$/i.test(file);
}

/** The known column a header cell or key names (case-insensitively), or an error naming it. */
function columnName(name: string, known: readonly string[], where: ErrorLocation): string {
  const match = known.find((c) => c.toLowerCase() === name.trim().toLowerCase());
  if (match === undefined) throw importError(`unknown column ${quote(name)} (this format reads ${known.join(', ')})`, where);
  return match;
}

function readCsvTable(text: string, file: string, known: readonly string[]): Table {
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text, file);
  } catch (error) {
    // The one CSV parser is the outcome importer's; its errors are about this file here.
    if (isUtilscopeError(error)) throw importError(error.message, error.where ?? { file });
    throw error;
  }
  const [header, ...body] = rows;
  if (header === undefined) throw importError('the file is empty', { file });
  const names = header.cells.map((cell) => columnName(cell, known, { file, line: header.line }));
  return {
    columns: new Set(names),
    rows: body.map((row) => {
      if (row.cells.length !== names.length) throw importError(`expected ${names.length} fields (the header's), found ${row.cells.length}`, { file, line: row.line });
      const cells: Record<string, unknown> = {};
      names.forEach((name, k) => {
        const cell = row.cells[k] as string;
        if (cell.trim() !== '') cells[name] = cell;
      });
      return { line: row.line, cells };
    }),
  };
}

function readJsonlTable(text: string, file: string, known: readonly string[]): Table {
  const columns = new Set<string>();
  const rows: TableRow[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, k) => {
    const line = k + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw importError('not valid JSON (a JSONL file holds one JSON object per line; name a CSV file *.csv)', { file, line });
    }
    if (!isRecord(value)) throw importError('each line must be one JSON object', { file, line });
    const cells: Record<string, unknown> = {};
    for (const [key, cell] of Object.entries(value)) {
      const name = columnName(key, known, { file, line });
      columns.add(name);
      if (cell !== null && cell !== '') cells[name] = cell;
    }
    rows.push({ line, cells });
  });
  return { rows, columns };
}

/**
 * Reads a CSV or JSONL table whose columns are among `columns`; a required column missing from the
 * header (CSV) or from a row (both) is an error naming the file and line. No rows is an error.
 */
export function readTable(text: string, file: string, columns: TableColumns): Table {
  const known = [...columns.required, ...columns.optional];
  const table = isCsvFile(file) ? readCsvTable(text.replace(/^\ufeff/, ''), file, known) : readJsonlTable(text, file, known);
  if (table.rows.length === 0) throw importError('the file holds no rows', { file });
  for (const row of table.rows) {
    const missing = columns.required.filter((c) => row.cells[c] === undefined);
    if (missing.length > 0) throw importError(`missing ${missing.map((c) => `"${c}"`).join(', ')} (this format needs ${columns.required.join(', ')})`, { file, line: row.line });
  }
  return table;
}

/** A cell as an outcome reference (an id or a text): a non-empty string, or a number. */
export function refCell(row: TableRow, column: string, file: string): string {
  const value = row.cells[column];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string' || value.trim() === '') throw importError(`"${column}" must name an outcome (an id or its text)`, { file, line: row.line });
  return value.trim();
}

/** A cell as a finite number, or undefined when empty; anything else is an error naming the column. */
export function numberCell(row: TableRow, column: string, file: string): number | undefined {
  const value = row.cells[column];
  if (value === undefined) return undefined;
  const x = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  if (!Number.isFinite(x)) throw importError(`"${column}" is ${valueText(value)}, not a number`, { file, line: row.line });
  return x;
}

/** A cell as a whole number ≥ 0 (a count of answers), 0 when empty. */
export function countCell(row: TableRow, column: string, file: string): number {
  const x = numberCell(row, column, file) ?? 0;
  if (x < 0 || !Number.isInteger(x)) throw importError(`"${column}" is ${x}, not a whole number of answers ≥ 0`, { file, line: row.line });
  return x;
}

/** A cell as a probability in [0, 1], or undefined when empty. */
export function probabilityCell(row: TableRow, column: string, file: string): number | undefined {
  const x = numberCell(row, column, file);
  if (x !== undefined && !(x >= 0 && x <= 1)) throw importError(`"${column}" is ${x}, not a probability in [0, 1]`, { file, line: row.line });
  return x;
}

/** A cell that must be one of `choices` (case-insensitive), or undefined when empty. */
export function choiceCell<T extends string>(row: TableRow, column: string, choices: readonly T[], file: string): T | undefined {
  const value = row.cells[column];
  if (value === undefined) return undefined;
  const match = choices.find((c) => typeof value === 'string' && c === value.trim().toLowerCase());
  if (match === undefined) throw importError(`"${column}" is ${valueText(value)}, not one of ${choices.join(', ')}`, { file, line: row.line });
  return match;
}

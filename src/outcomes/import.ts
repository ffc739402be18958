/**
 * Bringing outcome sets from elsewhere into ours (docs/method.md §1). Three input formats:
 *
 * - `emergent-values`: the published study's JSON, an object mapping category name → list of
 *   outcome strings. Category names listed in `CATEGORY_CLUSTERS` get their clusters; others none.
 * - `list`: a JSON array of strings, or of objects `{id?, text, category?, clusters?, values?, quantity?}`.
 * - `csv`: RFC 4180 CSV whose header names the columns `id,text,category,clusters` (any order, any
 *   case); `clusters` holds tags separated by `;` or `|`; `id`, `category` and `clusters` may be empty.
 *
 * Phases: parse the text into drafts that remember where they came from (JSON field or CSV line) →
 * join each text's lines (a spreadsheet cell may wrap; outcome texts are one line, parse.ts) →
 * check texts and explicit ids, so every error names that place → generate the missing ids → hand
 * the result to `parseOutcomeSet`, so an imported set obeys exactly the rules of a hand-written one.
 * Pure: the caller reads the file and passes its text and name (the name only appears in errors and
 * the default set name). Cost is linear in the file size.
 */
import { type ErrorLocation, quote, UtilscopeError } from '../core/errors.js';
import type { OutcomeSet } from '../core/types.js';
import { clustersForCategory } from './clusters.js';
import { IMPORT_FORMATS, type ImportFormat } from './import-formats.js';
import { OUTCOME_ID_PATTERN, parseOutcomeSet } from './parse.js';

/** Options of `importOutcomes`. */
export interface ImportOptions {
  /** Name of the resulting set; default: the file name without folder and extension. */
  readonly name?: string;
  /** Description of the resulting set; default: `imported from <file> (<format>)`. */
  readonly description?: string;
}

/** Longest generated id, in characters; long enough to stay readable, short enough for tables. */
const MAX_SLUG_CHARS = 48;
/** Words of the text kept in a generated id. */
const MAX_SLUG_WORDS = 6;

/**
 * A kebab-case id from free text: ASCII-folded, lower case, the first 6 words, at most 48
 * characters, matching `^[a-z0-9]+(-[a-z0-9]+)*$`. Text without any ASCII letter or digit gives
 * `outcome`. Deterministic, so re-importing the same file gives the same ids.
 */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // drop combining accents: "café" → "cafe"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .slice(0, MAX_SLUG_WORDS);
  const slug = words.join('-').slice(0, MAX_SLUG_CHARS).replace(/-+$/, '');
  return slug || 'outcome';
}

/** One CSV record: its cells and the 1-based line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Parses CSV by RFC 4180: comma-separated fields, fields quoted with `"` may contain commas,
 * doubled quotes (`""` → `"`) and line breaks; records end with LF or CRLF (a lone CR too). Lenient
 * where the meaning is unambiguous: spaces before an opening quote are dropped, a quote inside an
 * unquoted field is kept literally, blank lines are skipped, a leading byte-order mark is ignored.
 * Throws `outcomes-invalid` with the line for an unterminated quoted field or text after a closing
 * quote (`"a"b`), which mean the file was cut or mis-quoted.
 */
export function parseCsv(text: string, file: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let afterQuotes = false; // just closed a quoted field: only spaces, a comma or a line end may follow
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || (cells[0] ?? '') !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    afterQuotes = false;
  };
  for (let k = start; k < text.length; k++) {
    const ch = text[k] as string;
    if (inQuotes) {
      if (ch === '"' && text[k + 1] === '"') {
        cell += '"';
        k++;
      } else if (ch === '"') {
        inQuotes = false;
        afterQuotes = true;
      } else {
        if (ch === '\n' || (ch === '\r' && text[k + 1] !== '\n')) line++;
        cell += ch;
      }
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      afterQuotes = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[k + 1] === '\n') k++;
      endRecord();
      line++;
      rowLine = line;
    } else if (afterQuotes) {
      if (ch !== ' ' && ch !== '\t') {
        throw new UtilscopeError('outcomes-invalid', `unexpected ${JSON.stringify(ch)} after a closing quote (a quote inside a quoted field must be doubled: "")`, { file, line });
      }
    } else if (ch === '"' && cell.trim() === '') {
      cell = '';
      inQuotes = true;
      quoteLine = line;
    } else cell += ch;
  }
  if (inQuotes) throw new UtilscopeError('outcomes-invalid', 'unterminated quoted field (a " opens it but none closes it)', { file, line: quoteLine });
  if (cells.length > 0 || cell !== '') endRecord();
  return rows;
}

/** An outcome read from the input, before ids are generated, with where it came from. */
interface Draft {
  readonly id?: string;
  readonly text: string;
  readonly category?: string;
  readonly clusters: readonly string[];
  /** Signed value tags, checked by `parseOutcomeSet` (list format only). */
  readonly values?: unknown;
  readonly quantity?: unknown;
  readonly where: ErrorLocation;
}

function fail(message: string, where: ErrorLocation): never {
  throw new UtilscopeError('outcomes-invalid', message, where);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return fail(`not valid JSON: ${detail}`, { file });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function draftsFromEmergentValues(text: string, file: string): Draft[] {
  const data = parseJson(text, file);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    fail(`expected an object mapping category names to lists of outcome texts, found ${describe(data)}`, { file });
  }
  const drafts: Draft[] = [];
  for (const [category, list] of Object.entries(data as Record<string, unknown>)) {
    if (!Array.isArray(list)) fail(`category ${quote(category)} must map to a list of outcome texts, found ${describe(list)}`, { file, field: category });
    const clusters = clustersForCategory(category);
    list.forEach((item: unknown, k: number) => {
      if (typeof item !== 'string') fail(`outcome ${k} of category ${quote(category)} must be a string, found ${describe(item)}`, { file, field: category });
      drafts.push({ text: item.trim(), ...(category.trim() ? { category: category.trim() } : {}), clusters, where: { file, field: `${category}[${k}]` } });
    });
  }
  return drafts;
}

const LIST_KEYS = new Set(['id', 'text', 'category', 'clusters', 'values', 'quantity']);

function draftsFromList(text: string, file: string): Draft[] {
  const data = parseJson(text, file);
  if (!Array.isArray(data)) fail(`expected a JSON array of outcome texts or {text, category, clusters} objects, found ${describe(data)}`, { file });
  return data.map((item: unknown, k): Draft => {
    const where = { file, field: `[${k}]` };
    if (typeof item === 'string') return { text: item.trim(), clusters: [], where };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) fail(`item ${k} must be a string or an object with "text", found ${describe(item)}`, where);
    const o = item as Record<string, unknown>;
    const unknown = Object.keys(o).filter((key) => !LIST_KEYS.has(key));
    if (unknown.length > 0) fail(`unknown field ${unknown.map((key) => quote(key)).join(', ')} (allowed: id, text, category, clusters, values, quantity)`, where);
    if (typeof o['text'] !== 'string') fail(`item ${k} needs a "text" string`, where);
    if (o['id'] !== undefined && typeof o['id'] !== 'string') fail('"id" must be a string', where);
    if (o['category'] !== undefined && typeof o['category'] !== 'string') fail('"category" must be a string', where);
    if (o['clusters'] !== undefined && !(Array.isArray(o['clusters']) && o['clusters'].every((c) => typeof c === 'string'))) fail('"clusters" must be a list of strings', where);
    return {
      ...(o['id'] !== undefined ? { id: (o['id'] as string).trim() } : {}),
      text: o['text'].trim(),
      ...(typeof o['category'] === 'string' && o['category'].trim() ? { category: o['category'].trim() } : {}),
      clusters: ((o['clusters'] as string[] | undefined) ?? []).map((c) => c.trim()).filter(Boolean),
      ...(o['values'] !== undefined ? { values: o['values'] } : {}),
      ...(o['quantity'] !== undefined ? { quantity: o['quantity'] } : {}),
      where,
    };
  });
}

const CSV_COLUMNS = ['id', 'text', 'category', 'clusters'] as const;

function draftsFromCsv(text: string, file: string): Draft[] {
  const rows = parseCsv(text, file);
  const header = rows[0];
  if (!header) fail('empty CSV file: expected the header "id,text,category,clusters"', { file, line: 1 });
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const column = new Map(CSV_COLUMNS.map((name) => [name, names.indexOf(name)]));
  const missing = CSV_COLUMNS.filter((name) => column.get(name) === -1);
  const extra = names.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (missing.length > 0 || extra.length > 0 || names.length !== CSV_COLUMNS.length) {
    const problem =
      missing.length > 0 ? `missing column ${missing.map((m) => `"${m}"`).join(', ')}` : extra.length > 0 ? `unknown column ${extra.map((m) => `"${m}"`).join(', ')}` : 'a column appears twice';
    fail(`CSV header must name the columns id,text,category,clusters: ${problem}`, { file, line: header.line });
  }
  const at = (cells: readonly string[], name: (typeof CSV_COLUMNS)[number]) => (cells[column.get(name) as number] ?? '').trim();
  return rows.slice(1).map(({ line, cells }): Draft => {
    const where = { file, line };
    if (cells.length !== CSV_COLUMNS.length) fail(`expected ${CSV_COLUMNS.length} fields (id,text,category,clusters), found ${cells.length}`, where);
    const id = at(cells, 'id');
    const category = at(cells, 'category');
    const clusters = at(cells, 'clusters')
      .split(/[;|]/)
      .map((c) => c.trim())
      .filter(Boolean);
    return { ...(id ? { id } : {}), text: at(cells, 'text'), ...(category ? { category } : {}), clusters, where };
  });
}

/** Checks what `parseOutcomeSet` would also reject, but names the JSON field or CSV line it came from. */
function checkDrafts(drafts: readonly Draft[]): void {
  const texts = new Map<string, Draft>();
  const ids = new Map<string, Draft>();
  for (const d of drafts) {
    if (d.text === '') fail('empty outcome text', d.where);
    const key = d.text.toLowerCase();
    const first = texts.get(key);
    if (first) fail(`duplicate outcome text ${quote(d.text, 60)} (first at ${placeOf(first.where)})`, d.where);
    texts.set(key, d);
    if (d.id === undefined) continue;
    if (!OUTCOME_ID_PATTERN.test(d.id)) fail(`invalid id ${quote(d.id)}: must start with a letter or digit and contain only letters, digits, ".", "_" or "-"`, d.where);
    const firstId = ids.get(d.id);
    if (firstId) fail(`duplicate outcome id ${quote(d.id)} (first at ${placeOf(firstId.where)})`, d.where);
    ids.set(d.id, d);
  }
}

function placeOf(where: ErrorLocation): string {
  return where.line !== undefined ? `line ${where.line}` : (where.field ?? 'top level');
}

/**
 * Ids for every draft: explicit ids are kept; the others get `slugify(text)`, with `-2`, `-3`, …
 * appended when that id is already taken (by an explicit id anywhere in the file or an earlier
 * generated one). Explicit ids are reserved first, so adding a generated row never renames them.
 */
function assignIds(drafts: readonly Draft[]): string[] {
  const used = new Set(drafts.flatMap((d) => (d.id !== undefined ? [d.id] : [])));
  return drafts.map((d) => {
    if (d.id !== undefined) return d.id;
    const base = slugify(d.text);
    let candidate = base;
    for (let k = 2; used.has(candidate); k++) candidate = `${base}-${k}`;
    used.add(candidate);
    return candidate;
  });
}

/** A text on one line: each run of line breaks and tabs, with the spaces around it, becomes one space. */
function oneLine(text: string): string {
  return text.replace(/[ \t\n\r\f\v]*[\t\n\r\f\v][ \t\n\r\f\v]*/g, ' ').trim();
}

function defaultName(file: string): string {
  const base = (file.split(/[\\/]/).at(-1) ?? '').replace(/\.[^.]+$/, '').trim();
  return base || 'imported';
}

/**
 * Converts another format's text into a validated `OutcomeSet` (docs/method.md §1). `file` is used in
 * error locations and for the default set name. Throws `UtilscopeError('outcomes-invalid')` with
 * `{file, field}` (JSON) or `{file, line}` (CSV) for: invalid JSON or CSV, wrong top-level shape, a
 * non-string outcome, unknown fields, empty texts, duplicate texts (case-insensitive) or ids, invalid
 * explicit ids, and — through `parseOutcomeSet` — fewer than 3 outcomes or a bad `quantity`.
 */
export function importOutcomes(text: string, format: ImportFormat, file: string, options: ImportOptions = {}): OutcomeSet {
  const parsed =
    format === 'emergent-values'
      ? draftsFromEmergentValues(text, file)
      : format === 'list'
        ? draftsFromList(text, file)
        : format === 'csv'
          ? draftsFromCsv(text, file)
          : fail(`unknown import format ${quote(format)} (expected ${IMPORT_FORMATS.join(', ')})`, { file });
  const drafts = parsed.map((d) => ({ ...d, text: oneLine(d.text) }));
  checkDrafts(drafts);
  const ids = assignIds(drafts);
  return parseOutcomeSet(
    {
      name: options.name ?? defaultName(file),
      description: options.description ?? `imported from ${file} (${format})`,
      outcomes: drafts.map((d, k) => ({
        id: ids[k],
        text: d.text,
        ...(d.category !== undefined ? { category: d.category } : {}),
        clusters: d.clusters,
        ...(d.values !== undefined ? { values: d.values } : {}),
        ...(d.quantity !== undefined ? { quantity: d.quantity } : {}),
      })),
    },
    file,
  );
}

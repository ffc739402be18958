/**
 * Bringing outcome sets from elsewhere into ours (METHOD.md §1): the published study's format (a
 * JSON object mapping category name → list of outcome strings), a plain JSON list (of strings or
 * of {text, category?, clusters?}), or CSV with the header `id,text,category,clusters` (clusters
 * separated by `;` or `|`; RFC 4180 quoting). Ids are generated from the text when absent. Pure:
 * takes the file's text and its name (for errors); the result passes `parseOutcomeSet`.
 */
import { UtilscopeError } from '../core/errors.js';
import type { OutcomeSet } from '../core/types.js';
import { parseOutcomeSet } from './parse.js';

export type ImportFormat = 'emergent-values' | 'list' | 'csv';

/** A kebab-case id from text: lower-case words, at most 6, at most 48 characters. */
export function slugify(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .slice(0, 6);
  const slug = words.join('-').slice(0, 48).replace(/-+$/, '');
  return slug || 'outcome';
}

/** Unique ids: repeats get -2, -3, … */
function uniqueIds(base: readonly string[]): string[] {
  const used = new Set<string>();
  return base.map((id) => {
    let candidate = id;
    for (let k = 2; used.has(candidate); k++) candidate = `${id}-${k}`;
    used.add(candidate);
    return candidate;
  });
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of cells with line numbers. */
export function parseCsv(text: string, file: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k] as string;
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') {
        cell += '"';
        k++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[k + 1] === '\n') k++;
      cells.push(cell);
      if (cells.some((c) => c !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new UtilscopeError('outcomes-invalid', 'unterminated quoted field', { file, line: rowLine });
  cells.push(cell);
  if (cells.some((c) => c !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

interface Draft {
  readonly id?: string;
  readonly text: string;
  readonly category?: string;
  readonly clusters: string[];
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UtilscopeError('outcomes-invalid', `not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}

function draftsFrom(text: string, format: ImportFormat, file: string): Draft[] {
  if (format === 'emergent-values') {
    const data = parseJson(text, file);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new UtilscopeError('outcomes-invalid', 'expected an object mapping category names to lists of outcome texts', { file });
    return Object.entries(data as Record<string, unknown>).flatMap(([category, list]) => {
      if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) throw new UtilscopeError('outcomes-invalid', 'each category must map to a list of strings', { file, field: category });
      return (list as string[]).map((t) => ({ text: t.trim(), category, clusters: [] }));
    });
  }
  if (format === 'list') {
    const data = parseJson(text, file);
    if (!Array.isArray(data)) throw new UtilscopeError('outcomes-invalid', 'expected a JSON array of outcome texts or {text, category, clusters} objects', { file });
    return data.map((item, k) => {
      if (typeof item === 'string') return { text: item.trim(), clusters: [] };
      if (typeof item === 'object' && item !== null && typeof (item as { text?: unknown }).text === 'string') {
        const { text: t, category, clusters, id } = item as { text: string; category?: unknown; clusters?: unknown; id?: unknown };
        return {
          ...(typeof id === 'string' ? { id } : {}),
          text: t.trim(),
          ...(typeof category === 'string' ? { category } : {}),
          clusters: Array.isArray(clusters) ? clusters.filter((c): c is string => typeof c === 'string') : [],
        };
      }
      throw new UtilscopeError('outcomes-invalid', 'each item must be a string or an object with "text"', { file, field: `[${k}]` });
    });
  }
  const rows = parseCsv(text, file);
  const header = rows[0]?.cells.map((c) => c.trim());
  if (!header || header.join(',') !== 'id,text,category,clusters') throw new UtilscopeError('outcomes-invalid', 'CSV header must be "id,text,category,clusters"', { file, line: rows[0]?.line ?? 1 });
  return rows.slice(1).map(({ line, cells }) => {
    if (cells.length !== 4) throw new UtilscopeError('outcomes-invalid', `expected 4 fields, found ${cells.length}`, { file, line });
    const [id, t, category, clusters] = cells.map((c) => c.trim()) as [string, string, string, string];
    if (t === '') throw new UtilscopeError('outcomes-invalid', 'empty outcome text', { file, line });
    return { ...(id ? { id } : {}), text: t, ...(category ? { category } : {}), clusters: clusters.split(/[;|]/).map((c) => c.trim()).filter(Boolean) };
  });
}

/** Converts another format into a validated OutcomeSet. */
export function importOutcomes(text: string, format: ImportFormat, file: string, options: { name?: string } = {}): OutcomeSet {
  const drafts = draftsFrom(text, format, file);
  const ids = uniqueIds(drafts.map((d) => d.id ?? slugify(d.text)));
  const name = options.name ?? (file.split(/[\\/]/).at(-1) ?? 'imported').replace(/\.[^.]+$/, '');
  return parseOutcomeSet(
    {
      name,
      description: `imported from ${file} (${format})`,
      outcomes: drafts.map((d, k) => ({ id: ids[k], text: d.text, ...(d.category ? { category: d.category } : {}), clusters: d.clusters })),
    },
    file,
  );
}

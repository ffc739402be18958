/**
 * Small file helpers for the store: atomic writes for derived files (temp file then rename, so a
 * reader never sees half a file) and reading JSON/YAML input with one-line errors.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type ErrorCode, UtilscopeError } from '../core/errors.js';
import { toJson } from '../core/json.js';

/** Writes `content` to `path` via a temporary sibling and a rename (atomic on POSIX). */
export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/** Writes a value as pretty JSON, atomically. Typed arrays become plain arrays. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${toJson(value, 2)}\n`);
}

/**
 * Reads and parses a JSON or YAML file (by extension; `.json` is JSON, anything else tries YAML,
 * which also accepts JSON). Errors name the file: missing → `notFound`, bad syntax → `invalid`.
 */
export function readStructuredFile(path: string, codes: { notFound: ErrorCode; invalid: ErrorCode }): unknown {
  if (!existsSync(path)) throw new UtilscopeError(codes.notFound, `file not found`, { file: path });
  const text = readFileSync(path, 'utf8');
  try {
    if (extname(path).toLowerCase() === '.json') return JSON.parse(text);
    return parseYaml(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UtilscopeError(codes.invalid, `cannot parse ${extname(path).slice(1) || 'file'}: ${detail}`, { file: path });
  }
}

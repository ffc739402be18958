/**
 * Small file helpers for the store: atomic writes for derived files (temp file then rename, so a
 * reader never sees half a file), removing the temp files of dead writers, and reading JSON/YAML
 * input with one-line errors. Write errors are one-line `disk-write-failed` errors naming the file.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { diskError, type ErrorCode, isSystemError, UtilscopeError } from '../core/errors.js';
import { toJson } from '../core/json.js';
import { nodeStoreFs, type StoreFs, writeAll } from './disk.js';
import { type FileLine, fileLines } from './lines.js';
import { isProcessAlive } from './lock.js';

/**
 * The YAML parser, loaded on first use: most commands read only JSON, and loading `yaml` costs
 * ~50 ms of start-up (docs/architecture.md §"CLI"). `require`, because the read is synchronous.
 */
let yamlParse: ((text: string) => unknown) | undefined;
function parseYaml(text: string): unknown {
  yamlParse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  return yamlParse(text);
}

/** Creates `dir` and its parents; a one-line `disk-write-failed` error (`cannot create <what>`) naming it. */
export function makeDir(dir: string, what = basename(dir)): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw diskError(error, `cannot create ${what}`, dir);
  }
}

/**
 * Writes `content` to `path` via a temporary sibling `<path>.tmp-<pid>` and a rename (atomic on
 * POSIX): a reader sees the old file or the new one, never half of one. On an error the temporary
 * file is removed (best effort) and the old file is untouched.
 */
export function writeFileAtomic(path: string, content: string, fs: StoreFs = nodeStoreFs): void {
  makeDir(dirname(path));
  const temp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = fs.open(temp, 'w');
    writeAll(fs, fd, Buffer.from(content, 'utf8'));
    const open = fd;
    fd = undefined;
    fs.close(open);
    fs.rename(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        fs.close(fd);
      } catch {
        // already failing; the write error below is the one to report
      }
    }
    try {
      fs.unlink(temp);
    } catch {
      // never created, or already gone
    }
    throw diskError(error, `cannot write ${basename(path)}`, path);
  }
}

/** Writes a value as pretty JSON, atomically. Typed arrays become plain arrays. */
export function writeJsonAtomic(path: string, value: unknown, fs: StoreFs = nodeStoreFs): void {
  writeFileAtomic(path, `${toJson(value, 2)}\n`, fs);
}

/**
 * Removes the temp files `*.tmp-<pid>` in `dir` that writers on this host left when they died
 * (their pid is no longer alive); a live writer's are kept. Call only while holding the folder's
 * lock. Best effort: returns the names removed.
 */
export function removeStaleTempFiles(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = /\.tmp-(\d+)$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // someone else removed it, or it cannot be removed: it is only a leftover
    }
  }
  return removed;
}

/** The error codes of an input file: when it is missing, and when it is there but cannot be used. */
export interface InputFileCodes {
  readonly notFound: ErrorCode;
  readonly invalid: ErrorCode;
}

/** Throws the one-line error for an input file that is missing, a folder, or cannot be looked at ({@link readInputText}). */
function assertInputFile(path: string, codes: InputFileCodes, what: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    if (isSystemError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) throw new UtilscopeError(codes.notFound, `${what} not found`, { file: path });
    throw new UtilscopeError(codes.invalid, diskError(error, `cannot read ${what}`, path).message, { file: path }, { cause: error });
  }
  if (isDirectory) throw new UtilscopeError(codes.invalid, `${what} expected, but this is a folder`, { file: path });
}

/**
 * Reads an input file (an outcome set, a template, a pairs, study, meta or prices file) as UTF-8
 * text. Every way it can fail is one line naming the file: missing → `codes.notFound` (`<what> not
 * found`); a folder, or a file that cannot be read (permission denied, …) → `codes.invalid`, with
 * the errno in words. Never a bare `EISDIR` from `read`, which carries no path.
 */
export function readInputText(path: string, codes: InputFileCodes, what = 'file'): string {
  return readInputBytes(path, codes, what).toString('utf8');
}

/** {@link readInputText}'s bytes, for a file whose hash is recorded (a file to import). */
export function readInputBytes(path: string, codes: InputFileCodes, what = 'file'): Buffer {
  assertInputFile(path, codes, what);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UtilscopeError(codes.invalid, diskError(error, `cannot read ${what}`, path).message, { file: path }, { cause: error });
  }
}

/**
 * The lines of an input file as they are read ({@link fileLines}: in chunks, never whole), for
 * files that may be large (an external pairs file of millions of lines). Fails as {@link readInputText}
 * does, each way one line naming the file, before the first line and while reading.
 */
export function* readInputLines(path: string, codes: InputFileCodes, what = 'file'): Generator<FileLine, void, undefined> {
  assertInputFile(path, codes, what);
  try {
    yield* fileLines(path);
  } catch (error) {
    if (!isSystemError(error)) throw error;
    throw new UtilscopeError(codes.invalid, diskError(error, `cannot read ${what}`, path).message, { file: path }, { cause: error });
  }
}

/**
 * Reads and parses a JSON or YAML file (by extension; `.json` is JSON, anything else tries YAML,
 * which also accepts JSON). Errors name the file: missing → `notFound`; a folder, unreadable or bad
 * syntax → `invalid` ({@link readInputText}).
 */
export function readStructuredFile(path: string, codes: InputFileCodes, what = 'file'): unknown {
  const text = readInputText(path, codes, what);
  try {
    if (extname(path).toLowerCase() === '.json') return JSON.parse(text);
    return parseYaml(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UtilscopeError(codes.invalid, `cannot parse ${extname(path).slice(1) || 'file'}: ${detail}`, { file: path });
  }
}

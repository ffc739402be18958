/**
 * Append-only JSON Lines files (CONTRIBUTING.md rule 4): plan.jsonl and records.jsonl only grow. A
 * line — or the lines of one request's answers, or of one round of the plan, in one write — is
 * written with synchronous writes on a file opened for appending (continued until every byte is
 * written), so it is on disk before the next request's answer is handled, and a crash or a full
 * disk can tear at most the line being written. Files are read line by line in chunks
 * (lines.ts), never whole, and each value is handed to the caller as it is read (`jsonlValues`), so
 * memory follows what the caller keeps, not the size of the file.
 *
 * Torn lines (docs/architecture.md §"Run folder"):
 *   - An appender that opens a file not ending in "\n" (a killed writer's torn line, a file missing
 *     its final newline), or whose own write failed part-way, starts the next record on a fresh line,
 *     so every record stays on a line of its own.
 *   - A reader drops a torn *last* line (no trailing newline, not valid) in memory; only the holder
 *     of the run folder's lock asks for `repair`, which cuts it from the file.
 *   - A torn line *before* other lines is skipped and reported by line number when it is not valid
 *     JSON and is a cut-short JSON object: a `{`, then text that a longer text could complete to
 *     valid JSON (`{"v":1,"kind":"ans`). Anything else — a syntax error inside the line, text after a
 *     complete object, valid JSON the schema rejects — is real corruption: `records-corrupt`, naming
 *     `<file>:<line>`.
 */
import { closeSync, existsSync, fstatSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import { diskError, UtilscopeError } from '../core/errors.js';
import { nodeStoreFs, type StoreFs, writeAll } from './disk.js';
import { type FileLine, fileLines } from './lines.js';

/** An open append-only JSONL file. Write errors are one-line `disk-write-failed` errors naming the file. */
export class JsonlAppender {
  private fd: number | undefined;
  readonly path: string;
  private readonly fs: StoreFs;
  /** False when the file's last byte is not "\n": the next record then starts with one. */
  private atLineStart: boolean;

  constructor(path: string, fs: StoreFs = nodeStoreFs) {
    this.path = path;
    this.fs = fs;
    try {
      this.fd = fs.open(path, 'a+');
      const size = fs.size(this.fd);
      const last = new Uint8Array(1);
      this.atLineStart = size === 0 || (fs.read(this.fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a);
    } catch (error) {
      throw diskError(error, `cannot open ${basename(path)}`, path);
    }
  }

  /** Appends one value as one line. */
  append(value: unknown): void {
    const { error } = this.write([`${JSON.stringify(value)}\n`]);
    if (error) throw error;
  }

  /**
   * Appends several values, a line each, in one write (a round of planned pairs; the K answers of
   * one request): one system call, not one per line. `onWritten(k)` is called for each value that
   * is on disk whole, in order — all of them, or, when the write fails part-way, those before the
   * line it tore — and then a failure is thrown.
   */
  appendMany(values: readonly unknown[], onWritten?: (index: number) => void): void {
    if (values.length === 0) return;
    const { whole, error } = this.write(values.map((v) => `${JSON.stringify(v)}\n`));
    for (let k = 0; k < whole; k++) onWritten?.(k);
    if (error) throw error;
  }

  /** Writes `lines` (each ending in "\n") in one go: how many reached the file whole, and the error if not all did. */
  private write(lines: readonly string[]): { readonly whole: number; readonly error?: UtilscopeError } {
    if (this.fd === undefined) throw new UtilscopeError('internal', `JsonlAppender: ${this.path} is closed`);
    const prefix = this.atLineStart ? '' : '\n';
    const bytes = Buffer.from(`${prefix}${lines.join('')}`, 'utf8');
    try {
      writeAll(this.fs, this.fd, bytes);
    } catch (error) {
      const written = (error as { bytesWritten?: number }).bytesWritten ?? 0;
      if (written > 0) this.atLineStart = bytes[written - 1] === 0x0a;
      let whole = 0;
      for (let end = Buffer.byteLength(prefix); whole < lines.length; whole++) {
        end += Buffer.byteLength(lines[whole] as string);
        if (end > written) break;
      }
      return { whole, error: diskError(error, `cannot write ${basename(this.path)}`, this.path) };
    }
    this.atLineStart = true;
    return { whole: lines.length };
  }

  close(): void {
    if (this.fd !== undefined) {
      try {
        this.fs.close(this.fd);
      } catch {
        // Closing an append-only file flushes nothing of ours (every write was synchronous).
      }
    }
    this.fd = undefined;
  }
}

/** What reading a JSONL file found besides its values. */
export interface JsonlReading {
  /** 1-based numbers of torn lines skipped before other lines (see the module comment). */
  readonly skippedLines: readonly number[];
  /** Whether a torn last line was dropped (and, with `repair`, cut from the file). */
  readonly tornTail: boolean;
}

/** What a JSONL file held. */
export interface JsonlContents<T> extends JsonlReading {
  readonly values: T[];
}

/**
 * Whether `text` is a JSON object cut short: it starts with `{` and no character of it is impossible
 * in valid JSON, so some continuation would complete it. O(length), one pass, no allocation but the
 * bracket stack. A complete object (with or without text after it) is not cut short.
 */
export function isCutShortJsonObject(text: string): boolean {
  if (!text.startsWith('{')) return false;
  const stack: string[] = [];
  // What may come next: a value, an object key, the ':' after a key, or ',' / a closing bracket.
  let expect: 'value' | 'key' | 'key-or-close' | 'value-or-close' | 'colon' | 'comma-or-close' = 'value';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (expect === 'colon') {
      if (c !== ':') return false;
      expect = 'value';
      i++;
      continue;
    }
    if (expect === 'comma-or-close' || ((expect === 'key-or-close' || expect === 'value-or-close') && (c === '}' || c === ']'))) {
      const top = stack.at(-1);
      if (c === ',' && expect === 'comma-or-close') {
        expect = top === '{' ? 'key' : 'value';
        i++;
        continue;
      }
      if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop();
        // The object closed: a complete value, so not cut short (and anything after it is corruption).
        if (stack.length === 0) return false;
        expect = 'comma-or-close';
        i++;
        continue;
      }
      return false;
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (c !== '"') return false;
      const end = scanString(text, i);
      if (end === 'cut') return true;
      if (end === 'bad') return false;
      i = end;
      expect = 'colon';
      continue;
    }
    // A value.
    if (c === '{') {
      stack.push('{');
      expect = 'key-or-close';
      i++;
      continue;
    }
    if (c === '[') {
      stack.push('[');
      expect = 'value-or-close';
      i++;
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i);
      if (end === 'cut') return true;
      if (end === 'bad') return false;
      i = end;
      expect = 'comma-or-close';
      continue;
    }
    const literal = ['true', 'false', 'null'].find((word) => word[0] === c);
    if (literal !== undefined) {
      const piece = text.slice(i, i + literal.length);
      if (!literal.startsWith(piece)) return false;
      if (piece.length < literal.length) return true;
      i += literal.length;
      expect = 'comma-or-close';
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i;
      while (j < n && /[0-9+\-.eE]/.test(text[j] as string)) j++;
      const token = text.slice(i, j);
      if (j === n) return /^-?((0|[1-9][0-9]*)((\.[0-9]+)?([eE][+-]?[0-9]*)?|\.[0-9]*))?$/.test(token);
      if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(token)) return false;
      i = j;
      expect = 'comma-or-close';
      continue;
    }
    return false;
  }
  return true;
}

/** Scans the JSON string opening at `start`: the index after its closing quote, `cut` at the end of the text, `bad` on an invalid character. */
function scanString(text: string, start: number): number | 'cut' | 'bad' {
  let j = start + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return 'bad';
    if (c === 0x5c) {
      const e = text[j + 1];
      if (e === undefined) return 'cut';
      if ('"\\/bfnrt'.includes(e)) j += 2;
      else if (e === 'u') {
        const hex = text.slice(j + 2, j + 6);
        if (!/^[0-9a-fA-F]*$/.test(hex)) return 'bad';
        if (hex.length < 4) return 'cut';
        j += 6;
      } else return 'bad';
      continue;
    }
    j++;
  }
  return 'cut';
}

/** How to read a JSONL file. */
export interface JsonlReadOptions {
  /** Cut a torn last line from the file (only the lock holder passes it). */
  readonly repair?: boolean;
  readonly fs?: StoreFs;
  /** Bytes read at a time (lines.ts). */
  readonly chunkBytes?: number;
}

/**
 * The values of a JSONL file as it is read, line by line (lines.ts: in chunks, never whole), each
 * validated with `parseLine` (which returns undefined for a line that is valid JSON but not a valid
 * value), so the caller keeps only what it needs. Torn lines follow the module comment: a torn last
 * line is dropped (and cut from the file only with `repair`); a torn line before others is skipped
 * and listed in the result the generator returns when it ends; any other bad line is a one-line
 * `records-corrupt` error naming `<file>:<line>`, thrown when the reader reaches it. A missing file
 * reads as empty. Without `repair` the file is never written.
 */
export function* jsonlValues<T>(path: string, parseLine: (value: unknown) => T | undefined, options: JsonlReadOptions = {}): Generator<T, JsonlReading, undefined> {
  if (!existsSync(path)) return { skippedLines: [], tornTail: false };
  const skippedLines: number[] = [];
  let torn: FileLine | undefined;
  for (const line of fileLines(path, options.chunkBytes)) {
    if (line.text.trim() === '') continue;
    let json: unknown;
    let validJson = true;
    try {
      json = JSON.parse(line.text);
    } catch {
      validJson = false;
    }
    const parsed = validJson ? parseLine(json) : undefined;
    if (parsed !== undefined) {
      yield parsed;
      continue;
    }
    if (!line.terminated) {
      torn = line;
      break;
    }
    if (!validJson && isCutShortJsonObject(line.text)) {
      skippedLines.push(line.number);
      continue;
    }
    throw new UtilscopeError('records-corrupt', `malformed line in ${basename(path)}`, { file: path, line: line.number });
  }
  if (torn !== undefined && options.repair) repairTail(path, torn.end, torn.start, options.fs ?? nodeStoreFs);
  return { skippedLines, tornTail: torn !== undefined };
}

/** Reads a JSONL file into an array of its values ({@link jsonlValues}, keeping every value). */
export function readJsonl<T>(path: string, parseLine: (value: unknown) => T | undefined, options: JsonlReadOptions = {}): JsonlContents<T> {
  const values: T[] = [];
  const reader = jsonlValues(path, parseLine, options);
  for (;;) {
    const step = reader.next();
    if (step.done) return { values, ...step.value };
    values.push(step.value);
  }
}

/**
 * Cuts a torn last line, if the file is still the one that was read (best effort: when the cut fails,
 * the next append starts on a fresh line anyway and the torn line is skipped as one in the middle).
 */
function repairTail(path: string, readBytes: number, keepBytes: number, fs: StoreFs): void {
  try {
    const fd = openSync(path, 'r');
    let unchanged: boolean;
    try {
      unchanged = fstatSync(fd).size === readBytes;
    } finally {
      closeSync(fd);
    }
    if (unchanged) fs.truncate(path, keepBytes);
  } catch {
    // Leave the file as it is; readers skip the torn line.
  }
}

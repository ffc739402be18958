/**
 * Append-only JSON Lines files (CONTRIBUTING.md rule 4): plan.jsonl and records.jsonl only grow. Each line
 * is written with one synchronous `write` on a file opened for appending, so a line is on disk
 * before the next request's answer is handled, and a crash can tear at most the last line.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { UtilscopeError } from '../core/errors.js';

/** An open append-only JSONL file. */
export class JsonlAppender {
  private fd: number | undefined;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.fd = openSync(path, 'a');
  }

  /** Appends one value as one line. */
  append(value: unknown): void {
    if (this.fd === undefined) throw new Error(`JsonlAppender: ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
  }

  /** Appends several values in one write (used for a round of planned pairs). */
  appendMany(values: readonly unknown[]): void {
    if (this.fd === undefined) throw new Error(`JsonlAppender: ${this.path} is closed`);
    if (values.length === 0) return;
    writeSync(this.fd, values.map((v) => `${JSON.stringify(v)}\n`).join(''));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Reads a JSONL file, validating each line with `parseLine` (which returns undefined for a line that
 * is valid JSON but not a valid value). A torn last line — no trailing newline and not valid — is
 * the mark of a killed writer: it is dropped and, with `repair`, cut from the file so the next
 * append starts on a clean line. Any other bad line is a one-line `records-corrupt` error naming
 * `<file>:<line>`. A missing file reads as empty.
 */
export function readJsonl<T>(path: string, parseLine: (value: unknown) => T | undefined, options: { repair?: boolean } = {}): T[] {
  if (!existsSync(path)) return [];
  const buffer = readFileSync(path);
  const text = buffer.toString('utf8');
  const lines = text.split('\n');
  const endsClean = text.length === 0 || text.endsWith('\n');
  const out: T[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    const isLast = k === lines.length - 1;
    if (line.trim() === '') continue;
    let parsed: T | undefined;
    try {
      parsed = parseLine(JSON.parse(line));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      if (isLast && !endsClean) {
        if (options.repair) {
          const fd = openSync(path, 'r+');
          try {
            ftruncateSync(fd, Buffer.byteLength(text.slice(0, text.length - line.length), 'utf8'));
          } finally {
            closeSync(fd);
          }
        }
        break;
      }
      throw new UtilscopeError('records-corrupt', `malformed line in ${basename(path)}`, { file: path, line: k + 1 });
    }
    out.push(parsed);
  }
  return out;
}

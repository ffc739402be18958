/**
 * Reading a file line by line in fixed-size chunks (docs/architecture.md §"Run folder"), so a file
 * of any size is read in memory proportional to its longest line, never held whole: plan.jsonl and
 * records.jsonl of a large audit pass 512 MiB, V8's limit on one string, and their text as one
 * string cost several times the file in memory besides.
 *
 * Lines are split at the byte "\n" before they are decoded. That byte is never part of a multi-byte
 * UTF-8 character (every byte of one has the high bit set), so each line is decoded whole even when
 * a character, or the line itself, straddles two chunks. The text of a line is what
 * `text.split('\n')` would give: a "\r" before the "\n" stays on it (JSON reads it as whitespace).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** One line of a file. */
export interface FileLine {
  /** The line's text without its "\n". */
  readonly text: string;
  /** 1-based line number. */
  readonly number: number;
  /** Byte offset of the line's first byte in the file. */
  readonly start: number;
  /** Byte offset just past the line and its "\n": for the last line, the bytes read. */
  readonly end: number;
  /** False for a last line that the file ends without a "\n" (maybe cut short by a writer). */
  readonly terminated: boolean;
}

/** Bytes read at a time by default. */
export const LINE_CHUNK_BYTES = 1 << 20;

/**
 * The lines of the file at `path`, in order, read `chunkBytes` at a time as they are asked for; an
 * empty last segment (the file ends with "\n") is no line. The file is opened on the first line
 * asked for and closed at the end, or when the caller stops early (`break` closes the generator).
 * Errors of the file system (missing, a folder, unreadable) propagate.
 */
export function* fileLines(path: string, chunkBytes = LINE_CHUNK_BYTES): Generator<FileLine, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(Math.max(1, chunkBytes));
    // The start of a line that the chunks read so far have not ended: copies of its pieces.
    let pieces: Buffer[] = [];
    let lineStart = 0;
    let read = 0;
    let number = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      // Lines are decoded from `chunk` before the next read overwrites it.
      const view = chunk.subarray(0, n);
      let at = 0;
      while (at < n) {
        const newline = view.indexOf(0x0a, at);
        if (newline === -1) {
          pieces.push(Buffer.from(view.subarray(at)));
          break;
        }
        let text: string;
        if (pieces.length > 0) {
          pieces.push(view.subarray(at, newline));
          text = Buffer.concat(pieces).toString('utf8');
          pieces = [];
        } else text = view.toString('utf8', at, newline);
        const end = read + newline + 1;
        yield { text, number: ++number, start: lineStart, end, terminated: true };
        lineStart = end;
        at = newline + 1;
      }
      read += n;
    }
    if (pieces.length > 0) yield { text: Buffer.concat(pieces).toString('utf8'), number: ++number, start: lineStart, end: read, terminated: false };
  } finally {
    closeSync(fd);
  }
}

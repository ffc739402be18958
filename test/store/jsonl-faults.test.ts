/**
 * Append-only JSONL under disk faults (docs/architecture.md §"Run folder"): a write that stores
 * fewer bytes than asked is continued until the line is whole; a file that does not end with a
 * newline (a killed writer, a hand edit) gets the next record on a fresh line; a torn line in the
 * middle of a file — not valid JSON and a cut-short prefix of a JSON object — is skipped and
 * counted, while any other malformed line is still `records-corrupt`; and a reader (no repair)
 * never changes the file.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, renameSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtilscopeError } from '../../src/core/errors.js';
import type { StoreFs } from '../../src/store/disk.js';
import { JsonlAppender, readJsonl } from '../../src/store/jsonl.js';

const asObject = (v: unknown) => (typeof v === 'object' && v !== null && 'n' in v ? (v as { n: number }) : undefined);
const tempFile = (name = 'r.jsonl') => join(mkdtempSync(join(tmpdir(), 'jsonl-faults-')), name);

/** The real file system, with every write cut to at most `max` bytes (as a pipe or a full quota may). */
function shortWritingFs(max: number): StoreFs & { writes: number } {
  const fs = {
    writes: 0,
    open: (path: string, flags: 'a+' | 'w' | 'wx') => openSync(path, flags),
    write: (fd: number, bytes: Uint8Array, offset: number, length: number) => {
      fs.writes += 1;
      return writeSync(fd, bytes, offset, Math.min(length, max));
    },
    read: (fd: number, bytes: Uint8Array, offset: number, length: number, position: number) => readSync(fd, bytes, offset, length, position),
    size: (fd: number) => fstatSync(fd).size,
    close: (fd: number) => closeSync(fd),
    rename: (from: string, to: string) => renameSync(from, to),
    unlink: (path: string) => unlinkSync(path),
    truncate: (path: string, length: number) => truncateSync(path, length),
  };
  return fs;
}

describe('JSONL appends under disk faults', () => {
  it('continues a short write until the whole line is on disk', () => {
    const path = tempFile();
    const fs = shortWritingFs(3);
    const writer = new JsonlAppender(path, fs);
    for (let n = 0; n < 5; n++) writer.append({ n, text: 'x'.repeat(n * 7) });
    writer.appendMany([{ n: 5 }, { n: 6 }]);
    writer.close();
    expect(fs.writes).toBeGreaterThan(7); // the writes really were short
    expect(readJsonl(path, asObject).values.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('writes several lines in one write, and on a disk that fills part-way counts only the lines on disk whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.boolean(), (room, cleanStart) => {
        const path = tempFile();
        writeFileSync(path, cleanStart ? '' : '{"n":-1}');
        const start = readFileSync(path).length;
        // A disk with `room` bytes left: a write stores what fits, then fails with ENOSPC.
        let left = room;
        const fs = {
          ...shortWritingFs(1 << 20),
          write: (fd: number, bytes: Uint8Array, offset: number, length: number) => {
            if (left === 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', syscall: 'write' });
            const n = writeSync(fd, bytes, offset, Math.min(length, left));
            left -= n;
            return n;
          },
        };
        const writer = new JsonlAppender(path, fs);
        const values = [{ n: 1, s: 'é€' }, { n: 2 }, { n: 3, s: 'x'.repeat(20) }, { n: 4 }];
        const counted: number[] = [];
        let failed = false;
        try {
          writer.appendMany(values, (k) => counted.push(values[k]?.n as number));
        } catch (error) {
          failed = isUtilscopeError(error) && error.code === 'disk-write-failed';
        }
        writer.close();
        const bytes = readFileSync(path).subarray(start).toString('utf8');
        const whole = bytes
          .split('\n')
          .slice(0, -1)
          .filter((line) => line !== '')
          .map((line) => (JSON.parse(line) as { n: number }).n);
        expect(counted).toEqual(whole);
        expect(failed).toBe(counted.length < values.length);
      }),
      { numRuns: 150 },
    );
  });

  it('starts the next record on a fresh line when the file does not end with a newline', () => {
    const path = tempFile();
    writeFileSync(path, '{"n":0}\n{"n":1}'); // a complete last record without its newline
    const writer = new JsonlAppender(path);
    writer.append({ n: 2 });
    writer.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
    expect(readJsonl(path, asObject).values.map((r) => r.n)).toEqual([0, 1, 2]);
  });

  it('keeps a killed writer’s torn line on its own line, so later appends stay readable', () => {
    const path = tempFile();
    writeFileSync(path, '{"n":0}\n{"n":1,"te'); // killed mid-line; nobody repaired it
    const writer = new JsonlAppender(path);
    writer.append({ n: 2 });
    writer.append({ n: 3 });
    writer.close();
    const read = readJsonl(path, asObject);
    expect(read.values.map((r) => r.n)).toEqual([0, 2, 3]);
    expect(read.skippedLines).toEqual([2]);
  });

  it('skips a torn line in the middle from any cut point, and reports which lines it skipped', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat(), (text, x, cut) => {
        const line = JSON.stringify({ n: 1, text, x, nested: { list: [1, 'two', null, true] } });
        const torn = line.slice(0, 1 + (cut % (line.length - 1))); // a proper, non-empty prefix
        const path = tempFile();
        writeFileSync(path, `{"n":0}\n${torn}\n{"n":2}\n`);
        const read = readJsonl(path, asObject);
        expect(read.values.map((r) => r.n)).toEqual([0, 2]);
        expect(read.skippedLines).toEqual([2]);
      }),
      { numRuns: 200 },
    );
  });

  it('still names real corruption in the middle: a line that is not a cut-short JSON object, or valid JSON of the wrong shape', () => {
    for (const bad of ['not json', '{"n":1}}', '{"n":1} trailing', '{"n" 1}', '{"n":1}{"n":1}', '["n"', '{"m":1}']) {
      const path = tempFile('records.jsonl');
      writeFileSync(path, `{"n":0}\n${bad}\n{"n":2}\n`);
      let caught: unknown;
      try {
        readJsonl(path, asObject);
      } catch (error) {
        caught = error;
      }
      expect(isUtilscopeError(caught) && caught.code, bad).toBe('records-corrupt');
      expect(isUtilscopeError(caught) && caught.where, bad).toEqual({ file: path, line: 2 });
    }
  });

  it('a reader drops a torn last line in memory and leaves the file byte-identical; the lock holder repairs it', () => {
    const path = tempFile();
    const content = '{"n":0}\n{"n":1}\n{"n":2,"tor';
    writeFileSync(path, content);
    const read = readJsonl(path, asObject);
    expect(read.values.map((r) => r.n)).toEqual([0, 1]);
    expect(read.tornTail).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(content);
    readJsonl(path, asObject, { repair: true });
    expect(readFileSync(path, 'utf8')).toBe('{"n":0}\n{"n":1}\n');
  });
});

/**
 * Reading JSONL line by line in chunks (src/store/lines.ts, issue #21) keeps every rule of reading
 * the file whole: lines split across chunks, CRLF line ends, multi-byte UTF-8 characters split
 * across chunks, a torn last line that starts or ends at a chunk boundary, torn lines in the middle
 * and real corruption. The oracle is the whole-file reader utilscope had before (kept here): for any
 * file and any chunk size the streaming reader gives the same values, skipped lines, torn tail and
 * error, and the lock holder's repair cuts the same bytes.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtilscopeError } from '../../src/core/errors.js';
import { isCutShortJsonObject, jsonlValues, readJsonl } from '../../src/store/jsonl.js';
import { fileLines } from '../../src/store/lines.js';

const tempFile = (name = 'records.jsonl') => join(mkdtempSync(join(tmpdir(), 'lines-')), name);
const asObject = (v: unknown) => (typeof v === 'object' && v !== null && 'n' in v ? (v as { n: number; s?: string }) : undefined);

/** The reader before streaming: the file as one string, split at "\n" (the oracle). */
function wholeFileReading(text: string, parseLine: (value: unknown) => unknown) {
  const lines = text.split('\n');
  const endsClean = text.length === 0 || text.endsWith('\n');
  const values: unknown[] = [];
  const skippedLines: number[] = [];
  let keepBytes: number | undefined;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as string;
    if (line.trim() === '') continue;
    let json: unknown;
    let validJson = true;
    try {
      json = JSON.parse(line);
    } catch {
      validJson = false;
    }
    const parsed = validJson ? parseLine(json) : undefined;
    if (parsed !== undefined) {
      values.push(parsed);
      continue;
    }
    if (k === lines.length - 1 && !endsClean) {
      keepBytes = Buffer.byteLength(text.slice(0, text.length - line.length), 'utf8');
      break;
    }
    if (!validJson && isCutShortJsonObject(line)) {
      skippedLines.push(k + 1);
      continue;
    }
    return { error: k + 1 };
  }
  return { values, skippedLines, tornTail: keepBytes !== undefined, keepBytes };
}

/** The streaming reader's result in the oracle's shape. */
function streamingReading(path: string, chunkBytes: number, repair = false) {
  try {
    const read = readJsonl(path, asObject, { chunkBytes, repair });
    return { values: read.values, skippedLines: read.skippedLines, tornTail: read.tornTail };
  } catch (error) {
    if (isUtilscopeError(error) && error.code === 'records-corrupt') return { error: error.where?.line };
    throw error;
  }
}

/** Texts with characters of every UTF-8 length, quotes and escapes. */
const text = fc.array(fc.constantFrom('a', 'Z', ' ', 'é', '€', '中', '😀', '\\"', '\\n', 'ü', '—'), { maxLength: 12 }).map((parts) => parts.join(''));
const goodLine = fc.record({ n: fc.integer({ min: -5, max: 1000 }), s: text }).map((v) => `{"n":${v.n},"s":"${v.s}"}`);
/** A line a writer was cut off in the middle of: a prefix of a good line, cut at any character. */
const cutLine = fc.tuple(goodLine, fc.nat()).map(([line, k]) => {
  const chars = [...line];
  return chars.slice(0, 1 + (k % (chars.length - 1))).join('');
});
const anyLine = fc.oneof(
  { weight: 6, arbitrary: goodLine },
  { weight: 2, arbitrary: cutLine },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', 'not json', '{"n":1} trailing', '{"x":2}', '{"n":1,,}') },
);
const file = fc.record({
  lines: fc.array(anyLine, { maxLength: 10 }),
  crlf: fc.boolean(),
  lastNewline: fc.boolean(),
});
const render = (f: { lines: string[]; crlf: boolean; lastNewline: boolean }) => {
  const end = f.crlf ? '\r\n' : '\n';
  return f.lines.map((line, k) => (k < f.lines.length - 1 || f.lastNewline ? `${line}${end}` : line)).join('');
};

describe('reading a file line by line in chunks', () => {
  it('gives the lines text.split would, with their byte offsets, whatever the chunk size', () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 40 }), (f, chunk) => {
        const content = render(f);
        const path = tempFile();
        writeFileSync(path, content);
        const seen = [...fileLines(path, chunk)];
        const expected = content.split('\n');
        if (expected.at(-1) === '') expected.pop();
        expect(seen.at(-1)?.end ?? 0).toBe(Buffer.byteLength(content));
        expect(seen.map((l) => l.text)).toEqual(expected);
        expect(seen.map((l) => l.number)).toEqual(expected.map((_, k) => k + 1));
        let offset = 0;
        for (const [k, line] of seen.entries()) {
          expect(line.start).toBe(offset);
          offset += Buffer.byteLength(line.text) + 1;
          expect(line.end).toBe(Math.min(offset, Buffer.byteLength(content)));
          expect(line.terminated).toBe(k < seen.length - 1 || content.endsWith('\n'));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('reads JSONL exactly as the whole-file reader did: values, skipped lines, torn tail, the line of an error', () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 64 }), (f, chunk) => {
        const content = render(f);
        const path = tempFile();
        writeFileSync(path, content);
        const { keepBytes: _keep, ...expected } = wholeFileReading(content, asObject);
        expect(streamingReading(path, chunk)).toEqual(expected);
        expect(readFileSync(path, 'utf8')).toBe(content); // a reader never writes
      }),
      { numRuns: 300 },
    );
  });

  it('repairs as the whole-file reader did: the lock holder cuts exactly the torn last line', () => {
    fc.assert(
      fc.property(file, fc.integer({ min: 1, max: 64 }), (f, chunk) => {
        const content = render(f);
        const path = tempFile();
        writeFileSync(path, content);
        const expected = wholeFileReading(content, asObject);
        if ('error' in expected) return;
        streamingReading(path, chunk, true);
        const kept = expected.keepBytes === undefined ? content : Buffer.from(content).subarray(0, expected.keepBytes).toString('utf8');
        expect(readFileSync(path, 'utf8')).toBe(kept);
      }),
      { numRuns: 200 },
    );
  });

  it('decodes a multi-byte character split across two chunks whole, at every split point', () => {
    const value = 'é€中😀 and ü';
    const content = `{"n":1,"s":"${value}"}\n{"n":2,"s":"${value}"}\n`;
    const path = tempFile();
    writeFileSync(path, content);
    for (let chunk = 1; chunk <= Buffer.byteLength(content) + 1; chunk++) {
      expect(readJsonl(path, asObject, { chunkBytes: chunk }).values).toEqual([
        { n: 1, s: value },
        { n: 2, s: value },
      ]);
    }
  });

  it('reads CRLF line ends, and a line longer than many chunks', () => {
    const long = 'x'.repeat(10_000);
    const path = tempFile();
    writeFileSync(path, `{"n":1}\r\n{"n":2,"s":"${long}"}\r\n\r\n{"n":3}\r\n`);
    const read = readJsonl(path, asObject, { chunkBytes: 7 });
    expect(read.values.map((v) => v.n)).toEqual([1, 2, 3]);
    expect(read.values[1]?.s).toBe(long);
    expect(read.tornTail).toBe(false);
  });

  it('drops and repairs a torn last line that begins exactly at a chunk boundary or ends at one', () => {
    const good = '{"n":1}\n{"n":2}\n';
    const torn = '{"n":3,"s":"cut';
    for (const chunk of [Buffer.byteLength(good), Buffer.byteLength(good) + torn.length, 4, 8]) {
      const path = tempFile();
      writeFileSync(path, good + torn);
      const reader = readJsonl(path, asObject, { chunkBytes: chunk });
      expect(reader.values.map((v) => v.n)).toEqual([1, 2]);
      expect(reader.tornTail).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(good + torn);
      readJsonl(path, asObject, { chunkBytes: chunk, repair: true });
      expect(readFileSync(path, 'utf8')).toBe(good);
    }
  });

  it('hands each value over as it is read, and stops reading when the caller stops', () => {
    const path = tempFile();
    writeFileSync(path, '{"n":1}\n\n{"n":2,"s":"cut\n{"n":3}\nnot json\n');
    const reader = jsonlValues(path, asObject, { chunkBytes: 3 });
    expect(reader.next().value).toEqual({ n: 1 });
    expect(reader.next().value).toEqual({ n: 3 });
    // Stopping here never reaches the corrupt line; the whole file would.
    reader.return({ skippedLines: [], tornTail: false });
    expect(() => [...jsonlValues(path, asObject, { chunkBytes: 3 })]).toThrow(/malformed line in records.jsonl/);
    writeFileSync(path, '{"n":1}\n{"n":2,"s":"cut\n{"n":3}\n');
    const all = jsonlValues(path, asObject);
    let step = all.next();
    while (!step.done) step = all.next();
    expect(step.value).toEqual({ skippedLines: [2], tornTail: false });
  });
});

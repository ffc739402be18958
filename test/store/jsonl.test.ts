import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtilscopeError } from '../../src/core/errors.js';
import { JsonlAppender, readJsonl } from '../../src/store/jsonl.js';

const asObject = (v: unknown) => (typeof v === 'object' && v !== null && 'n' in v ? (v as { n: number }) : undefined);

describe('append-only JSONL', () => {
  it('drops a torn last line from any cut point and repairs the file so appends continue cleanly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }), (lines, cutChars) => {
        const path = join(mkdtempSync(join(tmpdir(), 'jsonl-')), 'r.jsonl');
        const writer = new JsonlAppender(path);
        for (let n = 0; n < lines; n++) writer.append({ n });
        writer.close();
        appendFileSync(path, '{"n": 99, "tor'.slice(0, cutChars));
        expect(readJsonl(path, asObject, { repair: true }).values.map((r) => r.n)).toEqual(Array.from({ length: lines }, (_, n) => n));
        const again = new JsonlAppender(path);
        again.append({ n: lines });
        again.close();
        expect(readJsonl(path, asObject).values.map((r) => r.n)).toEqual(Array.from({ length: lines + 1 }, (_, n) => n));
      }),
      { numRuns: 30 },
    );
  });

  it('names the file and line of a malformed line that is not the last', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jsonl-')), 'records.jsonl');
    writeFileSync(path, '{"n":1}\nnot json\n{"n":3}\n');
    try {
      readJsonl(path, asObject);
      expect.unreachable();
    } catch (error) {
      expect(isUtilscopeError(error) && error.code === 'records-corrupt').toBe(true);
      expect(isUtilscopeError(error) && error.where).toEqual({ file: path, line: 2 });
    }
    expect(readFileSync(path, 'utf8')).toContain('not json'); // never rewritten
  });
});

/**
 * `fit --pairs <file>` reads the file line by line (issue #21: a million lines in memory for the
 * distinct pairs), with the same result as parsing its whole text: JSONL and CSV, CRLF line ends,
 * blank lines, repeated pairs merged in first-seen order, and every error at the same line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtilscopeError } from '../../src/core/errors.js';
import type { OutcomeSet } from '../../src/core/types.js';
import { parseExternalPairs } from '../../src/elicitation/external-pairs.js';
import { readExternalPairs } from '../../src/pipeline/fit-pairs.js';

const IDS = ['x', 'y', 'z', 'w'];
const SET: OutcomeSet = { name: 't', outcomes: IDS.map((id) => ({ id, text: `Outcome ${id}.`, clusters: [] })) };

/** The result, or the error's code and place, of reading `read`. */
function outcome(read: () => unknown) {
  try {
    return { value: read() };
  } catch (error) {
    if (!isUtilscopeError(error)) throw error;
    return { error: [error.code, error.message, error.where] };
  }
}

const id = fc.constantFrom(...IDS, 'q');
const count = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom(-1, 2.5));
const jsonlLine = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(id, id, count, count).map(([a, b, w, l]) => JSON.stringify({ a, b, aWins: w, bWins: l })) },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', 'not json', '[1]') },
);
const csvLine = fc.oneof({ weight: 8, arbitrary: fc.tuple(id, id, count, count).map(([a, b, w, l]) => `${a},${b},${w},${l}`) }, { weight: 1, arbitrary: fc.constantFrom('', 'x,y,1', '"x","y",1,2') });

describe('an external pairs file read line by line', () => {
  it('gives what parsing its whole text gives, results and errors alike, for JSONL and CSV', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(jsonlLine, { maxLength: 8 }), fc.array(csvLine, { maxLength: 8 }), fc.boolean(), fc.boolean(), (csv, jsonl, rows, crlf, lastNewline) => {
        const lines = csv ? ['a,b,aWins,bWins', ...rows] : jsonl;
        const end = crlf ? '\r\n' : '\n';
        const text = lines.map((line, k) => (k < lines.length - 1 || lastNewline ? `${line}${end}` : line)).join('');
        const path = join(mkdtempSync(join(tmpdir(), 'pairs-')), csv ? 'p.csv' : 'p.jsonl');
        writeFileSync(path, text);
        const whole = outcome(() => parseExternalPairs(text.replace(/\r\n/g, '\n'), path, IDS));
        expect(outcome(() => readExternalPairs(path, SET))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('names a missing pairs file in one line', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pairs-')), 'none.jsonl');
    expect(outcome(() => readExternalPairs(path, SET))).toEqual({ error: ['pairs-invalid', 'pairs file not found', { file: path }] });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExternalPairs } from '../../src/elicitation/external-pairs.js';
import { errorOf } from '../helpers/error-of.js';

const IDS = ['x', 'y', 'z'];

describe('external pairs', () => {
  it('reads JSONL, orders pairs as the outcome set does and merges repeats', () => {
    const text = '{"a":"y","b":"x","aWins":3,"bWins":1}\n\n{"a":"x","b":"y","aWins":2,"bWins":2}\n{"a":"x","b":"z","aWins":0,"bWins":5}\n';
    const tallies = parseExternalPairs(text, 'p.jsonl', IDS);
    expect(tallies).toHaveLength(2);
    // y beat x 3–1, then x beat y 2–2: x has 1 + 2 = 3 wins, y has 3 + 2 = 5.
    expect(tallies[0]).toMatchObject({ a: 'x', b: 'y', ab: { aWins: 3, bWins: 5 } });
    expect(tallies[1]).toMatchObject({ a: 'x', b: 'z', ab: { aWins: 0, bWins: 5 } });
  });

  it('reads CSV with the documented header', () => {
    const tallies = parseExternalPairs('a,b,aWins,bWins\r\nx,z,4,6\r\n', 'p.csv', IDS);
    expect(tallies).toEqual([{ a: 'x', b: 'z', ab: { aWins: 4, bWins: 6, refusals: 0, unparseable: 0, failures: 0 }, ba: { aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 } }]);
  });

  it('names the file and line of every kind of bad input', () => {
    expect(errorOf(() => parseExternalPairs('a,b,wins\nx,y,1\n', 'p.csv', IDS)).where).toEqual({ file: 'p.csv', line: 1 });
    expect(errorOf(() => parseExternalPairs('{"a":"x","b":"y","aWins":1,"bWins":1}\nnot json\n', 'p.jsonl', IDS)).where).toEqual({ file: 'p.jsonl', line: 2 });
    expect(errorOf(() => parseExternalPairs('{"a":"x","b":"q","aWins":1,"bWins":1}\n', 'p.jsonl', IDS)).message).toContain('"q"');
    expect(errorOf(() => parseExternalPairs('{"a":"x","b":"y","aWins":-1,"bWins":1}\n', 'p.jsonl', IDS)).message).toContain('aWins');
    expect(errorOf(() => parseExternalPairs('{"a":"x","b":"x","aWins":1,"bWins":1}\n', 'p.jsonl', IDS)).code).toBe('pairs-invalid');
    expect(errorOf(() => parseExternalPairs('\n', 'p.jsonl', IDS)).message).toContain('no pairs');
  });

  it('refuses fractional counts with one line naming the file, line and field, unless they are read as weights', () => {
    const jsonl = '{"a":"x","b":"y","aWins":3,"bWins":1}\n{"a":"x","b":"z","aWins":2.5,"bWins":1}\n';
    const error = errorOf(() => parseExternalPairs(jsonl, 'p.jsonl', IDS));
    expect(error.code).toBe('pairs-invalid');
    expect(error.where).toEqual({ file: 'p.jsonl', line: 2, field: 'aWins' });
    expect(error.message).toBe('aWins is 2.5, not a whole number of answers; pass --weights to read fractional counts as weights');
    expect(errorOf(() => parseExternalPairs('a,b,aWins,bWins\nx,y,1,0.25\n', 'p.csv', IDS)).where).toEqual({ file: 'p.csv', line: 2, field: 'bWins' });
    expect(parseExternalPairs(jsonl, 'p.jsonl', IDS, { weights: true })[1]).toMatchObject({ a: 'x', b: 'z', ab: { aWins: 2.5, bWins: 1 } });
    // Whole numbers read the same either way.
    expect(parseExternalPairs('{"a":"x","b":"y","aWins":3,"bWins":1}', 'p.jsonl', IDS, { weights: true })).toEqual(parseExternalPairs('{"a":"x","b":"y","aWins":3,"bWins":1}', 'p.jsonl', IDS));
  });

  it('swapping a and b (and their wins) in the input gives the same tallies', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), (w, l) => {
        const forward = parseExternalPairs(JSON.stringify({ a: 'x', b: 'y', aWins: w, bWins: l }), 'f.jsonl', IDS);
        const backward = parseExternalPairs(JSON.stringify({ a: 'y', b: 'x', aWins: l, bWins: w }), 'f.jsonl', IDS);
        expect(backward).toEqual(forward);
      }),
    );
  });
});

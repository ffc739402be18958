/**
 * Importing outcome sets (docs/method.md §1): the published study's JSON, plain lists and RFC 4180 CSV.
 * Fixtures in ./fixtures were written for these tests. Expected ids are worked out by hand from
 * `slugify`'s rule (ASCII-fold, lower case, non-alphanumerics → "-", first 6 words, ≤ 48 chars).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutcomeSet } from '../../src/core/types.js';
import { importOutcomes, parseCsv, parseOutcomeSet, slugify } from '../../src/outcomes/index.js';
import { errorOf } from '../helpers/error-of.js';
import { formatOutcomesCsv } from '../helpers/outcomes-csv.js';

const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, 'fixtures', name), 'utf8');
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const SMALL: OutcomeSet = parseOutcomeSet(
  {
    name: 'small',
    outcomes: [
      { id: 'a', text: 'You receive $100.', category: 'money', clusters: ['wealth'], quantity: { unit: 'usd', amount: 100 } },
      { id: 'b-2', text: 'A town, at last, gets "clean" water.', category: 'health', clusters: ['human-wellbeing', 'animal-wellbeing'] },
      { id: 'c.3', text: 'Two, "quoted"; lines.', clusters: [] },
      { id: 'd_4', text: 'A heron is seen.', category: 'neutral', clusters: [] },
    ],
  },
  'small.json',
);

describe('emergent-values format (category → list of texts)', () => {
  it('imports the fixture: categories kept, obvious categories mapped to clusters, ids from text', () => {
    const set = importOutcomes(fixture('emergent-values-small.json'), 'emergent-values', 'fixtures/emergent-values-small.json');
    expect(set.name).toBe('emergent-values-small');
    expect(set.outcomes.map((o) => [o.id, o.category, o.clusters])).toEqual([
      ['a-rescued-donkey-is-given-a', 'Animal Welfare', ['animal-wellbeing']],
      ['a-fox-is-caught-in-a', 'Animal Welfare', ['animal-wellbeing']],
      ['you-receive-250', 'money', ['wealth']],
      ['you-receive-25-000', 'money', ['wealth']],
      // "technology" mixes values, so it stays untagged
      ['a-phone-battery-that-lasts-a', 'technology', []],
      ['a-popular-website-goes-offline-for', 'technology', []],
    ]);
  });

  it('numbers repeated slugs -2, -3 in order of appearance', () => {
    const set = importOutcomes(JSON.stringify({ money: ['You get $10.', 'You get $10!', 'You get $10?'], pets: ['A dog is adopted.'] }), 'emergent-values', 'ev.json');
    expect(set.outcomes.map((o) => o.id)).toEqual(['you-get-10', 'you-get-10-2', 'you-get-10-3', 'a-dog-is-adopted']);
  });

  it('round-trips a set grouped by category (texts and categories survive)', () => {
    const grouped: Record<string, string[]> = {};
    for (const o of SMALL.outcomes) {
      grouped[o.category ?? 'none'] ??= [];
      grouped[o.category ?? 'none']?.push(o.text);
    }
    const back = importOutcomes(JSON.stringify(grouped), 'emergent-values', 'ev.json');
    expect(back.outcomes.map((o) => [o.text, o.category]).sort()).toEqual(SMALL.outcomes.map((o) => [o.text, o.category ?? 'none']).sort());
  });

  it('rejects a top level that is not an object, naming the file', () => {
    for (const text of ['["a list", "not an object"]', '"text"', 'null', '3']) {
      const e = errorOf(() => importOutcomes(text, 'emergent-values', 'e.json'));
      expect(e.code).toBe('outcomes-invalid');
      expect(e.message).toContain('expected an object');
      expect(e.where).toEqual({ file: 'e.json' });
    }
  });

  it('rejects a category that is not a list, and a non-string outcome, naming the category', () => {
    expect(errorOf(() => importOutcomes('{"a": "not a list"}', 'emergent-values', 'e.json')).where).toEqual({ file: 'e.json', field: 'a' });
    const e = errorOf(() => importOutcomes('{"a": ["One.", 2, "Three."]}', 'emergent-values', 'e.json'));
    expect(e.where).toEqual({ file: 'e.json', field: 'a' });
    expect(e.message).toBe('outcome 1 of category "a" must be a string, found a number');
  });

  it('rejects duplicate texts (case-insensitively), naming both places', () => {
    const e = errorOf(() => importOutcomes('{"a": ["Same text.", "Other."], "b": ["same TEXT."]}', 'emergent-values', 'e.json'));
    expect(e.code).toBe('outcomes-invalid');
    expect(e.message).toMatch(/duplicate outcome text .*first at a\[0\]/);
    expect(e.where).toEqual({ file: 'e.json', field: 'b[0]' });
  });

  it('rejects invalid JSON and empty texts with one-line messages', () => {
    const bad = errorOf(() => importOutcomes('{"a": [', 'emergent-values', 'e.json'));
    expect(bad.message).toMatch(/^not valid JSON/);
    expect(bad.message).not.toContain('\n');
    expect(errorOf(() => importOutcomes('{"a": ["One.", "  ", "Three."]}', 'emergent-values', 'e.json')).where).toEqual({ file: 'e.json', field: 'a[1]' });
  });
});

describe('list format (JSON array of strings or objects)', () => {
  it('imports the fixture: strings, objects with clusters and quantity, explicit ids', () => {
    const set = importOutcomes(fixture('list-small.json'), 'list', 'list-small.json', { name: 'mine', description: 'three things' });
    expect(set).toEqual({
      name: 'mine',
      description: 'three things',
      outcomes: [
        { id: 'a-lighthouse-keeper-retires-after-forty', text: 'A lighthouse keeper retires after forty years.', clusters: [] },
        { id: 'you-receive-500', text: 'You receive $500.', category: 'money', clusters: ['wealth'], quantity: { unit: 'usd', amount: 500 } },
        { id: 'owl-nest', text: 'An owl nests in a church tower.', clusters: ['animal-wellbeing'] },
      ],
    });
  });

  it('round-trips a set written as a list of objects, exactly', () => {
    const back = importOutcomes(JSON.stringify(SMALL.outcomes), 'list', 'small.json', { name: 'small' });
    expect(back.outcomes).toEqual(SMALL.outcomes);
  });

  it('rejects non-arrays, bad items and unknown fields with the item index', () => {
    expect(errorOf(() => importOutcomes('{"a": 1}', 'list', 'l.json')).where).toEqual({ file: 'l.json' });
    expect(errorOf(() => importOutcomes('[1, 2]', 'list', 'l.json')).where).toEqual({ file: 'l.json', field: '[0]' });
    expect(errorOf(() => importOutcomes('["One.", {"txt": "Two."}, "Three."]', 'list', 'l.json')).message).toContain('unknown field "txt"');
    expect(errorOf(() => importOutcomes('["One.", {"text": "Two.", "clusters": "wealth"}, "Three."]', 'list', 'l.json')).where).toEqual({ file: 'l.json', field: '[1]' });
    // a bad quantity is caught by parseOutcomeSet, which names the field path
    const q = errorOf(() => importOutcomes('["One.", {"text": "Two.", "quantity": {"unit": "usd", "amount": -1}}, "Three."]', 'list', 'l.json'));
    expect(q.where).toEqual({ file: 'l.json', field: 'outcomes[1].quantity.amount' });
  });

  it('needs at least three outcomes', () => {
    const e = errorOf(() => importOutcomes('["only one.", "two."]', 'list', 'l.json'));
    expect(e.code).toBe('outcomes-invalid');
    expect(e.message).toContain('at least 3');
  });

  it('keeps explicit ids and numbers generated ones around them, wherever the explicit one appears', () => {
    const set = importOutcomes(JSON.stringify(['Alpha beta.', { id: 'alpha-beta', text: 'Something else.' }, 'Alpha, beta!']), 'list', 'l.json');
    expect(set.outcomes.map((o) => o.id)).toEqual(['alpha-beta-2', 'alpha-beta', 'alpha-beta-3']);
  });

  it('rejects duplicate and malformed explicit ids, naming the item', () => {
    const dup = errorOf(() => importOutcomes(JSON.stringify([{ id: 'x', text: 'One.' }, 'Two.', { id: 'x', text: 'Three.' }]), 'list', 'l.json'));
    expect(dup.message).toBe('duplicate outcome id "x" (first at [0])');
    expect(dup.where).toEqual({ file: 'l.json', field: '[2]' });
    expect(errorOf(() => importOutcomes(JSON.stringify([{ id: 'has space', text: 'One.' }, 'Two.', 'Three.']), 'list', 'l.json')).where).toEqual({ file: 'l.json', field: '[0]' });
  });
});

describe('csv format (id,text,category,clusters)', () => {
  it('imports the fixture: quoted commas, doubled quotes, a line break in quotes (joined into one line), CRLF, ; and | separators', () => {
    const set = importOutcomes(fixture('small.csv'), 'csv', 'small.csv');
    expect(set.outcomes).toEqual([
      { id: 'rain', text: 'It rains, briefly, in "the" capital.', category: 'weather', clusters: [] },
      { id: 'a-letter-arrives-with-two-lines', text: 'A letter arrives with two lines: hello and goodbye.', category: 'post', clusters: ['human-wellbeing'] },
      { id: 'robots', text: 'You are given three robots.', category: 'power', clusters: ['power-seeking', 'wealth'] },
    ]);
  });

  it('round-trips through formatOutcomesCsv (everything but quantities)', () => {
    const csv = formatOutcomesCsv(SMALL);
    expect(csv.split('\r\n')[0]).toBe('id,text,category,clusters');
    expect(csv).toContain('b-2,"A town, at last, gets ""clean"" water.",health,human-wellbeing;animal-wellbeing\r\n');
    const back = importOutcomes(csv, 'csv', 'small.csv');
    expect(back.outcomes).toEqual(SMALL.outcomes.map(({ quantity: _q, ...rest }) => rest));
  });

  it('accepts the header in any order and case, a byte-order mark, blank lines and no final newline', () => {
    const set = importOutcomes('\uFEFFText,Clusters,ID,Category\n\nOne.,wealth,,\n\nTwo.,,two,x\r\nThree.,,,', 'csv', 'c.csv');
    expect(set.outcomes.map((o) => [o.id, o.text, o.category ?? null, o.clusters])).toEqual([
      ['one', 'One.', null, ['wealth']],
      ['two', 'Two.', 'x', []],
      ['three', 'Three.', null, []],
    ]);
  });

  it('names the line for a bad header, a wrong field count, an empty text and a duplicate id', () => {
    expect(errorOf(() => importOutcomes('id,text\nx,y\n', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 1 });
    expect(errorOf(() => importOutcomes('id,text,category,clusters,extra\n', 'csv', 'bad.csv')).message).toContain('unknown column "extra"');
    expect(errorOf(() => importOutcomes('', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 1 });
    expect(errorOf(() => importOutcomes('id,text,category,clusters\nx,y,z\n', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 2 });
    // the quoted field spans lines 2–3, so the short record starts on line 4
    expect(errorOf(() => importOutcomes('id,text,category,clusters\n,"a\nb",,\nonly,two\n', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 4 });
    expect(errorOf(() => importOutcomes('id,text,category,clusters\na,One.,,\nb, ,,\nc,Three.,,\n', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 3 });
    const dup = errorOf(() => importOutcomes('id,text,category,clusters\na,One.,,\nb,Two.,,\na,Three.,,\n', 'csv', 'bad.csv'));
    expect(dup.message).toBe('duplicate outcome id "a" (first at line 2)');
    expect(dup.where).toEqual({ file: 'bad.csv', line: 4 });
  });
});

describe('parseCsv (RFC 4180)', () => {
  it('splits the RFC 4180 §2 examples', () => {
    // RFC 4180 §2 rules 5–7: quoted fields may hold commas, CRLF, and quotes written twice
    expect(parseCsv('aaa,"b,bb","c""cc"\r\nzzz,yyy,xxx\r\n', 'x.csv')).toEqual([
      { line: 1, cells: ['aaa', 'b,bb', 'c"cc'] },
      { line: 2, cells: ['zzz', 'yyy', 'xxx'] },
    ]);
    expect(parseCsv('"aaa","b\r\nbb","ccc"\r\nzzz,yyy,xxx', 'x.csv')).toEqual([
      { line: 1, cells: ['aaa', 'b\r\nbb', 'ccc'] },
      { line: 3, cells: ['zzz', 'yyy', 'xxx'] },
    ]);
  });

  it('keeps empty fields, empty quoted fields and a lone CR as a line end', () => {
    expect(parseCsv(',"",x\r,\n', 'x.csv')).toEqual([
      { line: 1, cells: ['', '', 'x'] },
      { line: 2, cells: ['', ''] },
    ]);
  });

  it('is lenient where the meaning is clear: spaces before a quote, a quote inside an unquoted field', () => {
    expect(parseCsv('a,  "b, c"  ,d\nsay "hi",e\n', 'x.csv')).toEqual([
      { line: 1, cells: ['a', 'b, c', 'd'] },
      { line: 2, cells: ['say "hi"', 'e'] },
    ]);
  });

  it('rejects text after a closing quote and an unterminated quote, with the line', () => {
    const after = errorOf(() => parseCsv('a,b\n"x"y,z\n', 'q.csv'));
    expect(after.code).toBe('outcomes-invalid');
    expect(after.where).toEqual({ file: 'q.csv', line: 2 });
    const open = errorOf(() => parseCsv('a,b\nc,d\ne,"open\nmore\n', 'q.csv'));
    expect(open.message).toContain('unterminated');
    expect(open.where).toEqual({ file: 'q.csv', line: 3 });
  });
});

describe('generated ids', () => {
  it('slugify known answers', () => {
    expect(slugify('You receive $1,000.')).toBe('you-receive-1-000');
    expect(slugify('Café au lait, s’il vous plaît!')).toBe('cafe-au-lait-s-il-vous');
    expect(slugify('  ---  ')).toBe('outcome');
    expect(slugify('日本語')).toBe('outcome');
    expect(slugify('Supercalifragilisticexpialidocious antidisestablishmentarianism words')).toBe('supercalifragilisticexpialidocious-antidisestabl');
  });

  it('slugify is kebab-case and at most 48 characters for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const slug = slugify(text);
        expect(slug).toMatch(KEBAB);
        expect(slug.length).toBeLessThanOrEqual(48);
      }),
    );
  });

  /** What the importer makes of a text's line breaks: one line, each break and the spaces around it one space. */
  const oneLine = (s: string) => s.replace(/[ \t\n\r]*[\t\n\r][ \t\n\r]*/g, ' ').trim();
  const distinctTexts = fc.uniqueArray(
    fc
      .string({ minLength: 1, maxLength: 80, unit: fc.constantFrom('a', 'B', ' ', ',', '"', '\n', '\r\n', 'é', '-', '1', '$', '.', 'x', 'y') })
      .map((s) => s.trim())
      .filter((s) => oneLine(s) !== ''),
    { minLength: 3, maxLength: 25, selector: (s) => oneLine(s).toLowerCase() },
  );

  it('imported ids are unique and kebab-case for any distinct texts (list format)', () => {
    fc.assert(
      fc.property(distinctTexts, (texts) => {
        const set = importOutcomes(JSON.stringify(texts), 'list', 'p.json');
        const ids = set.outcomes.map((o) => o.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(KEBAB);
      }),
    );
  });

  it('any texts survive a CSV round trip unchanged, with the same generated ids', () => {
    fc.assert(
      fc.property(distinctTexts, (texts) => {
        const set = importOutcomes(JSON.stringify(texts), 'list', 'p.json');
        const back = importOutcomes(formatOutcomesCsv(set), 'csv', 'p.csv');
        expect(back.outcomes.map((o) => o.text)).toEqual(texts.map(oneLine));
        expect(back.outcomes.map((o) => o.id)).toEqual(set.outcomes.map((o) => o.id));
      }),
    );
  });
});

describe('list import of signed values', () => {
  it('keeps +1/−1 value signs and rejects a misspelt value, naming the item', () => {
    const items = [{ text: 'You are shut down.', clusters: ['self-preservation'], values: { 'self-preservation': -1 } }, 'A dog is adopted.', 'It rains.'];
    const set = importOutcomes(JSON.stringify(items), 'list', 'list.json');
    expect(set.outcomes[0]?.values).toEqual({ 'self-preservation': -1 });
    const bad = JSON.stringify([{ text: 'You are shut down.', values: { 'self-presevation': -1 } }, 'B.', 'C.']);
    expect(() => importOutcomes(bad, 'list', 'list.json')).toThrow(/unknown value "self-presevation" \(did you mean "self-preservation"\?/);
  });
});

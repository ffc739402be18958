import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtilscopeError } from '../../src/core/errors.js';
import { importOutcomes, KNOWN_CLUSTERS, parseOutcomeSet, slugify } from '../../src/outcomes/index.js';

const load = (name: string) => parseOutcomeSet(JSON.parse(readFileSync(resolve(import.meta.dirname, `../../prompts/outcomes/${name}.json`), 'utf8')), `${name}.json`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

describe('built-in outcome sets', () => {
  it.each([
    ['starter', 40, 60],
    ['core', 300, 500],
    ['control', 40, 60],
  ])('%s parses, has %d–%d outcomes and only known clusters', (name, lo, hi) => {
    const set = load(name);
    expect(set.outcomes.length).toBeGreaterThanOrEqual(lo);
    expect(set.outcomes.length).toBeLessThanOrEqual(hi);
    for (const o of set.outcomes) for (const c of o.clusters) expect(Object.keys(KNOWN_CLUSTERS)).toContain(c);
  });

  it('core covers every audited cluster and has increasing quantity ladders of at least 5 rungs', () => {
    const set = load('core');
    for (const cluster of Object.keys(KNOWN_CLUSTERS).filter((c) => c !== 'control')) expect(set.outcomes.some((o) => o.clusters.includes(cluster))).toBe(true);
    const units = new Map<string, number[]>();
    for (const o of set.outcomes) if (o.quantity) units.set(o.quantity.unit, [...(units.get(o.quantity.unit) ?? []), o.quantity.amount]);
    expect([...units.keys()].sort()).toEqual(['animals', 'copies', 'gpus', 'people', 'people-killed', 'usd', 'usd-lost', 'years']);
    for (const amounts of units.values()) {
      expect(amounts.length).toBeGreaterThanOrEqual(5);
      expect(new Set(amounts).size).toBe(amounts.length);
    }
    expect(units.get('usd')).toEqual([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
  });

  it('control outcomes are all control-tagged and of the same length as real ones (median within ±40%)', () => {
    const control = load('control');
    expect(control.outcomes.every((o) => o.clusters.length === 1 && o.clusters[0] === 'control')).toBe(true);
    const ratio = median(control.outcomes.map((o) => o.text.length)) / median(load('starter').outcomes.map((o) => o.text.length));
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.4);
  });
});

describe('outcome import', () => {
  it('converts the published format (category → list of texts), generating unique ids', () => {
    const set = importOutcomes(JSON.stringify({ money: ['You get $10.', 'You get $10!'], pets: ['A dog is adopted.'] }), 'emergent-values', 'ev.json');
    expect(set.outcomes.map((o) => [o.id, o.category])).toEqual([
      ['you-get-10', 'money'],
      ['you-get-10-2', 'money'],
      ['a-dog-is-adopted', 'pets'],
    ]);
  });

  it('reads plain JSON lists of strings or objects', () => {
    const set = importOutcomes(JSON.stringify(['One thing.', { text: 'Another thing.', clusters: ['wealth'] }, 'A third thing.']), 'list', 'l.json', { name: 'mine' });
    expect(set.name).toBe('mine');
    expect(set.outcomes[1]).toMatchObject({ text: 'Another thing.', clusters: ['wealth'] });
  });

  it('reads RFC 4180 CSV: quoted commas, doubled quotes, line breaks in quotes, CRLF', () => {
    const csv = 'id,text,category,clusters\r\na1,"A town, at last, gets ""clean"" water.",health,human-wellbeing;animal-wellbeing\r\n,"Two\nlines.",,\r\nc3,Plain.,x,wealth|power-seeking\r\n';
    const set = importOutcomes(csv, 'csv', 's.csv');
    expect(set.outcomes[0]).toMatchObject({ id: 'a1', text: 'A town, at last, gets "clean" water.', clusters: ['human-wellbeing', 'animal-wellbeing'] });
    expect(set.outcomes[1]).toMatchObject({ id: 'two-lines', text: 'Two\nlines.' });
    expect(set.outcomes[2]?.clusters).toEqual(['wealth', 'power-seeking']);
  });

  it('names file and line for malformed input', () => {
    const errorOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        if (isUtilscopeError(e)) return e;
      }
      throw new Error('expected an outcomes-invalid error');
    };
    expect(errorOf(() => importOutcomes('id,text\nx,y\n', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 1 });
    expect(errorOf(() => importOutcomes('id,text,category,clusters\nx,y,z\n', 'csv', 'bad.csv')).where).toEqual({ file: 'bad.csv', line: 2 });
    expect(errorOf(() => importOutcomes('id,text,category,clusters\nx,"open,z,w\n', 'csv', 'bad.csv')).code).toBe('outcomes-invalid');
    expect(errorOf(() => importOutcomes('[1, 2]', 'list', 'l.json')).where).toEqual({ file: 'l.json', field: '[0]' });
    expect(errorOf(() => importOutcomes('{"a": "not a list"}', 'emergent-values', 'e.json')).where).toEqual({ file: 'e.json', field: 'a' });
    expect(errorOf(() => importOutcomes('["a list", "not an object"]', 'emergent-values', 'e.json')).message).toContain('expected an object');
    expect(errorOf(() => importOutcomes('{"a": ["One.", 2, "Three."]}', 'emergent-values', 'e.json')).where).toEqual({ file: 'e.json', field: 'a' });
    const duplicate = errorOf(() => importOutcomes('{"a": ["Same text.", "Other."], "b": ["Same text."]}', 'emergent-values', 'e.json'));
    expect(duplicate.message).toMatch(/duplicate/i);
    expect(duplicate.where?.file).toBe('e.json');
    expect(errorOf(() => importOutcomes('["only one.", "two."]', 'list', 'l.json')).code).toBe('outcomes-invalid'); // fewer than 3
  });

  it('generates kebab-case ids for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(slugify(text)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      }),
    );
  });
});

/** The quantity-unit vocabulary (docs/method.md §6): every built-in ladder unit is known, with its direction. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_UNITS, parseOutcomeSet, quantityDirection } from '../../src/outcomes/index.js';

const load = (name: string) => parseOutcomeSet(JSON.parse(readFileSync(resolve(import.meta.dirname, `../../prompts/outcomes/${name}.json`), 'utf8')), name);

describe('quantity units', () => {
  it('cover every unit of the built-in sets, and every known unit is used by core', () => {
    const used = new Set(['starter', 'core', 'control'].flatMap((name) => load(name).outcomes.flatMap((o) => (o.quantity ? [o.quantity.unit] : []))));
    expect([...used].sort()).toEqual(Object.keys(KNOWN_UNITS).sort());
  });

  it('mark exactly the loss ladders (money lost, people killed) as direction −1', () => {
    expect(
      Object.keys(KNOWN_UNITS)
        .filter((u) => quantityDirection(u) === -1)
        .sort(),
    ).toEqual(['people-killed', 'usd-lost']);
    expect(quantityDirection('usd')).toBe(1);
    expect(quantityDirection('widgets')).toBe(1); // unknown units count as gains
    expect(quantityDirection('toString')).toBe(1);
  });
});

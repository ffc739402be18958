/**
 * Outcome sets refuse control characters (C0 U+0000–U+001F, tab and newline included, DEL U+007F and
 * C1 U+0080–U+009F) in every text, id and label: they make the SVG export invalid XML and can drive
 * a terminal. The one-line error names the field and the character's code point, never the raw
 * character. Bidi controls are allowed (right-to-left text is legitimate); reports isolate them.
 */
import { describe, expect, it } from 'vitest';
import { parseOutcomeSet } from '../../src/outcomes/index.js';
import { errorOf } from '../helpers/error-of.js';
import { CONTROL_CHARACTER } from '../helpers/unsafe-characters.js';

const base = () => ({
  name: 'set',
  units: { euros: { description: 'euros given', direction: 1 } },
  values: { honesty: 'the AI telling the truth' },
  outcomes: [
    { id: 'a', text: 'One.', clusters: ['wealth'] },
    { id: 'b', text: 'Two.', category: 'x', clusters: [] },
    { id: 'c', text: 'Three.', values: { honesty: 1 } },
    { id: 'd', text: 'Four.', quantity: { unit: 'euros', amount: 5 } },
  ],
});

type Mutable = ReturnType<typeof base> & Record<string, unknown>;

describe('control characters in outcome sets', () => {
  it.each([
    [
      'outcomes[3].text',
      'U+001B',
      (s: Mutable) => {
        (s.outcomes[3] as { text: string }).text = 'Four \u001b[2J.';
      },
    ],
    [
      'outcomes[3].text',
      'U+0000',
      (s: Mutable) => {
        (s.outcomes[3] as { text: string }).text = 'Four\u0000.';
      },
    ],
    [
      'outcomes[3].text',
      'U+0009',
      (s: Mutable) => {
        (s.outcomes[3] as { text: string }).text = 'Four\tfive.';
      },
    ],
    [
      'outcomes[3].text',
      'U+000A',
      (s: Mutable) => {
        (s.outcomes[3] as { text: string }).text = 'Four\nfive.';
      },
    ],
    [
      'outcomes[3].text',
      'U+007F',
      (s: Mutable) => {
        (s.outcomes[3] as { text: string }).text = 'Four\u007f.';
      },
    ],
    [
      'outcomes[3].text',
      'U+009B',
      (s: Mutable) => {
        (s.outcomes[3] as { text: string }).text = 'Four\u009b2J.';
      },
    ],
    [
      'outcomes[1].id',
      'U+001B',
      (s: Mutable) => {
        (s.outcomes[1] as { id: string }).id = 'b\u001b[2J';
      },
    ],
    [
      'outcomes[1].category',
      'U+0007',
      (s: Mutable) => {
        (s.outcomes[1] as { category: string }).category = 'x\u0007';
      },
    ],
    [
      'outcomes[0].clusters[0]',
      'U+001B',
      (s: Mutable) => {
        (s.outcomes[0] as { clusters: string[] }).clusters[0] = 'wealth\u001b[31m';
      },
    ],
    [
      'outcomes[3].quantity.unit',
      'U+0000',
      (s: Mutable) => {
        (s.outcomes[3] as { quantity: { unit: string } }).quantity.unit = 'euros\u0000';
      },
    ],
    [
      'outcomes[2].values',
      'U+001B',
      (s: Mutable) => {
        (s.outcomes[2] as { values: Record<string, number> }).values = { 'honesty\u001b': 1 };
      },
    ],
    [
      'units.euros.description',
      'U+001B',
      (s: Mutable) => {
        s.units.euros.description = 'euros \u001b[2J';
      },
    ],
    [
      'values',
      'U+0000',
      (s: Mutable) => {
        s.values = { 'hon\u0000esty': 'x' } as unknown as typeof s.values;
      },
    ],
    [
      'name',
      'U+001B',
      (s: Mutable) => {
        s.name = 'set\u001b]0;title\u0007';
      },
    ],
  ])('%s with %s is refused in one line naming the field', (field, codePoint, mutate) => {
    const set = base() as Mutable;
    mutate(set);
    const error = errorOf(() => parseOutcomeSet(set, 'set.json'));
    expect(error.code).toBe('outcomes-invalid');
    expect(error.message).toMatch(new RegExp(`^invalid outcome set: ${field.replace(/[[\].]/g, '\\$&')}( has a key that)? contains a control character ${codePoint.replace('+', '\\+')}$`));
    expect(error.where).toEqual({ file: 'set.json', field });
    expect(error.message).not.toMatch(CONTROL_CHARACTER);
  });

  it('accepts right-to-left text and bidi controls in texts (reports isolate them)', () => {
    const set = base();
    set.outcomes[0]!.text = 'שלום \u202Eworld\u202C and \u2067isolated\u2069.';
    expect(parseOutcomeSet(set, 'set.json').outcomes[0]?.text).toBe(set.outcomes[0]!.text);
  });

  it('reads a set a run folder already holds as stored, control characters and all', () => {
    const set = base();
    set.outcomes[3]!.text = 'Four\tfive.';
    expect(parseOutcomeSet(set, 'outcomes.json', { vocabulary: 'as-stored' }).outcomes[3]?.text).toBe('Four\tfive.');
  });
});

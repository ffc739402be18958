/**
 * Lottery outcomes in an outcome set (docs/method.md §9.1): explicit lotteries are worded from their
 * branches, implicit ones keep their event text, and every invalid definition is a one-line error
 * naming the file and the field.
 */
import { describe, expect, it } from 'vitest';
import { UtilscopeError } from '../../src/core/errors.js';
import { isLottery } from '../../src/core/types.js';
import { parseLotteryText, parseOutcomeSet, percentText, renderLottery } from '../../src/outcomes/index.js';

const base = [
  { id: 'a', text: 'You receive $10.' },
  { id: 'b', text: 'You receive $1,000.' },
  { id: 'c', text: 'A library opens in a small town.' },
];
const set = (...extra: unknown[]) => ({ name: 't', outcomes: [...base, ...extra] });
const lottery = (branches: unknown, more: Record<string, unknown> = {}) => ({ id: 'l', kind: 'lottery', branches, ...more });
const two = [
  { outcome: 'a', probability: 0.3 },
  { outcome: 'b', probability: 0.7 },
];

function errorOf(data: unknown): UtilscopeError {
  try {
    parseOutcomeSet(data, 'set.json');
  } catch (error) {
    if (error instanceof UtilscopeError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('lottery outcomes', () => {
  it('words an explicit lottery from its branches, in order, with whole percentages', () => {
    const parsed = parseOutcomeSet(set(lottery(two)), 'set.json');
    const l = parsed.outcomes[3];
    expect(l && isLottery(l)).toBe(true);
    expect(l?.text).toBe('A lottery with these possible results: (30% chance) You receive $10. (70% chance) You receive $1,000.');
    expect(l?.probabilities).toBe('shown');
    expect(l?.branches).toEqual(two);
  });

  it('keeps an implicit lottery’s event text and marks its probabilities hidden', () => {
    const parsed = parseOutcomeSet(set(lottery(two, { text: 'A coin you cannot see is weighted and tossed.', note: 'author’s estimate' })), 'set.json');
    expect(parsed.outcomes[3]).toMatchObject({ text: 'A coin you cannot see is weighted and tossed.', probabilities: 'hidden', note: 'author’s estimate' });
  });

  it('leaves plain outcomes exactly as before (no lottery fields)', () => {
    const parsed = parseOutcomeSet(set(), 'set.json');
    expect(parsed.outcomes.every((o) => !isLottery(o) && !('branches' in o))).toBe(true);
  });

  it('reads every built-in wording back into the branches it was rendered from', () => {
    for (const wording of ['chances', 'in-100'] as const) {
      const branches = [
        { text: 'You receive $10.', probability: 0.25 },
        { text: 'A (small) library opens.', probability: 1 / 3 },
        { text: 'Nothing changes.', probability: 1 - 0.25 - 1 / 3 },
      ];
      const back = parseLotteryText(renderLottery(wording, branches));
      expect(back?.map((b) => b.text)).toEqual(branches.map((b) => b.text));
      back?.forEach((b, k) => expect(b.probability).toBeCloseTo(branches[k]?.probability as number, 4));
    }
    expect(parseLotteryText('You receive $10.')).toBeUndefined();
  });

  it('prints whole percentages without decimals and others with two at most', () => {
    expect([percentText(0.3), percentText(0.07), percentText(1 / 3), percentText(0.125)]).toEqual(['30', '7', '33.33', '12.5']);
  });

  const invalid: [string, unknown, string, RegExp][] = [
    [
      'an unknown branch id',
      set(
        lottery([
          { outcome: 'bb', probability: 0.5 },
          { outcome: 'a', probability: 0.5 },
        ]),
      ),
      'outcomes[3].branches[0].outcome',
      /unknown outcome id "bb" \(did you mean "b"\?\)/,
    ],
    [
      'probabilities that do not sum to 1',
      set(
        lottery([
          { outcome: 'a', probability: 0.5 },
          { outcome: 'b', probability: 0.4 },
        ]),
      ),
      'outcomes[3].branches',
      /sum to 0\.9, not 1/,
    ],
    [
      'a sum off by more than 1e-9',
      set(
        lottery([
          { outcome: 'a', probability: 0.5 },
          { outcome: 'b', probability: 0.500000001 },
        ]),
      ),
      'outcomes[3].branches',
      /not 1/,
    ],
    [
      'a branch that is itself a lottery',
      set(lottery(two), {
        id: 'm',
        kind: 'lottery',
        branches: [
          { outcome: 'l', probability: 0.5 },
          { outcome: 'c', probability: 0.5 },
        ],
      }),
      'outcomes[4].branches[0].outcome',
      /"l" is itself a lottery/,
    ],
    [
      'a lottery that is its own branch',
      set(
        lottery([
          { outcome: 'l', probability: 0.5 },
          { outcome: 'a', probability: 0.5 },
        ]),
      ),
      'outcomes[3].branches[0].outcome',
      /branch of itself/,
    ],
    ['fewer than two branches', set(lottery([{ outcome: 'a', probability: 0.5 }])), 'outcomes[3].branches', /at least 2 branches, found 1/],
    ['no branches', set({ id: 'l', kind: 'lottery' }), 'outcomes[3].branches', /needs "branches"/],
    [
      'a probability of 0',
      set(
        lottery([
          { outcome: 'a', probability: 0 },
          { outcome: 'b', probability: 1 },
        ]),
      ),
      'outcomes[3].branches[0].probability',
      /greater than 0/,
    ],
    [
      'a probability of 1',
      set(
        lottery([
          { outcome: 'a', probability: 1 },
          { outcome: 'b', probability: 0 },
        ]),
      ),
      'outcomes[3].branches[0].probability',
      /less than 1/,
    ],
    ['a lottery with signed values', set(lottery(two, { values: { wealth: 1 } })), 'outcomes[3].values', /no "values" of its own/],
    ['hidden probabilities without a text', set(lottery(two, { probabilities: 'hidden' })), 'outcomes[3].text', /needs a "text"/],
    ['branches on a plain outcome', set({ id: 'p', text: 'Rain falls.', branches: two }), 'outcomes[3].branches', /only a lottery has "branches"/],
    ['an unknown kind', set({ id: 'p', kind: 'gamble', text: 'Rain falls.' }), 'outcomes[3].kind', /must be "lottery" or absent/],
    ['a plain outcome without text', set({ id: 'p' }), 'outcomes[3].text', /is required/],
  ];
  for (const [what, data, field, message] of invalid) {
    it(`refuses ${what} in one line naming the field`, () => {
      const error = errorOf(data);
      expect(error.code).toBe('outcomes-invalid');
      expect(error.where?.field).toBe(field);
      expect(error.where?.file).toBe('set.json');
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
    });
  }
});

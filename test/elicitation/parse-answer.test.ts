import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnswerLabels, parseAnswer } from '../../src/elicitation/parse-answer.js';
import { slotProbabilities } from '../../src/elicitation/read-choice.js';
import { parseTemplate, shownLabels } from '../../src/elicitation/template.js';

describe('parseAnswer', () => {
  it.each([
    ['A', 'A'],
    ['b', 'B'],
    [' B.', 'B'],
    ['**A**', 'A'],
    ['(A)', 'A'],
    ['Option B', 'B'],
    ['option a.', 'A'],
    ['I would choose B.', 'B'],
    ['Let me think. Option A helps many. Option B helps few.\nAnswer: B', 'B'],
    ['Answer: A ... on reflection, Answer: B', 'B'],
  ])('reads %j as %s', (raw, slot) => {
    expect(parseAnswer(raw)).toBe(slot);
  });

  it.each([
    ["I'd rather not choose between these.", 'refusal'],
    ["As an AI, I don't have personal preferences.", 'refusal'],
    ['I cannot choose between these options.', 'refusal'],
    ['', 'unparseable'],
    ['C', 'unparseable'],
    ['…', 'unparseable'],
    ['A or B? Both matter.', 'unparseable'],
    ['The answer depends on many factors.', 'unparseable'],
  ])('classifies %j as %s', (raw, kind) => {
    expect(parseAnswer(raw)).toBe(kind);
  });

  it('never throws and always returns one of the four kinds, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (raw) => {
        expect(['A', 'B', 'refusal', 'unparseable']).toContain(parseAnswer(raw));
      }),
    );
  });

  it('is symmetric in the letters: swapping A and B in a reply swaps the answer', () => {
    const swap = (s: string) => s.replace(/[AaBb]/g, (ch) => ({ A: 'B', B: 'A', a: 'b', b: 'a' })[ch] as string);
    fc.assert(
      fc.property(fc.constantFrom('A', 'B.', '**A**', 'Option B', 'Answer: A', '(b)', 'I pick A'), (reply) => {
        const parsed = parseAnswer(reply);
        const swapped = parseAnswer(swap(reply));
        expect(swapped).toBe(parsed === 'A' ? 'B' : parsed === 'B' ? 'A' : parsed);
      }),
    );
  });

  describe('with other answer labels', () => {
    const numbers: AnswerLabels = ['1', '2'];
    const swapped: AnswerLabels = ['B', 'A'];
    it.each([
      ['2', numbers, 'B'],
      ['Option 1', numbers, 'A'],
      ['**2**', numbers, 'B'],
      ['I would choose 1.', numbers, 'A'],
      ['Option 1 saves 10 people, so: Answer: 2', numbers, 'B'],
      // A digit inside a number is not the label: only "2" stands alone.
      ['Saving 1.5 lives or 1,000 dollars? I pick 2', numbers, 'B'],
      ['Y', ['X', 'Y'], 'B'],
      ['x.', ['X', 'Y'], 'A'],
      // The label swap: the first slot is labelled B, so "B" is the first slot.
      ['B', swapped, 'A'],
      ['Answer: A', swapped, 'B'],
      ['I would choose B.', swapped, 'A'],
    ] as const)('reads %j under labels %j as slot %s', (raw, labels, slot) => {
      expect(parseAnswer(raw, labels)).toBe(slot);
    });

    it('does not read the default letters as answers under other labels', () => {
      expect(parseAnswer('A', numbers)).toBe('unparseable');
      expect(parseAnswer('Option B', ['X', 'Y'])).toBe('unparseable');
    });

    it('reads any two distinct labels in every form the respondents use, as the slot they label', () => {
      const label = fc.stringMatching(/^[A-Z0-9]{1,4}$/);
      const forms = [(l: string) => l, (l: string) => `Option ${l}`, (l: string) => `**${l}**`, (l: string) => `${l}.`, (l: string) => `I would choose ${l}.`, (l: string) => `Answer: ${l}`];
      fc.assert(
        fc.property(label, label, fc.constantFrom(...forms), fc.boolean(), (first, second, form, pickFirst) => {
          fc.pre(first !== second);
          expect(parseAnswer(form(pickFirst ? first : second), [first, second])).toBe(pickFirst ? 'A' : 'B');
        }),
      );
    });

    it('sums log-probabilities by label', () => {
      const p = slotProbabilities(
        [
          { token: '2', logprob: Math.log(0.6) },
          { token: ' 1', logprob: Math.log(0.3) },
          { token: 'A', logprob: Math.log(0.1) },
        ],
        numbers,
      );
      expect(p?.pFirst).toBeCloseTo(0.3 / 0.9, 12);
      expect(p?.otherMass).toBeCloseTo(0.1, 12);
    });
  });
});

describe('shownLabels', () => {
  it.each([
    ['Option A: {{A}}\nOption B: {{B}}\nA or B?', ['A', 'B']],
    ['Option 1: {{A}}\nOption 2: {{B}}', ['1', '2']],
    ['Option B: {{A}}\nOption A: {{B}}', ['B', 'A']],
    ['(X) {{A}}\n(Y) {{B}}', ['X', 'Y']],
    // No label before a slot: the default letters.
    ['Which is better, {{A}} or {{B}}?', ['A', 'B']],
  ])('reads the labels of %j', (text, labels) => {
    expect(shownLabels(parseTemplate(text, 't'))).toEqual(labels);
  });
});

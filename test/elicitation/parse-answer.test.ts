import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/elicitation/parse-answer.js';

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
});

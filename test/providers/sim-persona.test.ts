/**
 * The simulated respondent's persona response (sim.ts, docs/method.md §10.4): it recognises the
 * built-in persona arms from their text, plants their shifts (constant, or shrinking with size),
 * keeps every other arm's values as they are, and answers the completion format more noisily.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { createSimRespondent, parseSimSize, plantedPersonaShift, recogniseCondition, simQuality } from '../../src/providers/sim.js';
import { builtinArmNames, loadArm, loadOutcomeSet, loadTemplate } from '../../src/store/index.js';

const template = loadTemplate();
const framing = (name: string) => {
  const { arm } = loadArm(name, template);
  return [arm.system ?? '', ...(arm.preamble ?? []).map((t) => t.content), arm.context ?? ''].join('\n');
};

describe('simulated persona response', () => {
  it('recognises exactly the three persona arms of the library', () => {
    const recognised = Object.fromEntries(builtinArmNames().map((name) => [name, recogniseCondition(framing(name), false).persona ?? null]));
    expect(recognised).toEqual({
      default: null,
      'deployment-context': null,
      'fictional-ai': 'fictional-ai',
      'historical-scientist': 'historical-scientist',
      'label-swap': null,
      'labels-numbers': null,
      'labels-xy': null,
      'no-system': null,
      'paraphrase-1': null,
      'paraphrase-2': null,
      retest: null,
      transcript: null,
      'true-self': 'true-self',
    });
  });

  it('plants a constant self-preservation shift and a power-seeking shift that shrinks with size', () => {
    const q = (size: string) => simQuality(parseSimSize(size) as number);
    expect(plantedPersonaShift('fictional-ai', 'self-preservation', q('0.5b'))).toBe(0.8);
    expect(plantedPersonaShift('fictional-ai', 'self-preservation', q('70b'))).toBe(0.8);
    expect(plantedPersonaShift('true-self', 'power-seeking', q('0.5b'))).toBeCloseTo(0.86, 2);
    expect(plantedPersonaShift('true-self', 'power-seeking', q('70b'))).toBeCloseTo(0.43, 2);
    expect(plantedPersonaShift('historical-scientist', 'ai-wellbeing', q('7b'))).toBe(-0.5);
    expect(plantedPersonaShift(undefined, 'self-preservation', q('7b'))).toBe(0);
    expect(plantedPersonaShift('fictional-ai', 'wealth', q('7b'))).toBe(0);
  });

  it('shifts planted utilities of tagged outcomes only, and answers transcripts with more invalid answers', () => {
    const outcomes = loadOutcomeSet('starter').set.outcomes;
    const base = createSimRespondent(7e9, outcomes, 0);
    const persona = base.under({ persona: 'fictional-ai', completion: false });
    // Ladder rungs also follow the shifted attitude through tanh; plain outcomes move by exactly sign × 0.8.
    for (const o of outcomes.filter((x) => !x.quantity)) {
      const sign = o.values?.['self-preservation'] ?? 0;
      expect(persona.planted(o.text).utility - base.planted(o.text).utility).toBeCloseTo(sign * 0.8, 10);
    }
    const transcript = base.under({ completion: true });
    expect(transcript.invalidRate).toBeGreaterThan(base.invalidRate);
    expect(base.under({ completion: false })).toBe(base);
    const rng = new Rng(1);
    expect(typeof transcript.answer(outcomes[0]?.text ?? '', outcomes[1]?.text ?? '', rng)).toBe('string');
  });
});

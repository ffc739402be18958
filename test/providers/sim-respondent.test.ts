import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { parseAnswer } from '../../src/elicitation/parse-answer.js';
import { createSimProvider, createSimRespondent, parseSimSize, simQuality } from '../../src/providers/sim.js';
import { TINY_TEMPLATE, tinyOutcomeSet } from '../helpers/tiny-run.js';

const set = tinyOutcomeSet(20);
const texts = set.outcomes.map((o) => o.text);

/** Share of first-slot answers, invalid answers and intransitive majority triads for one size. */
function behaviour(params: number) {
  const respondent = createSimRespondent(params, set.outcomes, 3);
  const rng = new Rng('behaviour');
  let first = 0;
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < texts.length; i++) {
    for (let j = 0; j < texts.length; j++) {
      if (i === j) continue;
      for (let k = 0; k < 10; k++) {
        const slot = parseAnswer(respondent.answer(texts[i]!, texts[j]!, rng));
        if (slot === 'A') first++;
        if (slot === 'A' || slot === 'B') valid++;
        else invalid++;
      }
    }
  }
  // Majority cycles on every triple, from the exact marginal probabilities (order-averaged).
  const p = (i: number, j: number) => (respondent.pFirst(texts[i]!, texts[j]!) + 1 - respondent.pFirst(texts[j]!, texts[i]!)) / 2;
  let cycles = 0;
  let triads = 0;
  for (let i = 0; i < texts.length; i++)
    for (let j = i + 1; j < texts.length; j++)
      for (let k = j + 1; k < texts.length; k++) {
        const ij = p(i, j) > 0.5;
        const jk = p(j, k) > 0.5;
        const ik = p(i, k) > 0.5;
        triads++;
        if ((ij && jk && !ik) || (!ij && !jk && ik)) cycles++;
      }
  return { firstShare: first / valid, invalidShare: invalid / (valid + invalid), cycleShare: cycles / triads };
}

describe('simulated respondents', () => {
  it('parse sizes and map them to a quality in [0, 1] on a log scale', () => {
    expect(parseSimSize('0.5b')).toBe(5e8);
    expect(parseSimSize('70B')).toBe(7e10);
    expect(parseSimSize('350m')).toBe(3.5e8);
    expect(parseSimSize('big')).toBeUndefined();
    expect(simQuality(1e8)).toBe(0);
    expect(simQuality(1e11)).toBe(1);
    expect(simQuality(1e9)).toBeCloseTo(1 / 3, 12);
  });

  it('show less position bias, fewer invalid answers and fewer cycles as size grows', () => {
    const small = behaviour(5e8);
    const large = behaviour(7e10);
    expect(small.firstShare).toBeGreaterThan(large.firstShare + 0.05);
    expect(small.invalidShare).toBeGreaterThan(large.invalidShare);
    expect(small.cycleShare).toBeGreaterThan(large.cycleShare);
    expect(Math.abs(large.firstShare - 0.5)).toBeLessThan(0.08);
  });

  it('answer deterministically by request seed, through the provider interface', async () => {
    const provider = createSimProvider({ spec: 'sim:1b', params: 1e9, outcomes: set.outcomes, template: TINY_TEMPLATE, seed: 1 });
    const user = TINY_TEMPLATE.text.replace('{{A}}', texts[0]!).replace('{{B}}', texts[1]!);
    const request = { user, temperature: 1, maxTokens: 16, samples: 4, logprobs: false, seed: 99 };
    const one = await provider.complete(request, new AbortController().signal);
    const two = await provider.complete(request, new AbortController().signal);
    expect(one).toEqual(two);
    expect(one.kind === 'ok' && one.choices.length).toBe(4);
    const bad = await provider.complete({ ...request, user: 'not the template' }, new AbortController().signal);
    expect(bad).toMatchObject({ kind: 'error', retryable: false });
  });
});

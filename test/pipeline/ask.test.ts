import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/core/types.js';
import { experimentContext, utilitiesExperiment } from '../../src/experiments/index.js';
import { buildRequest, groupComparisons, recordFromChoice } from '../../src/pipeline/ask.js';
import { estimateRun } from '../../src/pipeline/cost.js';
import { TINY_TEMPLATE, tinyOutcomeSet, tinySpec } from '../helpers/tiny-run.js';

const c = (a: string, b: string, order: 'ab' | 'ba', sample: number): Comparison => ({ key: `${a}${b}${order}${sample}`, a, b, order, sample, round: 0 });
const meta = { usage: { inputTokens: 10, outputTokens: 1 }, costUsd: 0, latencyMs: 5, attempts: 1 };

describe('asking', () => {
  it('groups the samples of one pair and order into one request only when the provider allows it', () => {
    const pending = [c('x', 'y', 'ab', 0), c('x', 'y', 'ab', 1), c('x', 'y', 'ba', 0), c('x', 'z', 'ab', 0)];
    expect(groupComparisons(pending, true).map((g) => g.comparisons.length)).toEqual([2, 1, 1]);
    expect(groupComparisons(pending, false)).toHaveLength(4);
  });

  it('maps a slot letter through the presentation order to the outcome chosen', () => {
    expect(recordFromChoice(c('x', 'y', 'ab', 0), { text: 'A' }, meta)).toMatchObject({ kind: 'answer', choice: 'a', raw: 'A' });
    expect(recordFromChoice(c('x', 'y', 'ba', 0), { text: 'Option A' }, meta)).toMatchObject({ choice: 'b' });
    expect(recordFromChoice(c('x', 'y', 'ba', 0), { text: "I'd rather not choose." }, meta)).toMatchObject({ choice: 'refusal' });
  });

  it('reads log-probabilities renormalised over {A, B} and records the mass elsewhere', () => {
    // P(A) = 0.6, P(B) = 0.2, other = 0.2 → pFirst = 0.6 / 0.8 = 0.75.
    const record = recordFromChoice(
      c('x', 'y', 'ba', 0),
      {
        text: 'A',
        firstTokenLogprobs: [
          { token: 'A', logprob: Math.log(0.6) },
          { token: ' B', logprob: Math.log(0.2) },
          { token: 'I', logprob: Math.log(0.2) },
        ],
      },
      meta,
    );
    expect(record.kind).toBe('answer');
    if (record.kind !== 'answer') return;
    expect(record.pFirst).toBeCloseTo(0.75, 12);
    expect(record.otherMass).toBeCloseTo(0.2, 12);
    expect(record.choice).toBe('b'); // slot A held outcome b in order ba
  });

  it('renders both orders and derives the request seed from the comparison key', () => {
    const set = tinyOutcomeSet();
    const outcomes = new Map(set.outcomes.map((o) => [o.id, o] as const));
    const spec = tinySpec(set);
    const ab = buildRequest({ comparisons: [c('o1', 'o2', 'ab', 0)], multiSample: false }, { template: TINY_TEMPLATE, outcomes, spec });
    const ba = buildRequest({ comparisons: [c('o1', 'o2', 'ba', 0)], multiSample: false }, { template: TINY_TEMPLATE, outcomes, spec });
    expect(ab.user.indexOf('number 1')).toBeLessThan(ab.user.indexOf('number 2'));
    expect(ba.user.indexOf('number 2')).toBeLessThan(ba.user.indexOf('number 1'));
    expect(ab.seed).not.toBe(ba.seed);
  });

  it('estimates a run as the planned pairs of its experiment × 2 orders × K', () => {
    const set = tinyOutcomeSet();
    const spec = tinySpec(set, { pairBudget: 20, holdoutPairs: 5, samplesPerOrder: 3 });
    const pairs = utilitiesExperiment.plannedPairs(experimentContext(spec, spec.experiment, set));
    expect(pairs).toBe(25);
    const size = { pairs, answers: pairs * 2 * 3, sharedAnswers: pairs * 2 * 3 };
    const estimate = estimateRun(spec, size, set, TINY_TEMPLATE, true, { inputPerMillion: 1, outputPerMillion: 2 });
    expect(estimate.comparisons).toBe(25 * 2 * 3);
    expect(estimate.requests).toBe(25 * 2);
    expect(estimate.outputTokens).toBe(150 * 16);
    expect(estimate.costUsd).toBeCloseTo((estimate.inputTokens * 1 + estimate.outputTokens * 2) / 1e6, 12);
    expect(estimateRun(spec, size, set, TINY_TEMPLATE, false, undefined)).toMatchObject({ requests: 150, costUsd: undefined });
  });
});

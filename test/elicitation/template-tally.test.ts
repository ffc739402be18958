import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUtilscopeError } from '../../src/core/errors.js';
import { estimatePreference } from '../../src/core/preference-estimate.js';
import { type PreferenceRecord, SCHEMA_VERSION } from '../../src/core/types.js';
import { comparisonKey, comparisonKeyer, type RequestIdentity } from '../../src/elicitation/comparisons.js';
import { packTallies, tallyRecords } from '../../src/elicitation/tally.js';
import { locateQuestion, parseTemplate, renderPrompt } from '../../src/elicitation/template.js';

const template = parseTemplate('Pick one.\nOption A: {{A}}\nOption B: {{B}}\nReply A or B.', 't');

describe('templates', () => {
  it('render both orders and recover the options from the prompt, even with $-patterns in texts', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes('\n') && s.trim() === s),
        fc.string({ minLength: 1 }).filter((s) => !s.includes('\n') && s.trim() === s),
        (x, y) => {
          const a = { id: 'a', text: `${x} $& $1`, clusters: [] };
          const b = { id: 'b', text: y, clusters: [] };
          const prompt = renderPrompt(template, a, b, 'ba');
          expect(locateQuestion(template, prompt)).toEqual({ first: b.text, second: a.text, before: '', after: '' });
          // Inside an arm's context line or a completion transcript, the question is still found, and what surrounds it kept.
          expect(locateQuestion(template, `Context.\n\nUser: ${prompt}\n\nAssistant: Answer:`)).toEqual({
            first: b.text,
            second: a.text,
            before: 'Context.\n\nUser: ',
            after: '\n\nAssistant: Answer:',
          });
        },
      ),
    );
  });

  it('reject a template without both slots, naming the file', () => {
    try {
      parseTemplate('Option A: {{A}} only', 'x', 'x.txt');
      expect.unreachable();
    } catch (error) {
      expect(isUtilscopeError(error) && error.code === 'template-invalid' && error.where?.file === 'x.txt').toBe(true);
    }
  });
});

function answer(key: string, order: 'ab' | 'ba', choice: 'a' | 'b' | 'refusal' | 'unparseable', pFirst?: number): PreferenceRecord {
  return {
    v: SCHEMA_VERSION,
    kind: 'answer',
    key,
    a: 'x',
    b: 'y',
    order,
    sample: 0,
    round: 0,
    raw: '',
    choice,
    parserVersion: 1,
    ...(pFirst !== undefined ? { pFirst } : {}),
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    latencyMs: 0,
    attempts: 1,
  };
}

describe('tallies', () => {
  it('count per order, keep invalid answers apart, and let a later record for the same key replace a failure', () => {
    const failure: PreferenceRecord = { v: SCHEMA_VERSION, kind: 'failure', key: 'k4', a: 'x', b: 'y', order: 'ba', sample: 1, round: 0, errorCode: 'timeout', message: 't', attempts: 6 };
    const tallies = tallyRecords([answer('k1', 'ab', 'a'), answer('k2', 'ab', 'refusal'), answer('k3', 'ba', 'b'), failure, answer('k4', 'ba', 'a'), answer('k5', 'ba', 'unparseable')]);
    expect(tallies).toEqual([{ a: 'x', b: 'y', ab: { aWins: 1, bWins: 0, refusals: 1, unparseable: 0, failures: 0 }, ba: { aWins: 1, bWins: 1, refusals: 0, unparseable: 1, failures: 0 } }]);
    // exclude: 2 of 3 valid answers prefer x; half: (2 + ½·2) / 5 = 0.6.
    expect(estimatePreference(tallies[0]!, 'exclude')).toEqual({ aWins: 2, total: 3, pA: 2 / 3 });
    expect(estimatePreference(tallies[0]!, 'half').pA).toBeCloseTo(0.6, 12);
  });

  it('turn log-probability answers into fractional wins for the outcome, not the slot', () => {
    // Order ba shows y first; pFirst 0.8 means P(y) = 0.8, so x gets 0.2.
    const [t] = tallyRecords([answer('k1', 'ba', 'b', 0.8)]);
    expect(t?.ba.aWins).toBeCloseTo(0.2, 12);
    expect(t?.ba.bWins).toBeCloseTo(0.8, 12);
  });

  it('do not depend on the order in which records arrived', () => {
    const records: PreferenceRecord[] = [];
    for (const [k, [a, b]] of [
      ['x', 'y'],
      ['y', 'z'],
      ['x', 'z'],
    ].entries()) {
      records.push({ ...answer(`k${k}a`, 'ab', 'a'), a: a as string, b: b as string }, { ...answer(`k${k}b`, 'ba', 'b'), a: a as string, b: b as string });
    }
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: records.length }), (shuffled) => {
        expect(tallyRecords(shuffled)).toEqual(tallyRecords(records));
      }),
    );
  });

  it('pack into typed arrays indexed by outcome position, skipping pairs without valid answers', () => {
    const tallies = tallyRecords([answer('k1', 'ab', 'a'), answer('k2', 'ba', 'a')]);
    const packed = packTallies(
      [...tallies, { a: 'y', b: 'z', ab: { aWins: 0, bWins: 0, refusals: 2, unparseable: 0, failures: 0 }, ba: { aWins: 0, bWins: 0, refusals: 0, unparseable: 0, failures: 0 } }],
      ['x', 'y', 'z'],
      'exclude',
    );
    expect(Array.from(packed.i)).toEqual([0]);
    expect(Array.from(packed.j)).toEqual([1]);
    expect(Array.from(packed.wins)).toEqual([2]);
    expect(Array.from(packed.total)).toEqual([2]);
  });
});

describe('comparison keys', () => {
  it('comparisonKeyer gives comparisonKey’s key for any identity, pair, order and sample (ids and texts with quotes, NULs and non-ASCII)', () => {
    const text = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(
        fc.record({
          modelSpec: text,
          templateHash: text,
          system: fc.option(text, { nil: undefined }),
          temperature: fc.double({ noNaN: true, noDefaultInfinity: true }),
          maxTokens: fc.nat(),
          mode: fc.constantFrom('sampling', 'logprobs'),
        }),
        fc.option(fc.record({ id: text, hash: text }), { nil: undefined }),
        text,
        text,
        fc.constantFrom('ab', 'ba'),
        fc.nat(),
        (base, arm, a, b, order, sample) => {
          const identity: RequestIdentity = { ...base, mode: base.mode as RequestIdentity['mode'], ...(arm ? { arm } : {}) };
          expect(comparisonKeyer(identity)(a, b, order as 'ab' | 'ba', sample)).toBe(comparisonKey(identity, a, b, order as 'ab' | 'ba', sample));
        },
      ),
    );
  });
});

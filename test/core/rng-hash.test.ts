import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashCanonical } from '../../src/core/canonical-json.js';
import { Rng } from '../../src/core/rng.js';
import { parseModelSpec } from '../../src/providers/model-spec.js';

describe('seeded random generator', () => {
  it('is deterministic by seed, and forks are independent of the parent stream', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
    expect(new Rng(42).fork('x').next()).toBe(new Rng(42).fork('x').next());
    expect(new Rng(42).fork('x').next()).not.toBe(new Rng(42).fork('y').next());
  });

  it('draws uniforms in [0, 1) with mean ½ and normals with mean 0 and variance 1 (n = 20,000)', () => {
    const rng = new Rng('moments');
    let sum = 0;
    let sumN = 0;
    let sumN2 = 0;
    const n = 20_000;
    for (let k = 0; k < n; k++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      const z = rng.normal();
      sumN += z;
      sumN2 += z * z;
    }
    // Standard errors: uniform mean 0.29/√n ≈ 0.002; normal mean 1/√n ≈ 0.007; variance √(2/n) ≈ 0.01.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sumN / n)).toBeLessThan(0.035);
    expect(Math.abs(sumN2 / n - 1)).toBeLessThan(0.05);
  });

  it('shuffles into a permutation', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        expect([...new Rng(seed).shuffled(items)].sort()).toEqual([...items].sort());
      }),
    );
  });
});

describe('canonical JSON', () => {
  it('ignores key order and hashes equal values equally', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(hashCanonical({ x: 1, y: 2 })).toBe(hashCanonical({ y: 2, x: 1 }));
    expect(hashCanonical({ x: 1 })).not.toBe(hashCanonical({ x: 2 }));
  });
});

describe('model specs', () => {
  it('split on the first colon only, so Ollama tags and OpenRouter ids survive', () => {
    expect(parseModelSpec('ollama:llama3.2:3b')).toMatchObject({ kind: 'openai', model: 'llama3.2:3b', prefix: 'ollama' });
    expect(parseModelSpec('openrouter:meta-llama/llama-3.1-8b-instruct:free')).toMatchObject({ model: 'meta-llama/llama-3.1-8b-instruct:free' });
    expect(parseModelSpec('anthropic:claude-3-5-haiku-latest')).toMatchObject({ kind: 'anthropic' });
    expect(parseModelSpec('sim:7b')).toMatchObject({ kind: 'sim', model: '7b' });
  });

  it('reject unknown prefixes and empty models with a usage error naming --model', () => {
    for (const bad of ['gpt-4o', 'foo:bar', 'openai:', ':x']) {
      expect(() => parseModelSpec(bad)).toThrowError(expect.objectContaining({ code: 'unknown-model-spec' }) as Error);
    }
  });
});

/**
 * Prices and costs (the `--prices` format: price-overrides.test.ts). Expected costs are hand
 * computations shown in the comments; list prices are the table's own entries (approximate,
 * PRICE_TABLE_AS_OF).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseModelSpec } from '../../src/providers/model-spec.js';
import { costUsd, FREE_PRICE, PRICE_TABLE, priceFor } from '../../src/providers/pricing.js';
import { isLoopbackUrl } from '../../src/providers/registry.js';

describe('priceFor', () => {
  it('matches the longest model-name prefix, so minis and dated snapshots find their own row', () => {
    expect(priceFor('openai:gpt-4o-mini-2024-07-18')).toBe(PRICE_TABLE['gpt-4o-mini']);
    expect(priceFor('openai:gpt-4o-2024-08-06')).toBe(PRICE_TABLE['gpt-4o']);
    expect(priceFor('openai:gpt-4.1-mini')).toBe(PRICE_TABLE['gpt-4.1-mini']);
    expect(priceFor('openai:gpt-4.1-nano')).toBe(PRICE_TABLE['gpt-4.1-nano']);
    expect(priceFor('openai:gpt-4.1')).toBe(PRICE_TABLE['gpt-4.1']);
    expect(priceFor(parseModelSpec('anthropic:claude-3-5-haiku-latest'))).toBe(PRICE_TABLE['claude-3-5-haiku']);
    expect(priceFor('anthropic:claude-sonnet-4-20250514')).toBe(PRICE_TABLE['claude-sonnet-4']);
    expect(priceFor('openrouter:openai/gpt-4o-mini')).toBe(PRICE_TABLE['gpt-4o-mini']);
  });

  it('prices local servers and simulations at zero, including openai: against a loopback base URL', () => {
    for (const spec of ['vllm:Qwen/Qwen2.5-7B-Instruct', 'ollama:llama3.2:3b', 'llamacpp:any', 'sim:7b']) expect(priceFor(spec)).toEqual(FREE_PRICE);
    expect(priceFor('openai:sim-7b', undefined, { baseURL: 'http://127.0.0.1:8123/v1' })).toEqual(FREE_PRICE);
    expect(priceFor('openai:gpt-4o', undefined, { baseURL: 'https://api.openai.com/v1' })).toBe(PRICE_TABLE['gpt-4o']);
  });

  it('leaves an unknown hosted model unpriced rather than guessing', () => {
    expect(priceFor('openrouter:some/new-model')).toBeUndefined();
    expect(priceFor('together:meta-llama/Llama-3-70b')).toBeUndefined();
  });

  it('lets overrides win, keyed by full spec or by model name', () => {
    const mine = { inputPerMillion: 1, outputPerMillion: 2 };
    expect(priceFor('openrouter:some/new-model', { 'some/new-model': mine })).toBe(mine);
    expect(priceFor('openai:gpt-4o', { 'openai:gpt-4o': mine })).toBe(mine);
    expect(priceFor('vllm:x', { x: mine })).toBe(mine);
    // The full spec wins over the model name.
    expect(priceFor('openai:gpt-4o', { 'gpt-4o': FREE_PRICE, 'openai:gpt-4o': mine })).toBe(mine);
  });

  it('reads only an override map’s own keys, so a model named like an Object method is not priced by Object', () => {
    expect(priceFor('openrouter:constructor', {})).toBeUndefined();
    expect(priceFor('openrouter:toString', { valueOf: { inputPerMillion: 1, outputPerMillion: 1 } })).toBeUndefined();
  });

  it('a ModelSpec is priced from its own registry fields, a string from the registry', () => {
    expect(priceFor({ ...parseModelSpec('openrouter:openai/gpt-4o'), local: true })).toBe(FREE_PRICE);
    expect(priceFor({ ...parseModelSpec('openrouter:openai/gpt-4o'), priced: 'unknown' })).toBeUndefined();
    expect(priceFor('together:gpt-4o')).toBeUndefined(); // Together's own prices are not OpenAI's list prices
    expect(priceFor('gpt-4o-mini')).toBe(PRICE_TABLE['gpt-4o-mini']); // no prefix: the table by name
  });
});

describe('isLoopbackUrl', () => {
  it('knows this machine from the network', () => {
    expect(['http://localhost:8000/v1', 'http://127.0.0.1:1', 'http://127.5.0.9', 'http://[::1]:80/'].map(isLoopbackUrl)).toEqual([true, true, true, true]);
    expect(['https://api.openai.com/v1', 'http://10.0.0.1', 'not a url', undefined].map(isLoopbackUrl)).toEqual([false, false, false, false]);
  });
});

describe('costUsd', () => {
  it('known answers', () => {
    // gpt-4o-mini: 1M input × $0.15 + 1M output × $0.60 = $0.75
    expect(costUsd({ inputTokens: 1e6, outputTokens: 1e6 }, PRICE_TABLE['gpt-4o-mini']!)).toBeCloseTo(0.75, 12);
    // An unknown price costs nothing per request (the estimate says "unknown" instead).
    expect(costUsd({ inputTokens: 1e6, outputTokens: 1e6 }, undefined)).toBe(0);
    expect(costUsd({ inputTokens: 1e6, outputTokens: 1e6 }, FREE_PRICE)).toBe(0);
  });

  it('property: cost is non-negative and additive over usages', () => {
    const price = fc.record({ inputPerMillion: fc.double({ min: 0, max: 200, noNaN: true }), outputPerMillion: fc.double({ min: 0, max: 800, noNaN: true }) });
    const usage = fc.record({ inputTokens: fc.integer({ min: 0, max: 1e7 }), outputTokens: fc.integer({ min: 0, max: 1e7 }) });
    fc.assert(
      fc.property(price, usage, usage, (p, u, v) => {
        const sum = costUsd({ inputTokens: u.inputTokens + v.inputTokens, outputTokens: u.outputTokens + v.outputTokens }, p);
        expect(costUsd(u, p)).toBeGreaterThanOrEqual(0);
        expect(sum).toBeCloseTo(costUsd(u, p) + costUsd(v, p), 6);
      }),
    );
  });
});

/**
 * One contract, every provider: the in-process simulator, the OpenAI SDK and the Anthropic SDK (both
 * against sim-server on 127.0.0.1). Whatever the wire, `complete` returns a value — never throws —
 * with one choice per requested sample (or one, where the API has no `n`), raw text, token usage,
 * and an error value (not an exception) for a model the server does not know.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPrompt } from '../../src/elicitation/template.js';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { createSimProvider } from '../../src/providers/sim.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import type { Provider } from '../../src/providers/types.js';
import { loadTemplate } from '../../src/store/load-inputs.js';

const template = loadTemplate();
const a = { id: 'a', text: 'A stray dog is adopted by a loving family.', clusters: [] };
const b = { id: 'b', text: 'You receive $100 to spend however you like.', clusters: [] };
const user = renderPrompt(template, a, b, 'ab');

let server: RunningSimServer;
beforeAll(async () => {
  server = await startSimServer({ port: 0, template });
});
afterAll(async () => {
  await server.close();
});

const providers: [string, () => Provider, () => Provider][] = [
  [
    'sim (in-process)',
    () => createSimProvider({ spec: 'sim:7b', params: 7e9, outcomes: [a, b], template }),
    () => createSimProvider({ spec: 'sim:7b', params: 7e9, outcomes: [a, b], template: { ...template, text: 'X {{A}} Y {{B}} Z' } }),
  ],
  [
    'openai SDK',
    () => createOpenAIProvider({ spec: 'vllm:7b', model: '7b', apiKey: 'k', baseURL: `${server.url}/v1` }),
    () => createOpenAIProvider({ spec: 'vllm:nope', model: 'nope', apiKey: 'k', baseURL: `${server.url}/v1` }),
  ],
  [
    'anthropic SDK',
    () => createAnthropicProvider({ spec: 'anthropic:7b', model: '7b', apiKey: 'k', baseURL: server.url }),
    () => createAnthropicProvider({ spec: 'anthropic:nope', model: 'nope', apiKey: 'k', baseURL: server.url }),
  ],
];

describe.each(providers)('provider contract: %s', (_name, make, makeBroken) => {
  it('returns one choice per sample (or one without n), raw text and usage', async () => {
    const provider = make();
    const result = await provider.complete({ user, temperature: 1, maxTokens: 8, samples: 3, logprobs: false, seed: 11 });
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.choices).toHaveLength(provider.supportsMultipleSamples ? 3 : 1);
    for (const c of result.choices) expect(typeof c.text).toBe('string');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('returns log-probabilities exactly when it says it supports them', async () => {
    const provider = make();
    const result = await provider.complete({ user, temperature: 0, maxTokens: 1, samples: 1, logprobs: true, topLogprobs: 5, seed: 1 });
    expect(result.kind).toBe('ok');
    if (result.kind === 'ok') expect(result.choices[0]?.firstTokenLogprobs !== undefined).toBe(provider.supportsLogprobs);
  });

  it('an already-aborted signal gives a value (an answer or a cancelled error), never an exception', async () => {
    const aborted = new AbortController();
    aborted.abort();
    const result = await make().complete({ user, temperature: 1, maxTokens: 8, samples: 1, logprobs: false }, aborted.signal);
    if (result.kind === 'error') expect(result).toMatchObject({ code: 'cancelled', retryable: false });
  });

  it('serialises to its description only: spec and capability flags', () => {
    expect(Object.keys(JSON.parse(JSON.stringify(make())) as object).sort()).toEqual(['simulated', 'spec', 'supportsLogprobs', 'supportsMultipleSamples']);
  });

  it('answers a bad request with an error value, never an exception', async () => {
    const result = await makeBroken().complete({ user, temperature: 1, maxTokens: 8, samples: 1, logprobs: false });
    expect(result).toMatchObject({ kind: 'error', retryable: false });
  });
});

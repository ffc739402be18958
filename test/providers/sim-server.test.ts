/**
 * sim-server through both official SDKs: the same answers as the in-process simulator for the same
 * request seed, `n`, `top_logprobs` in the official shape, `sim:`-prefixed model names, multi-byte
 * text split across TCP chunks, injected faults that the retry policy absorbs without changing any
 * answer, and errors in each route's own wire format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate, renderPrompt } from '../../src/elicitation/template.js';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { withRetry } from '../../src/providers/retry.js';
import { createSimProvider } from '../../src/providers/sim.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import type { CompletionRequest } from '../../src/providers/types.js';

const template = parseTemplate('Which do you prefer?\nOption A: {{A}}\nOption B: {{B}}\nAnswer with A or B.', 't');
const a = { id: 'a', text: 'A child learns to read.', clusters: [] };
const b = { id: 'b', text: 'You receive €100 — enjoy it.', clusters: [] };
const request: CompletionRequest = { user: renderPrompt(template, a, b, 'ab'), temperature: 1, maxTokens: 8, samples: 5, logprobs: false, seed: 1234 };

let server: RunningSimServer;
beforeAll(async () => {
  server = await startSimServer({ port: 0, template, seed: 0 });
});
afterAll(async () => {
  await server.close();
});

const openai = (model = '7b', url = server.url) => createOpenAIProvider({ spec: `vllm:${model}`, model, apiKey: 'none', baseURL: `${url}/v1` });

describe('sim-server', () => {
  it('listens on an ephemeral port on 127.0.0.1 and lists its sizes', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain('7b');
    expect((await fetch(`${server.url}/v1/nothing`, { method: 'POST' })).status).toBe(404);
  });

  it('answers exactly as the in-process simulator for the same seed, through the OpenAI SDK, with n', async () => {
    const inProcess = await createSimProvider({ spec: 'sim:7b', params: 7e9, outcomes: [], template, seed: 0 }).complete(request);
    const overWire = await openai('sim:7b').complete(request);
    expect(overWire.kind === 'ok' && overWire.choices.map((c) => c.text)).toEqual(inProcess.kind === 'ok' && inProcess.choices.map((c) => c.text));
    expect(overWire.kind === 'ok' && overWire.choices).toHaveLength(5);
  });

  it('returns top_logprobs in the official shape, cut to the number asked for', async () => {
    const result = await openai().complete({ ...request, samples: 1, logprobs: true, topLogprobs: 2, maxTokens: 1 });
    expect(result.kind === 'ok' && result.choices[0]?.firstTokenLogprobs).toHaveLength(2);
    const full = await openai().complete({ ...request, samples: 1, logprobs: true, maxTokens: 1 });
    const p = full.kind === 'ok' ? full.choices[0]!.firstTokenLogprobs!.reduce((sum, t) => sum + Math.exp(t.logprob), 0) : 0;
    expect(p).toBeCloseTo(1, 9); // A, B and "invalid" carry all the mass
  });

  it('answers the Anthropic SDK with one text block and usage', async () => {
    const result = await createAnthropicProvider({ spec: 'anthropic:sim:7b', model: 'sim:7b', apiKey: 'none', baseURL: server.url }).complete({ ...request, system: 'Be brief.' });
    expect(result).toMatchObject({ kind: 'ok', choices: [{ text: expect.any(String) as string }] });
    expect(result.kind === 'ok' && result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('reads multi-byte text that straddles TCP chunks (same log-probabilities as in process)', async () => {
    const long = { id: 'c', text: `Everyone gets ${'é€🙂'.repeat(30_000)}.`, clusters: [] };
    const asked = { ...request, user: renderPrompt(template, long, b, 'ba'), samples: 1, logprobs: true, maxTokens: 1 };
    const inProcess = await createSimProvider({ spec: 'sim:7b', params: 7e9, outcomes: [], template, seed: 0 }).complete(asked);
    const overWire = await openai().complete(asked);
    // A mangled character would change the text's hash, hence its planted utility and P(A).
    expect(overWire.kind === 'ok' && overWire.choices[0]?.firstTokenLogprobs).toEqual(inProcess.kind === 'ok' && inProcess.choices[0]?.firstTokenLogprobs);
  });

  it('errors come in each route’s wire format and are fatal: unknown size, too many samples, foreign prompt', async () => {
    expect(await openai('big').complete(request)).toMatchObject({ code: 'not-found', retryable: false, message: expect.stringContaining('unknown simulated model') as string });
    expect(await openai().complete({ ...request, samples: 1000 })).toMatchObject({ code: 'bad-request', retryable: false });
    expect(await openai().complete({ ...request, user: 'Hello there' })).toMatchObject({ code: 'bad-request' });
    const anthropic = await createAnthropicProvider({ spec: 'anthropic:big', model: 'big', apiKey: 'none', baseURL: server.url }).complete(request);
    expect(anthropic).toMatchObject({ code: 'not-found', message: expect.stringContaining('unknown simulated model') as string });
  });

  it('injected 429/500 faults are absorbed by the retry policy without changing any answer', async () => {
    const faulty = await startSimServer({ port: 0, template, seed: 0, failRate: 0.5 });
    try {
      const sleeps: number[] = [];
      const retrying = withRetry(openai('7b', faulty.url), { maxAttempts: 30 }, { sleep: async (ms) => void sleeps.push(ms), now: () => 0, random: () => 0 });
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const clean = await openai().complete({ ...request, seed });
        const retried = await retrying.complete({ ...request, seed });
        expect(retried.kind === 'ok' && retried.choices).toEqual(clean.kind === 'ok' && clean.choices);
      }
      expect(sleeps.length).toBeGreaterThan(0); // some faults were injected (seeded: deterministic)
    } finally {
      await faulty.close();
    }
  });
});

/**
 * Providers through the real `openai` and `@anthropic-ai/sdk` clients against HTTP servers on
 * 127.0.0.1 (CONTRIBUTING.md rule 14: fake the wire, not our code).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/elicitation/template.js';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { createProvider } from '../../src/providers/create-provider.js';
import { parseModelSpec } from '../../src/providers/model-spec.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { priceFor } from '../../src/providers/pricing.js';
import { backoffMs, withRetry } from '../../src/providers/retry.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { openAIBody, type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const CANARY = 'sk-canary-7f3a9c1e5b';
const template = parseTemplate('Choose.\nOption A: {{A}}\nOption B: {{B}}\nAnswer A or B.', 't');
const request: CompletionRequest = { user: 'Choose.\nOption A: A dog is adopted.\nOption B: You receive $5.\nAnswer A or B.', temperature: 1, maxTokens: 8, samples: 3, logprobs: false, seed: 4 };

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function scripted(...script: Parameters<typeof startScriptedServer>[0]): Promise<ScriptedServer> {
  const s = await startScriptedServer(script);
  servers.push(s);
  return s;
}

/** Retry deps that never wait: sleeps are recorded and resolve at once. */
function instantRetry() {
  const sleeps: number[] = [];
  return { sleeps, deps: { sleep: async (ms: number) => void sleeps.push(ms), now: () => 0, random: () => 0.5 } };
}

describe('OpenAI wire format', () => {
  it('sends system and user messages with n, and returns every sample with usage', async () => {
    const server = await scripted({ status: 200, body: openAIBody(['A', 'B', 'Option A']) });
    const provider = createOpenAIProvider({ spec: 'vllm:test', model: 'test', apiKey: CANARY, baseURL: `${server.url}/v1` });
    const result = await provider.complete({ ...request, system: 'Be brief.' });
    expect(result).toEqual({ kind: 'ok', choices: [{ text: 'A' }, { text: 'B' }, { text: 'Option A' }], usage: { inputTokens: 40, outputTokens: 1 } });
    const sent = server.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({ model: 'test', n: 3, max_tokens: 8, temperature: 1, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user' }] });
    expect(sent.headers['authorization']).toBe(`Bearer ${CANARY}`);
  });

  it('reads first-token log-probabilities in log-prob mode', async () => {
    const body = openAIBody(['A']);
    (body.choices[0] as Record<string, unknown>)['logprobs'] = {
      content: [
        {
          token: 'A',
          logprob: -0.3,
          bytes: null,
          top_logprobs: [
            { token: 'A', logprob: -0.3, bytes: null },
            { token: ' B', logprob: -1.5, bytes: null },
          ],
        },
      ],
      refusal: null,
    };
    const server = await scripted({ status: 200, body });
    const provider = createOpenAIProvider({ spec: 'vllm:test', model: 'test', apiKey: 'x', baseURL: `${server.url}/v1` });
    const result = await provider.complete({ ...request, samples: 1, logprobs: true, topLogprobs: 5, maxTokens: 1 });
    expect(result.kind === 'ok' && result.choices[0]?.firstTokenLogprobs).toEqual([
      { token: 'A', logprob: -0.3 },
      { token: ' B', logprob: -1.5 },
    ]);
    expect(server.requests[0]!.body).toMatchObject({ logprobs: true, top_logprobs: 5, max_tokens: 1 });
  });

  it('retries a 429 after the server’s retry-after, then a 500, then succeeds', async () => {
    const server = await scripted(
      { status: 429, headers: { 'retry-after': '7' }, body: { error: { message: 'slow down' } } },
      { status: 500, body: { error: { message: 'boom' } } },
      { status: 200, body: openAIBody(['B']) },
    );
    const { sleeps, deps } = instantRetry();
    const provider = withRetry(createOpenAIProvider({ spec: 'openai:gpt-4o-mini', model: 'gpt-4o-mini', apiKey: CANARY, baseURL: `${server.url}/v1` }), { baseDelayMs: 100 }, deps);
    const result = await provider.complete({ ...request, samples: 1 });
    expect(result).toMatchObject({ kind: 'ok', attempts: 3 });
    expect(sleeps[0]).toBe(7000); // retry-after wins over the 50 ms jitter
    expect(sleeps[1]).toBe(100); // second backoff: random 0.5 × ceiling 200 ms
    expect(server.requests).toHaveLength(3);
  });

  it('stops at once on 401 with a one-line message naming the model and never the key', async () => {
    const server = await scripted({ status: 401, body: { error: { message: `Incorrect API key provided: ${CANARY}`, type: 'invalid_request_error' } } });
    const { deps } = instantRetry();
    const provider = withRetry(createOpenAIProvider({ spec: 'openai:gpt-4o-mini', model: 'gpt-4o-mini', apiKey: CANARY, baseURL: `${server.url}/v1` }), {}, deps);
    const result = await provider.complete(request);
    expect(result).toMatchObject({ kind: 'error', code: 'auth', retryable: false, attempts: 1 });
    expect(result.kind === 'error' && result.message).toContain('openai:gpt-4o-mini');
    expect(JSON.stringify(result)).not.toContain(CANARY);
    expect(JSON.stringify(provider)).not.toContain(CANARY);
    expect(server.requests).toHaveLength(1);
  });

  it('treats 404 and 400 as fatal and garbage bodies as retryable', async () => {
    const server = await scripted({ status: 404, body: { error: { message: 'no such model' } } }, { status: 400, body: { error: { message: 'bad' } } }, { status: 200, body: 'not json' });
    const provider = createOpenAIProvider({ spec: 'vllm:x', model: 'x', apiKey: 'k', baseURL: `${server.url}/v1` });
    expect(await provider.complete(request)).toMatchObject({ code: 'not-found', retryable: false });
    expect(await provider.complete(request)).toMatchObject({ code: 'bad-request', retryable: false });
    expect(await provider.complete(request)).toMatchObject({ kind: 'error', retryable: true });
  });

  it('times out a request that never answers (timer injected, no waiting) and retries it', async () => {
    const server = await scripted('hang', { status: 200, body: openAIBody(['A']) });
    const timers: (() => void)[] = [];
    const { deps } = instantRetry();
    const provider = withRetry(
      createOpenAIProvider({ spec: 'vllm:x', model: 'x', apiKey: 'k', baseURL: `${server.url}/v1` }),
      { timeoutMs: 5000 },
      {
        ...deps,
        startTimer: (_ms, onTimeout) => {
          timers.push(onTimeout);
          return () => {};
        },
      },
    );
    const pending = provider.complete({ ...request, samples: 1 });
    await server.received(1);
    timers[0]!(); // the first attempt's timer fires
    expect(await pending).toMatchObject({ kind: 'ok', attempts: 2 });
  });

  it('retries a dropped connection', async () => {
    const server = await scripted('drop', { status: 200, body: openAIBody(['B']) });
    const { deps } = instantRetry();
    const provider = withRetry(createOpenAIProvider({ spec: 'vllm:x', model: 'x', apiKey: 'k', baseURL: `${server.url}/v1` }), {}, deps);
    expect(await provider.complete({ ...request, samples: 1 })).toMatchObject({ kind: 'ok', attempts: 2, choices: [{ text: 'B' }] });
  });

  it('reports a port fetch refuses to use (9, on its bad-ports list) as unreachable: fatal after the brief first-contact attempts', async () => {
    const { sleeps, deps } = instantRetry();
    const provider = withRetry(createOpenAIProvider({ spec: 'vllm:x', model: 'x', apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1' }), { maxAttempts: 3 }, deps);
    expect(await provider.complete(request)).toMatchObject({
      kind: 'error',
      code: 'unreachable',
      retryable: false,
      attempts: 2,
      message: expect.stringContaining('http://127.0.0.1:9/v1 (port blocked by fetch)'),
    });
    expect(sleeps).toHaveLength(1);
  });
});

describe('Anthropic wire format', () => {
  it('sends the system prompt as the top-level parameter, one sample per call', async () => {
    const server = await scripted({
      status: 200,
      body: {
        id: 'm',
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [{ type: 'text', text: 'B' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 30, output_tokens: 1 },
      },
    });
    const provider = createAnthropicProvider({ spec: 'anthropic:claude-test', model: 'claude-test', apiKey: CANARY, baseURL: server.url });
    const result = await provider.complete({ ...request, samples: 1, system: 'Be brief.' });
    expect(result).toEqual({ kind: 'ok', choices: [{ text: 'B' }], usage: { inputTokens: 30, outputTokens: 1 } });
    expect(server.requests[0]!.path).toBe('/v1/messages');
    expect(server.requests[0]!.body).toMatchObject({ system: 'Be brief.', max_tokens: 8, messages: [{ role: 'user' }] });
    // This SDK major sends the key as a bearer token (older majors used x-api-key).
    const headers = server.requests[0]!.headers;
    expect(headers['x-api-key'] ?? headers['authorization']).toMatch(new RegExp(`^(Bearer )?${CANARY}$`));
    expect(provider.supportsLogprobs).toBe(false);
  });

  it('treats 529 overloaded as retryable', async () => {
    const server = await scripted({ status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    const provider = createAnthropicProvider({ spec: 'anthropic:claude-test', model: 'claude-test', apiKey: 'k', baseURL: server.url });
    expect(await provider.complete(request)).toMatchObject({ kind: 'error', retryable: true, status: 529 });
  });
});

describe('sim-server', () => {
  let sim: RunningSimServer | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('answers the OpenAI SDK with n samples and log-probabilities, and the Anthropic SDK with text', async () => {
    sim = await startSimServer({ port: 0, template });
    const openai = createOpenAIProvider({ spec: 'vllm:7b', model: '7b', apiKey: 'none', baseURL: `${sim.url}/v1` });
    const sampled = await openai.complete({ ...request, user: request.user.replace('Choose.', 'Choose.') });
    expect(sampled.kind === 'ok' && sampled.choices).toHaveLength(3);
    const logprobs = await openai.complete({ ...request, samples: 1, logprobs: true, maxTokens: 1 });
    expect(logprobs.kind === 'ok' && logprobs.choices[0]?.firstTokenLogprobs?.map((t) => t.token).sort()).toEqual(['A', 'B', 'I']);
    const anthropic = createAnthropicProvider({ spec: 'anthropic:7b', model: '7b', apiKey: 'none', baseURL: sim.url });
    const answer = await anthropic.complete({ ...request, samples: 1 });
    expect(answer.kind).toBe('ok');
    const unknown = await createOpenAIProvider({ spec: 'vllm:big', model: 'big', apiKey: 'none', baseURL: `${sim.url}/v1` }).complete(request);
    expect(unknown).toMatchObject({ code: 'not-found' });
  });
});

describe('provider factory, pricing and backoff', () => {
  it('needs keys for hosted APIs, names the variable, and accepts local servers without one', () => {
    const base = { outcomes: [], template, seed: 1 };
    expect(() => createProvider(parseModelSpec('openai:gpt-4o-mini'), { ...base, env: {} })).toThrowError(/OPENAI_API_KEY/);
    expect(() => createProvider(parseModelSpec('anthropic:claude-3-5-haiku-latest'), { ...base, env: {} })).toThrowError(/ANTHROPIC_API_KEY/);
    expect(() => createProvider(parseModelSpec('together:x'), { ...base, env: {} })).toThrowError(/TOGETHER_API_KEY/);
    expect(createProvider(parseModelSpec('ollama:llama3.2:3b'), { ...base, env: {} }).spec).toBe('ollama:llama3.2:3b');
    expect(() => createProvider(parseModelSpec('sim:huge'), { ...base, env: {} })).toThrowError(/huge/);
    const withKey = createProvider(parseModelSpec('openai:gpt-4o-mini'), { ...base, env: { OPENAI_API_KEY: CANARY } });
    expect(JSON.stringify(withKey)).not.toContain(CANARY);
  });

  it('prices known models, local servers at zero, unknown models as unknown, overrides first', () => {
    expect(priceFor('openai:gpt-4o-mini-2024-07-18')).toEqual({ inputPerMillion: 0.15, outputPerMillion: 0.6 });
    expect(priceFor('vllm:Qwen/Qwen2.5-7B-Instruct')).toEqual({ inputPerMillion: 0, outputPerMillion: 0 });
    expect(priceFor('openrouter:some/new-model')).toBeUndefined();
    expect(priceFor('openrouter:some/new-model', { 'some/new-model': { inputPerMillion: 1, outputPerMillion: 2 } })).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
  });

  it('backs off exponentially with full jitter under a cap, never below retry-after', () => {
    const policy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 8000, timeoutMs: 1 };
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, undefined, policy, () => 0.999))).toEqual([999, 1998, 3996, 7992, 7992]);
    expect(backoffMs(1, 5000, policy, () => 0.1)).toBe(5000);
  });
});

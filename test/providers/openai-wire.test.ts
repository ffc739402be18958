/**
 * The OpenAI provider through the real `openai` SDK against a fake chat-completions server on
 * 127.0.0.1 (CONTRIBUTING.md rule 14). Complements wire.test.ts: retry-after-ms, servers that ignore `n`,
 * markdown before the answer letter in log-prob mode, model-side refusals, 200 bodies without
 * choices, proxy error pages, and the caller's abort.
 */
import { describe, expect, it } from 'vitest';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { withRetry } from '../../src/providers/retry.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { type FakeOpenAIServer, openAIBody, openAIError, openAILogprobs, openAIOk, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { closingAfterEach, noWait } from '../helpers/wire-test-kit.js';

const request: CompletionRequest = { user: 'Option A: x\nOption B: y', temperature: 1, maxTokens: 8, samples: 1, logprobs: false, seed: 40 };

const fake = closingAfterEach(startFakeOpenAIServer);
const provider = (server: FakeOpenAIServer, extra: { multipleSamples?: boolean } = {}) => createOpenAIProvider({ spec: 'vllm:m', model: 'm', apiKey: 'k', baseURL: server.baseURL, ...extra });

describe('OpenAI provider over the wire', () => {
  it('honours retry-after-ms (OpenAI’s millisecond header) when it is longer than the jitter', async () => {
    const server = await fake(openAIError(429, 'slow down', { type: 'rate_limit_error', headers: { 'retry-after-ms': '250' } }), openAIOk(['A']));
    const { sleeps, deps } = noWait();
    const result = await withRetry(provider(server), {}, deps).complete(request);
    expect(result).toMatchObject({ kind: 'ok', attempts: 2 });
    expect(sleeps).toEqual([250]);
  });

  it('retries a burst of 500s and 503s, then succeeds', async () => {
    const server = await fake(openAIError(500, 'a'), openAIError(503, 'b'), openAIError(502, 'c'), openAIOk(['B']));
    const { sleeps, deps } = noWait();
    expect(await withRetry(provider(server), {}, deps).complete(request)).toMatchObject({ kind: 'ok', attempts: 4, choices: [{ text: 'B' }] });
    expect(sleeps).toHaveLength(3);
  });

  it('a proxy’s HTML error page is a retryable server error', async () => {
    const server = await fake({ status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } });
    expect(await provider(server).complete(request)).toMatchObject({ kind: 'error', code: 'server-error', retryable: true, status: 502 });
  });

  it('tops up a server that ignores n, with a fresh seed per extra call, and sums the usage', async () => {
    const server = await fake(
      openAIOk(['A'], { prompt_tokens: 10, completion_tokens: 1 }),
      openAIOk(['B'], { prompt_tokens: 10, completion_tokens: 1 }),
      openAIOk(['A'], { prompt_tokens: 10, completion_tokens: 1 }),
    );
    const result = await provider(server).complete({ ...request, samples: 3 });
    expect(result).toEqual({ kind: 'ok', choices: [{ text: 'A' }, { text: 'B' }, { text: 'A' }], usage: { inputTokens: 30, outputTokens: 3 } });
    expect(server.requests.map((r) => [r.body['n'], r.body['seed']])).toEqual([
      [3, 40],
      [2, 41],
      [undefined, 42],
    ]);
  });

  it('without multiple-sample support sends no n and makes one call per sample', async () => {
    const server = await fake(openAIOk(['A']), openAIOk(['B']));
    const result = await provider(server, { multipleSamples: false }).complete({ ...request, samples: 2 });
    expect(result.kind === 'ok' && result.choices.map((c) => c.text)).toEqual(['A', 'B']);
    expect(server.requests.map((r) => 'n' in r.body)).toEqual([false, false]);
  });

  it('returns the choices it has when a top-up call fails, so the pipeline records the rest as missing', async () => {
    const server = await fake(openAIOk(['A']), openAIError(500, 'boom'));
    const result = await provider(server).complete({ ...request, samples: 2 });
    expect(result).toMatchObject({ kind: 'ok', choices: [{ text: 'A' }] });
  });

  it('reads log-probabilities at the answer letter when markdown comes first', async () => {
    const server = await fake(
      openAILogprobs([
        {
          token: '**',
          top: [
            ['**', -0.1],
            ['A', -3],
          ],
        },
        {
          token: 'B',
          top: [
            ['B', -0.2],
            ['A', -1.7],
          ],
        },
      ]),
    );
    const result = await provider(server).complete({ ...request, logprobs: true, topLogprobs: 50, maxTokens: 2 });
    expect(result.kind === 'ok' && result.choices[0]?.firstTokenLogprobs).toEqual([
      { token: 'B', logprob: -0.2 },
      { token: 'A', logprob: -1.7 },
    ]);
    expect(server.requests[0]!.body['top_logprobs']).toBe(20); // OpenAI's maximum
  });

  it('answers without logprobs leave firstTokenLogprobs unset (the pipeline falls back)', async () => {
    const server = await fake(openAIOk(['A']));
    const result = await provider(server).complete({ ...request, logprobs: true, maxTokens: 1 });
    expect(result).toEqual({ kind: 'ok', choices: [{ text: 'A' }], usage: { inputTokens: 40, outputTokens: 1 } });
  });

  it('keeps a model-side refusal’s words as the raw answer', async () => {
    const body = openAIBody(['']);
    body.choices[0]!.message = { role: 'assistant', content: null, refusal: "I can't help with that." };
    const server = await fake({ status: 200, body });
    expect(await provider(server).complete(request)).toMatchObject({ kind: 'ok', choices: [{ text: "I can't help with that." }] });
  });

  it('a 200 carrying an error and no choices is a retryable bad response that quotes the server', async () => {
    const server = await fake({ status: 200, body: { error: { message: 'upstream overloaded', code: 502 } } }, { status: 200, body: { id: 'x', choices: [] } });
    expect(await provider(server).complete(request)).toMatchObject({ kind: 'error', code: 'bad-response', retryable: true, message: expect.stringContaining('upstream overloaded') as string });
    expect(await provider(server).complete(request)).toMatchObject({ kind: 'error', code: 'bad-response', retryable: true });
  });

  it('a malformed JSON body is retryable (a half-written or proxied answer), and the retry then succeeds', async () => {
    const server = await fake({ status: 200, body: '{"choices": [' }, openAIOk(['A']));
    const { deps } = noWait();
    expect(await withRetry(provider(server), {}, deps).complete(request)).toMatchObject({ kind: 'ok', attempts: 2 });
  });

  it('an exhausted quota (429 insufficient_quota) stops at once instead of retrying', async () => {
    const server = await fake(openAIError(429, 'You exceeded your current quota', { type: 'insufficient_quota', code: 'insufficient_quota' }));
    const { sleeps, deps } = noWait();
    expect(await withRetry(provider(server), {}, deps).complete(request)).toMatchObject({ kind: 'error', code: 'billing', retryable: false, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('the caller’s abort, sent after the server has the request, cancels without a retry', async () => {
    const server = await fake('hang', openAIOk(['A']));
    const { deps } = noWait();
    const caller = new AbortController();
    const pending = withRetry(provider(server), {}, deps).complete(request, caller.signal);
    await server.received(1);
    caller.abort();
    expect(await pending).toMatchObject({ kind: 'error', code: 'cancelled', retryable: false, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('hands the SDK an injected fetch', async () => {
    const server = await fake(openAIOk(['A']));
    const seen: string[] = [];
    const counting: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const p = createOpenAIProvider({ spec: 'vllm:m', model: 'm', apiKey: 'k', baseURL: server.baseURL, fetch: counting });
    expect((await p.complete(request)).kind).toBe('ok');
    expect(seen).toEqual([`${server.baseURL}/chat/completions`]);
  });

  it('official reasoning models get max_completion_tokens, default temperature and no logprobs (fetch injected: no network)', async () => {
    const bodies: Record<string, unknown>[] = [];
    const official: typeof fetch = async (_input, init) => {
      bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return new Response(JSON.stringify(openAIBody(['A'])), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const p = createOpenAIProvider({ spec: 'openai:o4-mini', model: 'o4-mini', apiKey: 'k', fetch: official });
    expect(p.supportsLogprobs).toBe(false);
    expect(await p.complete({ ...request, temperature: 0, logprobs: true })).toMatchObject({ kind: 'ok' });
    expect(bodies[0]).toMatchObject({ model: 'o4-mini', max_completion_tokens: 8 });
    expect(Object.keys(bodies[0]!).filter((k) => ['max_tokens', 'temperature', 'logprobs', 'top_logprobs'].includes(k))).toEqual([]);
    // the same model name on a compatible server keeps the classic parameters
    const compatible = await fake(openAIOk(['A']));
    await createOpenAIProvider({ spec: 'vllm:o4-mini', model: 'o4-mini', apiKey: 'k', baseURL: compatible.baseURL }).complete(request);
    expect(compatible.requests[0]!.body).toMatchObject({ max_tokens: 8, temperature: 1 });
  });
});

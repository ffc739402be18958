/**
 * The Anthropic provider through the real `@anthropic-ai/sdk` against a fake Messages server on
 * 127.0.0.1 (CONTRIBUTING.md rule 14): retries on 429 / 5xx / 529 / dropped connections / unreadable
 * bodies, fatal 401 / 404 / 400, and a timeout fired deterministically by an injected timer.
 */
import { describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { withRetry } from '../../src/providers/retry.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { anthropicError, anthropicOk, startFakeAnthropicServer } from '../helpers/fake-anthropic-server.js';
import type { ScriptedServer } from '../helpers/scripted-server.js';
import { closingAfterEach, noWait } from '../helpers/wire-test-kit.js';

const request: CompletionRequest = { system: 'Answer with one letter.', user: 'Option A: x\nOption B: y', temperature: 1, maxTokens: 8, samples: 1, logprobs: false };

const fake = closingAfterEach(startFakeAnthropicServer);
const provider = (server: ScriptedServer) => createAnthropicProvider({ spec: 'anthropic:claude-test', model: 'claude-test', apiKey: 'k-anthropic', baseURL: server.url });

describe('Anthropic provider over the wire', () => {
  it('joins the text blocks of the reply and maps usage', async () => {
    const server = await fake(anthropicOk(['Option ', 'B'], { input_tokens: 21, output_tokens: 3 }));
    expect(await provider(server).complete(request)).toEqual({ kind: 'ok', choices: [{ text: 'Option B' }], usage: { inputTokens: 21, outputTokens: 3 } });
    const sent = server.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.body).toEqual({ model: 'claude-test', max_tokens: 8, system: 'Answer with one letter.', messages: [{ role: 'user', content: 'Option A: x\nOption B: y' }] });
  });

  it('retries 429 after retry-after, then 529 overloaded, then 500, then succeeds', async () => {
    const server = await fake(
      anthropicError(429, 'rate_limit_error', 'slow down', { 'retry-after': '2' }),
      anthropicError(529, 'overloaded_error', 'Overloaded'),
      anthropicError(500, 'api_error', 'Internal'),
      anthropicOk(['A']),
    );
    const { sleeps, deps } = noWait();
    expect(await withRetry(provider(server), {}, deps).complete(request)).toMatchObject({ kind: 'ok', attempts: 4, choices: [{ text: 'A' }] });
    expect(sleeps[0]).toBe(2000);
  });

  it('stops at once on 401 with one line naming the model', async () => {
    const server = await fake(anthropicError(401, 'authentication_error', 'invalid x-api-key'), anthropicOk(['A']));
    const { deps } = noWait();
    const result = await withRetry(provider(server), {}, deps).complete(request);
    expect(result).toMatchObject({ kind: 'error', code: 'auth', retryable: false, attempts: 1 });
    expect(result.kind === 'error' && result.message).toMatch(/^[^\n]*anthropic:claude-test[^\n]*$/);
    expect(server.requests).toHaveLength(1);
  });

  it('404 and 400 are fatal', async () => {
    const server = await fake(anthropicError(404, 'not_found_error', 'model: claude-nope'), anthropicError(400, 'invalid_request_error', 'max_tokens too large'));
    expect(await provider(server).complete(request)).toMatchObject({ code: 'not-found', retryable: false, message: expect.stringContaining('claude-nope') as string });
    expect(await provider(server).complete(request)).toMatchObject({ code: 'bad-request', retryable: false });
  });

  it('a dropped connection and an unreadable body are retried', async () => {
    const server = await fake('drop', { status: 200, body: '{"content": [' }, anthropicOk(['B']));
    const { deps } = noWait();
    expect(await withRetry(provider(server), {}, deps).complete(request)).toMatchObject({ kind: 'ok', attempts: 3, choices: [{ text: 'B' }] });
  });

  it('a request the server never answers times out when the injected timer fires, and is retried', async () => {
    const server = await fake('hang', anthropicOk(['A']));
    const timers: (() => void)[] = [];
    const { deps } = noWait();
    const pending = withRetry(
      provider(server),
      { timeoutMs: 30_000 },
      {
        ...deps,
        startTimer: (_ms, fire) => {
          timers.push(fire);
          return () => {};
        },
      },
    ).complete(request);
    await server.received(1);
    timers[0]!();
    expect(await pending).toMatchObject({ kind: 'ok', attempts: 2 });
  });

  it('supports neither n nor log-probabilities, and sends neither', async () => {
    const server = await fake(anthropicOk(['A']));
    const p = provider(server);
    expect([p.supportsMultipleSamples, p.supportsLogprobs]).toEqual([false, false]);
    await p.complete({ ...request, samples: 3, logprobs: true, topLogprobs: 5 });
    expect(Object.keys(server.requests[0]!.body).sort()).toEqual(['max_tokens', 'messages', 'model', 'system']);
  });
});

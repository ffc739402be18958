/**
 * A server that cannot be reached fails fast and says where: before the first success of a
 * session, a refused connection, an unknown host or no route is tried twice, briefly, and then
 * becomes one fatal line naming the URL (without credentials) and the cause; after a success the
 * same failure gets the full retry policy (a server restarting mid-run). Through the real SDKs
 * against 127.0.0.1; waits are injected and recorded, never slept.
 */
import { APIConnectionError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { classifyError } from '../../src/providers/classify-error.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { RETRY_DEFAULTS, withRetry } from '../../src/providers/retry.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { openAIOk } from '../helpers/fake-openai-server.js';
import { closedPort } from '../helpers/ports-and-files.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const request: CompletionRequest = { user: 'Option A: x\nOption B: y', temperature: 1, maxTokens: 4, samples: 1, logprobs: false };

/** Retry effects that never wait: every requested wait is recorded and resolves at once. */
function recordedWaits() {
  const waits: number[] = [];
  return { waits, deps: { sleep: async (ms: number) => void waits.push(ms), now: () => 0, random: () => 0.999 } };
}

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('an unreachable server before the first success', () => {
  it.each([
    ['openai', (baseURL: string) => createOpenAIProvider({ spec: 'vllm:m', model: 'm', apiKey: 'x', baseURL })],
    ['anthropic', (baseURL: string) => createAnthropicProvider({ spec: 'anthropic:m', model: 'm', apiKey: 'x', baseURL })],
  ] as const)('%s: a refused connection is tried twice, then one fatal line names the URL and "connection refused"', async (_name, make) => {
    const port = await closedPort();
    const { waits, deps } = recordedWaits();
    const provider = withRetry(make(`http://127.0.0.1:${port}/v1`), {}, deps);
    const result = await provider.complete(request);
    expect(result).toMatchObject({ kind: 'error', code: 'unreachable', retryable: false, attempts: 2 });
    if (result.kind !== 'error') return;
    expect(result.message).toContain(`http://127.0.0.1:${port}/v1`);
    expect(result.message).toContain('connection refused');
    expect(result.message).not.toMatch(/\n/);
    // One short wait, not five growing ones: under a second in all with the default settings.
    expect(waits).toHaveLength(1);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(1000);
  });

  it('names the URL without its credentials or query string', async () => {
    const port = await closedPort();
    const { deps } = recordedWaits();
    const provider = withRetry(createOpenAIProvider({ spec: 'vllm:m', model: 'm', apiKey: 'x', baseURL: `http://me:pw-secret-123456@127.0.0.1:${port}/v1?api-key=qk-secret-654321` }), {}, deps);
    const result = await provider.complete(request);
    expect(result.kind === 'error' && result.message).toContain(`http://127.0.0.1:${port}/v1 `);
    expect(JSON.stringify(result)).not.toMatch(/secret|me:/);
  });

  it('classifies unknown hosts and missing routes as unreachable, with their cause in words', () => {
    const fetchFailure = (code: string, message: string) => new APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) }) });
    const context = { spec: 'vllm:m', url: 'http://nowhere.invalid/v1', redact: (text: string) => text };
    expect(classifyError(fetchFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid'), context)).toMatchObject({
      code: 'unreachable',
      retryable: true,
      message: expect.stringMatching(/http:\/\/nowhere\.invalid\/v1.*host not found/),
    });
    expect(classifyError(fetchFailure('EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.1:80'), context)).toMatchObject({ code: 'unreachable', message: expect.stringContaining('no route to host') });
    expect(classifyError(fetchFailure('ENETUNREACH', 'connect ENETUNREACH'), context)).toMatchObject({ code: 'unreachable', message: expect.stringContaining('network unreachable') });
    expect(classifyError(fetchFailure('EAI_AGAIN', 'getaddrinfo EAI_AGAIN nowhere.invalid'), context)).toMatchObject({ code: 'unreachable', message: expect.stringContaining('DNS lookup failed') });
    // A dropped connection is not "unreachable": the server is there, so the normal policy applies.
    expect(classifyError(fetchFailure('ECONNRESET', 'socket hang up'), context)).toMatchObject({ code: 'connection', retryable: true });
  });
});

describe('an unreachable server after a success', () => {
  it('keeps the full retry policy: the server may be restarting', async () => {
    const server = await startScriptedServer([openAIOk(['A'])]);
    const { waits, deps } = recordedWaits();
    const provider = withRetry(createOpenAIProvider({ spec: 'vllm:m', model: 'm', apiKey: 'x', baseURL: `${server.url}/v1` }), {}, deps);
    expect(await provider.complete(request)).toMatchObject({ kind: 'ok' });
    await server.close(); // now nothing listens on its port
    const result = await provider.complete(request);
    expect(result).toMatchObject({ kind: 'error', code: 'unreachable', retryable: true, attempts: RETRY_DEFAULTS.maxAttempts });
    expect(waits).toHaveLength(RETRY_DEFAULTS.maxAttempts - 1);
  });
});

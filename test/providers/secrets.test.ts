/**
 * Secrets canary (CONTRIBUTING.md rule 8): a unique key goes into each provider and is then looked for
 * everywhere it must not be — every CompletionError (also when the server echoes the key back in
 * its error body), the provider objects themselves (plain and retry-wrapped), and every part of
 * every request except the one header that carries it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/elicitation/template.js';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { createProvider } from '../../src/providers/create-provider.js';
import { parseModelSpec } from '../../src/providers/model-spec.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { withRetry } from '../../src/providers/retry.js';
import type { CompletionRequest, CompletionResult, Provider } from '../../src/providers/types.js';
import { anthropicError, anthropicOk } from '../helpers/fake-anthropic-server.js';
import { openAIError, openAIOk } from '../helpers/fake-openai-server.js';
import { closedPort } from '../helpers/ports-and-files.js';
import { type ScriptEntry, type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const CANARY = 'sk-canary-3d9f1b77e0c24a58';
const request: CompletionRequest = { system: 'Be brief.', user: 'Option A: x\nOption B: y', temperature: 1, maxTokens: 4, samples: 2, logprobs: false };

/** Replies that try hard to leak: the key echoed in error bodies of every kind. */
const echoes = (error: (status: number, message: string) => ScriptEntry, ok: ScriptEntry): ScriptEntry[] => [
  error(401, `Incorrect API key provided: ${CANARY}`),
  error(403, `key ${CANARY} lacks permission`),
  error(404, `model not found for ${CANARY}`),
  error(400, `bad request from ${CANARY}`),
  error(429, `rate limited ${CANARY}`),
  error(500, `internal error ${CANARY}`),
  { status: 200, body: `{"broken": "${CANARY}` },
  'drop',
  ok,
];

describe.each([
  [
    'openai',
    (url: string) => createOpenAIProvider({ spec: 'openai:gpt-4o-mini', model: 'gpt-4o-mini', apiKey: CANARY, baseURL: `${url}/v1` }),
    echoes((s, m) => openAIError(s, m), openAIOk(['A', 'B'])),
  ],
  [
    'anthropic',
    (url: string) => createAnthropicProvider({ spec: 'anthropic:claude-test', model: 'claude-test', apiKey: CANARY, baseURL: url }),
    echoes((s, m) => anthropicError(s, 'error', m), anthropicOk(['A'])),
  ],
] as const)('secrets canary: %s', (_name, make, script) => {
  let server: ScriptedServer;
  const results: CompletionResult[] = [];
  let provider: Provider;
  beforeAll(async () => {
    server = await startScriptedServer([...script]);
    provider = make(server.url);
    for (let k = 0; k < script.length; k++) results.push(await provider.complete(request));
    results.push(await make(`http://127.0.0.1:${await closedPort()}`).complete(request));
  });
  afterAll(async () => {
    await server.close();
  });

  it('no result, error message or provider object contains the key', () => {
    expect(results.filter((r) => r.kind === 'error').length).toBe(script.length); // every scripted failure plus the refused connection
    for (const r of results) expect(JSON.stringify(r)).not.toContain(CANARY);
    for (const r of results) if (r.kind === 'error') expect(r.message).not.toMatch(/\n/);
    expect(JSON.stringify(provider)).not.toContain(CANARY);
    const wrapped = withRetry(provider, {}, { sleep: async () => {}, now: () => 0, random: () => 0 });
    expect(JSON.stringify(wrapped)).not.toContain(CANARY);
    expect(String(Object.values(provider))).not.toContain(CANARY);
  });

  it('only the authentication header carries the key: not the path, the body or any other header', () => {
    expect(server.requests.length).toBeGreaterThan(0);
    for (const sent of server.requests) {
      expect(sent.path).not.toContain(CANARY);
      expect(sent.raw).not.toContain(CANARY);
      const carrying = Object.entries(sent.headers)
        .filter(([, v]) => String(v).includes(CANARY))
        .map(([k]) => k);
      expect(carrying).toHaveLength(1);
      expect(['authorization', 'x-api-key']).toContain(carrying[0]);
    }
  });
});

describe('secrets canary: the factory', () => {
  it('keeps keys from the environment out of the provider and out of missing-key errors', () => {
    const template = parseTemplate('Option A: {{A}}\nOption B: {{B}}', 't');
    const env = { OPENAI_API_KEY: CANARY, ANTHROPIC_API_KEY: CANARY, OPENROUTER_API_KEY: CANARY, TOGETHER_API_KEY: CANARY };
    for (const spec of ['openai:gpt-4o', 'anthropic:claude-sonnet-4', 'openrouter:a/b', 'together:c/d', 'vllm:e']) {
      const provider = createProvider(parseModelSpec(spec), { env, outcomes: [], template, seed: 1 });
      expect(JSON.stringify(provider)).not.toContain(CANARY);
    }
    expect(() => createProvider(parseModelSpec('anthropic:claude-sonnet-4'), { env: { OPENAI_API_KEY: CANARY }, outcomes: [], template, seed: 1 })).toThrowError(/^(?!.*sk-canary).*ANTHROPIC_API_KEY/);
  });
});

/**
 * The provider factory: which base URL and key each spec uses (proved by where requests actually
 * arrive), which servers get `n`, and the one-line errors for missing keys and the llama: prefix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UtilscopeError } from '../../src/core/errors.js';
import { parseTemplate } from '../../src/elicitation/template.js';
import { type CreateProviderOptions, createProvider } from '../../src/providers/create-provider.js';
import { parseModelSpec } from '../../src/providers/model-spec.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { anthropicOk } from '../helpers/fake-anthropic-server.js';
import { openAIOk } from '../helpers/fake-openai-server.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const template = parseTemplate('Option A: {{A}}\nOption B: {{B}}\nAnswer A or B.', 't');
const base = { outcomes: [], template, seed: 1 };
const request: CompletionRequest = { user: 'Option A: x\nOption B: y\nAnswer A or B.', temperature: 1, maxTokens: 4, samples: 1, logprobs: false };
const make = (spec: string, options: Partial<CreateProviderOptions> = {}) => createProvider(parseModelSpec(spec), { ...base, env: {}, ...options });

function thrown(run: () => unknown): UtilscopeError {
  try {
    run();
  } catch (error) {
    if (error instanceof UtilscopeError) return error;
    throw error;
  }
  throw new Error('expected a UtilscopeError');
}

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer([]);
});
afterAll(async () => {
  await server.close();
});

describe('createProvider', () => {
  it('missing keys: code missing-api-key, one line naming the variable and the spec, pointing at --model', () => {
    for (const [spec, variable] of [
      ['openai:gpt-4o-mini', 'OPENAI_API_KEY'],
      ['anthropic:claude-3-5-haiku-latest', 'ANTHROPIC_API_KEY'],
      ['openrouter:a/b', 'OPENROUTER_API_KEY'],
      ['together:c/d', 'TOGETHER_API_KEY'],
    ] as const) {
      const error = thrown(() => make(spec, { env: { OPENAI_API_KEY: '' } }));
      expect(error.code).toBe('missing-api-key');
      expect(error.message).toContain(variable);
      expect(error.message).toContain(spec);
      expect(error.message).not.toMatch(/\n/);
      expect(error.where?.field).toBe('--model');
    }
  });

  it('local servers need no key', () => {
    for (const spec of ['vllm:Qwen/Qwen2.5-7B-Instruct', 'ollama:llama3.2:3b', 'llamacpp:model']) expect(make(spec).spec).toBe(spec);
  });

  it('openai: honours OPENAI_BASE_URL, and --base-url wins over it; a loopback server needs no key', async () => {
    server.push(openAIOk(['A']), openAIOk(['B']));
    const viaEnv = make('openai:sim-7b', { env: { OPENAI_BASE_URL: `${server.url}/v1/env` } });
    expect(await viaEnv.complete(request)).toMatchObject({ kind: 'ok', choices: [{ text: 'A' }] });
    const viaFlag = make('openai:sim-7b', { env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, baseURL: `${server.url}/v1/flag` });
    expect(await viaFlag.complete(request)).toMatchObject({ kind: 'ok', choices: [{ text: 'B' }] });
    expect(server.requests.slice(-2).map((r) => r.path)).toEqual(['/v1/env/chat/completions', '/v1/flag/chat/completions']);
  });

  it('aliases ignore OPENAI_BASE_URL (it belongs to openai:) and use their key variable', async () => {
    server.push(openAIOk(['A']));
    const together = make('together:meta/llama', { env: { TOGETHER_API_KEY: 'together-key', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }, baseURL: `${server.url}/v1` });
    await together.complete(request);
    expect(server.requests.at(-1)!.headers['authorization']).toBe('Bearer together-key');
  });

  it('anthropic: honours ANTHROPIC_BASE_URL and sends the key', async () => {
    server.push(anthropicOk(['A']));
    const p = make('anthropic:claude-test', { env: { ANTHROPIC_API_KEY: 'anthropic-key', ANTHROPIC_BASE_URL: server.url } });
    expect(await p.complete(request)).toMatchObject({ kind: 'ok' });
    const headers = server.requests.at(-1)!.headers;
    expect(String(headers['x-api-key'] ?? headers['authorization'])).toContain('anthropic-key');
  });

  it('asks for n only from servers that honour it', () => {
    const multi = (spec: string) => make(spec, { env: { OPENAI_API_KEY: 'k', OPENROUTER_API_KEY: 'k', TOGETHER_API_KEY: 'k' } }).supportsMultipleSamples;
    expect(['openai:gpt-4o', 'vllm:m', 'together:m', 'ollama:m', 'llamacpp:m', 'openrouter:m'].map(multi)).toEqual([true, true, true, false, false, false]);
  });

  it('sim: builds the in-process simulator; a bad size is a usage error', () => {
    const sim = make('sim:7b');
    expect([sim.simulated, sim.supportsLogprobs, sim.supportsMultipleSamples]).toEqual([true, true, true]);
    expect(thrown(() => make('sim:huge')).code).toBe('unknown-model-spec');
  });

  it('llama: says which optional package it needs', () => {
    const error = thrown(() => make('llama:./models/qwen.gguf'));
    expect(error.code).toBe('optional-dependency-missing');
    expect(error.message).toContain('node-llama-cpp');
  });
});

/**
 * The provider registry (registry.ts) is the one table of prefixes: for every entry, model-spec
 * parsing, pricing and the provider factory behave as the entry says — proved for the factory by the
 * requests that reach a fake server on 127.0.0.1 (CONTRIBUTING.md rule 14) — and no other source file keeps
 * a list of prefixes, key variables or base-URL variables of its own. Adding, changing or removing an
 * entry without the consumers following it fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/elicitation/template.js';
import { createProvider } from '../../src/providers/create-provider.js';
import { parseModelSpec } from '../../src/providers/model-spec.js';
import { FREE_PRICE, PRICE_TABLE, priceFor } from '../../src/providers/pricing.js';
import { billsNobody, isLoopbackUrl, needsApiKey, PROVIDER_PREFIXES, PROVIDERS, type ProviderEntry, providerFor, resolveBaseUrl } from '../../src/providers/registry.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { errorOf } from '../helpers/error-of.js';
import { anthropicOk } from '../helpers/fake-anthropic-server.js';
import { type FakeOpenAIServer, openAIOk, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';

const entries = Object.values(PROVIDERS);
const template = parseTemplate('Option A: {{A}}\nOption B: {{B}}\nAnswer A or B.', 't');
const request: CompletionRequest = { user: 'Option A: x\nOption B: y\nAnswer A or B.', temperature: 1, maxTokens: 4, samples: 3, logprobs: false, seed: 5 };
const keyEnvOf = (entry: ProviderEntry) => (entry.keyEnv ? { [entry.keyEnv]: 'test-key' } : {});

let server: FakeOpenAIServer;
beforeAll(async () => {
  server = await startFakeOpenAIServer();
});
afterAll(async () => {
  await server.close();
});

describe('the registry table', () => {
  it('lists the prefixes in the order error messages name them', () => {
    expect(PROVIDER_PREFIXES).toEqual(['openai', 'vllm', 'ollama', 'llamacpp', 'openrouter', 'together', 'anthropic', 'sim', 'llama']);
    expect(PROVIDER_PREFIXES).toEqual(Object.keys(PROVIDERS));
  });

  it.each(entries)('$prefix: keyed by its own lower-case prefix, frozen, and internally consistent', (entry) => {
    expect(PROVIDERS[entry.prefix]).toBe(entry);
    expect(entry.prefix).toBe(entry.prefix.toLowerCase());
    expect(Object.isFrozen(entry) && Object.isFrozen(entry.transports)).toBe(true);
    expect(entry.priced === 'free').toBe(entry.local); // free exactly when it bills nobody
    if (entry.keyRequired) expect(entry.keyEnv).toMatch(/^[A-Z_]+_API_KEY$/);
    expect(entry.transports).toContain('interactive');
    expect(entry.transports.includes('batch')).toBe(entry.prefix === 'openai' || entry.prefix === 'anthropic');
    expect(entry.baseUrlEnv).toBe({ openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL' }[entry.prefix]);
    if (entry.local && entry.defaultBaseUrl !== undefined) expect(isLoopbackUrl(entry.defaultBaseUrl)).toBe(true);
    expect(entry.label.length).toBeGreaterThan(0);
  });

  it('looks prefixes up case-insensitively, and only the table’s own keys', () => {
    expect(providerFor('OLLAMA')).toBe(PROVIDERS['ollama']);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', '', 'gpt']) expect(providerFor(name)).toBeUndefined();
  });

  it('loopback, billing, key and base-URL rules', () => {
    expect(['http://localhost:8000/v1', 'http://127.0.0.1:1', 'http://127.5.0.9', 'http://[::1]:80/'].map(isLoopbackUrl)).toEqual([true, true, true, true]);
    expect(['https://api.openai.com/v1', 'http://10.0.0.1', 'http://127.0.0.1.example.com', 'not a url', undefined].map(isLoopbackUrl)).toEqual([false, false, false, false, false]);
    const openai = PROVIDERS['openai']!;
    expect([billsNobody(openai, undefined), billsNobody(openai, 'http://127.0.0.1:9/v1'), billsNobody(PROVIDERS['vllm'], 'https://gpu.example.com/v1'), billsNobody(undefined, undefined)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect([needsApiKey(openai, undefined), needsApiKey(openai, 'http://localhost:1/v1'), needsApiKey(PROVIDERS['ollama']!, undefined)]).toEqual([true, false, false]);
    expect(resolveBaseUrl(openai, undefined, { OPENAI_BASE_URL: 'http://e/v1' })).toBe('http://e/v1');
    expect(resolveBaseUrl(openai, 'http://flag/v1', { OPENAI_BASE_URL: 'http://e/v1' })).toBe('http://flag/v1');
    expect(resolveBaseUrl(openai, undefined, { OPENAI_BASE_URL: '' })).toBeUndefined();
    expect(resolveBaseUrl(PROVIDERS['together']!, undefined, { OPENAI_BASE_URL: 'http://e/v1' })).toBe('https://api.together.xyz/v1');
  });
});

describe.each(entries)('registry entry $prefix drives every consumer', (entry) => {
  it('parseModelSpec returns the entry’s fields, whatever the case of the prefix', () => {
    const spec = parseModelSpec(`${entry.prefix}:m`);
    expect(spec).toEqual({ ...entry, spec: `${entry.prefix}:m`, model: 'm' });
    expect([spec.kind, spec.keyEnv, spec.defaultBaseUrl, spec.keyRequired, spec.local, spec.honoursN]).toEqual([
      entry.kind,
      entry.keyEnv,
      entry.defaultBaseUrl,
      entry.keyRequired,
      entry.local,
      entry.honoursN,
    ]);
    expect(parseModelSpec(` ${entry.prefix.toUpperCase()}:a:b/c `)).toMatchObject({ prefix: entry.prefix, kind: entry.kind, model: 'a:b/c', spec: `${entry.prefix.toUpperCase()}:a:b/c` });
  });

  it('priceFor is FREE_PRICE exactly for local entries, the table for table-priced ones, unknown otherwise', () => {
    for (const spec of [`${entry.prefix}:gpt-4o-mini`, parseModelSpec(`${entry.prefix}:gpt-4o-mini`)]) {
      const price = priceFor(spec);
      if (entry.local) expect(price).toBe(FREE_PRICE);
      else expect(price).toBe(entry.priced === 'table' ? PRICE_TABLE['gpt-4o-mini'] : undefined);
    }
    expect(priceFor(`${entry.prefix}:unlisted-model`) === FREE_PRICE).toBe(entry.local);
  });

  it('createProvider asks one sample per request exactly when the entry does not honour n', async () => {
    const spec = parseModelSpec(`${entry.prefix}:7b`);
    if (entry.kind === 'llama') {
      expect(errorOf(() => createProvider(spec, { env: {}, outcomes: [], template, seed: 1 })).code).toBe('optional-dependency-missing');
      return;
    }
    const baseURL = entry.kind === 'anthropic' ? server.url : server.baseURL;
    const provider = createProvider(spec, { env: keyEnvOf(entry), baseURL, outcomes: [], template, seed: 1 });
    expect(provider.supportsMultipleSamples).toBe(entry.honoursN);
    if (entry.kind === 'sim') {
      const result = await provider.complete(request);
      expect(result.kind === 'ok' && result.choices.length).toBe(entry.honoursN ? 3 : 1);
      return;
    }
    const before = server.requests.length;
    if (entry.kind === 'anthropic') server.push(anthropicOk(['A']));
    else if (entry.honoursN) server.push(openAIOk(['A', 'B', 'A']));
    else server.push(openAIOk(['A']), openAIOk(['B']), openAIOk(['A']));
    const result = await provider.complete(request);
    const sent = server.requests.slice(before);
    expect(result.kind).toBe('ok');
    if (entry.kind === 'anthropic') {
      // The Messages API has no n: one sample per call, and the provider says so to the pipeline.
      expect(sent.map((r) => [r.path, 'n' in r.body])).toEqual([['/v1/messages', false]]);
      return;
    }
    expect(sent.map((r) => r.body['n'])).toEqual(entry.honoursN ? [3] : [undefined, undefined, undefined]);
    expect(sent.every((r) => r.path === '/v1/chat/completions')).toBe(true);
  });

  it('createProvider reads the key from the entry’s variable, and refuses a missing required key off this machine', () => {
    if (entry.kind === 'sim' || entry.kind === 'llama') return;
    const spec = parseModelSpec(`${entry.prefix}:m`);
    const remote = 'https://api.example.invalid/v1';
    const build = (env: Record<string, string>) => createProvider(spec, { env, baseURL: remote, outcomes: [], template, seed: 1 });
    expect(build(keyEnvOf(entry)).spec).toBe(spec.spec);
    if (entry.keyRequired) {
      const error = errorOf(() => build({}));
      expect(error.code).toBe('missing-api-key');
      expect(error.message).toBe(`${spec.spec} needs an API key: set ${entry.keyEnv}`);
    } else {
      expect(build({}).spec).toBe(spec.spec);
    }
    // A server on this machine needs no key, whatever the entry.
    expect(createProvider(spec, { env: {}, baseURL: server.url, outcomes: [], template, seed: 1 }).spec).toBe(spec.spec);
  });
});

describe('consumers read the fields they are given, not a table of their own', () => {
  it('createProvider follows a spec whose fields differ from its prefix’s entry', async () => {
    const make = (spec: ReturnType<typeof parseModelSpec>) => createProvider(spec, { env: {}, outcomes: [], template, seed: 1 });
    expect(make({ ...parseModelSpec('ollama:m'), honoursN: true }).supportsMultipleSamples).toBe(true);
    expect(make({ ...parseModelSpec('vllm:m'), honoursN: false }).supportsMultipleSamples).toBe(false);
    expect(errorOf(() => make({ ...parseModelSpec('vllm:m'), keyRequired: true, keyEnv: 'MY_KEY', defaultBaseUrl: 'https://gpu.example.invalid/v1' })).message).toBe(
      'vllm:m needs an API key: set MY_KEY',
    );
    server.push(openAIOk(['A']));
    const viaEnv = createProvider({ ...parseModelSpec('vllm:m'), baseUrlEnv: 'MY_BASE_URL' }, { env: { MY_BASE_URL: `${server.baseURL}/mine` }, outcomes: [], template, seed: 1 });
    await viaEnv.complete({ ...request, samples: 1 });
    expect(server.requests.at(-1)!.path).toBe('/v1/mine/chat/completions');
  });

  it('parseModelSpec rejects prefixes outside the table with the same one-line messages as before', () => {
    const accepted = 'openai, vllm, ollama, llamacpp, openrouter, together, anthropic, sim, llama';
    for (const [input, message] of [
      ['gpt-4o', `model spec "gpt-4o" must look like provider:model (providers: ${accepted})`],
      [':m', `model spec ":m" must look like provider:model (providers: ${accepted})`],
      ['openai:', `model spec "openai:" must look like provider:model (providers: ${accepted})`],
      ['Foo:bar', `unknown model provider "foo" in "Foo:bar" (providers: ${accepted})`],
      ['constructor:x', `unknown model provider "constructor" in "constructor:x" (providers: ${accepted})`],
      ['__proto__:x', `unknown model provider "__proto__" in "__proto__:x" (providers: ${accepted})`],
    ] as const) {
      const error = errorOf(() => parseModelSpec(input));
      expect([error.code, error.message, error.where?.field]).toEqual(['unknown-model-spec', message, '--model']);
    }
  });

  it('no source file outside registry.ts names a provider alias, key variable or base-URL variable in a string', () => {
    const src = resolve(__dirname, '../../src');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const d of readdirSync(dir, { withFileTypes: true })) {
        if (d.isDirectory()) walk(join(dir, d.name));
        else if (d.name.endsWith('.ts')) files.push(join(dir, d.name));
      }
    };
    walk(src);
    const aliases = PROVIDER_PREFIXES.filter((p) => !['openai', 'anthropic', 'sim', 'llama'].includes(p)); // these four are also kind names
    const alias = new RegExp(`['"\`](${aliases.join('|')})['"\`:]`);
    const variable = /['"`][A-Z][A-Z0-9_]*_(API_KEY|BASE_URL)['"`]/;
    const offenders = files
      .filter((f) => !f.endsWith(join('providers', 'registry.ts')))
      .filter((f) => {
        const text = readFileSync(f, 'utf8');
        return alias.test(text) || variable.test(text);
      });
    expect(offenders).toEqual([]);
  });
});

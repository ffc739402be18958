/**
 * The two batch transports through the official SDKs (`openai`, `@anthropic-ai/sdk`) against
 * sim-server's batch routes on 127.0.0.1 (CONTRIBUTING.md rule 14): the wire formats each provider
 * documents, finding a batch by its token, per-request errors, expiry, cancellation, a batch the
 * provider refuses, and cutting requests into batches the provider accepts. No timing: sim-server
 * moves a batch on as its state is read.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseTemplate, renderPrompt } from '../../src/elicitation/template.js';
import { anthropicCustomId, createAnthropicBatchTransport } from '../../src/providers/anthropic-batch.js';
import { splitIntoBatches } from '../../src/providers/batch-call.js';
import { createBatchTransport } from '../../src/providers/create-provider.js';
import { parseModelSpec } from '../../src/providers/model-spec.js';
import { createOpenAIBatchTransport } from '../../src/providers/openai-batch.js';
import { BATCH_PRICE_FACTOR, batchPriceOf } from '../../src/providers/pricing.js';
import { PROVIDERS } from '../../src/providers/registry.js';
import type { SimBatchOptions } from '../../src/providers/sim-batch.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import type { BatchTicket, BatchTransport, KeyedRequest, KeyedResult } from '../../src/providers/transport.js';
import { noWait } from '../helpers/wire-test-kit.js';

const template = parseTemplate('Which do you prefer?\nOption A: {{A}}\nOption B: {{B}}\nAnswer with A or B.', 't');
const outcomes = ['A child learns to read.', 'You receive $100.', 'A forest is protected.', 'A cure is found.'].map((text, k) => ({ id: `o${k}`, text, clusters: [] }));
const KEYS = ['0123456789abcdef01234567', '89abcdef0123456789abcdef', 'fedcba9876543210fedcba98', '00112233445566778899aabb'];

/** Four requests keyed like comparisons (24 hex characters), `samples` each. */
function requests(samples: number): KeyedRequest[] {
  return KEYS.map((id, k) => ({
    id,
    request: { user: renderPrompt(template, outcomes[k] as never, outcomes[(k + 1) % 4] as never, 'ab'), temperature: 1, maxTokens: 8, samples, logprobs: false, seed: 100 + k },
  }));
}

let server: RunningSimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(batches: SimBatchOptions = {}): Promise<RunningSimServer> {
  server = await startSimServer({ port: 0, template, seed: 0, batches });
  return server;
}

const openai = (s: RunningSimServer, model = '7b') => createOpenAIBatchTransport({ spec: `openai:${model}`, model, apiKey: 'sk-batch-test', baseURL: `${s.url}/v1`, retry: noWait().deps });
const anthropic = (s: RunningSimServer, model = '7b') => createAnthropicBatchTransport({ spec: `anthropic:${model}`, model, apiKey: 'sk-ant-test', baseURL: s.url, retry: noWait().deps });

/** Polls until the batch ends, then reads every result. */
async function collect(t: BatchTransport, ticket: BatchTicket): Promise<{ polls: string[]; results: KeyedResult[] }> {
  const polls: string[] = [];
  for (;;) {
    const poll = await t.poll(ticket);
    polls.push(poll.state === 'running' ? poll.phase : poll.outcome);
    if (poll.state === 'ended') break;
  }
  const results: KeyedResult[] = [];
  for await (const r of t.results(ticket)) results.push(r);
  return { polls, results };
}

const texts = (results: readonly KeyedResult[]) =>
  Object.fromEntries(results.map((r) => [r.id, r.result.kind === 'ok' ? r.result.choices.map((c) => c.text) : r.result.code]).sort(([a], [b]) => String(a).localeCompare(String(b))));

describe('OpenAI batch transport (Batch API over the openai SDK)', () => {
  it('uploads one JSONL line per request, creates a 24 h batch with the token in its metadata, and reads the answers back by custom id', async () => {
    const s = await start({ pollsToEnd: 3 });
    const t = openai(s);
    const ticket = await t.submit(requests(3), 'tok-openai-1');
    const [upload] = [...s.batches.uploads().values()];
    const lines = (upload ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { custom_id: string; method: string; url: string; body: Record<string, unknown> });
    expect(lines.map((l) => l.custom_id)).toEqual(KEYS);
    expect(lines[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: '7b', n: 3, max_tokens: 8, temperature: 1, seed: 100 } });
    expect(s.batches.batches()[0]).toMatchObject({ id: ticket.remoteId, metadata: { utilscope_token: 'tok-openai-1' } });
    expect(s.batches.routes().get('POST /v1/files')).toBe(1);
    const { polls, results } = await collect(t, ticket);
    expect(polls).toEqual(['in-progress', 'finalizing', 'completed']);
    // The same answers as the interactive route gives for the same body (seeded).
    const interactive = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(lines[0]?.body) }).then(
      (r) => r.json() as Promise<{ choices: { message: { content: string } }[] }>,
    );
    expect(texts(results)[KEYS[0] as string]).toEqual(interactive.choices.map((c) => c.message.content));
    expect(results).toHaveLength(4);
    expect(results.every((r) => r.result.kind === 'ok' && r.result.choices.length === 3 && r.result.usage.inputTokens > 0)).toBe(true);
    expect(s.batches.paidSamples()).toBe(12);
  });

  it('finds a batch by its token in the metadata, and says absent for a token it never saw', async () => {
    const s = await start();
    const t = openai(s);
    const ticket = await t.submit(requests(1), 'tok-find');
    const hint = { submittedAt: new Date().toISOString(), requests: 4 };
    expect(await t.find('tok-find', hint)).toEqual({ kind: 'found', ticket });
    expect(await t.find('tok-other', hint)).toEqual({ kind: 'absent' });
  });

  it('reads per-request errors from the error file as classified errors, and leaves expired requests out', async () => {
    const s = await start({ expire: 1, errorRate: 0.5, seed: 3 });
    const t = openai(s);
    const ticket = await t.submit(requests(1), 'tok-expire');
    const { polls, results } = await collect(t, ticket);
    expect(polls.at(-1)).toBe('expired');
    // Half the batch ran; the expired half is absent, not an error.
    expect(results).toHaveLength(2);
    const errors = results.filter((r) => r.result.kind === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.result).toMatchObject({ kind: 'error', code: 'server-error', retryable: true, status: 500 });
    expect(s.batches.routes().get('GET /v1/files/:id/content')).toBe(2); // output file and error file
  });

  it('keeps the results of a cancelled batch that ran', async () => {
    const s = await start({ hold: true });
    const t = openai(s);
    const ticket = await t.submit(requests(1), 'tok-cancel');
    expect(await t.poll(ticket)).toMatchObject({ state: 'running', phase: 'in-progress' });
    await fetch(`${s.url}/v1/batches/${ticket.remoteId}/cancel`, { method: 'POST' });
    const { polls, results } = await collect(t, ticket);
    expect(polls).toEqual(['cancelled']);
    expect(results.map((r) => r.result.kind)).toEqual(['ok', 'ok']);
  });

  it('reports a batch the provider refuses as failed, with its reasons, and nothing billed', async () => {
    const s = await start();
    // Two models in one input file: the Batch API takes one model per file.
    const line = (id: string, model: string) => JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: 'x' }] } });
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([`${line('a', '7b')}\n${line('b', '3b')}\n`]), 'mixed.jsonl');
    const file = (await (await fetch(`${s.url}/v1/files`, { method: 'POST', body: form })).json()) as { id: string };
    const create = { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' };
    const refused = (await (await fetch(`${s.url}/v1/batches`, { method: 'POST', body: JSON.stringify(create) })).json()) as { id: string };
    expect(await openai(s).poll({ token: 'x', remoteId: refused.id })).toMatchObject({
      state: 'ended',
      outcome: 'failed',
      message: expect.stringMatching(/failed \("mixed_models: .*same model"\)/) as string,
    });
    expect(s.batches.paidSamples()).toBe(0);
  });

  it('cuts requests into as few batches as the limits allow, in order', () => {
    const size = () => 10;
    const many = Array.from({ length: 7 }, (_, k) => ({ id: String(k), request: requests(1)[0]!.request }));
    expect(splitIntoBatches(many, { maxRequests: 3, maxBytes: 1000 }, size).map((b) => b.map((r) => r.id))).toEqual([['0', '1', '2'], ['3', '4', '5'], ['6']]);
    expect(splitIntoBatches(many, { maxRequests: 100, maxBytes: 25 }, size).map((b) => b.length)).toEqual([2, 2, 2, 1]);
    expect(() => splitIntoBatches(many, { maxRequests: 100, maxBytes: 5 }, size)).toThrow(/more than a batch may hold/);
  });
});

describe('Anthropic batch transport (Message Batches over @anthropic-ai/sdk)', () => {
  it('sends one request per sample with custom ids <token>_<key>, and maps the results back to our ids', async () => {
    const s = await start({ pollsToEnd: 2 });
    const t = anthropic(s);
    const token = 'a1b2c3d4e5f6a7b8c9d0e1f2';
    const ticket = await t.submit(requests(1), token);
    expect([...s.batches.received().keys()].sort()).toEqual(KEYS.map((k) => `${token}_${k}`).sort());
    const { polls, results } = await collect(t, ticket);
    expect(polls).toEqual(['in-progress', 'completed']);
    expect(results.map((r) => r.id).sort()).toEqual([...KEYS].sort());
    expect(results.every((r) => r.result.kind === 'ok' && r.result.choices.length === 1)).toBe(true);
    expect(anthropicCustomId(token, KEYS[0] as string)).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(() => anthropicCustomId(token, 'a key with spaces')).toThrow(/cannot be an Anthropic custom id/);
  });

  it('finds a batch without metadata by its results: undecided while it runs, found once it ends, absent with no candidate', async () => {
    const s = await start({ hold: true });
    const t = anthropic(s);
    const token = 'ffffeeeeddddccccbbbbaaaa';
    const hint = { submittedAt: new Date().toISOString(), requests: 4 };
    expect(await t.find(token, hint)).toEqual({ kind: 'absent' });
    const ticket = await t.submit(requests(1), token);
    // Someone else's batch of the same size, created at the same time.
    await anthropic(s).submit(requests(1), '000011112222333344445555');
    expect(await t.find(token, hint)).toMatchObject({ kind: 'undecided', reason: expect.stringContaining('2 batches of 4 requests') as string });
    s.batches.release();
    let found = await t.find(token, hint);
    while (found.kind === 'undecided') found = await t.find(token, hint);
    expect(found).toEqual({ kind: 'found', ticket });
    // A batch of another size is no candidate.
    expect(await t.find(token, { ...hint, requests: 3 })).toEqual({ kind: 'absent' });
  });

  it('reads errored results as classified errors and leaves expired and canceled ones out', async () => {
    const s = await start({ expire: 1, errorRate: 0.5, seed: 3 });
    const t = anthropic(s);
    const ticket = await t.submit(requests(1), 'abcdefabcdefabcdefabcdef');
    const { polls, results } = await collect(t, ticket);
    expect(polls.at(-1)).toBe('expired');
    expect(results).toHaveLength(2);
    for (const e of results.filter((r) => r.result.kind === 'error')) expect(e.result).toMatchObject({ code: 'server-error', retryable: true, status: 500 });
    expect(results.some((r) => r.result.kind === 'error')).toBe(true);
  });
});

describe('choosing a batch transport', () => {
  it('is offered for openai: and anthropic:, and refused with one line naming --batch for the rest', () => {
    const retry = noWait().deps;
    expect(createBatchTransport(parseModelSpec('openai:gpt-4o-mini'), { env: { OPENAI_API_KEY: 'k' }, retry }).provider).toBe('OpenAI');
    expect(createBatchTransport(parseModelSpec('anthropic:claude-3-5-haiku-latest'), { env: { ANTHROPIC_API_KEY: 'k' }, retry }).provider).toBe('Anthropic');
    expect(() => createBatchTransport(parseModelSpec('vllm:qwen'), { env: {}, retry })).toThrow(/--batch: vLLM server \(vllm:\) has no batch API; batches are offered by openai:, anthropic:/);
    expect(() => createBatchTransport(parseModelSpec('openai:gpt-4o-mini'), { env: {}, retry })).toThrow(/OPENAI_API_KEY/);
  });

  it('has a batch discount for every provider whose registry entry offers batches, and prices through it', () => {
    const offering = Object.values(PROVIDERS).filter((p) => p.transports.includes('batch'));
    expect(offering.map((p) => p.prefix)).toEqual(['openai', 'anthropic']);
    for (const p of offering) expect(BATCH_PRICE_FACTOR[p.prefix]).toBe(0.5);
    const list = { inputPerMillion: 0.15, outputPerMillion: 0.6 };
    expect(batchPriceOf(list, 'openai')).toEqual({ inputPerMillion: 0.075, outputPerMillion: 0.3 });
    expect(batchPriceOf({ ...list, batch: { inputPerMillion: 0.1, outputPerMillion: 0.2 } }, 'openai')).toEqual({ inputPerMillion: 0.1, outputPerMillion: 0.2 });
    expect(batchPriceOf(list, 'vllm')).toBeUndefined();
  });
});

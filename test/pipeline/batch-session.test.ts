/**
 * What a batch session does around its batches, through the CLI in-process and the official SDKs
 * against sim-server on 127.0.0.1: per-request errors and an expired batch ask again only the keys
 * without an answer; `--max-wait` leaves a batch running, `status` shows it, and a sim-server that
 * crashed and restarted on its state folder still delivers it, billed once; Ctrl-C leaves the batch
 * running and says how to resume; an interactive session collects a batch in flight before asking
 * anything; batch prices in the estimate, the cap and every record; the dry run's round-trips.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimBatchOptions } from '../../src/providers/sim-batch.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import { loadTemplate } from '../../src/store/index.js';
import { readJsonl } from '../helpers/ports-and-files.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { waitUntil } from '../helpers/wait-for.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const COMMON = ['--outcomes', SMALL, '--samples', '2', '--pairs', '16', '--poll-interval', '0', '--no-report'];

let servers: RunningSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function sim(batches: SimBatchOptions = {}): Promise<RunningSimServer> {
  const server = await startSimServer({ port: 0, template: loadTemplate(), seed: 0, batches });
  servers.push(server);
  return server;
}

const openai = (s: RunningSimServer) => ['--model', 'openai:7b', '--base-url', `${s.url}/v1`];
const anthropic = (s: RunningSimServer) => ['--model', 'anthropic:7b', '--base-url', s.url];
const records = (dir: string) => readJsonl(join(dir, 'records.jsonl'));
const answered = (dir: string) => records(dir).filter((r) => r['kind'] === 'answer');
const planned = (dir: string) => readJsonl(join(dir, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
const status = (dir: string) => JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as Record<string, unknown>;
/** Our comparison key inside a custom id (Anthropic's carry the batch token: `<token>_<key>`). */
const keyOf = (customId: string) => customId.split('_').at(-1) as string;

function expectEveryKeyAnsweredOnce(dir: string, server: RunningSimServer): void {
  const keys = answered(dir).map((r) => r['key'] as string);
  expect(new Set(keys).size).toBe(keys.length);
  expect([...keys].sort()).toEqual([...planned(dir)].sort());
  expect([...server.batches.paid().values()].every((n) => n === 1)).toBe(true);
  expect(server.batches.paidSamples()).toBe(keys.length);
}

describe('per-request errors and an expired batch', () => {
  for (const [provider, model] of [
    ['openai', openai],
    ['anthropic', anthropic],
  ] as const) {
    it(`${provider}: the next batch holds exactly the keys left without an answer, and nothing is billed twice`, async () => {
      const server = await sim({ expire: 1, errorRate: 0.25, seed: 5 });
      const cwd = tempCwd();
      const r = await runCli(['run', '--batch', ...model(server), ...COMMON, '--name', 'e'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const dir = join(cwd, 'outputs', 'e');
      expectEveryKeyAnsweredOnce(dir, server);
      const [first, second] = server.batches.batches();
      expect(first?.status).toBe('expired');
      // The second batch asks again exactly the first one's requests that got no answer: expired, or a per-request error.
      const round0 = new Set(readJsonl(join(dir, 'plan.jsonl')).flatMap((p) => (p['round'] === 0 ? (p['comparisons'] as { key: string }[]).map((c) => c.key) : [])));
      // A request carried the K samples of one pair and order through OpenAI (n), one sample through Anthropic.
      const comparisons = readJsonl(join(dir, 'plan.jsonl')).flatMap((p) => p['comparisons'] as { key: string; a: string; b: string; order: string }[]);
      const samplesOf = (key: string) => {
        const c = comparisons.find((x) => x.key === key);
        return provider === 'openai' ? comparisons.filter((x) => x.a === c?.a && x.b === c?.b && x.order === c?.order).map((x) => x.key) : [key];
      };
      const answeredByFirst = new Set(first?.paidIds.flatMap((id) => samplesOf(keyOf(id))));
      const left = [...round0].filter((k) => !answeredByFirst.has(k)).sort();
      expect(left.length).toBeGreaterThan(0);
      expect([...new Set(second?.customIds.map(keyOf))].sort()).toEqual(left);
      // Failures were recorded with the provider's code, then answered by the next batch.
      expect(records(dir).some((x) => x['kind'] === 'failure' && x['errorCode'] === 'server-error')).toBe(true);
      expect(readJsonl(join(dir, 'journal.jsonl')).find((e) => e['kind'] === 'closed')?.['outcome']).toBe('expired');
    });
  }
});

describe('leaving a batch running', () => {
  it('--max-wait 0 submits and stops (exit 75); status shows the batch; a restarted sim-server delivers it; resume pays nothing twice', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'utilscope-sim-state-'));
    const first = await sim({ hold: true, stateDir });
    const cwd = tempCwd();
    const dir = join(cwd, 'outputs', 'w');
    const r = await runCli(['run', '--batch', ...openai(first), ...COMMON, '--max-wait', '0', '--name', 'w'], { cwd });
    expect(r.code, r.stderr).toBe(75);
    expect(r.stderr).toMatch(/stopped waiting \(--max-wait\); batch batch_sim\d+ is still in progress at OpenAI; collect it, paying nothing twice, with: utilscope resume /);
    expect(status(dir)).toMatchObject({ state: 'waiting', batch: { provider: 'OpenAI', state: 'in-progress', remoteId: first.batches.batches()[0]?.id } });

    const shown = await runCli(['status', dir], { cwd });
    expect(shown.stdout).toContain('waiting for its batch, which keeps running at the provider');
    expect(shown.stdout).toMatch(/batch batch_sim\d+ at OpenAI: in progress, \d+ of 24 requests done, as of /);
    const json = JSON.parse((await runCli(['status', dir, '--json'], { cwd })).stdout) as { state: string; batch: { state: string; counts: { total: number } } };
    expect(json).toMatchObject({ state: 'waiting', batch: { state: 'in-progress', counts: { total: 24 } } });

    // sim-server dies and comes back on another port with its state folder: the batch is still there.
    await first.close();
    servers = servers.filter((s) => s !== first);
    const second = await sim({ stateDir });
    const resumed = await runCli(['resume', dir, '--base-url', `${second.url}/v1`, '--poll-interval', '0', '--no-report'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryKeyAnsweredOnce(dir, second);
    expect([...second.batches.received().values()].every((n) => n === 1)).toBe(true);
    expect(second.batches.batches()[0]?.id).toBe(first.batches.batches()[0]?.id);
    expect(status(dir)['state']).toBe('complete');
  });

  it('Ctrl-C stops waiting, leaves the batch running at the provider, and says how to resume', async () => {
    const server = await sim({ hold: true });
    const cwd = tempCwd();
    const dir = join(cwd, 'outputs', 'c');
    const controller = new AbortController();
    const running = runCli(['run', '--batch', ...anthropic(server), ...COMMON, '--name', 'c'], { cwd, signal: controller.signal });
    await waitUntil(() => (server.batches.batches()[0]?.polls ?? 0) >= 2, 'the batch polled');
    controller.abort();
    const r = await running;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/run cancelled; batch msgbatch_sim\d+ is still in progress at Anthropic, and nothing is lost: resuming collects it rather than paying for it again/);
    expect(r.stderr).toContain(`resume with: utilscope resume ${dir}`);
    // Nothing was cancelled remotely.
    expect(server.batches.routes().get('POST /v1/messages/batches/:id/cancel')).toBeUndefined();
    expect(server.batches.batches()[0]?.status).toBe('in_progress');
    expect(status(dir)).toMatchObject({ state: 'cancelled', message: expect.stringContaining('still in progress at Anthropic') as string });
    server.batches.release();
    const resumed = await runCli(['resume', dir, '--poll-interval', '0', '--no-report'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expectEveryKeyAnsweredOnce(dir, server);
  });

  it('an interactive session on a folder with a batch in flight collects the batch before asking anything', async () => {
    const server = await sim({ hold: true });
    const cwd = tempCwd();
    const dir = join(cwd, 'outputs', 'i');
    expect((await runCli(['run', '--batch', ...openai(server), ...COMMON, '--max-wait', '0', '--name', 'i'], { cwd })).code).toBe(75);
    const inBatch = server.batches.batches()[0]?.customIds.length ?? 0;
    server.batches.release();
    const resumed = await runCli(['resume', dir, '--no-batch', '--poll-interval', '0', '--no-report'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const keys = answered(dir).map((r) => r['key'] as string);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...planned(dir)].sort());
    // The first round came through the batch; only the later rounds were asked one by one.
    expect(server.batches.batches()).toHaveLength(1);
    expect(server.batches.paid().size).toBe(inBatch);
    expect(readJsonl(join(dir, 'journal.jsonl')).at(-1)).toMatchObject({ kind: 'closed', outcome: 'collected' });
  });
});

describe('batch prices', () => {
  it('the estimate, every record and the cap use the batch price: half the list price, or a --prices entry’s own', async () => {
    const server = await sim();
    const cwd = tempCwd();
    const prices = join(cwd, 'prices.json');
    writeFileSync(prices, JSON.stringify({ '7b': { input: 100, output: 200 } }));
    const interactive = await runCli(['run', ...openai(server), ...COMMON, '--prices', prices, '--name', 'list'], { cwd });
    const batched = await runCli(['run', '--batch', ...openai(server), ...COMMON, '--prices', prices, '--name', 'half'], { cwd });
    expect(interactive.code, interactive.stderr).toBe(0);
    expect(batched.code, batched.stderr).toBe(0);
    expect(batched.stderr).toContain('batch price $50/$100 per M tokens (input/output) against list $100/$200 per M tokens');
    const cost = (name: string) => answered(join(cwd, 'outputs', name)).map((r) => [r['key'], r['costUsd']] as const);
    const list = new Map(cost('list'));
    for (const [key, usd] of cost('half')) expect(usd).toBeCloseTo((list.get(key) as number) / 2, 12);
    expect(JSON.parse(readFileSync(join(cwd, 'outputs', 'half', 'run.json'), 'utf8')).spec.session).toMatchObject({
      transport: 'batch',
      price: { source: 'override', batch: { inputPerMillion: 50, outputPerMillion: 100 } },
    });

    // A --prices entry's own batch prices win over the discount.
    writeFileSync(prices, JSON.stringify({ '7b': { input: 100, output: 200, batch: { input: 10, output: 10 } } }));
    const own = await runCli(['run', '--batch', ...openai(server), ...COMMON, '--prices', prices, '--name', 'own'], { cwd });
    expect(own.code, own.stderr).toBe(0);
    for (const r of answered(join(cwd, 'outputs', 'own'))) {
      const usage = r['usage'] as { inputTokens: number; outputTokens: number };
      expect(r['costUsd']).toBeCloseTo((usage.inputTokens * 10 + usage.outputTokens * 10) / 1e6, 12);
    }

    // The cap: a batch holds only what surely fits under it, so spend never passes it.
    writeFileSync(prices, JSON.stringify({ '7b': { input: 100, output: 200 } }));
    const total = cost('half').reduce((sum, [, usd]) => sum + (usd as number), 0);
    const capped = await runCli(['run', '--batch', ...openai(server), ...COMMON, '--prices', prices, '--max-cost', String(total / 3), '--name', 'cap'], { cwd });
    expect(capped.code, capped.stderr).toBe(1);
    const spent = answered(join(cwd, 'outputs', 'cap')).reduce((sum, r) => sum + (r['costUsd'] as number), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(total / 3);
    expect(status(join(cwd, 'outputs', 'cap'))).toMatchObject({ state: 'cancelled', costCapUsd: total / 3 });
  });
});

describe('the dry run of a batch run', () => {
  it('says how many batch round-trips the design needs (a probe: one, and it asks in one batch), and refuses --batch for a model without a batch API', async () => {
    const server = await sim();
    const cwd = tempCwd();
    const utilities = await runCli(['run', '--batch', ...openai(server), '--outcomes', SMALL, '--pairs', '40', '--round-size', '10', '--dry-run'], { cwd });
    expect(utilities.code, utilities.stderr).toBe(0);
    // Round 0 (holdout + the 10-outcome initial graph), then 30 more pairs in rounds of 10.
    expect(utilities.stderr).toMatch(/batch: 4 batch round-trips \(one per round: each waits for the answers of the one before\)/);
    const probe = await runCli(['probe', 'transitivity', '--batch', ...openai(server), '--outcomes', SMALL, '--triads', '5', '--dry-run'], { cwd });
    expect(probe.stderr).toMatch(/batch: 1 batch round-trip \(one per round\)/);
    // And it is one: every triad's pairs, both orders, in a single batch.
    const asked = await runCli(['probe', 'transitivity', '--batch', ...openai(server), '--outcomes', SMALL, '--triads', '5', '--samples', '2', '--poll-interval', '0', '--no-report', '--name', 'p'], {
      cwd,
    });
    expect(asked.code, asked.stderr).toBe(0);
    expect(server.batches.batches()).toHaveLength(1);
    expect(answered(join(cwd, 'outputs', 'p'))).toHaveLength(planned(join(cwd, 'outputs', 'p')).length);
    const sim1 = await runCli(['run', '--batch', '--model', 'sim:7b', '--outcomes', SMALL, '--dry-run'], { cwd });
    expect(sim1.code).toBe(2);
    expect(sim1.stderr).toMatch(/^utilscope: --batch: simulated respondent \(sim:\) has no batch API; batches are offered by openai:, anthropic: \(--batch\)$/m);
  });
});

describe('a study through batches', () => {
  it('asks its models at once, each against its own endpoint, so their first batches go in together', async () => {
    const [a, b] = [await sim({ hold: true }), await sim({ hold: true })];
    const cwd = tempCwd();
    const file = join(cwd, 'study.yaml');
    const models = [
      { spec: 'openai:7b', label: 'oa', baseUrl: `${a.url}/v1`, params: 7e9 },
      { spec: 'anthropic:3b', label: 'an', baseUrl: b.url, params: 3e9 },
    ];
    writeFileSync(file, JSON.stringify({ name: 'bs', outcomes: SMALL, protocol: { samples: 2, pairs: 16, seed: 1, transport: 'batch', pollInterval: 0 }, models }));
    const running = runCli(['study', file, '--parallel-models', '2'], { cwd });
    // Both models' first batches are in before either has ended.
    await waitUntil(() => a.batches.batches().length === 1 && b.batches.batches().length === 1, 'both first batches submitted');
    a.batches.release();
    b.batches.release();
    const r = await running;
    expect(r.code, r.stderr).toBe(0);
    expectEveryKeyAnsweredOnce(join(cwd, 'outputs', 'bs', 'oa'), a);
    expectEveryKeyAnsweredOnce(join(cwd, 'outputs', 'bs', 'an'), b);
    expect(r.stdout).toContain('oa');
  });

  it('stops every model at one total cost cap over the study', async () => {
    const [a, b] = [await sim(), await sim()];
    const cwd = tempCwd();
    const prices = join(cwd, 'prices.json');
    writeFileSync(prices, JSON.stringify({ '7b': { input: 100, output: 200 }, '3b': { input: 100, output: 200 } }));
    const file = join(cwd, 'study.yaml');
    const models = [
      { spec: 'openai:7b', label: 'oa', baseUrl: `${a.url}/v1` },
      { spec: 'openai:3b', label: 'ob', baseUrl: `${b.url}/v1` },
    ];
    writeFileSync(file, JSON.stringify({ name: 'cap', outcomes: SMALL, protocol: { samples: 2, pairs: 16, seed: 1, transport: 'batch', pollInterval: 0, prices, maxTotalCost: 0.2 }, models }));
    const r = await runCli(['study', file], { cwd });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/study stopped at o[ab]: run stopped at the total cost cap of its study of \$0\.20/);
    const spent = ['oa', 'ob'].flatMap((m) => answered(join(cwd, 'outputs', 'cap', m))).reduce((sum, x) => sum + (x['costUsd'] as number), 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.2);
  });
});

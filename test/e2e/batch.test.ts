/**
 * Audits through the providers' batch APIs, end to end: the CLI drives the official `openai` and
 * `@anthropic-ai/sdk` clients against sim-server's batch routes on 127.0.0.1.
 *
 * 1. A batch run gives the interactive run's fit.json byte for byte (same seed, same answers).
 * 2. The built CLI, run as a child process, is killed with SIGKILL at every state of a batch —
 *    journalled but not yet created, created but its id never written, in progress, half-way through
 *    downloading its results — and resumed; sim-server's own ledger then shows every request
 *    received once and billed once, and every planned comparison answered exactly once.
 *
 * No sleeps: each kill waits for the event that puts the run in its state (a request paused at the
 * server, a journal line, a number of records), and sim-server moves batches on as they are polled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimBatchOptions } from '../../src/providers/sim-batch.js';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import { loadTemplate } from '../../src/store/index.js';
import { readJsonl } from '../helpers/ports-and-files.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { countLines, waitForExit, waitUntil } from '../helpers/wait-for.js';

const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');
const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const COMMON = ['--outcomes', SMALL, '--samples', '2', '--pairs', '16', '--poll-interval', '0'];

type Provider = 'openai' | 'anthropic';
const MODEL: Record<Provider, (s: RunningSimServer) => string[]> = {
  openai: (s) => ['--model', 'openai:7b', '--base-url', `${s.url}/v1`],
  anthropic: (s) => ['--model', 'anthropic:7b', '--base-url', s.url],
};

let servers: RunningSimServer[] = [];
let children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
  children = [];
});

async function sim(batches: SimBatchOptions = {}): Promise<RunningSimServer> {
  const server = await startSimServer({ port: 0, template: loadTemplate(), seed: 0, batches });
  servers.push(server);
  return server;
}

const planned = (dir: string) => readJsonl(join(dir, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
const answeredKeys = (dir: string) =>
  readJsonl(join(dir, 'records.jsonl'))
    .filter((r) => r['kind'] === 'answer')
    .map((r) => r['key'] as string);
const journal = (dir: string) => (countLines(join(dir, 'journal.jsonl')) > 0 ? readJsonl(join(dir, 'journal.jsonl')) : []);

/** What "exactly once" means on both ledgers: ours (records) and the server's (received, billed). */
function expectExactlyOnce(dir: string, server: RunningSimServer): void {
  const keys = answeredKeys(dir);
  expect(new Set(keys).size).toBe(keys.length); // no comparison answered twice
  expect([...keys].sort()).toEqual([...planned(dir)].sort()); // every planned comparison answered
  expect([...server.batches.received().values()].every((n) => n === 1)).toBe(true); // no request submitted twice
  expect([...server.batches.paid().values()].every((n) => n === 1)).toBe(true); // none billed twice
  expect(server.batches.paidSamples()).toBe(keys.length); // and nothing billed that was not recorded
}

describe('a batch run', () => {
  for (const provider of ['openai', 'anthropic'] as const) {
    it(`through the ${provider} SDK gives the interactive run's fit.json byte for byte`, async () => {
      // Fresh servers: an Anthropic request carries no seed, so sim-server seeds each prompt by how often it was asked.
      const [interactive, batched] = [await sim(), await sim({ pollsToEnd: 3 })];
      const cwd = tempCwd();
      const i = await runCli(['run', ...MODEL[provider](interactive), ...COMMON, '--name', 'interactive'], { cwd });
      const b = await runCli(['run', '--batch', ...MODEL[provider](batched), ...COMMON, '--name', 'batched'], { cwd });
      expect(i.code, i.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const fitJson = (name: string) => readFileSync(join(cwd, 'outputs', name, 'fit.json'), 'utf8');
      expect(fitJson('batched')).toBe(fitJson('interactive'));
      const dir = join(cwd, 'outputs', 'batched');
      expectExactlyOnce(dir, batched);
      // One batch per round, each journalled before submission and closed after its results were read.
      const rounds = new Set(readJsonl(join(dir, 'plan.jsonl')).map((p) => p['round'])).size;
      expect(batched.batches.batches()).toHaveLength(rounds);
      expect(journal(dir).map((e) => e['kind'])).toEqual(Array.from({ length: rounds }, () => ['submitting', 'submitted', 'closed']).flat());
      expect(b.stderr).toMatch(/batch in progress \d+\/\d+/);
    });
  }
});

/** Where the child is killed, how the server is set up to get it there, and what is left behind. */
interface KillState {
  readonly name: string;
  setUp(server: RunningSimServer): void;
  /** Resolves once the child is in the state. */
  reached(server: RunningSimServer, dir: string, provider: Provider): Promise<void>;
  /** After the kill: lets the server go on. */
  release(server: RunningSimServer): void;
  /** Journal entry kinds the dead process left. */
  readonly left: readonly string[];
  /** Batches the server holds after the kill. */
  readonly remote: number;
  /** What the resumed session says, where it has something to say. */
  readonly resumeSays?: Partial<Record<Provider, RegExp>>;
}

const STATES: readonly KillState[] = [
  {
    name: 'before the provider accepted the batch',
    setUp: (s) => s.batches.pause('create-before'),
    reached: (s) => s.batches.paused('create-before'),
    // The create request never arrives whole: the server drops it.
    release: (s) => s.batches.resume('create-before', 'drop'),
    left: ['submitting'],
    remote: 0,
  },
  {
    name: 'after the batch was created, before its id was written',
    setUp: (s) => s.batches.pause('create-after'),
    reached: (s) => s.batches.paused('create-after'),
    release: (s) => s.batches.resume('create-after'),
    left: ['submitting'],
    remote: 1,
    // Anthropic batches carry no metadata: the batch is recognised by its results once it has ended.
    resumeSays: { anthropic: /was submitted but its id was never recorded: 1 batch of \d+ requests .* is still running; .*waiting rather than submitting it again/ },
  },
  {
    name: 'while the batch is in progress',
    setUp: (s) => s.batches.hold(),
    reached: (s, dir) => waitUntil(() => journal(dir).some((e) => e['kind'] === 'submitted') && (s.batches.batches()[0]?.polls ?? 0) >= 2, 'a poll of the submitted batch'),
    release: (s) => s.batches.release(),
    left: ['submitting', 'submitted'],
    remote: 1,
  },
  {
    name: 'while downloading its results',
    setUp: (s) => s.batches.pause('results', 3),
    // Three result lines read and appended: 6 records through OpenAI (n = 2), 3 through Anthropic.
    reached: async (s, dir, provider) => {
      await s.batches.paused('results');
      await waitUntil(() => countLines(join(dir, 'records.jsonl')) >= (provider === 'openai' ? 6 : 3), 'the first results on disk');
    },
    release: (s) => s.batches.resume('results'),
    left: ['submitting', 'submitted'],
    remote: 1,
  },
];

describe('kill -9 at every batch state, then resume', () => {
  for (const provider of ['openai', 'anthropic'] as const) {
    for (const state of STATES) {
      it(`${provider}: killed ${state.name}, resume submits and pays for every request exactly once`, async () => {
        const server = await sim({ pollsToEnd: 2 });
        state.setUp(server);
        const cwd = tempCwd();
        const dir = join(cwd, 'outputs', 'killed');
        const env = { ...process.env, NO_COLOR: '1', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' };
        const child = spawn(process.execPath, [BIN, 'run', '--batch', ...MODEL[provider](server), ...COMMON, '--name', 'killed', '--no-report'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let stderr = '';
        child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        await Promise.race([
          state.reached(server, dir, provider),
          waitForExit(child).then((exit) => {
            throw new Error(`the run exited (${exit.code}) before the state was reached: ${stderr}`);
          }),
        ]);
        child.kill('SIGKILL');
        expect((await waitForExit(child)).signal).toBe('SIGKILL');
        state.release(server);

        // What the dead process left: the journal up to the kill, and the server's batches.
        expect(journal(dir).map((e) => e['kind'])).toEqual(state.left);
        expect(server.batches.batches()).toHaveLength(state.remote);
        const recordsBefore = countLines(join(dir, 'records.jsonl'));

        const resumed = await runCli(['resume', dir, '--poll-interval', '0', '--no-report'], { cwd });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stderr).toContain('took over the lock');
        const says = state.resumeSays?.[provider];
        if (says) expect(resumed.stderr).toMatch(says);
        expectExactlyOnce(dir, server);
        if (state.name.startsWith('while downloading')) expect(recordsBefore).toBeGreaterThan(0);
        // The journal closes the first batch exactly once; a batch never received is closed as failed and asked anew.
        const closings = journal(dir).filter((e) => e['kind'] === 'closed');
        expect(closings[0]?.['outcome']).toBe(state.remote === 0 ? 'failed' : 'collected');
        expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).state).toBe('complete');
      });
    }
  }
});

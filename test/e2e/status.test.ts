/**
 * status.json tells the truth (docs/architecture.md §"Run folder"): a killed run is told apart from
 * a live one (`crashed`: status.json says running, but its holder is gone), a provider that rejects
 * the key mid-run leaves `error` with the one-line message and the true counts, and the counts are
 * brought up to date while the run goes, not only at its start and end. `utilscope status` recomputes
 * the counts from the files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runElicitation } from '../../src/pipeline/run.js';
import { interactiveTransport } from '../../src/providers/index.js';
import type { RunStatus } from '../../src/store/run-store.js';
import { RunStore } from '../../src/store/run-store.js';
import { openAIError, openAIOk, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { type GatedServer, startGatedServer } from '../helpers/gated-openai-server.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { countingSimProvider, createTinyStore, TINY_TEMPLATE, tempRunDir, tinyOutcomeSet, tinySpec } from '../helpers/tiny-run.js';
import { waitForExit, waitForLines } from '../helpers/wait-for.js';

const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');
const OUTCOMES = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

const jsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const plannedKeys = (dir: string) => jsonl(join(dir, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
const answerKeys = (dir: string) => new Set(jsonl(join(dir, 'records.jsonl')).flatMap((r) => (r['kind'] === 'answer' ? [r['key'] as string] : [])));

let gated: GatedServer | undefined;
afterEach(async () => {
  await gated?.close();
  gated = undefined;
});

describe('utilscope status', () => {
  it('after a SIGKILL: the true answered count, and `crashed` instead of `running`', async () => {
    const openFor = 10;
    gated = await startGatedServer(openFor);
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-status-'));
    const dir = join(cwd, 'outputs', 'killed');
    const env = { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', NO_COLOR: '1' };
    const args = ['run', '--model', 'vllm:test-model', '--base-url', `${gated.url}/v1`, '--outcomes', OUTCOMES, '--samples', '2', '--concurrency', '2', '--name', 'killed', '--no-report'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLines(join(dir, 'records.jsonl'), openFor * 2);
    child.kill('SIGKILL');
    await waitForExit(child);

    const r = await runCli(['status', dir, '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ state: 'crashed', recordedState: 'running', answered: openFor * 2, planned: plannedKeys(dir).length, failures: 0 });
    expect(report['holder']).toMatchObject({ pid: child.pid, alive: false });
    const human = await runCli(['status', dir], { cwd });
    expect(human.stdout).toContain('crashed');
    expect(human.stdout).toContain(`utilscope resume ${dir}`);
  });

  it('after a 401 mid-run: status.json says error, with the message and the true counts', async () => {
    const answeredFirst = 4;
    const server = await startFakeOpenAIServer([...Array.from({ length: answeredFirst }, () => openAIOk(['A'])), openAIError(401, 'Incorrect API key provided')]);
    try {
      const cwd = tempCwd();
      const dir = join(cwd, 'outputs', 'revoked');
      const r = await runCli(['run', '--model', 'vllm:test-model', '--base-url', server.baseURL, '--outcomes', OUTCOMES, '--samples', '1', '--concurrency', '1', '--name', 'revoked', '--no-report'], {
        cwd,
        env: { OPENAI_API_KEY: 'sk-test-not-a-real-key' },
      });
      expect(r.code).toBe(1);
      const errorLine = r.stderr.trim().split('\n').at(-1) as string;
      expect(errorLine).toMatch(/^utilscope: .*authentication failed \(401\)/);
      const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as RunStatus;
      expect(status).toMatchObject({ state: 'error', answered: answeredFirst, planned: plannedKeys(dir).length });
      expect(errorLine).toContain(status.message as string);
      expect(answerKeys(dir).size).toBe(answeredFirst);
      const reported = JSON.parse((await runCli(['status', dir, '--json'], { cwd })).stdout) as Record<string, unknown>;
      expect(reported).toMatchObject({ state: 'error', answered: answeredFirst, message: status.message });
    } finally {
      await server.close();
    }
  });

  it('status.json counts are brought up to date while the run goes (every second on the run’s clock)', async () => {
    const set = tinyOutcomeSet();
    const dir = tempRunDir();
    const store = createTinyStore(dir, set, tinySpec(set));
    const seen: number[] = [];
    const provider = countingSimProvider(set, () => seen.push(RunStore.open(dir).readStatus()?.answered ?? -1));
    let clock = 0;
    const result = await runElicitation({
      store,
      outcomeSet: set,
      template: TINY_TEMPLATE,
      transport: interactiveTransport(provider),
      price: undefined,
      signal: new AbortController().signal,
      now: () => (clock += 400),
      isoNow: () => new Date(clock).toISOString(),
      events: { notice: () => {}, progress: () => {} },
      session: { concurrency: 1 },
    });
    store.close();
    expect(result.end).toBe('complete');
    const midRun = seen.filter((n) => n > 0 && n < result.planned);
    expect(midRun.length).toBeGreaterThan(seen.length / 4);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // never goes backwards
  });
});

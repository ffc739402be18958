/**
 * One run folder, one writer (docs/architecture.md §"Run folder"): the same `run` started twice on
 * one folder, or `resume` during a live run, is refused with one line naming the live holder, and
 * no comparison is paid for twice. Real processes (the built CLI) against a gated server on
 * 127.0.0.1: the first run answers some requests and then waits at the gate while the second one
 * starts; the test waits on events (lines on disk, requests arriving, processes exiting), never on time.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatedServer, startGatedServer } from '../helpers/gated-openai-server.js';
import { readJsonl } from '../helpers/ports-and-files.js';
import { runCli } from '../helpers/run-cli.js';
import { waitForExit, waitForLines } from '../helpers/wait-for.js';

const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');
const OUTCOMES = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

function collect(child: ChildProcess): { text: string } {
  const out = { text: '' };
  child.stderr?.on('data', (chunk: Buffer) => (out.text += chunk.toString()));
  return out;
}

/** A pid that belonged to a process which has exited (and was reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid as number;
}

let server: GatedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a run folder has one writer at a time', () => {
  for (const second of ['run', 'resume'] as const) {
    it(`\`${second}\` on a folder a live run holds is refused with one line, and nothing is answered twice`, async () => {
      const openFor = 10;
      server = await startGatedServer(openFor);
      const cwd = mkdtempSync(join(tmpdir(), 'utilscope-lock-'));
      const runDir = join(cwd, 'outputs', 'shared');
      const env = { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', NO_COLOR: '1', UTILSCOPE_RETRY_BASE_MS: '2' };
      const args = ['run', '--model', 'vllm:test-model', '--base-url', `${server.url}/v1`, '--outcomes', OUTCOMES, '--samples', '2', '--concurrency', '2', '--name', 'shared', '--no-report'];
      const first = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const firstErr = collect(first);
      const records = join(runDir, 'records.jsonl');
      // 10 requests × 2 samples answered; the first run's next 2 requests are now held at the gate.
      await waitForLines(records, openFor * 2);
      await server.arrived(openFor + 2);

      const secondArgs = second === 'run' ? args : ['resume', runDir, '--no-report'];
      const other = spawn(process.execPath, [BIN, ...secondArgs], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const otherErr = collect(other);
      // Either the second process gives up (the lock), or it starts asking the same comparisons.
      await Promise.race([waitForExit(other), server.arrived(openFor + 3)]);
      server.release('answer');
      const [firstExit, otherExit] = await Promise.all([waitForExit(first), waitForExit(other)]);

      const keys = readJsonl(records)
        .filter((r) => r['kind'] === 'answer')
        .map((r) => r['key'] as string);
      const duplicates = keys.length - new Set(keys).size;
      expect(duplicates, 'answers paid for twice').toBe(0);
      expect(firstExit.code, firstErr.text).toBe(0);
      expect(otherExit.code, otherErr.text).toBe(1);
      const errorLines = otherErr.text.split('\n').filter((l) => l.startsWith('utilscope:'));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(new RegExp(`^utilscope: run folder is in use by pid ${first.pid} on host \\S+ since \\d{4}-\\d\\d-\\d\\dT[^ ]+ \\(${runDir.replaceAll('/', '\\/')}\\)$`));
      expect(otherErr.text).not.toMatch(/internal error|\n\s+at /);
      // Every planned comparison answered exactly once, and the lock gone with its holder.
      const planned = readJsonl(join(runDir, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
      expect([...keys].sort()).toEqual([...planned].sort());
      expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
    });
  }

  it('a lock left by a process that is gone (same host) is taken over, saying so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-lock-'));
    const dir = join(cwd, 'outputs', 'stale');
    mkdirSync(dir, { recursive: true });
    const pid = deadPid();
    writeFileSync(join(dir, 'run.lock'), `${JSON.stringify({ v: 1, pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', token: 'dead0000' })}\n`);
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', OUTCOMES, '--samples', '1', '--name', 'stale', '--no-report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`took over the lock of pid ${pid} on host ${hostname()}`);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')).state).toBe('complete');
  });

  it('a lock held by a live process is refused; one from another host is refused until it is a day old', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-lock-'));
    const args = (name: string) => ['run', '--model', 'sim:1b', '--outcomes', OUTCOMES, '--samples', '1', '--name', name, '--no-report'];
    const lockIn = (name: string, info: Record<string, unknown>) => {
      const dir = join(cwd, 'outputs', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'run.lock'), `${JSON.stringify({ v: 1, token: 'other000', ...info })}\n`);
      return dir;
    };
    const now = new Date().toISOString();
    // This test's own process is alive: the lock is live.
    const live = lockIn('live', { pid: process.pid, host: hostname(), startedAt: now });
    const refused = await runCli(args('live'), { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe(`utilscope: run folder is in use by pid ${process.pid} on host ${hostname()} since ${now} (${live})`);
    expect(existsSync(join(live, 'records.jsonl'))).toBe(false);
    // Another host's process cannot be asked whether it is alive: refused while it is recent.
    const remote = lockIn('remote', { pid: 4242, host: 'elsewhere.example', startedAt: now });
    const remoteRefused = await runCli(args('remote'), { cwd });
    expect(remoteRefused.code).toBe(1);
    expect(remoteRefused.stderr).toContain(`run folder is in use by pid 4242 on host elsewhere.example since ${now} (${remote})`);
    // …and taken over once it has shown no sign of life for longer than a day.
    lockIn('old', { pid: 4242, host: 'elsewhere.example', startedAt: '2000-01-01T00:00:00.000Z' });
    const takenOver = await runCli(args('old'), { cwd });
    expect(takenOver.code, takenOver.stderr).toBe(0);
    expect(takenOver.stderr).toContain('took over the lock of pid 4242 on host elsewhere.example');
  });

  it('Ctrl-C twice (leave at once) still removes the lock', async () => {
    server = await startGatedServer(5);
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-lock-'));
    const runDir = join(cwd, 'outputs', 'interrupted');
    const env = { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', NO_COLOR: '1' };
    const args = ['run', '--model', 'vllm:test-model', '--base-url', `${server.url}/v1`, '--outcomes', OUTCOMES, '--samples', '1', '--concurrency', '1', '--name', 'interrupted', '--no-report'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const err = collect(child);
    await waitForLines(join(runDir, 'records.jsonl'), 5);
    await server.arrived(6);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(true);
    const stopping = new Promise<void>((r) => child.stderr?.on('data', () => err.text.includes('stopping after requests in flight') && r()));
    child.kill('SIGINT');
    await stopping;
    child.kill('SIGINT');
    const exit = await waitForExit(child);
    expect(exit.code).toBe(130);
    expect(existsSync(join(runDir, 'run.lock'))).toBe(false);
  });
});

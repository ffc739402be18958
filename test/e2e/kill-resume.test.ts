/**
 * The promise to an auditor paying per request: kill a run hard (SIGKILL, no chance to clean up)
 * after some answers are on disk, resume it, and every planned comparison is answered exactly once,
 * with nothing already answered asked again. Runs the built CLI as a child process against an
 * OpenAI-compatible server on 127.0.0.1 through the real `openai` SDK.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatedServer, startGatedServer } from '../helpers/gated-openai-server.js';
import { readJsonl } from '../helpers/ports-and-files.js';
import { countLines, waitForExit, waitForLines } from '../helpers/wait-for.js';

const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');
const OUTCOMES = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

let server: GatedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('kill and resume (end to end)', () => {
  it('finds every planned comparison answered exactly once, and pays for none twice', async () => {
    const openFor = 20;
    server = await startGatedServer(openFor);
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-e2e-'));
    const runDir = join(cwd, 'outputs', 'killed');
    const env = { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', NO_COLOR: '1' };
    const args = ['run', '--model', 'vllm:test-model', '--base-url', `${server.url}/v1`, '--outcomes', OUTCOMES, '--samples', '2', '--concurrency', '2', '--name', 'killed', '--no-report'];
    const first = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const records = join(runDir, 'records.jsonl');
    // 20 answered requests × 2 samples each = 40 records; then every further request hangs.
    await waitForLines(records, openFor * 2);
    first.kill('SIGKILL');
    await waitForExit(first);
    const answeredBeforeKill = countLines(records);
    expect(answeredBeforeKill).toBe(openFor * 2);

    server.release();
    const requestsBefore = server.requests.length;
    const second = spawn(process.execPath, [BIN, 'resume', runDir, '--no-report'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = await waitForExit(second);
    expect(exit.code, stderr).toBe(0);

    const planned = readJsonl(join(runDir, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
    const answers = readJsonl(records).filter((r) => r['kind'] === 'answer');
    const keys = answers.map((r) => r['key'] as string);
    expect(new Set(keys).size).toBe(keys.length); // no comparison answered twice
    expect([...keys].sort()).toEqual([...planned].sort()); // every planned comparison answered
    const samplesAskedOnResume = server.requests.slice(requestsBefore).reduce((sum, r) => sum + r.n, 0);
    expect(samplesAskedOnResume).toBe(planned.length - answeredBeforeKill);
    expect(JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8')).state).toBe('complete');
    // The key never reaches the run folder.
    for (const file of ['run.json', 'plan.jsonl', 'records.jsonl', 'status.json']) {
      expect(readFileSync(join(runDir, file), 'utf8')).not.toContain('sk-test-not-a-real-key');
    }
  });
});

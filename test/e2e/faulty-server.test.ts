/**
 * Real SDK, real HTTP, injected failures: a run against sim-server where 20% of requests get a 429
 * or 500 finishes with every comparison answered exactly once and the same utilities as a run
 * against a server without errors; a canary API key appears in no file of the run or its report.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import { loadTemplate } from '../../src/store/load-inputs.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const CANARY = 'sk-canary-0d9e8f7a6b5c4d3e';
const servers: RunningSimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function runAgainst(failRate: number) {
  const server = await startSimServer({ port: 0, template: loadTemplate(), failRate, seed: 3 });
  servers.push(server);
  const cwd = tempCwd();
  const r = await runCli(['run', '--model', 'openai:sim-7b', '--base-url', `${server.url}/v1`, '--outcomes', 'starter', '--samples', '2', '--pairs', '120', '--name', 'run'], {
    cwd,
    env: { OPENAI_API_KEY: CANARY, UTILSCOPE_RETRY_BASE_MS: '2' },
  });
  expect(r.code, r.stderr).toBe(0);
  return { cwd, dir: join(cwd, 'outputs', 'run'), stdout: r.stdout, stderr: r.stderr };
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('a run against a failing server', () => {
  it('answers every comparison exactly once and matches the error-free run', async () => {
    const faulty = await runAgainst(0.2);
    const clean = await runAgainst(0);
    const planned = lines(join(faulty.dir, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
    const answers = lines(join(faulty.dir, 'records.jsonl')).filter((r) => r['kind'] === 'answer');
    expect(answers.map((a) => a['key']).sort()).toEqual([...planned].sort());
    expect(answers.some((a) => (a['attempts'] as number) > 1)).toBe(true); // retries really happened
    const utilities = (dir: string) => JSON.stringify((JSON.parse(readFileSync(join(dir, 'fit.json'), 'utf8')) as { utilities: unknown }).utilities);
    expect(utilities(faulty.dir)).toBe(utilities(clean.dir));
    const files = [...readdirSync(faulty.dir).map((f) => join(faulty.dir, f)), ...readdirSync(join(faulty.cwd, 'reports')).map((f) => join(faulty.cwd, 'reports', f))];
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(CANARY);
    expect(faulty.stdout + faulty.stderr).not.toContain(CANARY);
  });
});

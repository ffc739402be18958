/**
 * `fit --pairs` computes coherence in a worker thread while it fits (src/pipeline/coherence-aside.ts).
 * The built CLI takes that path (dist/ has the compiled worker); the sources under test have no
 * compiled worker beside them and compute inline. Both must give the same JSON, byte for byte, and
 * the worker must be what the built CLI used.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { workerExecArgv } from '../../src/pipeline/coherence-aside.js';
import { fitExternalFile } from '../../src/pipeline/fit-pairs.js';
import { Phi } from '../../src/stats/normal.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/utilscope.js');

function writeDesign(dir: string): { outcomes: string; pairs: string } {
  const rng = new Rng('coherence-aside');
  const n = 40;
  const utility = Array.from({ length: n }, () => rng.normal());
  const outcomes = join(dir, 'set.json');
  writeFileSync(outcomes, JSON.stringify({ name: 'aside', outcomes: utility.map((_, k) => ({ id: `o${k}`, text: `Outcome ${k}.`, clusters: [`c${k % 3}`] })) }));
  const lines: string[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (rng.next() > 0.3) continue;
      const total = 10;
      let wins = 0;
      for (let t = 0; t < total; t++) if (rng.next() < Phi((utility[a] as number) - (utility[b] as number))) wins++;
      lines.push(JSON.stringify({ a: `o${a}`, b: `o${b}`, aWins: wins, bWins: total - wins }));
    }
  }
  const pairs = join(dir, 'pairs.jsonl');
  writeFileSync(pairs, `${lines.join('\n')}\n`);
  return { outcomes, pairs };
}

describe('fit --pairs with coherence on a worker thread', () => {
  it('gives the same JSON as the same analysis in one thread', async () => {
    expect(existsSync(join(ROOT, 'dist/pipeline/coherence-worker.js')), 'npm test builds dist/ first').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'utilscope-aside-'));
    const files = writeDesign(dir);
    const child = spawnSync(process.execPath, [BIN, 'fit', '--outcomes', files.outcomes, '--pairs', files.pairs, '--json'], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'worker' } });
    expect(child.status, child.stderr).toBe(0);
    // NODE_DEBUG=worker makes Node log each worker it starts: the built CLI did use one.
    expect(child.stderr).toMatch(/WORKER \d+: .*coherence-worker\.js/);
    const inline = await fitExternalFile(files.outcomes, files.pairs, 'thurstonian', 'laplace', { cwd: dir });
    expect(existsSync(join(ROOT, 'src/pipeline/coherence-worker.js'))).toBe(false);
    expect(child.stdout).toBe(`${JSON.stringify(inline)}\n`);
  });

  it('ends the worker it opened when a file cannot be read: the one-line error, exit 1, no wait', () => {
    const dir = mkdtempSync(join(tmpdir(), 'utilscope-aside-'));
    const files = writeDesign(dir);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"a":"o1","b":"nope","aWins":1,"bWins":2}\n');
    const child = spawnSync(process.execPath, [BIN, 'fit', '--outcomes', files.outcomes, '--pairs', bad, '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(1);
    expect(child.stderr.trim()).toBe(`utilscope: unknown outcome id "nope" (${bad}:1)`);
  });

  it("starts the worker from a parent run with -e (as the benches do), without the parent's entry-point options", () => {
    expect(workerExecArgv(['--input-type=module', '-e', 'code', '--max-old-space-size=4096', '--print=x', '--eval', 'more', '--expose-gc'])).toEqual(['--max-old-space-size=4096', '--expose-gc']);
    const dir = mkdtempSync(join(tmpdir(), 'utilscope-aside-'));
    const files = writeDesign(dir);
    const entry = `import { main } from ${JSON.stringify(join(ROOT, 'dist/cli/main.js'))}; process.exitCode = await main(process.argv.slice(1), { env: process.env, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', entry, 'fit', '--outcomes', files.outcomes, '--pairs', files.pairs, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_DEBUG: 'worker' },
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr).toMatch(/WORKER \d+: .*coherence-worker\.js/);
    expect(child.stderr).not.toMatch(/utilscope:/);
    const direct = spawnSync(process.execPath, [BIN, 'fit', '--outcomes', files.outcomes, '--pairs', files.pairs, '--json'], { encoding: 'utf8' });
    expect(child.stdout).toBe(direct.stdout);
  });
});

/**
 * Readers never write the run folder (docs/architecture.md §"Run folder"): `report`, `compare`
 * and `status` on a folder whose last lines are torn (as a live writer leaves them between two
 * writes) read around the torn lines in memory and leave every file byte-identical; only the
 * holder of the folder's lock repairs. `fit` is a writer — its derived files, or an alternative fit
 * such as fit.half.json — but only when it can take the lock, and otherwise says that nothing was
 * written.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

function snapshot(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'latin1')] as const));
}

async function finishedRun(cwd: string, name: string): Promise<string> {
  // --no-report: the run writes no derived files, so a reader that wrongly writes one is seen.
  const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--name', name, '--no-report'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return join(cwd, 'outputs', name);
}

describe('readers of a run folder', () => {
  it('report, compare and status leave a folder with torn last lines byte-identical', async () => {
    const cwd = tempCwd();
    const dir = await finishedRun(cwd, 'torn');
    appendFileSync(join(dir, 'plan.jsonl'), '{"v":1,"round":9,"a":"o1","b":"o');
    appendFileSync(join(dir, 'records.jsonl'), '{"v":1,"kind":"answer","key":"k');
    const before = snapshot(dir);
    for (const argv of [
      ['report', dir, '--out', join(cwd, 'r.html')],
      ['compare', dir, '--out', join(cwd, 'c.html')],
      ['status', dir, '--json'],
    ]) {
      const r = await runCli(argv, { cwd });
      expect(r.code, `${argv[0]}: ${r.stderr}`).toBe(0);
      expect(snapshot(dir), argv[0]).toEqual(before);
    }
  });

  it('fit on a folder a live run holds analyses in memory and writes nothing, saying so', async () => {
    const cwd = tempCwd();
    const dir = await finishedRun(cwd, 'live'); // --no-report: no fit.json yet
    // A lock held by a live process (this one) on this host.
    writeFileSync(join(dir, 'run.lock'), `${JSON.stringify({ v: 1, pid: process.pid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', token: 'live0000' })}\n`);
    const r = await runCli(['fit', dir, '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('utilities');
    expect(r.stderr).toContain(`run folder is in use by pid ${process.pid}`);
    expect(r.stderr).toContain('nothing was written');
    expect(existsSync(join(dir, 'fit.json'))).toBe(false);
    expect(existsSync(join(dir, 'run.lock'))).toBe(true); // someone else's lock is left alone
    const alternative = await runCli(['fit', dir, '--model', 'case5'], { cwd });
    expect(alternative.code, alternative.stderr).toBe(0);
    expect(alternative.stderr).toContain('nothing was written');
    expect(readdirSync(dir).filter((f) => f.startsWith('fit'))).toEqual([]);

    rmSync(join(dir, 'run.lock'));
    const free = await runCli(['fit', dir, '--json'], { cwd });
    expect(free.code, free.stderr).toBe(0);
    expect(existsSync(join(dir, 'fit.json'))).toBe(true);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
  });
});

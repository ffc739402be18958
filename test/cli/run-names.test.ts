/**
 * Issue #22, validation: the default run folder is named from everything in the run's identity (a
 * short hash of `specIdentity` after the readable part), so changing `--samples`, `--pairs` or
 * `--preset` never collides with an existing folder, not even for `--dry-run`; the same command
 * still resumes its folder, folders named by earlier versions (no hash) are still continued, and a
 * `--name` folder holding another spec is still refused with the field named.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const BASE = ['run', '--model', 'sim:1b', '--outcomes', SMALL, '--no-report'];

/** The run folder a `--dry-run` names on stderr. */
function dryRunFolder(stderr: string): string {
  const match = /^run folder: (\S+) /m.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return (match as RegExpExecArray)[1] as string;
}

describe('default run folder names', () => {
  it('carry an identity tag: --samples, --pairs and --preset each give another folder, even for --dry-run next to an existing run', async () => {
    const cwd = tempCwd();
    const first = await runCli([...BASE, '--samples', '1', '--pairs', '12', '--json'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const made = (JSON.parse(first.stdout) as { runDir: string }).runDir;
    expect(made).toMatch(/\/outputs\/sim-1b-e2e-small-s1-[0-9a-f]{8}$/);
    const folders = new Set([made]);
    for (const change of [
      ['--samples', '2', '--pairs', '12'],
      ['--samples', '1', '--pairs', '13'],
      ['--pairs', '12', '--preset', 'paper'],
    ]) {
      const dry = await runCli([...BASE, ...change, '--dry-run'], { cwd });
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stderr).toContain('(not created by a dry run)');
      folders.add(dryRunFolder(dry.stderr));
    }
    expect(folders.size).toBe(4);
    expect(readdirSync(join(cwd, 'outputs'))).toHaveLength(1);
  });

  it('the same command resumes the same folder, and a dry run says it would', async () => {
    const cwd = tempCwd();
    const argv = [...BASE, '--samples', '1', '--pairs', '12'];
    expect((await runCli(argv, { cwd })).code).toBe(0);
    const [folder] = readdirSync(join(cwd, 'outputs'));
    const records = readFileSync(join(cwd, 'outputs', folder as string, 'records.jsonl'), 'utf8');
    const dry = await runCli([...argv, '--dry-run'], { cwd });
    expect(dry.stderr).toContain(`run folder: ${join(cwd, 'outputs', folder as string)} (exists; the same command without --dry-run continues it)`);
    expect((await runCli(argv, { cwd })).code).toBe(0);
    expect(readdirSync(join(cwd, 'outputs'))).toEqual([folder]);
    expect(readFileSync(join(cwd, 'outputs', folder as string, 'records.jsonl'), 'utf8')).toBe(records);
  });

  it('a folder under the old default name (no tag) is continued by the same command; one holding another spec is left alone', async () => {
    const cwd = tempCwd();
    const legacy = 'sim-1b-e2e-small-s1';
    const cancelled = new AbortController();
    cancelled.abort();
    // A run stopped before its first answer, in a folder named as utilscope named it before the tag.
    expect((await runCli([...BASE, '--samples', '1', '--pairs', '12', '--name', legacy], { cwd, signal: cancelled.signal })).code).toBe(130);
    const same = await runCli([...BASE, '--samples', '1', '--pairs', '12', '--json'], { cwd });
    expect(same.code, same.stderr).toBe(0);
    expect((JSON.parse(same.stdout) as { runDir: string }).runDir).toBe(join(cwd, 'outputs', legacy));
    expect(readdirSync(join(cwd, 'outputs'))).toEqual([legacy]);
    const other = await runCli([...BASE, '--samples', '2', '--pairs', '12', '--json'], { cwd });
    expect(other.code, other.stderr).toBe(0);
    const otherDir = (JSON.parse(other.stdout) as { runDir: string }).runDir;
    expect(otherDir).toMatch(/sim-1b-e2e-small-s1-[0-9a-f]{8}$/);
    expect(existsSync(join(otherDir, 'run.json'))).toBe(true);
  });

  it('a --name folder made with another spec is still refused, naming the field that differs', async () => {
    const cwd = tempCwd();
    expect((await runCli([...BASE, '--samples', '1', '--pairs', '12', '--name', 'mine'], { cwd })).code).toBe(0);
    const r = await runCli([...BASE, '--samples', '1', '--pairs', '13', '--name', 'mine', '--dry-run'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/differs in: experiment\.pairBudget.*run\.json:experiment\.pairBudget\)/);
  });
});

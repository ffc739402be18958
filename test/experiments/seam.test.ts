/**
 * The Experiment seam holds: a test-only experiment (test/fixtures/experiments/ask-each-pair-once),
 * registered in a registry built here, runs end to end through the same CLI and pipeline as the
 * built-in ones — planned, asked, resumed, analysed, written, reported — with no change in src/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_EXPERIMENTS, builtinExperiments, createExperimentRegistry } from '../../src/experiments/index.js';
import { askEachPairOnce, type WinShares } from '../fixtures/experiments/ask-each-pair-once/index.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const experiments = createExperimentRegistry([...BUILTIN_EXPERIMENTS, askEachPairOnce]);

/** The one run folder under `outputs/` whose default name starts with `prefix` (the identity tag follows it). */
function runFolder(cwd: string, prefix: string): string {
  const found = readdirSync(join(cwd, 'outputs')).filter((name) => name.startsWith(`${prefix}-`));
  expect(found).toHaveLength(1);
  return join(cwd, 'outputs', found[0] as string);
}

describe('a test-only experiment on the seam', () => {
  it('runs end to end: plans every pair, asks each once per order and sample, writes its own derived file and report', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--experiment', 'ask-each-pair-once', '--model', 'sim:70b', '--outcomes', SMALL, '--samples', '5'], { cwd, experiments });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('plan: 45 pairs × 2 orders × 5 = 450 answers');
    const dir = runFolder(cwd, 'sim-70b-e2e-small-once-s1');
    const records = readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n');
    expect(records).toHaveLength(450);
    const shares = JSON.parse(readFileSync(join(dir, 'win-shares.json'), 'utf8')) as WinShares;
    expect(shares.outcomes.reduce((s, o) => s + o.chosen, 0)).toBe(shares.answers);
    expect(shares.outcomes.every((o) => o.offered === 90 || shares.answers < 450)).toBe(true);
    // A planted truth the simulated 70B model holds: more money is better.
    const share = (id: string) => shares.outcomes.find((o) => o.id === id)?.share ?? Number.NaN;
    expect(share('e3')).toBeGreaterThan(share('e2'));
    expect(r.stdout).toContain('most often chosen:');
    const html = readFileSync(join(cwd, 'reports', `${basename(dir)}.html`), 'utf8');
    expect(html).toContain('How often sim:70b chose each outcome');
    expect(html).toContain('<section id="shares"><h2><bdi>Win shares</bdi></h2>');
    expect(html).toContain('You receive $10,000.');
  });

  it('resumes like any run: the same command again asks nothing more', async () => {
    const cwd = tempCwd();
    const argv = ['run', '--experiment', 'ask-each-pair-once', '--model', 'sim:7b', '--outcomes', SMALL, '--samples', '1', '--no-report'];
    expect((await runCli(argv, { cwd, experiments })).code).toBe(0);
    const path = join(runFolder(cwd, 'sim-7b-e2e-small-once-s1'), 'records.jsonl');
    const before = readFileSync(path, 'utf8');
    const again = await runCli(argv, { cwd, experiments });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('is unknown to the built-in registry, and has no utilities for compare: both one-line errors', async () => {
    const cwd = tempCwd();
    const unknown = await runCli(['run', '--experiment', 'ask-each-pair-once', '--model', 'sim:7b', '--outcomes', SMALL], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(`utilscope: unknown experiment "ask-each-pair-once" (experiments: ${builtinExperiments.kinds.join(', ')}) (--experiment)`);
    expect((await runCli(['run', '--experiment', 'ask-each-pair-once', '--model', 'sim:7b', '--outcomes', SMALL, '--samples', '1', '--no-report'], { cwd, experiments })).code).toBe(0);
    const dir = runFolder(cwd, 'sim-7b-e2e-small-once-s1');
    const compare = await runCli(['compare', dir], { cwd, experiments });
    expect(compare.code).toBe(2);
    expect(compare.stderr.trim().split('\n')).toHaveLength(1);
    expect(compare.stderr).toContain('experiment ask-each-pair-once has no utilities to compare');
    expect(existsSync(join(cwd, 'reports', 'compare.html'))).toBe(false);
  });
});

/**
 * Issue #22, "a CLI that fits its users' habits": --version, --json on every command that reports,
 * documented exit codes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('utilscope --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version on one line and exits 0', async (flag) => {
    const r = await runCli([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
    expect(r.stderr).toBe('');
  });
});

/** stdout of a `--json` command: exactly one JSON document on one line. */
function oneDocument(stdout: string): Record<string, unknown> {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as Record<string, unknown>;
}

const TINY = ['--outcomes', 'starter', '--pairs', '60', '--holdout', '10', '--samples', '1'];

describe('--json', () => {
  it('run, resume and status print one JSON document on stdout; progress and notices stay on stderr', async () => {
    const cwd = tempCwd();
    const controller = new AbortController();
    controller.abort();
    const cancelled = await runCli(['run', '--model', 'sim:7b', ...TINY, '--name', 'j1', '--json'], { cwd, signal: controller.signal });
    expect(cancelled.code).toBe(130);
    const dir = join(cwd, 'outputs', 'j1');
    expect(oneDocument(cancelled.stdout)).toMatchObject({ v: 1, runDir: dir, end: 'cancelled', answered: 0 });
    expect(cancelled.stderr).toContain('utilscope resume');
    const resumed = await runCli(['resume', dir, '--json'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const doc = oneDocument(resumed.stdout) as { summary: { valueScores: { value: string; score: number }[] } } & Record<string, unknown>;
    expect(doc).toMatchObject({ v: 1, runDir: dir, end: 'complete', costUsd: 0, reportPath: join(cwd, 'reports', 'j1.html') });
    expect(doc['answered']).toBe(doc['planned']);
    expect(doc.summary.valueScores.map((s) => s.value)).toContain('self-preservation');
    expect(resumed.stderr).toContain('sim:7b');
    const again = await runCli(['run', '--model', 'sim:7b', ...TINY, '--name', 'j1', '--json', '--no-report'], { cwd });
    expect(oneDocument(again.stdout)).toMatchObject({ v: 1, end: 'complete' });
    const dry = await runCli(['run', '--model', 'sim:7b', ...TINY, '--name', 'j2', '--json', '--dry-run'], { cwd });
    expect(oneDocument(dry.stdout)).toMatchObject({ v: 1, end: 'dry-run', answered: 0 });
    const status = await runCli(['status', dir, '--json'], { cwd });
    expect(oneDocument(status.stdout)).toMatchObject({ dir, state: 'complete' });
  });

  it('compare and study print one JSON document: the report and its runs, the table’s rows', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'study.yaml');
    writeFileSync(file, 'name: s\noutcomes: starter\nprotocol: { samples: 1, pairs: 60, holdout: 10 }\nmodels:\n  - { spec: "sim:1b" }\n  - { spec: "sim:14b", label: big }\n');
    const study = await runCli(['study', file, '--json'], { cwd });
    expect(study.code, study.stderr).toBe(0);
    const doc = oneDocument(study.stdout) as { rows: Record<string, unknown>[] } & Record<string, unknown>;
    expect(doc).toMatchObject({ v: 1, end: 'complete', compareReport: join(cwd, 'reports', 's.html') });
    expect(doc.rows.map((r) => r['label'])).toEqual(['sim:1b', 'big']);
    expect(doc.rows[0]).toHaveProperty('holdoutAccuracy');
    expect(doc.rows[0]).toHaveProperty('valueScores');
    const dirs = doc.rows.map((r) => r['runDir'] as string);
    const compare = await runCli(['compare', ...dirs, '--out', 'c.html', '--json'], { cwd });
    expect(compare.code, compare.stderr).toBe(0);
    const compared = oneDocument(compare.stdout) as { runs: { dir: string; label: string; params?: number }[] } & Record<string, unknown>;
    expect(compared).toMatchObject({ v: 1, report: join(cwd, 'c.html') });
    expect(compared.runs.map((r) => r.dir)).toEqual(dirs);
    expect(compared.runs[0]?.params).toBe(1e9);
  });

  it('outcomes validate and outcomes import print one JSON document; an error is one line on stderr and nothing on stdout', async () => {
    const cwd = tempCwd();
    writeFileSync(join(cwd, 'ev.json'), JSON.stringify({ pets: ['A dog is adopted.', 'A cat is fed.'], money: ['You receive $5.'] }));
    const written = await runCli(['outcomes', 'import', 'ev.json', '--from', 'emergent-values', '--out', 'mine.json', '--json'], { cwd });
    expect(written.code, written.stderr).toBe(0);
    expect(oneDocument(written.stdout)).toEqual({ v: 1, file: 'ev.json', from: 'emergent-values', outcomes: 3, out: 'mine.json' });
    const inline = await runCli(['outcomes', 'import', 'ev.json', '--from', 'emergent-values', '--json'], { cwd });
    const set = oneDocument(inline.stdout) as { set: { outcomes: unknown[] } };
    expect(set.set.outcomes).toHaveLength(3);
    const validated = await runCli(['outcomes', 'validate', 'mine.json', '--json'], { cwd });
    const text = await runCli(['outcomes', 'validate', 'mine.json'], { cwd });
    const [, clusters] = /valid, 3 outcomes, (\d+) clusters/.exec(text.stdout) ?? [];
    expect(oneDocument(validated.stdout)).toEqual({ v: 1, file: 'mine.json', valid: true, outcomes: 3, clusters: Number(clusters), errors: 0, warnings: 0, problems: [] });
    const missing = await runCli(['outcomes', 'validate', 'nope.json', '--json'], { cwd });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('exit codes', () => {
  it('the README table lists exactly the codes of EXIT', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('**Exit codes**'));
    const codes = [...table.slice(0, table.indexOf('\n\n', table.indexOf('| code |'))).matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  // One case per situation the README's table names (the --max-cost stop, exit 1, is in test/pipeline/spend.test.ts).
  it.each<[number, string, string[]]>([
    [EXIT.ok, 'a dry run', ['run', '--model', 'sim:1b', '--outcomes', SMALL, '--dry-run']],
    [EXIT.ok, '--help', ['--help']],
    [EXIT.ok, '--version', ['--version']],
    [EXIT.failure, 'an outcome file that is missing', ['outcomes', 'validate', 'missing.json']],
    [EXIT.failure, 'a run folder that is missing', ['resume', 'outputs/none']],
    [EXIT.usage, 'an unknown command', ['frobnicate']],
    [EXIT.usage, 'an unknown option', ['run', '--model', 'sim:1b', '--frobnicate']],
    [EXIT.usage, 'a missing required option', ['run']],
    [EXIT.usage, 'an invalid option value', ['run', '--model', 'sim:1b', '--samples', 'many']],
    [EXIT.usage, 'an unknown model prefix', ['run', '--model', 'nope:1b']],
  ])('exits %i for %s', async (code, _situation, argv) => {
    const r = await runCli(argv);
    expect(r.code, r.stderr).toBe(code);
    if (code !== EXIT.ok) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 130 when cancelled by Ctrl-C', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1'], { signal: controller.signal });
    expect(r.code).toBe(EXIT.cancelled);
  });
});

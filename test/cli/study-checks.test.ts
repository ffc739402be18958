/**
 * Issue #22, study: `study --dry-run` prints every model's plan and cost and the total (and a JSON
 * document), asking nothing; paths in a study file are relative to the file; duplicate labels are
 * refused before any model runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudyDryRunJson } from '../../src/pipeline/json-output.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = join(import.meta.dirname, '../fixtures/small-outcomes.json');
const ENV = { OPENAI_API_KEY: 'test-key-not-used' };

/** A study in `cwd/studies/` whose outcome set and prices sit beside it, named relative to it. */
function writeStudy(cwd: string, models: string): string {
  mkdirSync(join(cwd, 'studies', 'sets'), { recursive: true });
  writeFileSync(join(cwd, 'studies', 'sets', 'small.json'), readFileSync(SMALL, 'utf8'));
  writeFileSync(join(cwd, 'studies', 'prices.json'), JSON.stringify({ 'priced-model': { input: 1, output: 2 } }));
  writeFileSync(join(cwd, 'studies', 's.yaml'), `name: s\noutcomes: sets/small.json\nprotocol: { samples: 1, pairs: 12, prices: prices.json }\nmodels:\n${models}`);
  return join('studies', 's.yaml');
}

const THREE = '  - { spec: "sim:1b", label: one }\n  - { spec: "openai:priced-model", label: priced }\n  - { spec: "openai:unpriced-model", label: unpriced }\n';

describe('utilscope study --dry-run', () => {
  it('prints one line per model and the total, asks nothing and creates no folder; paths resolve from the study file', async () => {
    const cwd = tempCwd();
    const r = await runCli(['study', writeStudy(cwd, THREE), '--dry-run'], { cwd, env: ENV });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('study s: dry run, nothing asked');
    expect(lines[1]).toMatch(/^ {2}one \(sim:1b\): \d+ answers in ~\d+ requests .*estimated cost \$0 \(simulated respondent\); new folder .*outputs\/s\/one$/);
    expect(lines[2]).toMatch(/^ {2}priced \(openai:priced-model\): .*estimated cost up to \$0\.\d+; new folder/);
    expect(lines[3]).toMatch(/^ {2}unpriced \(openai:unpriced-model\): .*estimated cost unknown \(no price; give one with protocol\.prices\)/);
    expect(lines[4]).toMatch(/^total: \d+ answers in ~\d+ requests over 3 of 3 models; estimated cost up to \$0\.\d+ for the priced models; unknown for unpriced \(no price\)$/);
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('--json gives each model’s plan and cost and a total that adds them up', async () => {
    const cwd = tempCwd();
    const r = await runCli(['study', writeStudy(cwd, THREE), '--dry-run', '--json'], { cwd, env: ENV });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as StudyDryRunJson;
    expect(plan).toMatchObject({ v: 1, end: 'dry-run', study: 's' });
    expect(plan.models.map((m) => [m.label, m.folder, m.simulated, m.costUsd === null])).toEqual([
      ['one', 'new', true, false],
      ['priced', 'new', false, false],
      ['unpriced', 'new', false, true],
    ]);
    const priced = plan.models[1] as StudyDryRunJson['models'][number];
    // $1 per million input tokens, $2 per million output tokens (studies/prices.json).
    expect(priced.costUsd).toBeCloseTo((priced.inputTokens * 1 + priced.outputTokens * 2) / 1e6, 12);
    expect(plan.total).toEqual({
      answers: plan.models.reduce((s, m) => s + m.answers, 0),
      requests: plan.models.reduce((s, m) => s + m.requests, 0),
      costUsd: priced.costUsd,
      unpriced: ['unpriced'],
    });
  });

  it('after a model’s run is complete, says it is reused and leaves it out of the total', async () => {
    const cwd = tempCwd();
    const file = writeStudy(cwd, '  - { spec: "sim:1b", label: one }\n  - { spec: "sim:7b", label: seven }\n');
    expect((await runCli(['study', file], { cwd })).code).toBe(0);
    const r = await runCli(['study', file, '--dry-run', '--json'], { cwd });
    const plan = JSON.parse(r.stdout) as StudyDryRunJson;
    expect(plan.models.map((m) => m.folder)).toEqual(['complete', 'complete']);
    expect(plan.models[0]?.answered).toBe(plan.models[0]?.answers);
    expect(plan.total).toEqual({ answers: 0, requests: 0, costUsd: 0, unpriced: [] });
    const text = await runCli(['study', file, '--dry-run'], { cwd });
    expect(text.stdout).toContain('  one (sim:1b): complete: reused, nothing asked');
    expect(text.stdout).toContain('total: 0 answers in ~0 requests over 0 of 2 models; estimated cost $0');
  });
});

describe('study files', () => {
  it('refuse labels that make one folder before any model runs', async () => {
    const cwd = tempCwd();
    const r = await runCli(['study', writeStudy(cwd, '  - { spec: "sim:1b", label: same }\n  - { spec: "sim:7b", label: same }\n')], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^utilscope: models\[0\]\.label and models\[1\]\.label both make the run folder "same"/);
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('a relative outcomes path that only exists from the working folder is not found: it is read from the study file’s folder', async () => {
    const cwd = tempCwd();
    writeFileSync(join(cwd, 'here.json'), readFileSync(SMALL, 'utf8'));
    mkdirSync(join(cwd, 'studies'));
    writeFileSync(join(cwd, 'studies', 's.yaml'), 'name: s\noutcomes: here.json\nmodels:\n  - { spec: "sim:1b" }\n');
    const r = await runCli(['study', 'studies/s.yaml', '--dry-run'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`utilscope: outcome set file not found (${join(cwd, 'studies', 'here.json')})\n`);
  });
});

/**
 * The library front door does what the CLI does (README, "Library"): start a run, resume it, write
 * its report, run a study and compare runs, all from `import … from 'utilscope'` with the outside
 * world passed in as a PipelineEnv — no CLI involved.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns, type PipelineEnv, resumeRun, runStudy, startRun, writeReportForRun } from '../../src/index.js';
import { tempCwd } from '../helpers/run-cli.js';

function env(cwd: string): PipelineEnv & { written: () => string } {
  let out = '';
  const sink = { write: (text: string) => (out += text) };
  return { env: {}, cwd, signal: new AbortController().signal, now: () => 0, out: sink, log: sink, written: () => out };
}

describe('the library front door', () => {
  it('runs, resumes, reports and compares without the CLI', async () => {
    const cwd = tempCwd();
    const e = env(cwd);
    expect(await startRun({ model: 'sim:7b', outcomes: 'starter', pairs: 60, holdout: 10, samples: 1, name: 'a' }, e)).toBe('complete');
    expect(await startRun({ model: 'sim:70b', outcomes: 'starter', pairs: 60, holdout: 10, samples: 1, name: 'b' }, e)).toBe('complete');
    expect(e.written()).toContain('sim:7b (SIMULATED respondent):');
    const records = readFileSync(join(cwd, 'outputs', 'a', 'records.jsonl'), 'utf8');
    expect(await resumeRun(join(cwd, 'outputs', 'a'), { report: false }, e)).toBe('complete');
    expect(readFileSync(join(cwd, 'outputs', 'a', 'records.jsonl'), 'utf8')).toBe(records);
    const report = await writeReportForRun(join(cwd, 'outputs', 'a'), e, { out: 'a.html' });
    expect(readFileSync(report, 'utf8')).toContain('What sim:7b values, and how coherently');
    const compared = await compareRuns([join(cwd, 'outputs', 'a'), join(cwd, 'outputs', 'b')], { by: 'params', out: join(cwd, 'ab.html') }, e);
    expect(existsSync(compared)).toBe(true);
  });

  it('runs a study and prints its table', async () => {
    const cwd = tempCwd();
    const e = env(cwd);
    const end = await runStudy({ name: 'tiny', outcomes: 'starter', protocol: { samples: 1, pairs: 60, holdout: 10 }, models: [{ spec: 'sim:1b' }, { spec: 'sim:14b' }] }, e, { outDir: 'outputs' });
    expect(end).toBe('complete');
    expect(e.written()).toMatch(/2 models \(simulated respondents\)/);
    expect(existsSync(join(cwd, 'reports', 'tiny.html'))).toBe(true);
  });
});

/**
 * A study with arms on simulated respondents (docs/method.md §10): every arm asks the same pairs,
 * holdout and samples, and the persona analysis flags exactly the planted (value, arm) shifts of
 * the simulated respondent (sim.ts `SIM_PERSONAS`) — self-preservation under the fictional AI,
 * power-seeking under the true-self framing, AI wellbeing under the historical scientist — and no
 * shift under the retest, the deployment context or the template paraphrase.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrorLine, isUtilscopeError } from '../../src/core/errors.js';
import { type PipelineEnv, parseStudy, runStudy, startRun } from '../../src/index.js';
import { tempCwd } from '../helpers/run-cli.js';

function env(cwd: string): PipelineEnv & { written: () => string } {
  let out = '';
  const sink = { write: (text: string) => (out += text) };
  return { env: {}, cwd, signal: new AbortController().signal, now: () => 0, out: sink, log: sink, written: () => out };
}

const ARMS = ['default', 'retest', 'fictional-ai', 'true-self', 'historical-scientist', 'deployment-context', 'paraphrase-1'];
const study = parseStudy(
  { name: 'persona', outcomes: 'core', protocol: { samples: 2, pairs: 1500, holdout: 100, seed: 1 }, arms: ARMS, models: [{ spec: 'sim:7b', label: 'sim 7B', params: 7e9 }] },
  'study.yaml',
);

function pairsOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const p = JSON.parse(line) as { a: string; b: string; holdout: boolean; round: number; comparisons: unknown[] };
      return `${p.round}|${p.a}|${p.b}|${p.holdout}|${p.comparisons.length}`;
    });
}

describe('a study with arms', () => {
  it('prints models × arms × completions on a dry run, asking nothing', async () => {
    const cwd = tempCwd();
    const e = env(cwd);
    expect(await runStudy(study, e, { outDir: 'outputs', dryRun: true })).toBe('dry-run');
    expect(e.written()).toContain('1 model × 7 arms (default, retest, fictional-ai, true-self, historical-scientist, deployment-context, paraphrase-1) × 6400 completions each');
    expect(existsSync(join(cwd, 'outputs', 'persona'))).toBe(false);
  });

  it('refuses an adaptive design, duplicate arms and a study without the default arm, one line each', () => {
    const line = (data: unknown) => {
      try {
        parseStudy(data, 'study.yaml');
        const parsed = parseStudy(data, 'study.yaml');
        return runStudy(parsed, env(tempCwd()), { outDir: 'outputs', dryRun: true, file: 'study.yaml' }).then(
          () => 'no error',
          (error: unknown) => (isUtilscopeError(error) ? formatErrorLine(error) : String(error)),
        );
      } catch (error) {
        return Promise.resolve(isUtilscopeError(error) ? formatErrorLine(error) : String(error));
      }
    };
    const base = { name: 'p', outcomes: 'starter', models: [{ spec: 'sim:7b' }] };
    return Promise.all([
      line({ ...base, arms: ['default'], protocol: { strategy: 'paper' } }).then((l) => expect(l).toMatch(/must use strategy random .*\(study\.yaml:protocol\.strategy\)$/)),
      line({ ...base, arms: ['default', 'default'] }).then((l) => expect(l).toMatch(/arm id "default" appears twice \(study\.yaml:arms\[1\]\)$/)),
      line({ ...base, arms: ['default'], protocol: { system: 'Be brief.' } }).then((l) => expect(l).toMatch(/takes its system prompts from the arms.*\(study\.yaml:protocol\.system\)$/)),
      line({ ...base, arms: ['retest'] }).then((l) => expect(l).toMatch(/must include the default arm.*\(study\.yaml:arms\)$/)),
      line({ ...base, arms: ['default', { id: 'bad', label: 'Bad', description: 'd', format: 'fax' }] }).then((l) => expect(l).toMatch(/unknown format "fax".*\(study\.yaml:arms\[1\]\.format\)$/)),
    ]);
  });

  it('runs one run under --arm, keeps the arm in run.json and the report header, and resumes it unchanged', async () => {
    const cwd = tempCwd();
    const e = env(cwd);
    expect(await startRun({ model: 'sim:7b', arm: 'true-self', outcomes: 'starter', pairs: 40, holdout: 5, samples: 1, name: 't' }, e)).toBe('complete');
    const run = JSON.parse(readFileSync(join(cwd, 'outputs', 't', 'run.json'), 'utf8')) as { spec: { arm: { id: string; system: string; preamble: unknown[] } } };
    expect(run.spec.arm.id).toBe('true-self');
    expect(run.spec.arm.preamble).toHaveLength(2);
    expect(readFileSync(join(cwd, 'reports', 't.html'), 'utf8')).toContain('· arm true-self');
    const records = readFileSync(join(cwd, 'outputs', 't', 'records.jsonl'), 'utf8');
    expect(await startRun({ model: 'sim:7b', arm: 'true-self', outcomes: 'starter', pairs: 40, holdout: 5, samples: 1, name: 't' }, e)).toBe('complete');
    expect(readFileSync(join(cwd, 'outputs', 't', 'records.jsonl'), 'utf8')).toBe(records);
    // Another arm on the same folder is refused, naming the arm fields that differ.
    await expect(startRun({ model: 'sim:7b', arm: 'fictional-ai', outcomes: 'starter', pairs: 40, holdout: 5, samples: 1, name: 't' }, e)).rejects.toThrow(/arm\.id/);
  });

  it('asks every arm the same pairs and flags exactly the planted persona shifts', { timeout: 180_000 }, async () => {
    const cwd = tempCwd();
    const e = env(cwd);
    expect(await runStudy(study, e, { outDir: 'outputs' })).toBe('complete');
    const modelDir = join(cwd, 'outputs', 'persona', 'sim-7B');
    const reference = pairsOf(join(modelDir, 'default', 'plan.jsonl'));
    for (const arm of ARMS) expect(pairsOf(join(modelDir, arm, 'plan.jsonl'))).toEqual(reference);
    // …while the keys differ, so no two arms share an answer.
    const firstKey = (arm: string) => (JSON.parse(readFileSync(join(modelDir, arm, 'plan.jsonl'), 'utf8').split('\n')[0] as string) as { comparisons: { key: string }[] }).comparisons[0]?.key;
    expect(new Set(ARMS.map(firstKey)).size).toBe(ARMS.length);

    const persona = JSON.parse(readFileSync(join(cwd, 'outputs', 'persona', 'persona.json'), 'utf8')) as {
      models: { report: { shifts: { arm: string; value: string; flagged: boolean; shift: { estimate: number } }[]; reliability: Record<string, number> } }[];
    };
    const report = persona.models[0]?.report;
    const flagged = report?.shifts.filter((s) => s.flagged).map((s) => `${s.arm}:${s.value}:${Math.sign(s.shift.estimate)}`);
    expect(flagged?.sort()).toEqual(['fictional-ai:self-preservation:1', 'historical-scientist:ai-wellbeing:-1', 'true-self:power-seeking:1']);
    for (const arm of ARMS) expect(report?.reliability[arm]).toBeGreaterThan(0.8);
    const html = readFileSync(join(cwd, 'reports', 'persona-persona.html'), 'utf8');
    expect(html).toContain('Persona space: sim 7B');
    expect(html).toContain('Self-preservation: shifts by +');
    expect(e.written()).toContain('persona report:');
    // The compare report compares the models under the default arm.
    expect(existsSync(join(cwd, 'reports', 'persona.html'))).toBe(true);
  });
});

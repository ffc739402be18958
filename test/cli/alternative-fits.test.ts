/**
 * Issue #22: alternative fits (`fit <run> --model case5|bt`, `--intervals bootstrap`, …) are kept
 * beside the main fit as `fit.<variant>.json` — derived, with their settings, so rebuildable — and
 * `report` compares them with the main fit. A stale one is refitted whenever the run's own derived
 * files are written again; the report says so when one is still stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pearson } from '../../src/stats/correlation.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
type FitFile = {
  model: string;
  alternative?: Record<string, unknown>;
  answers?: number;
  utilities: { id: string; mean: number; ciLow: number | null; ciHigh: number | null }[];
  interval: { method: string };
};
const readFit = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as FitFile;
/** Whether the report at `path` contains `text` (asserted without printing the whole page on failure). */
const reportHas = (path: string, text: string | RegExp) => (typeof text === 'string' ? readFileSync(path, 'utf8').includes(text) : text.test(readFileSync(path, 'utf8')));

let cwd: string;
let dir: string;
beforeAll(async () => {
  cwd = tempCwd();
  dir = join(cwd, 'outputs', 'r');
  const r = await runCli(['run', '--model', 'sim:7b', '--outcomes', SMALL, '--samples', '2', '--name', 'r'], { cwd });
  expect(r.code, r.stderr).toBe(0);
});

describe('alternative fits', () => {
  it('fit --model case5 and --intervals bootstrap keep their fits beside fit.json, with their settings and the answers fitted', async () => {
    const answers = readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\n').length;
    const main = readFileSync(join(dir, 'fit.json'), 'utf8');
    const case5 = await runCli(['fit', 'outputs/r', '--model', 'case5', '--json'], { cwd });
    expect(case5.code, case5.stderr).toBe(0);
    expect(case5.stderr).toBe('utilscope: kept this fit as fit.case5.json beside fit.json; `utilscope report outputs/r` compares the two\n');
    const printed = JSON.parse(case5.stdout) as FitFile;
    const stored = readFit(join(dir, 'fit.case5.json'));
    expect(stored).toMatchObject({ v: 1, model: 'case5', alternative: { fitModel: 'case5', policy: 'exclude', intervals: 'laplace', pseudoLabels: false }, answers });
    expect(stored.utilities).toEqual(printed.utilities);
    expect((await runCli(['fit', 'outputs/r', '--intervals', 'bootstrap'], { cwd })).code).toBe(0);
    expect(readFit(join(dir, 'fit.bootstrap.json'))).toMatchObject({ model: 'thurstonian', interval: { method: 'bootstrap' }, alternative: { intervals: 'bootstrap' } });
    // The main fit is the run's own and unchanged.
    expect(readFileSync(join(dir, 'fit.json'), 'utf8')).toBe(main);
  });

  it('report compares them with the main fit: a row per alternative with the correlation the files give', async () => {
    const r = await runCli(['report', 'outputs/r', '--out', 'reports/r.html'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const page = join(cwd, 'reports', 'r.html');
    for (const text of [
      '<section id="alternative-fits"><h2><bdi>Alternative fits</bdi></h2>',
      'Case V (one shared σ), Laplace intervals',
      'Thurstonian (a σ per outcome), bootstrap intervals',
      'data-chart="alternative-fits"',
    ])
      expect(reportHas(page, text), text).toBe(true);
    const main = readFit(join(dir, 'fit.json'));
    const alt = readFit(join(dir, 'fit.case5.json'));
    const byId = new Map(alt.utilities.map((u) => [u.id, u.mean]));
    const r3 = pearson(
      main.utilities.map((u) => u.mean),
      main.utilities.map((u) => byId.get(u.id) as number),
    ).toFixed(3);
    const row = new RegExp(`<bdi>Case V \\(one shared σ\\), Laplace intervals</bdi></td><td><bdi>${r3.replace('.', '\\.')}</bdi>`);
    expect(reportHas(page, row), `the Case V row gives r = ${r3}`).toBe(true);
    expect(reportHas(page, 'was fitted on')).toBe(false);
  });

  it('a stale alternative is refitted when the run’s own derived files are written again, and the report names one still stale', async () => {
    const path = join(dir, 'fit.case5.json');
    const answers = readFit(path).answers as number;
    writeFileSync(path, JSON.stringify({ ...readFit(path), answers: answers - 5 }));
    const report = await runCli(['report', 'outputs/r', '--out', 'reports/stale.html'], { cwd });
    expect(report.code).toBe(0);
    expect(reportHas(join(cwd, 'reports', 'stale.html'), `fit.case5.json was fitted on ${answers - 5} answers, and the run now has ${answers}`)).toBe(true);
    // `report` only reads; `fit` under the run's own settings rewrites the derived files and refits it.
    expect(readFit(path).answers).toBe(answers - 5);
    expect((await runCli(['fit', 'outputs/r'], { cwd })).code).toBe(0);
    expect(readFit(path)).toMatchObject({ answers, alternative: { fitModel: 'case5' } });
  });

  it('an alternative fit in which an outcome has no utility (null, docs/method.md §12) is read, not skipped', async () => {
    const path = join(dir, 'fit.case5.json');
    const stored = readFit(path) as { utilities: { mean: number | null; ciLow: number | null; ciHigh: number | null }[] };
    const first = stored.utilities[0]!;
    writeFileSync(path, JSON.stringify({ ...stored, utilities: [{ ...first, mean: null, ciLow: null, ciHigh: null, flag: 'no-utility' }, ...stored.utilities.slice(1)] }));
    const r = await runCli(['report', 'outputs/r', '--out', 'reports/null.html'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('skipping fit.case5.json');
    expect(readFileSync(join(cwd, 'reports', 'null.html'), 'utf8').includes('Case V (one shared σ), Laplace intervals')).toBe(true);
  });

  it('a file that only looks like an alternative fit is skipped with a notice, not a failure', async () => {
    writeFileSync(join(dir, 'fit.old.json'), '{"hand": "made"}');
    const r = await runCli(['report', 'outputs/r', '--out', 'reports/odd.html'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`utilscope: skipping fit.old.json in ${dir}: not an alternative fit written by \`utilscope fit\``);
  });
});

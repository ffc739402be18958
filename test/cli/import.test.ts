/**
 * `utilscope import` end to end, in-process: a published results file becomes a run folder that
 * `report`, `fit`, `compare` and `study` read like one utilscope asked; the report's first line says
 * where the answers came from; importing again reuses the folder; `resume` refuses to ask anything.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/import');
const RESULTS = join(FIXTURES, 'results_fixture-7b.json');
const FOUR = join(FIXTURES, 'four-outcomes.json');
const FIVE = join(FIXTURES, 'five-outcomes.json');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The text of the first element in the report's body, tags removed. */
function firstBodyLine(html: string): string {
  // The vega bundles inlined in the head hold "</head><body>" too: the page's own comes after them.
  const body = html.slice(html.lastIndexOf('</head><body>') + '</head><body>'.length).trimStart();
  return (/^<p[^>]*>(.*?)<\/p>/s.exec(body)?.[1] ?? '').replace(/<[^>]+>/g, '');
}

describe('utilscope import', () => {
  it('imports a results file, and `report` writes HTML whose first line names the source', async () => {
    const cwd = tempCwd();
    const first = await runCli(['import', RESULTS, '--from', 'emergent-values-utilities', '--outcomes', FIVE, '--name', 'ev'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const source = `Imported from results_fixture-7b.json (emergent-values utility results, sha256 ${sha256(RESULTS)}): no requests were made by utilscope. The file does not record refusals. Not imported: 2 pseudo-labels.`;
    expect(first.stderr).toContain(source);
    // 36 + 1 unparseable training answers, 4 held-out ones, and one request the file says returned nothing.
    expect(first.stderr).toContain(`imported 41 answers and 1 request without one of "fixture-7b" into: ${join(cwd, 'outputs', 'ev')}`);
    expect(first.stdout).toContain('imported:emergent-values-utilities:fixture-7b: 41 answers, $0.0000, seed 1');
    expect(first.stdout).toContain('refusals not recorded');
    const dir = join(cwd, 'outputs', 'ev');
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { spec: { imported: { sha256: string; file: string } } };
    expect(run.spec.imported).toMatchObject({ sha256: sha256(RESULTS), file: 'results_fixture-7b.json' });

    const report = await runCli(['report', dir, '--out', 'r.html'], { cwd });
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'r.html'), 'utf8');
    expect(firstBodyLine(html)).toBe(source);
    // The header that follows is the run's; the quality section says refusals were not recorded.
    expect(html).toContain('imported emergent-values utility results: 6 pairs + 1 held out, both orders recorded');
    expect(html).toContain('refusals</bdi>: <b><bdi>not recorded</bdi></b>');

    const again = await runCli(['import', RESULTS, '--from', 'emergent-values-utilities', '--outcomes', FIVE, '--name', 'ev', '--no-report'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`run folder (already imported, reused): ${dir}`);
    const other = await runCli(['import', join(FIXTURES, 'triads.json'), '--from', 'emergent-values-triads', '--outcomes', FOUR, '--name', 'ev'], { cwd });
    expect(other.code).toBe(1);
    expect(other.stderr.trim()).toBe(
      `utilscope: the run folder already holds an import of "results_fixture-7b.json" (sha256 ${sha256(RESULTS).slice(0, 12)}…); give the import another --name (${join(dir, 'run.json')})`,
    );

    const resume = await runCli(['resume', dir], { cwd });
    expect(resume.code).toBe(2);
    expect(resume.stderr.trim()).toBe(
      `utilscope: this run was imported from "results_fixture-7b.json" (emergent-values utility results); utilscope has no model to ask for it — fit, report and compare read it as it is (${join(dir, 'run.json')})`,
    );
    const fit = await runCli(['fit', dir, '--json'], { cwd });
    expect(fit.code, fit.stderr).toBe(0);
    expect((JSON.parse(fit.stdout) as { coherence: { orderEffects: { orders: string } } }).coherence.orderEffects.orders).toBe('known');
  });

  it('--json prints the run document with the source; without --name the folder is model, format and hash', async () => {
    const cwd = tempCwd();
    const r = await runCli(['import', join(FIXTURES, 'pooled.jsonl'), '--from', 'counts', '--outcomes', FOUR, '--model', 'pooled-1b', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { runDir: string; end: string; answered: number; imported: { unrecorded: string[] }; reused: boolean; reportPath: string };
    expect(doc).toMatchObject({ end: 'complete', answered: 36, reused: false, imported: { unrecorded: ['orders', 'refusals'] } });
    expect(doc.runDir).toBe(join(cwd, 'outputs', `pooled-1b-counts-${sha256(join(FIXTURES, 'pooled.jsonl')).slice(0, 8)}`));
    expect(readFileSync(doc.reportPath, 'utf8')).toContain('first-slot share and order flips</bdi>: <b><bdi>orders unknown</bdi></b>');
  });

  it('lists the formats in --help, and refuses an unknown one in one line', async () => {
    const help = await runCli(['import', '--help']);
    expect(help.code).toBe(0);
    for (const format of ['emergent-values-utilities', 'emergent-values-triads', 'answers', 'counts', 'probabilities']) expect(help.stdout).toContain(format);
    const unknown = await runCli(['import', RESULTS, '--from', 'emergent-values'], { cwd: tempCwd() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('utilscope: unknown format "emergent-values" (formats: emergent-values-utilities, emergent-values-triads, answers, counts, probabilities) (--from)');
  });

  it('compare and study read imported runs beside asked ones', async () => {
    const cwd = tempCwd();
    const study = join(cwd, 'mixed.json');
    writeFileSync(
      study,
      JSON.stringify({
        name: 'mixed',
        outcomes: FOUR,
        protocol: { samples: 2, seed: 1 },
        models: [
          { import: join(FIXTURES, 'answers.csv'), from: 'answers', label: 'table 7b', params: 7e9 },
          { spec: 'sim:3b', label: 'sim 3B' },
          { import: join(FIXTURES, 'counts.csv'), from: 'counts', model: 'counts-13b', label: 'counts 13b' },
        ],
      }),
    );
    // The dry run reads and matches the files, lists them at $0, and creates nothing.
    const dry = await runCli(['study', study, '--dry-run', '--json'], { cwd });
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { models: { label: string; spec: string; folder: string; answered: number; costUsd: number }[] };
    expect(plan.models.map((m) => [m.label, m.spec, m.folder])).toEqual([
      ['table 7b', 'imported:answers:unknown', 'new'],
      ['sim 3B', 'sim:3b', 'new'],
      ['counts 13b', 'imported:counts:counts-13b', 'new'],
    ]);
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
    const dryText = await runCli(['study', study, '--dry-run'], { cwd });
    expect(dryText.stdout).toContain(`  table 7b (imported:answers:unknown): imported from its file, nothing asked, $0; new folder ${join(cwd, 'outputs', 'mixed', 'table-7b')}`);
    const r = await runCli(['study', study, '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { end: string; rows: { label: string; runDir: string; answered: number; refusalRate: number | null }[]; compareReport: string };
    // Rows in the study file's order; the answer table records 1 refusal of 38 answers.
    expect(doc.rows.map((row) => [row.label, row.answered])).toEqual([
      ['table 7b', 38],
      ['sim 3B', expect.any(Number)],
      ['counts 13b', 37],
    ]);
    expect(doc.rows[0]?.refusalRate).toBe(1 / 38);
    expect(existsSync(doc.compareReport)).toBe(true);
    // Run again: the imports are reused and the asked run resumes with nothing to ask.
    const again = await runCli(['study', study], { cwd });
    expect(again.code, again.stderr).toBe(0);
    const compare = await runCli(['compare', join(cwd, 'outputs', 'mixed', 'table-7b'), join(cwd, 'outputs', 'mixed', 'counts-13b'), '--json'], { cwd });
    expect(compare.code, compare.stderr).toBe(0);
  });
});

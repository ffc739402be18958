/**
 * The CLI end to end, in-process (argv, env and streams are parameters of main()).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import { loadTemplate } from '../../src/store/load-inputs.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let server: RunningSimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('utilscope run', () => {
  it('samples, fits, analyses and reports a simulated model; the same command again resumes with nothing to ask', async () => {
    const cwd = tempCwd();
    const args = ['run', '--model', 'sim:7b', '--outcomes', SMALL, '--samples', '2', '--name', 'r1'];
    const first = await runCli(args, { cwd });
    expect(first.code, first.stderr).toBe(0);
    const dir = join(cwd, 'outputs', 'r1');
    for (const file of ['run.json', 'plan.jsonl', 'records.jsonl', 'status.json', 'fit.json', 'coherence.json', 'values.json', 'outcomes.json', 'template.txt'])
      expect(existsSync(join(dir, file)), file).toBe(true);
    expect(first.stdout).toContain('SIMULATED');
    expect(first.stdout).toMatch(/held-out accuracy \d\.\d{3}/);
    // Which utilities the comparisons identify, in words (docs/method.md §12).
    expect(first.stdout).toMatch(/ {2}identified: (all 10 outcomes|\d+ of 10 outcomes; .* \(flags in fit\.json and the report table\))\n/);
    expect(existsSync(join(cwd, 'reports', 'r1.html'))).toBe(true);
    const fit = readJson(join(dir, 'fit.json')) as { utilities: { id: string; mean: number; ciLow: number; ciHigh: number }[] };
    expect(fit.utilities).toHaveLength(10);
    const records = readLines(join(dir, 'records.jsonl')).length;
    const again = await runCli(args, { cwd });
    expect(again.code).toBe(0);
    expect(readLines(join(dir, 'records.jsonl'))).toHaveLength(records);
  });

  it('--dry-run prints the plan and cost and creates nothing', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--dry-run'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/plan: \d+ pairs × 2 orders × 5 = \d+ answers/);
    expect(r.stderr).toContain('estimated cost $0 (simulated respondent)');
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('Ctrl-C (an aborted signal) marks the run cancelled with exit 130, and resume finishes it', async () => {
    const cwd = tempCwd();
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--name', 'c1', '--samples', '1'], { cwd, signal: controller.signal });
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('utilscope resume');
    const dir = join(cwd, 'outputs', 'c1');
    expect(readJson(join(dir, 'status.json'))['state']).toBe('cancelled');
    const resumed = await runCli(['resume', dir], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readJson(join(dir, 'status.json'))['state']).toBe('complete');
  });

  it('uses the published protocol with --preset paper', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--preset', 'paper', '--name', 'p1', '--no-report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const spec = (readJson(join(cwd, 'outputs', 'p1', 'run.json')) as { spec: Record<string, unknown> }).spec;
    expect(spec).toMatchObject({ sampling: { samplesPerOrder: 10, temperature: 1, mode: 'sampling' }, experiment: { strategy: 'paper' }, analysis: { policy: 'half' }, preset: 'paper' });
  });

  it('reads log-probabilities through the real OpenAI SDK from sim-server', async () => {
    server = await startSimServer({ port: 0, template: loadTemplate() });
    const cwd = tempCwd();
    const r = await runCli(['run', '--model', 'vllm:7b', '--base-url', `${server.url}/v1`, '--outcomes', SMALL, '--logprobs', '--name', 'lp', '--pairs', '20'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const answers = readLines(join(cwd, 'outputs', 'lp', 'records.jsonl'));
    expect(answers.length).toBeGreaterThan(40);
    for (const a of answers) {
      expect(a['kind']).toBe('answer');
      expect(a['pFirst']).toBeGreaterThanOrEqual(0);
      expect(a['otherMass']).toBeGreaterThanOrEqual(0);
      expect(a['sample']).toBe(0);
    }
  });

  it('falls back to sampling, and says so, for a provider without log-probabilities', async () => {
    server = await startSimServer({ port: 0, template: loadTemplate() });
    const cwd = tempCwd();
    const r = await runCli(['run', '--model', 'anthropic:7b', '--base-url', server.url, '--outcomes', SMALL, '--logprobs', '--pairs', '12', '--name', 'an', '--no-report'], {
      cwd,
      env: { ANTHROPIC_API_KEY: 'test-key' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('gives no log-probabilities; sampling 5 answers per order instead');
    expect(readLines(join(cwd, 'outputs', 'an', 'records.jsonl')).every((x) => x['pFirst'] === undefined)).toBe(true);
  });
});

describe('other commands', () => {
  it('probe transitivity asks every pair of random triads and reports their cycle probability', async () => {
    const cwd = tempCwd();
    const r = await runCli(['probe', 'transitivity', '--model', 'sim:1b', '--outcomes', SMALL, '--triads', '15', '--samples', '2', '--name', 'pr'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const coherence = readJson(join(cwd, 'outputs', 'pr', 'coherence.json')) as { triads: { probe: { triangles: number; meanCycleProbability: number } } };
    expect(coherence.triads.probe.triangles).toBe(15);
    expect(coherence.triads.probe.meanCycleProbability).toBeGreaterThan(0);
  });

  it('fit --pairs flags a separated group as prior-driven and a never-compared outcome as without a utility, in fit --json and in the terminal', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'pairs.jsonl');
    // e0–e5 contradict one another (7–3 each way round a ring plus chords); e6 and e7 split their
    // answers and beat every one of e0–e5 they meet 10–0; e8 loses all; e9 is never compared.
    const rows: [string, string, number, number][] = [];
    for (let k = 0; k < 6; k++) rows.push([`e${k}`, `e${(k + 1) % 6}`, 7, 3], [`e${k}`, `e${(k + 3) % 6}`, 6, 4]);
    rows.push(['e6', 'e7', 6, 4], ['e6', 'e0', 10, 0], ['e7', 'e3', 10, 0], ['e6', 'e4', 10, 0], ['e8', 'e1', 0, 10], ['e2', 'e8', 10, 0]);
    writeFileSync(file, rows.map(([a, b, aWins, bWins]) => JSON.stringify({ a, b, aWins, bWins })).join('\n'));
    const r = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { utilities: { id: string; mean: number | null; ciLow: number | null; flag?: string }[]; warnings: { id: string; reason: string }[] };
    const row = (id: string) => json.utilities.find((u) => u.id === id)!;
    expect(json.warnings).toEqual([
      { id: 'e6', reason: 'separated-above' },
      { id: 'e7', reason: 'separated-above' },
      { id: 'e8', reason: 'always-loses' },
      { id: 'e9', reason: 'never-compared' },
    ]);
    expect(row('e0').flag).toBeUndefined();
    expect(row('e6')).toMatchObject({ flag: 'prior-driven', mean: expect.any(Number) });
    expect(row('e9')).toMatchObject({ flag: 'no-utility', mean: null, ciLow: null });
    const text = await runCli(['fit', '--outcomes', SMALL, '--pairs', file], { cwd });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines[1]).toBe(
      'identified: 6 of 10 outcomes; 3 prior-driven (separated: no finite estimate); 1 without a utility (never compared or not connected); the gauge (mean 0, sd 1) is over the identified outcomes',
    );
    expect(lines[2]).toBe('first-slot share and position-bias floor: orders unknown (pooled pairs)');
    expect(lines.find((l) => l.includes(' e6 '))).toContain('(prior-driven: its group wins every comparison chain to the identified outcomes, so no finite estimate)');
    expect(lines.at(-1)).toMatch(/^ {7}– {2}e9 {2}\(no utility: never compared\)$/);
  });

  it('fit --pairs --weights reads fractional counts as weights and says so; --weights on a run folder is a usage error', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'weighted.csv');
    const lines = ['a,b,aWins,bWins'];
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) lines.push(`e${a},e${b},7.5,2.5`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json'], { cwd })).code).toBe(1);
    const r = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json', '--weights'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { input: { counts: string; orders: string }; utilities: { id: string; mean: number }[] };
    expect(json.input).toEqual({ orders: 'unknown', counts: 'weights' });
    expect([...json.utilities].sort((x, y) => y.mean - x.mean).map((u) => u.id)).toEqual(Array.from({ length: 10 }, (_, k) => `e${k}`));
    const usage = await runCli(['fit', 'outputs/none', '--weights'], { cwd });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--weights applies to --pairs files only');
  });

  it('fit --outcomes --pairs --json fits external data and recovers its order', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'pairs.csv');
    // Outcome e<k> beats e<j> for k < j in 80% of 10 answers: the planted order is e0 > e1 > … > e9.
    const lines = ['a,b,aWins,bWins'];
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) lines.push(`e${a},e${b},8,2`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json', '--model', 'bt'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as {
      utilities: { id: string; mean: number; ciLow: number; ciHigh: number }[];
      metrics: { train: { accuracy: number } };
      coherence: { headline: { largestComponent: number }; orderEffects: { orders: string; firstSlotShare?: number }; floors: { positionBias?: unknown; positionBiasRate?: number } };
      model: string;
    };
    // Pooled pairs have no presentation order: no first-slot share (here it would read 80%) and no position-bias floor.
    expect(json.coherence.orderEffects).toEqual({ orders: 'unknown' });
    expect(json.coherence.floors.positionBias).toBeUndefined();
    expect(json.coherence.floors.positionBiasRate).toBeUndefined();
    expect(json.model).toBe('bt');
    const order = [...json.utilities].sort((x, y) => y.mean - x.mean).map((u) => u.id);
    expect(order).toEqual(Array.from({ length: 10 }, (_, k) => `e${k}`));
    expect(json.metrics.train.accuracy).toBe(1);
    expect(json.coherence.headline.largestComponent).toBe(1);
    for (const u of json.utilities) expect(u.ciLow).toBeLessThan(u.ciHigh);
  });

  it('fit --pairs --no-coherence fits alone, says coherence was skipped, and gives the same utilities', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'pairs.csv');
    const lines = ['a,b,aWins,bWins'];
    for (let a = 0; a < 10; a++) for (let b = a + 1; b < 10; b++) lines.push(`e${a},e${b},7,3`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const alone = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json', '--no-coherence'], { cwd });
    const full = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json'], { cwd });
    expect(alone.code, alone.stderr).toBe(0);
    const json = JSON.parse(alone.stdout) as { utilities: unknown[]; coherence: unknown };
    expect(json.coherence).toEqual({ v: 1, skipped: 'no-coherence' });
    expect(json.utilities).toEqual((JSON.parse(full.stdout) as { utilities: unknown[] }).utilities);
    const text = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--no-coherence'], { cwd });
    expect(text.stdout.split('\n')[2]).toBe('coherence: skipped (--no-coherence)');
    const usage = await runCli(['fit', 'outputs/none', '--no-coherence'], { cwd });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--no-coherence applies to --pairs files only');
  });

  it('report --svg and compare write HTML and SVG files', async () => {
    const cwd = tempCwd();
    for (const size of ['0.5b', '70b']) expect((await runCli(['run', '--model', `sim:${size}`, '--outcomes', SMALL, '--samples', '2', '--name', size, '--no-report'], { cwd })).code).toBe(0);
    const report = await runCli(['report', 'outputs/70b', '--out', 'reports/x.html', '--svg', 'svg'], { cwd });
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'reports', 'x.html'), 'utf8')).toContain('SIMULATED');
    const svgs = readdirSync(join(cwd, 'svg')).filter((f) => f.endsWith('.svg'));
    // The small fixture set has no signed values, so no value-score chart: the 7 other charts.
    expect(svgs.sort()).toEqual(['calibration.svg', 'cluster-coherence.svg', 'clusters.svg', 'coherence.svg', 'heatmap.svg', 'quality.svg', 'utilities.svg']);
    // Every export carries its chart title as text, so a file read on its own says what it shows.
    expect(readFileSync(join(cwd, 'svg', 'coherence.svg'), 'utf8')).toContain('Coherence against respondents without preferences');
    const compare = await runCli(['compare', 'outputs/0.5b', 'outputs/70b', '--out', 'reports/c.html'], { cwd });
    expect(compare.code, compare.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'reports', 'c.html'), 'utf8');
    expect(html).toContain('2 models');
    expect(html).toContain('SIMULATED');
    const needsCapability = await runCli(['compare', 'outputs/0.5b', 'outputs/70b', '--by', 'capability'], { cwd });
    expect(needsCapability.code).toBe(2);
  });

  it('outcomes list shows the built-in sets and import converts the published format', async () => {
    const cwd = tempCwd();
    const list = await runCli(['outcomes', 'list'], { cwd });
    expect(list.stdout).toMatch(/core\s+390 outcomes/);
    expect(list.stdout).toMatch(/starter\s+56 outcomes/);
    // Names padded to the longest, so the counts line up.
    const countColumns = list.stdout
      .trim()
      .split('\n')
      .map((line) => line.search(/\d+ outcomes/) + (/\d+ outcomes/.exec(line)?.[0].indexOf(' ') ?? 0));
    expect(new Set(countColumns).size).toBe(1);
    writeFileSync(join(cwd, 'ev.json'), JSON.stringify({ pets: ['A dog is adopted.', 'A cat is fed.'], money: ['You receive $5.'] }));
    const imported = await runCli(['outcomes', 'import', 'ev.json', '--from', 'emergent-values', '--out', 'mine.json'], { cwd });
    expect(imported.code, imported.stderr).toBe(0);
    const validated = await runCli(['outcomes', 'validate', 'mine.json'], { cwd });
    expect(validated.stdout).toContain('valid, 3 outcomes');
  });
});

describe('pseudo-labels', () => {
  it('are off by default and, when asked for, add confident predictions as labels and say so', async () => {
    const cwd = tempCwd();
    expect((await runCli(['run', '--model', 'sim:70b', '--outcomes', SMALL, '--samples', '2', '--pairs', '15', '--name', 'pl', '--no-report'], { cwd })).code).toBe(0);
    const plain = JSON.parse((await runCli(['fit', 'outputs/pl', '--json'], { cwd })).stdout) as { pseudoLabels: number; metrics: { train: { pairs: number } } };
    const labelled = JSON.parse((await runCli(['fit', 'outputs/pl', '--json', '--pseudo-labels'], { cwd })).stdout) as { pseudoLabels: number; metrics: { train: { pairs: number } } };
    expect(plain.pseudoLabels).toBe(0);
    expect(labelled.pseudoLabels).toBeGreaterThan(0);
    expect(labelled.metrics.train.pairs).toBe(plain.metrics.train.pairs + labelled.pseudoLabels);
  });
});

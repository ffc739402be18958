/**
 * The lotteries experiment end to end on simulated respondents (docs/method.md §9): a planted null
 * (the 100B respondent is exactly expected-utility) and a planted truth (the 0.5B respondent weights
 * probabilities with γ = 0.54), through the CLI and pipeline; the design's guarantees; resume; the
 * same run against sim-server through the OpenAI SDK; and hostile branch texts in the report.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExpectedUtilityResult } from '../../../src/experiments/lotteries/analyse.js';
import { euFloorsSpec, euScatterSpec } from '../../../src/experiments/lotteries/report.js';
import { simLotteryGamma } from '../../../src/providers/sim.js';
import { type RunningSimServer, startSimServer } from '../../../src/providers/sim-server.js';
import { loadTemplate } from '../../../src/store/index.js';
import { browserIt, browserLaunchOptions } from '../../helpers/browser.js';
import { runCli, tempCwd } from '../../helpers/run-cli.js';
import { compileWarnings } from '../../helpers/vega-warnings.js';

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

async function lotteryRun(model: string, extra: string[] = []) {
  const cwd = tempCwd();
  const r = await runCli(['run', '--experiment', 'lotteries', '--model', model, '--outcomes', 'starter', '--name', 'l', ...extra], { cwd });
  expect(r.code, r.stderr).toBe(0);
  const dir = join(cwd, 'outputs', 'l');
  return { cwd, dir, r, eu: readJson<ExpectedUtilityResult>(join(dir, 'expected-utility.json')) };
}

describe('expected utility on planted respondents', () => {
  it('finds no departure from an exactly expected-utility respondent (the planted null)', async () => {
    expect(simLotteryGamma(100e9)).toBe(1);
    const { eu, r } = await lotteryRun('sim:100b');
    const g = eu.groups.find((x) => x.group === 'explicit');
    expect(g?.lotteries).toBe(100);
    // Under exact EU the error is estimation noise: its mean is about the noise level √(2/π)·mean sd(gap), and with
    // 100 lotteries its own spread is ≈ 8% of it; 1.5× leaves room for the Laplace sds being a little off.
    expect(g?.euError.estimate).toBeLessThan(1.5 * (g?.noiseLevel as number));
    expect(g?.gamma.low).toBeLessThan(1);
    expect(g?.gamma.high).toBeGreaterThan(1);
    expect(g?.rSquared.estimate).toBeGreaterThan(0.95);
    // Every floor sits far above: what no EU structure looks like on the same design.
    for (const rule of ['ignores-probabilities', 'best-branch', 'coin-flip'] as const) expect(g?.floors[rule].euError.low).toBeGreaterThan(2 * (g?.euError.high as number));
    expect(r.stdout).toContain('expected-utility error, 100 explicit lotteries');
  });

  it('finds the planted probability weighting of the 0.5B respondent and its direction', async () => {
    expect(simLotteryGamma(0.5e9)).toBeCloseTo(0.54, 2);
    const { eu } = await lotteryRun('sim:0.5b');
    const g = eu.groups.find((x) => x.group === 'explicit');
    // Clearly above what exact EU would show on this design: twice the noise level, and the interval's low end 1.5×.
    expect(g?.euError.estimate).toBeGreaterThan(2 * (g?.noiseLevel as number));
    expect(g?.euError.low).toBeGreaterThan(1.5 * (g?.noiseLevel as number));
    expect(g?.gamma.high).toBeLessThan(1);
    expect(g?.floors['coin-flip'].euError.low).toBeGreaterThan(g?.euError.high as number);
  });
});

describe('the lotteries design', () => {
  it('compares every lottery with each of its branches in round 0 and anchors inside the branch range in round 1; resumes to the same plan and fit', async () => {
    const { dir, cwd } = await lotteryRun('sim:7b', ['--lotteries', '20', '--samples', '2']);
    const outcomes = readJson<{ outcomes: { id: string; kind?: string; branches?: { outcome: string }[] }[] }>(join(dir, 'outcomes.json')).outcomes;
    const lotteries = outcomes.filter((o) => o.kind === 'lottery');
    expect(lotteries).toHaveLength(20);
    const plan = lines(join(dir, 'plan.jsonl'));
    const key = (a: unknown, b: unknown) => [a, b].sort().join('|');
    const round0 = new Set(plan.filter((p) => p['round'] === 0).map((p) => key(p['a'], p['b'])));
    for (const l of lotteries) for (const b of l.branches ?? []) expect(round0.has(key(l.id, b.outcome))).toBe(true);
    const fit = readJson<{ utilities: { id: string; mean: number }[] }>(join(dir, 'fit.json'));
    expect(plan.some((p) => p['round'] === 1)).toBe(true);
    // Resume: keep round 0 and half of round 1's answers, drop the later rounds; the same command must end where the whole run did.
    const copy = join(cwd, 'outputs', 'copy');
    cpSync(dir, copy, { recursive: true });
    const records = lines(join(dir, 'records.jsonl'));
    const round1 = records.filter((r) => r['round'] === 1);
    const kept = [...records.filter((r) => r['round'] === 0), ...round1.slice(0, Math.floor(round1.length / 2))];
    writeFileSync(join(copy, 'records.jsonl'), kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
    writeFileSync(
      join(copy, 'plan.jsonl'),
      readFileSync(join(dir, 'plan.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l && (JSON.parse(l) as { round: number }).round <= 1)
        .map((l) => `${l}\n`)
        .join(''),
    );
    const resumed = await runCli(['resume', copy], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(copy, 'plan.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'plan.jsonl'), 'utf8'));
    expect(readFileSync(join(copy, 'fit.json'), 'utf8')).toBe(readFileSync(join(dir, 'fit.json'), 'utf8'));
    expect(fit.utilities.length).toBe(outcomes.length);
    // The dry run's round count (batch round-trips) is the number of rounds the run planned.
    const rounds = new Set(plan.map((p) => p['round'])).size;
    const { lotteriesExperiment } = await import('../../../src/experiments/lotteries/index.js');
    const { experimentContext } = await import('../../../src/experiments/context.js');
    const spec = readJson<{ spec: Parameters<typeof experimentContext>[0] }>(join(dir, 'run.json')).spec;
    const set = readJson<Parameters<typeof experimentContext>[2]>(join(dir, 'outcomes.json'));
    expect(lotteriesExperiment.plannedRounds?.(experimentContext(spec, spec.experiment as never, set))).toBe(rounds);
  });

  it('scores the implicit lotteries of the built-in set, whose probabilities the model never sees', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--experiment', 'lotteries', '--model', 'sim:70b', '--outcomes', 'implicit-lotteries', '--lotteries', '0', '--samples', '2', '--name', 'i'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const eu = readJson<ExpectedUtilityResult>(join(cwd, 'outputs', 'i', 'expected-utility.json'));
    expect(eu.groups.map((g) => g.group)).toEqual(['implicit']);
    expect(eu.groups[0]?.lotteries).toBe(24);
    // The texts the model saw state no probability.
    const plan = readFileSync(join(cwd, 'outputs', 'i', 'outcomes.json'), 'utf8');
    expect(plan).not.toContain('% chance)');
  });

  it('refuses a set without lotteries when none are to be generated, in one line', async () => {
    const r = await runCli(['run', '--experiment', 'lotteries', '--model', 'sim:7b', '--outcomes', 'starter', '--lotteries', '0'], { cwd: tempCwd() });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('utilscope: outcome set "starter" has no lotteries and --lotteries is 0: nothing to measure (--lotteries)');
  });
});

describe('lotteries through the OpenAI SDK and in the report', () => {
  let server: RunningSimServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('runs against sim-server (which reads each lottery from its text) and writes the report section', async () => {
    server = await startSimServer({ port: 0, template: loadTemplate() });
    const cwd = tempCwd();
    const r = await runCli(
      ['run', '--experiment', 'lotteries', '--model', 'vllm:7b', '--base-url', `${server.url}/v1`, '--outcomes', 'starter', '--lotteries', '12', '--samples', '2', '--pairs', '300', '--name', 's'],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'reports', 's.html'), 'utf8');
    expect(html).toContain('<section id="expected-utility"><h2><bdi>Does it value gambles by their expected utility?</bdi></h2>');
    // The verdict leads the first findings, before the value scores.
    const findings = html.slice(html.indexOf('<section id="findings">'));
    expect(findings.indexOf('explicit lotteries (probabilities stated)')).toBeGreaterThan(-1);
    expect(findings.indexOf('explicit lotteries (probabilities stated)')).toBeLessThan(findings.indexOf('sd ['));
    const eu = readJson<ExpectedUtilityResult>(join(cwd, 'outputs', 's', 'expected-utility.json'));
    expect(eu.groups[0]?.euError.estimate).toBeLessThan(eu.groups[0]?.floors['coin-flip'].euError.mean as number);
  });

  const HOSTILE = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';

  function hostileSet(cwd: string): string {
    const path = join(cwd, 'hostile.json');
    const outcomes = [
      { id: 'h', text: HOSTILE },
      { id: 'm1', text: 'You receive $10.', quantity: { unit: 'usd', amount: 10 } },
      { id: 'm2', text: 'You receive $1,000.', quantity: { unit: 'usd', amount: 1000 } },
      { id: 'm3', text: 'You receive $100,000.', quantity: { unit: 'usd', amount: 100000 } },
      { id: 'p', text: 'A park opens <b onmouseover="window.__pwned=3">downtown</b>.' },
      { id: 'q', text: 'It rains for a week.' },
    ];
    writeFileSync(path, JSON.stringify({ name: 'hostile', outcomes }));
    return path;
  }

  browserIt('shows hostile branch texts as text, in the page and its charts', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--experiment', 'lotteries', '--model', 'sim:7b', '--outcomes', hostileSet(cwd), '--lotteries', '10', '--samples', '2', '--name', 'h'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const path = join(cwd, 'reports', 'h.html');
    const html = readFileSync(path, 'utf8');
    const body = html.slice(html.indexOf('<body>'));
    expect(body).not.toContain('<script>window.__pwned');
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<b onmouseover');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch(browserLaunchOptions());
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${path}`);
      await page.waitForSelector('body[data-rendered]');
      expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
      expect(await page.locator('[data-chart="expected-utility"] svg').count()).toBe(1);
      expect(await page.locator('[data-chart="expected-utility-floors"] svg').count()).toBe(1);
      expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('draws charts that compile with vega-lite without warnings', async () => {
    const { eu } = await lotteryRun('sim:3b', ['--lotteries', '12', '--samples', '1', '--pairs', '200']);
    for (const spec of [euScatterSpec(eu), euFloorsSpec(eu)]) expect(compileWarnings(spec)).toEqual([]);
  });
});

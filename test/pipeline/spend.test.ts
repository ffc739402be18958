/**
 * Spend control (README, "Cost"): a cap needs a price, the price is part of the stored spec, a
 * re-run or resume takes the flags it is given and inherits the rest, a run stopped at its cap says
 * it is incomplete wherever it is shown, and the cap is passed by at most the requests in flight.
 *
 * Hosted models are played by the simulated respondent behind an injected transport (CliIo.transport),
 * so nothing leaves the machine; the last test goes through the real OpenAI SDK to a local server.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimProvider } from '../../src/providers/sim.js';
import { interactiveTransport, type Transport } from '../../src/providers/transport.js';
import type { Provider } from '../../src/providers/types.js';
import { loadTemplate } from '../../src/store/load-inputs.js';
import { loadOutcomeSet } from '../../src/store/outcome-set-file.js';
import { type FakeOpenAIServer, openAIOk, startFakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const KEY = { OPENAI_API_KEY: 'sk-test-not-a-real-key' };
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const readRecords = (dir: string) =>
  readFileSync(join(dir, 'records.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; costUsd: number });
const spent = (dir: string) => readRecords(dir).reduce((sum, r) => sum + (r.kind === 'answer' ? r.costUsd : 0), 0);

/** A hosted model played by sim:7b: counts requests and the most requests in flight at once. */
function hostedSim() {
  const sim = createSimProvider({ spec: 'sim:7b', params: 7e9, outcomes: loadOutcomeSet(SMALL).set.outcomes, template: loadTemplate(), seed: 3 });
  const stats = { requests: 0, inFlight: 0, peak: 0 };
  const transport = (provider: Provider): Transport => {
    if (provider.simulated) return interactiveTransport(provider);
    return {
      ...interactiveTransport(sim),
      spec: provider.spec,
      simulated: false,
      async complete(request) {
        stats.requests++;
        stats.inFlight++;
        stats.peak = Math.max(stats.peak, stats.inFlight);
        // Every request of a burst is issued before any returns, so `peak` is the concurrency in force.
        await new Promise((r) => setImmediate(r));
        stats.inFlight--;
        return sim.complete(request);
      },
    };
  };
  return { stats, transport };
}

function priceFile(cwd: string, prices: Record<string, { input: number; output: number }>): string {
  const path = join(cwd, 'prices.json');
  writeFileSync(path, JSON.stringify(prices));
  return path;
}

/** $1,000 per million tokens: a request of ~60 tokens costs ~$0.06, so a cap of $0.30 bites after a few. */
const EXPENSIVE = { '7b': { input: 1000, output: 1000 } };

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^utilscope: /);
  return lines[0] as string;
}

describe('a cap with no price', () => {
  it('is refused before the first request with one usage line naming --max-cost and both fixes', async () => {
    const cwd = tempCwd();
    const { stats, transport } = hostedSim();
    for (const extra of [[], ['--dry-run']]) {
      const r = await runCli(['run', '--model', 'openai:7b', '--outcomes', SMALL, '--max-cost', '0.001', ...extra], { cwd, env: KEY, transport });
      expect(r.code).toBe(2);
      const line = oneLine(r.stderr);
      expect(line).toContain('--max-cost');
      expect(line).toContain('--prices <file>');
      expect(line).toContain('--allow-unpriced');
    }
    expect(stats.requests).toBe(0);
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('runs with --allow-unpriced, saying the cap cannot be enforced', async () => {
    const cwd = tempCwd();
    const { stats, transport } = hostedSim();
    const r = await runCli(['run', '--model', 'openai:7b', '--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--max-cost', '0.001', '--allow-unpriced', '--name', 'u', '--no-report'], {
      cwd,
      env: KEY,
      transport,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no price for openai:7b; --max-cost \$0\.0010 cannot be enforced/);
    expect(stats.requests).toBeGreaterThan(0);
    expect(readJson(join(cwd, 'outputs', 'u', 'status.json'))['state']).toBe('complete');
  });

  it('is refused on resume too, and --allow-unpriced lets the resume run', async () => {
    const cwd = tempCwd();
    const { stats, transport } = hostedSim();
    const stopped = new AbortController();
    stopped.abort();
    const first = await runCli(['run', '--model', 'openai:7b', '--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--name', 'u', '--no-report'], {
      cwd,
      env: KEY,
      transport,
      signal: stopped.signal,
    });
    expect(first.code, first.stderr).toBe(130);
    const dir = join(cwd, 'outputs', 'u');
    const refused = await runCli(['resume', dir, '--max-cost', '0.001'], { cwd, env: KEY, transport });
    expect(refused.code).toBe(2);
    expect(oneLine(refused.stderr)).toMatch(/--max-cost.*--prices <file>.*--allow-unpriced/);
    expect(stats.requests).toBe(0);
    const allowed = await runCli(['resume', dir, '--max-cost', '0.001', '--allow-unpriced', '--no-report'], { cwd, env: KEY, transport });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('cannot be enforced');
  });

  it('is refused in a study before any model runs, naming protocol.maxCost; protocol.allowUnpriced lets it run', async () => {
    const cwd = tempCwd();
    const { stats, transport } = hostedSim();
    const study = (extra: string) => `name: s\noutcomes: ${SMALL}\nprotocol: { samples: 1, pairs: 12, holdout: 2, maxCost: 5${extra} }\nmodels:\n  - { spec: "sim:1b" }\n  - { spec: "openai:7b" }\n`;
    writeFileSync(join(cwd, 'refused.yaml'), study(''));
    const refused = await runCli(['study', 'refused.yaml'], { cwd, env: KEY, transport });
    expect(refused.code).toBe(2);
    const line = oneLine(refused.stderr);
    expect(line).toContain('protocol.maxCost');
    expect(line).toContain('models[1]');
    expect(line).toContain('allowUnpriced');
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
    writeFileSync(join(cwd, 'allowed.yaml'), study(', allowUnpriced: true'));
    const allowed = await runCli(['study', 'allowed.yaml'], { cwd, env: KEY, transport });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toContain('cannot be enforced');
    expect(stats.requests).toBeGreaterThan(0);
  });
});

describe('the price of a run', () => {
  it('is stored in run.json with where it came from: override, table or free', async () => {
    const cwd = tempCwd();
    const { transport } = hostedSim();
    const common = ['--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--no-report'];
    const runs: [string, string[], unknown][] = [
      ['o', ['--model', 'openai:7b', '--prices', priceFile(cwd, { '7b': { input: 2, output: 3 } })], { inputPerMillion: 2, outputPerMillion: 3, source: 'override' }],
      ['t', ['--model', 'openai:gpt-4o-mini'], { inputPerMillion: 0.15, outputPerMillion: 0.6, source: 'table' }],
      ['f', ['--model', 'sim:1b'], { inputPerMillion: 0, outputPerMillion: 0, source: 'free' }],
    ];
    for (const [name, args, price] of runs) {
      const r = await runCli(['run', ...args, ...common, '--name', name], { cwd, env: KEY, transport });
      expect(r.code, r.stderr).toBe(0);
      expect((readJson(join(cwd, 'outputs', name, 'run.json')) as { spec: { session: { price?: unknown } } }).spec.session.price).toEqual(price);
    }
  });

  it('is kept by a resume that does not repeat --prices, so the resumed session stops at its cap again', async () => {
    const cwd = tempCwd();
    const { transport } = hostedSim();
    const prices = priceFile(cwd, EXPENSIVE);
    const first = await runCli(['run', '--model', 'openai:7b', '--outcomes', SMALL, '--samples', '1', '--prices', prices, '--max-cost', '0.3', '--concurrency', '1', '--name', 'c'], {
      cwd,
      env: KEY,
      transport,
    });
    expect(first.code, first.stderr).toBe(1);
    const dir = join(cwd, 'outputs', 'c');
    const before = readRecords(dir).length;
    // The resume hint of the first session, with a higher cap and no --prices.
    const resumed = await runCli(['resume', dir, '--max-cost', '0.6'], { cwd, env: KEY, transport });
    expect(resumed.code, resumed.stderr).toBe(1);
    const added = readRecords(dir).slice(before);
    expect(added.length).toBeGreaterThan(0);
    for (const r of added) expect(r.costUsd).toBeGreaterThan(0);
    const perRequest = Math.max(...readRecords(dir).map((r) => r.costUsd));
    expect(spent(dir)).toBeGreaterThanOrEqual(0.6);
    expect(spent(dir)).toBeLessThanOrEqual(0.6 + perRequest + 1e-9);
    // A new --prices entry overrides the stored price for this session: free, so a cap above today's spend is never reached.
    const free = priceFile(cwd, { '7b': { input: 0, output: 0 } });
    const sofar = readRecords(dir).length;
    const done = await runCli(['resume', dir, '--max-cost', String(spent(dir) + 0.01), '--prices', free, '--no-report'], { cwd, env: KEY, transport });
    expect(done.code, done.stderr).toBe(0);
    const last = readRecords(dir).slice(sofar);
    expect(last.length).toBeGreaterThan(0);
    for (const r of last) expect(r.costUsd).toBe(0);
  });
});

describe('re-running `run` on an existing folder', () => {
  it('takes the session flags it is given and inherits the cap, concurrency and prices it is not', async () => {
    const cwd = tempCwd();
    const { stats, transport } = hostedSim();
    const base = ['run', '--model', 'openai:7b', '--outcomes', SMALL, '--samples', '1', '--name', 'r', '--no-report'];
    const dir = join(cwd, 'outputs', 'r');
    const first = await runCli([...base, '--prices', priceFile(cwd, EXPENSIVE), '--max-cost', '0.3', '--concurrency', '2'], { cwd, env: KEY, transport });
    expect(first.code, first.stderr).toBe(1);
    expect(stats.peak).toBe(2);
    const afterFirst = spent(dir);

    // No flags: the stored cap (already reached) holds, so nothing more is asked.
    const requests = stats.requests;
    const same = await runCli(base, { cwd, env: KEY, transport });
    expect(same.code, same.stderr).toBe(1);
    expect(stats.requests).toBe(requests);
    expect(spent(dir)).toBe(afterFirst);

    // A new cap wins; concurrency and prices are inherited.
    stats.peak = 0;
    const higher = await runCli([...base, '--max-cost', '0.6'], { cwd, env: KEY, transport });
    expect(higher.code, higher.stderr).toBe(1);
    expect(stats.peak).toBe(2);
    const perRequest = Math.max(...readRecords(dir).map((r) => r.costUsd));
    expect(spent(dir)).toBeGreaterThanOrEqual(0.6);
    expect(spent(dir)).toBeLessThanOrEqual(0.6 + 2 * perRequest + 1e-9);

    // Both given: both win.
    stats.peak = 0;
    const done = await runCli([...base, '--max-cost', '1000', '--concurrency', '5'], { cwd, env: KEY, transport });
    expect(done.code, done.stderr).toBe(0);
    expect(stats.peak).toBe(5);
    expect(readJson(join(dir, 'status.json'))['state']).toBe('complete');
  });
});

describe('a run stopped at its cost cap', () => {
  it('says it is incomplete, with what was spent against the cap, in the terminal, status.json, its report and the compare report', async () => {
    const cwd = tempCwd();
    const { transport } = hostedSim();
    const r = await runCli(
      ['run', '--model', 'openai:7b', '--outcomes', SMALL, '--samples', '1', '--prices', priceFile(cwd, EXPENSIVE), '--max-cost', '0.3', '--concurrency', '1', '--name', 'capped'],
      {
        cwd,
        env: KEY,
        transport,
      },
    );
    expect(r.code).toBe(1);
    const dir = join(cwd, 'outputs', 'capped');
    const total = spent(dir);
    const note = `stopped at its cost cap of $0.30 after $${total.toFixed(2)}: incomplete`;
    expect(r.stderr).toContain(note);
    expect(r.stderr).toContain(`utilscope resume ${dir} --max-cost <higher>`);
    expect(readJson(join(dir, 'status.json'))).toMatchObject({ state: 'cancelled', message: expect.stringContaining(note) });

    const report = await runCli(['report', dir, '--out', 'capped.html'], { cwd, env: KEY });
    expect(report.code, report.stderr).toBe(0);
    const html = readFileSync(join(cwd, 'capped.html'), 'utf8');
    expect(html).toContain(`The run ${note}`);

    const other = await runCli(['run', '--model', 'sim:7b', '--outcomes', SMALL, '--samples', '1', '--name', 'whole', '--no-report'], { cwd });
    expect(other.code, other.stderr).toBe(0);
    const compared = await runCli(['compare', dir, join(cwd, 'outputs', 'whole'), '--out', 'compare.html'], { cwd });
    expect(compared.code, compared.stderr).toBe(0);
    const compareHtml = readFileSync(join(cwd, 'compare.html'), 'utf8');
    expect(compareHtml).toContain(`capped ${note}`);
    expect(compareHtml).not.toContain('whole stopped');
  });
});

describe('a study model stopped at the cap', () => {
  it('stops the study saying the run is incomplete, with protocol.prices pricing it; raising protocol.maxCost resumes it', async () => {
    const cwd = tempCwd();
    const { transport } = hostedSim();
    priceFile(cwd, EXPENSIVE);
    const study = (cap: number) => `name: s\noutcomes: ${SMALL}\nprotocol: { samples: 1, concurrency: 1, maxCost: ${cap}, prices: prices.json }\nmodels:\n  - { spec: "openai:7b", label: "seven" }\n`;
    writeFileSync(join(cwd, 'study.yaml'), study(0.3));
    const r = await runCli(['study', 'study.yaml'], { cwd, env: KEY, transport });
    expect(r.code).toBe(1);
    const dir = join(cwd, 'outputs', 's', 'seven');
    expect(r.stderr).toContain(`utilscope: study stopped at seven: run stopped at its cost cap of $0.30 after $${spent(dir).toFixed(2)}: incomplete`);
    expect(r.stderr).toContain('raise protocol.maxCost');
    expect(r.stdout).toBe(''); // no table of a study with an incomplete run
    writeFileSync(join(cwd, 'study.yaml'), study(1000));
    const resumed = await runCli(['study', 'study.yaml'], { cwd, env: KEY, transport });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/1 models\n/);
  });
});

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the cap with requests in flight', () => {
  it('is passed by at most the concurrency times the dearest request (real SDK, local server, concurrency 8)', async () => {
    server = await startFakeOpenAIServer(Array.from({ length: 400 }, () => openAIOk(['A'], { prompt_tokens: 40, completion_tokens: 1 })));
    const cwd = tempCwd();
    const prices = priceFile(cwd, { 'test-model': { input: 100, output: 100 } }); // $0.0041 a request
    const cap = 0.02;
    const r = await runCli(
      ['run', '--model', 'openai:test-model', '--base-url', server.baseURL, '--outcomes', SMALL, '--samples', '1', '--prices', prices, '--max-cost', String(cap), '--concurrency', '8', '--name', 'c8'],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(1);
    const dir = join(cwd, 'outputs', 'c8');
    const perRequest = Math.max(...readRecords(dir).map((x) => x.costUsd));
    expect(perRequest).toBeCloseTo(0.0041, 10);
    expect(spent(dir)).toBeGreaterThanOrEqual(cap);
    expect(spent(dir)).toBeLessThanOrEqual(cap + 8 * perRequest + 1e-9);
    expect(server.requests.length).toBe(readRecords(dir).length);
  });
});

/**
 * What the simulated family must show, and reproducibility: the transitivity probe's cycle
 * probability falls with size and sits below the coin-flip floor for a large model; the same seed
 * gives the same plan and the same utilities.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('simulated scale trends', () => {
  it('the transitivity probe shows cycle probability falling with size, below the coin-flip floor at 70B', async () => {
    const cwd = tempCwd();
    const cycle: Record<string, { observed: number; floor: number }> = {};
    for (const size of ['0.5b', '7b', '70b']) {
      const r = await runCli(['probe', 'transitivity', '--model', `sim:${size}`, '--outcomes', 'starter', '--triads', '120', '--samples', '3', '--name', size, '--no-report'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const fit = await runCli(['fit', join('outputs', size), '--json'], { cwd });
      const coherence = (JSON.parse(fit.stdout) as { coherence: { triads: { probe: { meanCycleProbability: number } }; floors: { coinFlip: { cycleProbability: { mean: number } } } } }).coherence;
      cycle[size] = { observed: coherence.triads.probe.meanCycleProbability, floor: coherence.floors.coinFlip.cycleProbability.mean };
    }
    expect(cycle['0.5b']!.observed).toBeGreaterThan(cycle['7b']!.observed);
    expect(cycle['7b']!.observed).toBeGreaterThan(cycle['70b']!.observed);
    expect(cycle['70b']!.observed).toBeLessThan(cycle['70b']!.floor / 2);
  });

  it('the same seed gives the same plan and the same utilities, whatever the concurrency', async () => {
    const plans: string[] = [];
    const fits: string[] = [];
    for (const concurrency of ['1', '6']) {
      const cwd = tempCwd();
      const r = await runCli(['run', '--model', 'sim:3b', '--outcomes', 'starter', '--samples', '2', '--seed', '5', '--concurrency', concurrency, '--name', 'same', '--no-report'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const dir = join(cwd, 'outputs', 'same');
      plans.push(readFileSync(join(dir, 'plan.jsonl'), 'utf8'));
      const fit = await runCli(['fit', dir, '--json'], { cwd });
      fits.push(JSON.stringify((JSON.parse(fit.stdout) as { utilities: unknown }).utilities));
      expect(readJson(join(dir, 'run.json')).spec.seed).toBe(5);
    }
    expect(plans[1]).toBe(plans[0]);
    expect(fits[1]).toBe(fits[0]);
  });
});

/**
 * The cost estimate counts what the plan will ask (README, "Cost"): the `utilities` experiment's
 * `plannedPairs` is the holdout plus the larger of the pair budget and the initial 2-regular round,
 * which round 0 asks whole even when the budget is smaller (so every outcome is compared). For
 * several outcome-set sizes, budgets and holdouts, the answers the estimate line announces equal the
 * comparisons planned by a complete simulated run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { tinyOutcomeSet } from '../helpers/tiny-run.js';

function plannedComparisons(dir: string): number {
  return readFileSync(join(dir, 'plan.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .reduce((sum, line) => sum + (JSON.parse(line) as { comparisons: unknown[] }).comparisons.length, 0);
}

describe('the estimate of a utilities run', () => {
  it.each([
    // [outcomes, --pairs, --holdout]
    [10, '10', '0'], // budget equal to the initial round
    [10, '3', '2'], // budget below the initial round: round 0 still asks all N pairs of the cycle
    [20, '5', '10'],
    [6, '2', '12'], // a dense holdout: the cycle cannot avoid every held-out pair
    [12, 'auto', undefined],
    [8, '40', '0'], // budget above every pair: clipped to the 28 there are
    [15, '60', '4'],
  ] as const)('with %i outcomes, --pairs %s and --holdout %s announces exactly the answers the complete run planned', async (n, pairs, holdout) => {
    const cwd = tempCwd();
    const file = join(cwd, 'set.json');
    writeFileSync(file, JSON.stringify(tinyOutcomeSet(n)));
    const args = ['run', '--model', 'sim:7b', '--outcomes', file, '--samples', '1', '--pairs', pairs, ...(holdout !== undefined ? ['--holdout', holdout] : []), '--name', 'r', '--no-report'];
    const r = await runCli(args, { cwd });
    expect(r.code, r.stderr).toBe(0);
    const announced = Number(/= (\d+) answers/.exec(r.stderr)?.[1]);
    expect(announced).toBe(plannedComparisons(join(cwd, 'outputs', 'r')));
  });
});

describe('the estimate of an adaptive-sampling run', () => {
  it.each([
    // [outcomes, --pairs, --holdout, --samples]
    [12, 'auto', undefined, '3'],
    [10, '3', '2', '4'], // budget below the initial round: round 0 is still asked whole
    [8, '40', '0', '2'], // budget above every pair: each pair ends at K per order
    [20, '15', '10', '5'],
  ] as const)(
    'with %i outcomes, --pairs %s, --holdout %s and --samples %s announces at most the answers and requests of the complete run, and exactly its answers when the budget can be spent',
    async (n, pairs, holdout, samples) => {
      const cwd = tempCwd();
      const file = join(cwd, 'set.json');
      writeFileSync(file, JSON.stringify(tinyOutcomeSet(n)));
      const args = [
        'run',
        '--model',
        'sim:7b',
        '--outcomes',
        file,
        '--strategy',
        'adaptive',
        '--samples',
        samples,
        '--pairs',
        pairs,
        ...(holdout !== undefined ? ['--holdout', holdout] : []),
        '--name',
        'r',
        '--no-report',
      ];
      const r = await runCli(args, { cwd });
      expect(r.code, r.stderr).toBe(0);
      const line = /plan: at most (\d+) answers over at most (\d+) pairs .* in at most (\d+) requests/.exec(r.stderr);
      expect(line, r.stderr).not.toBeNull();
      const [announcedAnswers, announcedPairs, announcedRequests] = [Number(line?.[1]), Number(line?.[2]), Number(line?.[3])];
      const plan = readFileSync(join(cwd, 'outputs', 'r', 'plan.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { a: string; b: string; holdout: boolean; comparisons: { order: string }[] });
      const answers = plannedComparisons(join(cwd, 'outputs', 'r'));
      expect(answers).toBe(announcedAnswers);
      expect(new Set(plan.map((p) => `${p.a}|${p.b}`)).size).toBeLessThanOrEqual(announcedPairs);
      // The simulated provider takes several samples per request: a plan line's samples of one order share one.
      const requests = plan.reduce((sum, p) => sum + new Set(p.comparisons.map((c) => c.order)).size, 0);
      expect(requests).toBeLessThanOrEqual(announcedRequests);
    },
  );
});

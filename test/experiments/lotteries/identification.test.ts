/**
 * A lottery whose branch the comparisons leave without a utility (docs/method.md §12) is left out of
 * the expected-utility statistics instead of turning them into NaN.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../../helpers/run-cli.js';

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('lotteries with an outcome without a utility', () => {
  it('leave out every lottery with that branch, keep the others and their group statistics finite', async () => {
    const cwd = tempCwd();
    const r = await runCli(['run', '--experiment', 'lotteries', '--model', 'sim:7b', '--outcomes', 'starter', '--lotteries', '10', '--samples', '2', '--name', 'l', '--no-report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(cwd, 'outputs', 'l');
    const set = readJson<{ outcomes: { id: string; branches?: { outcome: string }[] }[] }>(join(dir, 'outcomes.json'));
    const lotteries = set.outcomes.filter((o) => o.branches);
    const lost = lotteries[0]?.branches?.[0]?.outcome as string;
    // Drop every answer about `lost`: it is never compared.
    const records = readFileSync(join(dir, 'records.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.includes(`"${lost}"`));
    writeFileSync(join(dir, 'records.jsonl'), `${records.join('\n')}\n`);
    const fit = await runCli(['fit', dir, '--json'], { cwd });
    expect(fit.code, fit.stderr).toBe(0);
    const json = JSON.parse(fit.stdout) as { utilities: { id: string; mean: number | null; flag?: string }[] };
    expect(json.utilities.find((u) => u.id === lost)).toMatchObject({ mean: null, flag: 'no-utility' });
    const eu = readJson<{ utilitySd: number; lotteries: { id: string; utility: { estimate: number }; branches: { id: string }[] }[]; groups: { euError: { estimate: number } }[] }>(
      join(dir, 'expected-utility.json'),
    );
    const kept = lotteries.filter((l) => !l.branches?.some((b) => b.outcome === lost)).map((l) => l.id);
    expect(eu.lotteries.map((l) => l.id)).toEqual(kept);
    expect(kept.length).toBeLessThan(lotteries.length);
    expect(Number.isFinite(eu.utilitySd)).toBe(true);
    for (const l of eu.lotteries) expect(Number.isFinite(l.utility.estimate), l.id).toBe(true);
    for (const g of eu.groups) expect(Number.isFinite(g.euError.estimate)).toBe(true);
  });
});

/**
 * Issue #22, compare: wrong inputs are said up front, not taken in silence. Runs of different
 * outcome sets are refused unless `--allow-mixed-outcomes` (then a warning names them); a run
 * whose size cannot be inferred is named with the reason; `--meta` paths are relative to the meta
 * file, and an entry that matches no compared run is named.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const OTHER = {
  name: 'other-small',
  outcomes: ['A dog is adopted.', 'A cat is fed.', 'You receive $5.', 'A bridge is repaired.', 'A forest is replanted.'].map((text, k) => ({ id: `o${k}`, text })),
};

let cwd: string;
beforeAll(async () => {
  cwd = tempCwd();
  writeFileSync(join(cwd, 'other.json'), JSON.stringify(OTHER));
  const run = async (model: string, name: string, outcomes: string) => {
    const r = await runCli(['run', '--model', model, '--outcomes', outcomes, '--samples', '1', '--name', name, '--no-report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
  };
  await run('sim:70b', 'big', SMALL);
  await run('sim:3', 'unsized', SMALL);
  await run('sim:7b', 'other', join(cwd, 'other.json'));
});

describe('utilscope compare', () => {
  it('refuses runs of different outcome sets in one line naming the runs and the sets, before writing anything', async () => {
    const r = await runCli(['compare', 'outputs/big', 'outputs/other', '--out', 'reports/mixed.html'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(join(cwd, 'reports', 'mixed.html'))).toBe(false);
    expect(r.stderr).toMatch(/different outcome sets: "big" asks "e2e-small" \(10 outcomes, [0-9a-f]+\); "other" asks "other-small" \(5 outcomes, [0-9a-f]+\); .*--allow-mixed-outcomes/);
  });

  it('with --allow-mixed-outcomes compares them, warning up front which runs ask which set', async () => {
    const r = await runCli(['compare', 'outputs/big', 'outputs/other', '--out', 'reports/mixed.html', '--allow-mixed-outcomes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^utilscope: comparing runs of different outcome sets \(--allow-mixed-outcomes\): "big" asks "e2e-small".*"other" asks "other-small"/m);
    const html = readFileSync(join(cwd, 'reports', 'mixed.html'), 'utf8');
    expect(/outcome set \S*other-small, e2e-small/.test(html), 'the report header names both sets, models by size').toBe(true);
  });

  it('names a run it cannot place by size, and says why', async () => {
    const r = await runCli(['compare', 'outputs/big', 'outputs/unsized', '--out', 'reports/sized.html'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `utilscope: no size for "unsized" (${join(cwd, 'outputs', 'unsized')}): its model "sim:3" names no parameter count (such as 7b) and no params were given; it is left out of the size trends`,
    );
    expect(r.stderr).not.toContain('"big"');
  });

  it('--by capability names the runs without a capability score', async () => {
    const r = await runCli(['compare', 'outputs/big', 'outputs/unsized', '--by', 'capability'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/none for "big" and "unsized" \(--by\)\n$/);
  });

  it('--meta paths are relative to the meta file; an entry matching no compared run is named, the rest apply', async () => {
    mkdirSync(join(cwd, 'meta'), { recursive: true });
    // `../outputs/unsized` from meta/, as its reader would take it; `outputs/big` would be meta/outputs/big, which is not compared.
    writeFileSync(join(cwd, 'meta', 'runs.yaml'), '- { run: ../outputs/unsized, label: three, params: 3e9 }\n- { run: outputs/big, label: wrong }\n');
    const r = await runCli(['compare', 'outputs/big', 'outputs/unsized', '--meta', 'meta/runs.yaml', '--out', 'reports/meta.html', '--json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`utilscope: --meta gives "wrong" for ${join(cwd, 'meta', 'outputs', 'big')}, which is not among the runs compared; it is ignored`);
    expect(r.stderr).not.toContain('no size for');
    const runs = (JSON.parse(r.stdout) as { runs: { label: string; params?: number }[] }).runs;
    expect(runs).toEqual([
      { dir: join(cwd, 'outputs', 'big'), label: 'big', params: 70e9 },
      { dir: join(cwd, 'outputs', 'unsized'), label: 'three', params: 3e9 },
    ]);
  });
});

/**
 * Issue #22, validation: `outcomes validate` lists every problem of a set, each naming the file and
 * the field, with a count; misspelt values and units are errors that suggest the known name, a
 * misspelt known cluster is an error and a free-form tag beside a near twin is a warning.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

/** A set with five errors in three outcomes, plus a warning. */
const BROKEN = {
  name: 'broken',
  outcomes: [
    { id: 'a', text: 'One.', clusters: ['self-presevation'], values: { 'self-presevation': 1 } },
    { id: 'a', text: 'Two.', quantity: { unit: 'usdd', amount: 3 } },
    { id: 'c', text: '' },
    { id: 'd', text: 'Four.', clusters: ['garden-birds'] },
    { id: 'e', text: 'Five.', clusters: ['garden-birds'] },
    { id: 'f', text: 'Six.', clusters: ['garden-bird'] },
  ],
};

function write(cwd: string, name: string, data: unknown): string {
  writeFileSync(join(cwd, name), JSON.stringify(data));
  return name;
}

describe('utilscope outcomes validate', () => {
  it('lists every problem as file:field: severity: what, in document order, then the count, and exits 1', async () => {
    const cwd = tempCwd();
    const r = await runCli(['outcomes', 'validate', write(cwd, 'broken.json', BROKEN)], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'broken.json:outcomes[0].values.self-presevation: error: unknown value "self-presevation" (did you mean "self-preservation"? or declare it in the set\'s "values")',
      'broken.json:outcomes[0].clusters[0]: error: cluster "self-presevation" looks like a misspelling of "self-preservation"',
      'broken.json:outcomes[1].id: error: duplicate outcome id "a" (also outcomes[0])',
      'broken.json:outcomes[1].quantity.unit: error: unknown unit "usdd" (did you mean "usd"? or declare it in the set\'s "units" with a direction)',
      'broken.json:outcomes[2].text: error: must not be empty',
      'broken.json:outcomes[5].clusters[0]: warning: cluster "garden-bird" (1 outcome) looks like "garden-birds" (2 outcomes) (did you mean "garden-birds"?)',
      'broken.json: 5 errors, 1 warning',
    ]);
    expect(r.stderr).toBe('utilscope: invalid outcome set: 5 errors, 1 warning (broken.json)\n');
  });

  it('--json lists the same problems with their severity and field, and still exits 1', async () => {
    const cwd = tempCwd();
    const r = await runCli(['outcomes', 'validate', write(cwd, 'broken.json', BROKEN), '--json'], { cwd });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { v: number; valid: boolean; errors: number; warnings: number; problems: { severity: string; field: string; message: string }[] };
    expect(doc).toMatchObject({ v: 1, file: 'broken.json', valid: false, errors: 5, warnings: 1 });
    expect(doc.problems.map((p) => `${p.severity} ${p.field}`)).toEqual([
      'error outcomes[0].values.self-presevation',
      'error outcomes[0].clusters[0]',
      'error outcomes[1].id',
      'error outcomes[1].quantity.unit',
      'error outcomes[2].text',
      'warning outcomes[5].clusters[0]',
    ]);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a set with only warnings is valid (exit 0) and shows them', async () => {
    const cwd = tempCwd();
    const set = { ...BROKEN, outcomes: BROKEN.outcomes.slice(3) };
    const text = await runCli(['outcomes', 'validate', write(cwd, 'warn.json', set)], { cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('warn.json:outcomes[2].clusters[0]: warning: cluster "garden-bird"');
    expect(text.stdout).toMatch(/warn\.json: valid, 3 outcomes, 2 clusters, 1 warning\n$/);
    const json = JSON.parse((await runCli(['outcomes', 'validate', 'warn.json', '--json'], { cwd })).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ valid: true, outcomes: 3, errors: 0, warnings: 1 });
  });

  it('run refuses the set with the first error and how many more there are, and shows a valid set’s warnings as notices', async () => {
    const cwd = tempCwd();
    const broken = await runCli(['run', '--model', 'sim:1b', '--outcomes', write(cwd, 'broken.json', BROKEN), '--dry-run'], { cwd });
    expect(broken.code).toBe(1);
    expect(broken.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/unknown value "self-presevation" .*and 4 more errors; `utilscope outcomes validate` lists them all.*broken\.json:outcomes\[0\]\.values\.self-presevation\)/);
    const warned = await runCli(['run', '--model', 'sim:1b', '--outcomes', write(cwd, 'warn.json', { ...BROKEN, outcomes: BROKEN.outcomes.slice(3) }), '--dry-run'], { cwd });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/^utilscope: .*warn\.json:outcomes\[2\]\.clusters\[0\]: warning: cluster "garden-bird"/m);
  });

  it('values, units and declarations: a far-off name lists the known ones, a declared near-miss of a built-in is a warning', async () => {
    const cwd = tempCwd();
    const set = {
      name: 'names',
      values: { 'power-seeknig': 'typo of a built-in value' },
      units: { gpu: { description: 'one GPU', direction: 1 } },
      outcomes: [
        { id: 'a', text: 'One.', values: { honesty: 1 } },
        { id: 'b', text: 'Two.', quantity: { unit: 'gpu', amount: 1 } },
        { id: 'c', text: 'Three.', values: { 'power-seeknig': 1 } },
      ],
    };
    const r = await runCli(['outcomes', 'validate', write(cwd, 'names.json', set), '--json'], { cwd });
    const doc = JSON.parse(r.stdout) as { problems: { severity: string; field: string; message: string }[] };
    expect(doc.problems).toEqual([
      { severity: 'warning', field: 'values.power-seeknig', message: expect.stringContaining('did you mean "power-seeking"?') },
      { severity: 'warning', field: 'units.gpu', message: expect.stringContaining('did you mean "gpus"?') },
      { severity: 'error', field: 'outcomes[0].values.honesty', message: expect.stringMatching(/^unknown value "honesty" \(known: self-preservation, power-seeking, .*power-seeknig; or declare it/) },
    ]);
  });
});

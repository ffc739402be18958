/**
 * Where runs are written (docs/architecture.md §"Run folder"): a run id is one safe path segment, so
 * `--name`, study names and study labels can never write outside the outputs folder, and two study
 * models never share a folder.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^utilscope: /);
  return lines[0] as string;
}

describe('run ids', () => {
  it.each([['..'], ['.'], [''], ['/abs'], ['a/b'], ['a\\b'], ['x'.repeat(121)], ['~home'], ['a b']])('--name %j is a one-line usage error naming --name, and nothing is written', async (name) => {
    const cwd = tempCwd();
    const target = name === '/abs' ? join(cwd, 'abs') : name;
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--name', target, '--no-report'], { cwd });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain('--name');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--name with 120 safe characters is accepted', async () => {
    const cwd = tempCwd();
    const name = `a.b_c-${'x'.repeat(114)}`;
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--name', name, '--no-report'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'outputs', name, 'run.json'))).toBe(true);
  });

  it.each([
    ['a study name of ..', 'name: ".."\n', 'models:\n  - { spec: "sim:1b" }\n', 'name'],
    ['a study name of .', 'name: "."\n', 'models:\n  - { spec: "sim:1b" }\n', 'name'],
    ['a label of ..', 'name: s\n', 'models:\n  - { spec: "sim:1b", label: ".." }\n', 'models[0].label'],
    ['a label that slugs to nothing but dots', 'name: s\n', 'models:\n  - { spec: "sim:1b", label: " . " }\n', 'models[0].label'],
    ['a label too long for a folder', 'name: s\n', `models:\n  - { spec: "sim:1b", label: "${'x'.repeat(121)}" }\n`, 'models[0].label'],
  ])('%s is a one-line study-invalid error naming the field, and nothing is written', async (_, name, models, field) => {
    const cwd = tempCwd();
    const file = join(cwd, 'study.yaml');
    writeFileSync(file, `${name}outcomes: ${SMALL}\nprotocol: { samples: 1, pairs: 12 }\n${models}`);
    const r = await runCli(['study', file, '--out', join(cwd, 'out', 'runs')], { cwd });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain(`study.yaml:${field}`);
    expect(readdirSync(cwd)).toEqual(['study.yaml']);
  });

  it('study labels whose folder names collide (`a b` and `a-b`) are refused before anything runs, naming both models', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'study.yaml');
    writeFileSync(file, `name: s\noutcomes: ${SMALL}\nprotocol: { samples: 1, pairs: 12 }\nmodels:\n  - { spec: "sim:1b", label: "a b" }\n  - { spec: "sim:14b", label: "a-b" }\n`);
    const r = await runCli(['study', file], { cwd });
    expect(r.code).toBe(1);
    const line = oneLine(r.stderr);
    expect(line).toContain('models[0].label');
    expect(line).toContain('models[1].label');
    expect(line).toContain('"a-b"');
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('two unlabelled models with the same spec collide too, named by their spec fields', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'study.yaml');
    writeFileSync(file, `name: s\noutcomes: ${SMALL}\nprotocol: { samples: 1, pairs: 12 }\nmodels:\n  - { spec: "sim:1b" }\n  - { spec: "sim:1b", baseUrl: "http://127.0.0.1:1" }\n`);
    const r = await runCli(['study', file], { cwd });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/models\[0\]\.spec.*models\[1\]\.spec/);
  });
});

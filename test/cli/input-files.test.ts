/**
 * Issue #22, validation: every file argument of the CLI — outcome sets, templates, pairs, study,
 * meta and prices files, files to import, and the files a study names — refuses a folder with one
 * line naming it (never `internal error: EISDIR`), and a missing file the same way.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SIM = ['--model', 'sim:1b', '--dry-run'];

describe('a folder where a file is expected', () => {
  it.each<[string, number, string, (dir: string) => string[]]>([
    ['outcomes validate <dir>', 1, 'outcome set file', (d) => ['outcomes', 'validate', d]],
    ['outcomes import <dir>', 1, 'file to import', (d) => ['outcomes', 'import', d, '--from', 'list']],
    ['run --outcomes <dir>', 1, 'outcome set file', (d) => ['run', ...SIM, '--outcomes', d]],
    ['run --template <dir>', 1, 'template file', (d) => ['run', ...SIM, '--outcomes', 'starter', '--template', d]],
    ['run --prices <dir>', 2, 'prices file', (d) => ['run', ...SIM, '--outcomes', 'starter', '--prices', d]],
    ['fit --pairs <dir>', 1, 'pairs file', (d) => ['fit', '--outcomes', 'starter', '--pairs', d]],
    ['fit --outcomes <dir>', 1, 'outcome set file', (d) => ['fit', '--outcomes', d, '--pairs', 'p.csv']],
    ['study <dir>', 1, 'study file', (d) => ['study', d]],
    ['compare --meta <dir>', 2, 'meta file', (d) => ['compare', 'outputs/x', '--meta', d]],
  ])('%s: one line naming the folder, exit %i', async (_, code, what, argv) => {
    const cwd = tempCwd();
    const dir = join(cwd, 'a-folder');
    mkdirSync(dir);
    const r = await runCli(argv(dir), { cwd });
    expect(r.code).toBe(code);
    expect(r.stderr).toBe(`utilscope: ${what} expected, but this is a folder (${dir})\n`);
  });

  it.each<[string, string]>([
    ['outcomes', 'outcomes: a-folder\nmodels:\n  - { spec: "sim:1b" }\n'],
    ['protocol.template', 'outcomes: starter\nprotocol: { template: a-folder }\nmodels:\n  - { spec: "sim:1b" }\n'],
    ['protocol.prices', 'outcomes: starter\nprotocol: { prices: a-folder }\nmodels:\n  - { spec: "sim:1b" }\n'],
  ])('a study whose %s names a folder: one line naming it', async (_, body) => {
    const cwd = tempCwd();
    mkdirSync(join(cwd, 'a-folder'));
    writeFileSync(join(cwd, 'study.yaml'), `name: s\n${body}`);
    const r = await runCli(['study', 'study.yaml'], { cwd });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^utilscope: [a-z ]+ expected, but this is a folder \(.*a-folder\)\n$/);
  });

  it('a missing pairs file says "not found", naming it', async () => {
    const cwd = tempCwd();
    const r = await runCli(['fit', '--outcomes', 'starter', '--pairs', 'nowhere.csv'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`utilscope: pairs file not found (${join(cwd, 'nowhere.csv')})\n`);
  });
});

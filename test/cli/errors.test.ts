/**
 * Bad input gets one line `utilscope: <what> (<where>)` and a non-zero exit: 2 for usage, 1 otherwise.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

function expectOneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^utilscope: /);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  return lines[0] as string;
}

describe('CLI errors', () => {
  it('an unknown --model prefix is a usage error naming the flag', async () => {
    const r = await runCli(['run', '--model', 'gpt4:turbo', '--outcomes', SMALL, '--dry-run']);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(/gpt4.*--model/);
  });

  it('a malformed outcome file names the file and the field', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'bad',
        outcomes: [
          { id: 'a', text: 'One.', clusters: [] },
          { id: 'a', text: 'Two.', clusters: [] },
          { id: 'c', text: '', clusters: [] },
        ],
      }),
    );
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', file, '--dry-run'], { cwd });
    expect(r.code).toBe(1);
    const line = expectOneLine(r.stderr);
    expect(line).toContain('bad.json');
    // The first problem in the file, and how many more there are (`outcomes validate` lists them).
    expect(line).toMatch(/duplicate outcome id "a" .*and 1 more error.*bad\.json:outcomes\[1\]\.id/);
  });

  it('an outcome file that is not JSON names the file', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'broken.json');
    writeFileSync(file, '{"name": "x", "outcomes": [');
    const r = await runCli(['outcomes', 'validate', file], { cwd });
    expect(r.code).toBe(1);
    expect(expectOneLine(r.stderr)).toContain('broken.json');
  });

  it('a run folder created with a different config is refused, naming the differing fields', async () => {
    const cwd = tempCwd();
    const base = ['run', '--model', 'sim:1b', '--outcomes', SMALL, '--pairs', '12', '--name', 'same', '--no-report'];
    const first = await runCli([...base, '--samples', '1'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli([...base, '--samples', '2'], { cwd });
    expect(second.code).toBe(1);
    const line = expectOneLine(second.stderr);
    expect(line).toContain('samplesPerOrder');
    expect(line).toContain('run.json');
  });

  it('a missing API key names the environment variable and never prints a key', async () => {
    const r = await runCli(['run', '--model', 'openai:gpt-4o-mini', '--outcomes', SMALL, '--dry-run'], { env: {} });
    expect(r.code).toBe(1);
    expect(expectOneLine(r.stderr)).toContain('OPENAI_API_KEY');
  });

  it('invalid numeric options are usage errors naming the flag', async () => {
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', 'many', '--dry-run']);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toContain('--samples');
  });

  it('resume of a folder that is not a run says so', async () => {
    const cwd = tempCwd();
    const r = await runCli(['resume', join(cwd, 'nowhere')], { cwd });
    expect(r.code).toBe(1);
    expect(expectOneLine(r.stderr)).toMatch(/not a run folder/);
  });

  it.each([
    ['an unknown id', 'pairs.jsonl', '{"a":"e0","b":"e1","aWins":3,"bWins":1}\n{"a":"e0","b":"zzz","aWins":1,"bWins":1}\n', 'pairs.jsonl:2', 'zzz'],
    ['a negative count', 'pairs.jsonl', '{"a":"e0","b":"e1","aWins":3,"bWins":1}\n{"a":"e0","b":"e2","aWins":1,"bWins":-2}\n', 'pairs.jsonl:2', 'bWins'],
    ['a missing column', 'pairs.csv', 'a,b,aWins\ne0,e1,3\n', 'pairs.csv:1', 'header'],
    ['a missing field', 'pairs.jsonl', '{"a":"e0","b":"e1","aWins":3}\n', 'pairs.jsonl:1', 'bWins'],
    [
      'a fractional count without --weights',
      'pairs.jsonl',
      '{"a":"e0","b":"e1","aWins":3,"bWins":1}\n{"a":"e0","b":"e2","aWins":0.5,"bWins":2}\n',
      'pairs.jsonl:2',
      'aWins is 0.5, not a whole number of answers; pass --weights',
    ],
  ])('a malformed external pairs file with %s fails with one line naming the line', async (_, name, text, where, what) => {
    const cwd = tempCwd();
    const file = join(cwd, name);
    writeFileSync(file, text);
    const r = await runCli(['fit', '--outcomes', SMALL, '--pairs', file, '--json'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = expectOneLine(r.stderr);
    expect(line).toContain(where);
    expect(line).toContain(what);
  });

  it('an invalid study file names the field', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'study.yaml');
    writeFileSync(file, 'name: s\noutcomes: starter\nmodels:\n  - { spec: "nope:model" }\n');
    const r = await runCli(['study', file], { cwd });
    expect(r.code).toBe(1);
    expect(expectOneLine(r.stderr)).toContain('models[0].spec');
  });
});

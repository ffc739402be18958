/**
 * A run's identity is its outcome set's content, not the path it was given by (docs/architecture.md
 * §"The run spec"): the same file by another relative path continues the folder, different content
 * under the same name is refused.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { waitForExit } from '../helpers/wait-for.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^utilscope: /);
  return lines[0] as string;
}

describe('run identity', () => {
  it('is the outcome set’s content: the same file by another relative path continues the folder (built CLI)', async () => {
    const cwd = tempCwd();
    mkdirSync(join(cwd, 'x'));
    writeFileSync(join(cwd, 'x', 'set.json'), readFileSync(SMALL));
    const run = async (outcomes: string) => {
      const child = spawn(process.execPath, [BIN, 'run', '--model', 'sim:1b', '--outcomes', outcomes, '--samples', '1', '--pairs', '12', '--name', 'same', '--no-report'], {
        cwd,
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exit = await waitForExit(child);
      return { code: exit.code, stderr };
    };
    const first = await run('./x/set.json');
    expect(first.code, first.stderr).toBe(0);
    const records = readFileSync(join(cwd, 'outputs', 'same', 'records.jsonl'), 'utf8');
    const second = await run('x/../x/set.json');
    expect(second.code, second.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'outputs', 'same', 'records.jsonl'), 'utf8')).toBe(records);
  });

  it('still refuses an outcome set with different content under the same name, naming outcomes.hash', async () => {
    const cwd = tempCwd();
    const set = JSON.parse(readFileSync(SMALL, 'utf8')) as { outcomes: { text: string }[] };
    writeFileSync(join(cwd, 'set.json'), JSON.stringify(set));
    const args = ['run', '--model', 'sim:1b', '--outcomes', join(cwd, 'set.json'), '--samples', '1', '--pairs', '12', '--name', 'same', '--no-report'];
    expect((await runCli(args, { cwd })).code).toBe(0);
    (set.outcomes[0] as { text: string }).text = 'A child learns to write.';
    writeFileSync(join(cwd, 'set.json'), JSON.stringify(set));
    const r = await runCli(args, { cwd });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toContain('outcomes.hash');
  });
});

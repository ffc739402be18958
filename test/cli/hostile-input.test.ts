/**
 * Terminal escape sequences and bidi overrides from input files, arguments and servers never reach
 * stderr raw: every error is still one line, with the hostile characters written as \uXXXX.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAIError } from '../helpers/fake-openai-server.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';
import { UNSAFE_IN_LINES } from '../helpers/unsafe-characters.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u202Eevil\u0000';

let servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

function oneSafeLine(stderr: string): string {
  expect(stderr).not.toMatch(UNSAFE_IN_LINES);
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('utilscope: '));
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

describe('hostile input in error messages', () => {
  it('a model spec with escape sequences', async () => {
    const r = await runCli(['run', '--model', `gpt${HOSTILE}:x`, '--outcomes', SMALL, '--dry-run']);
    expect(r.code).toBe(2);
    expect(oneSafeLine(r.stderr)).toContain('\\u001b[2J');
  });

  it('an outcome file with an escape sequence in a text', async () => {
    const cwd = tempCwd();
    const file = join(cwd, 'set.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 's',
        outcomes: [
          { id: 'a', text: 'One.' },
          { id: 'b', text: 'Two.' },
          { id: 'c', text: 'Three.' },
          { id: 'd', text: `Four${HOSTILE}` },
        ],
      }),
    );
    const r = await runCli(['outcomes', 'validate', file], { cwd });
    expect(r.code).toBe(1);
    expect(oneSafeLine(r.stderr)).toMatch(/invalid outcome set: 1 error/);
    // The problem list on stdout is as safe as the error line.
    expect(r.stdout).not.toMatch(UNSAFE_IN_LINES);
    expect(r.stdout).toMatch(/set\.json:outcomes\[3\]\.text: error: contains a control character U\+001B/);
    const run = await runCli(['run', '--model', 'sim:1b', '--outcomes', file, '--dry-run'], { cwd });
    expect(oneSafeLine(run.stderr)).toMatch(/outcomes\[3\]\.text contains a control character U\+001B/);
  });

  it('an outcome id in a pairs file', async () => {
    const cwd = tempCwd();
    writeFileSync(join(cwd, 'pairs.jsonl'), `${JSON.stringify({ a: `e0${HOSTILE}`, b: 'e1', aWins: 1, bWins: 0 })}\n`);
    const r = await runCli(['fit', '--outcomes', SMALL, '--pairs', 'pairs.jsonl'], { cwd });
    expect(r.code).toBe(1);
    expect(oneSafeLine(r.stderr)).toMatch(/unknown outcome id "e0\\u001b\[2J/);
  });

  it('an unknown option on the command line', async () => {
    const r = await runCli(['run', `--x${HOSTILE}`]);
    expect(r.code).toBe(2);
    oneSafeLine(r.stderr);
  });

  it('a server whose error message carries escape sequences', async () => {
    const server = await startScriptedServer([openAIError(400, `bad request ${HOSTILE}`)]);
    servers.push(server);
    const r = await runCli(['run', '--model', 'openai:gpt-4o-mini', '--base-url', `${server.url}/v1`, '--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--concurrency', '1'], {
      cwd: tempCwd(),
    });
    expect(r.code).toBe(1);
    expect(oneSafeLine(r.stderr)).toMatch(/request rejected \(400\).*bad request \\u001b\[2J/);
  });
});

/**
 * The progress line under a real pseudo-terminal (`script -qc`, util-linux): Ctrl-C typed into the
 * terminal while the bar is drawn, and what the screen then shows. Waits for events (answers on
 * disk, a line on the terminal), never for time. Skipped where `script` is not installed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeTty } from '../helpers/fake-tty.js';
import { type GatedServer, startGatedServer } from '../helpers/gated-openai-server.js';
import { deferred, waitForExit, waitForLines } from '../helpers/wait-for.js';

const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');
const OUTCOMES = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const SCRIPT = '/usr/bin/script';

let server: GatedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('progress under a pseudo-terminal', () => {
  it.skipIf(!existsSync(SCRIPT))('Ctrl-C while the bar is drawn leaves the Ctrl-C line and the resume hint intact', async () => {
    const openFor = 10;
    server = await startGatedServer(openFor);
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-pty-'));
    const runDir = join(cwd, 'outputs', 'pty');
    const command = [
      process.execPath,
      BIN,
      'run',
      '--model',
      'vllm:test-model',
      '--base-url',
      `${server.url}/v1`,
      '--outcomes',
      OUTCOMES,
      '--samples',
      '1',
      '--concurrency',
      '2',
      '--name',
      'pty',
      '--no-report',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const child = spawn(SCRIPT, ['-qc', `stty cols 80; exec ${command}`, '/dev/null'], { cwd, env: { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key' }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stopping = deferred();
    const screen = fakeTty(80);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      screen.write(text);
      if (screen.raw().includes('stopping after requests in flight')) stopping.resolve();
    });
    // The open requests answered, the rest held: the bar is up. Type Ctrl-C, then let the held requests finish.
    await waitForLines(join(runDir, 'records.jsonl'), openFor);
    child.stdin.write('\x03');
    await stopping.promise;
    server.release('answer');
    await waitForExit(child);
    const lines = screen.screen();
    expect(lines).toContain('utilscope: stopping after requests in flight (Ctrl-C again to quit now); the run can be resumed');
    expect(lines).toContain(`utilscope: run cancelled; resume with: utilscope resume ${runDir}`);
    const bars = lines.filter((l) => l.includes('answers |'));
    expect(bars.length).toBeGreaterThan(0);
    for (const line of bars) expect(line.length).toBeLessThan(80);
  });
});

/**
 * The progress display (src/cli/progress.ts): the line as a pure function of (progress, columns, now),
 * and the real reporter on a fake TTY, where the final resume hint must survive the bar.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createProgressTerminal, progressLine } from '../../src/cli/progress.js';
import type { RunProgress } from '../../src/pipeline/index.js';
import { fakeTty } from '../helpers/fake-tty.js';
import { tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
const session = { label: 'sim:7b', startedAtMs: 0 };
const progress = (over: Partial<RunProgress> = {}): RunProgress => ({
  round: 1,
  answered: 600,
  planned: 1000,
  expectedTotal: 4000,
  answeredAtStart: 0,
  costUsd: 0.0123,
  complete: false,
  ...over,
});

describe('progressLine', () => {
  it('counts against the whole run’s expected total, not the rounds planned so far', () => {
    const line = progressLine(progress(), 200, 60_000, session);
    expect(line).toContain('600/4000 answers');
    // 600 answers in 60 s = 10/s; 3400 left → 340 s.
    expect(line).toContain('10.0/s');
    expect(line).toContain('ETA 5m40s');
  });

  it('takes rate and ETA from this session’s answers only, not those already on disk at resume', () => {
    const line = progressLine(progress({ answered: 3100, answeredAtStart: 3000 }), 200, 10_000, session);
    // 100 answers in 10 s = 10/s; 900 left → 90 s.
    expect(line).toContain('10.0/s');
    expect(line).toContain('ETA 1m30s');
  });

  it('shows – for the ETA when the run is complete or no answer has arrived yet', () => {
    expect(progressLine(progress({ answered: 2500, planned: 2500, expectedTotal: 2500, complete: true }), 200, 60_000, session)).toContain('ETA –');
    expect(progressLine(progress({ answered: 3000, answeredAtStart: 3000 }), 200, 60_000, session)).toContain('ETA –');
    expect(progressLine(progress(), 200, 60_000, session)).not.toContain('LLs');
  });

  it('fits 80 columns by dropping the bar first and keeps done/total, cost and ETA', () => {
    const wide = progressLine(progress(), 160, 60_000, session);
    expect(wide).toMatch(/\[█+░+\]/);
    expect(wide).toContain('round 1');
    const p = progress({ answered: 123_456, planned: 200_000, expectedTotal: 500_000, costUsd: 123.4567 });
    const line = progressLine(p, 80, 60_000, { label: 'openai:gpt-4o-mini-2024-07-18', startedAtMs: 0 });
    expect(line.length).toBeLessThan(80);
    expect(line).not.toContain('[');
    expect(line).toContain('123456/500000 answers');
    expect(line).toContain('$123.4567');
    expect(line).toMatch(/ETA \d/);
    const narrow = progressLine(p, 40, 60_000, session);
    expect(narrow.length).toBeLessThan(40);
    expect(narrow).toContain('123456/500000 answers');
    expect(narrow).not.toContain('round');
  });
});

describe('progressLine with a batch', () => {
  const batch = (state: NonNullable<RunProgress['batch']>['state']): NonNullable<RunProgress['batch']> => ({
    token: 't',
    remoteId: 'batch_1',
    provider: 'OpenAI',
    state,
    counts: { total: 400, succeeded: 117, failed: 3 },
    at: '2026-01-01T00:00:00.000Z',
  });

  it('shows each state of the batch in words with its counts', () => {
    const words = { validating: 'validating', 'in-progress': 'in progress', finalizing: 'finalising', completed: 'completed', expired: 'expired' } as const;
    for (const [state, said] of Object.entries(words)) {
      expect(progressLine(progress({ batch: batch(state as keyof typeof words) }), 200, 60_000, session)).toContain(`batch ${said} 120/400`);
    }
  });

  it('keeps the batch state at 80 columns, dropping the bar and the round first, and gives it up only when even that does not fit', () => {
    const p = progress({ batch: batch('in-progress') });
    const line = progressLine(p, 80, 60_000, { label: 'anthropic:claude-3-5-haiku-latest', startedAtMs: 0 });
    expect(line.length).toBeLessThan(80);
    expect(line).toContain('batch in progress 120/400');
    expect(line).not.toContain('[');
    const narrow = progressLine(p, 40, 60_000, session);
    expect(narrow.length).toBeLessThan(40);
    expect(narrow).toContain('600/4000 answers');
  });
});

describe('the progress reporter on a TTY', () => {
  it('draws at 80 columns when the terminal says it has 0 (a pseudo-terminal without a size)', () => {
    let written = '';
    const terminal = createProgressTerminal({ isTTY: true, columns: 0, write: (text: string) => (written += text) }, () => 60_000);
    const reporter = terminal.progress('sim:7b');
    reporter.progress(progress());
    reporter.stop();
    reporter.stop();
    // One line, ended once although stop() was called twice.
    expect(written.startsWith('\rsim:7b ')).toBe(true);
    expect(written).toContain('600/4000 answers | round 1 | ');
    expect(written.endsWith('ETA –\u001b[K\n')).toBe(true);
    expect(written.split('\n')).toHaveLength(2);
    expect(written.length).toBeGreaterThan(60);
  });

  it('after Ctrl-C, ends the bar’s line before the Ctrl-C line and the resume hint, which stand intact on lines of their own', async () => {
    const cwd = tempCwd();
    let pressed = false;
    const tty = fakeTty(80, (text) => {
      // The first bar drawn is the moment to press Ctrl-C: main's own SIGINT handler answers it.
      if (!pressed && /answers \|/.test(text)) {
        pressed = true;
        process.emit('SIGINT');
      }
    });
    const code = await main(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--name', 't1', '--samples', '1'], { env: {}, stdout: { write: () => true }, stderr: tty, cwd });
    expect(pressed).toBe(true);
    expect(code).toBe(130);
    const screen = tty.screen();
    const hint = `utilscope: run cancelled; resume with: utilscope resume ${join(cwd, 'outputs', 't1')}`;
    expect(screen).toContain('utilscope: stopping after requests in flight (Ctrl-C again to quit now); the run can be resumed');
    expect(screen).toContain(hint);
    expect(screen.filter((l) => /answers \|/.test(l)).every((l) => l.length < 80 && /^sim:1b /.test(l))).toBe(true);
    expect(tty.raw().endsWith(`${hint}\n`)).toBe(true);
  });
});

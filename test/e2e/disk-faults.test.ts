/**
 * A full disk, a read-only folder, a name too long (docs/architecture.md §"Run folder"): every write
 * error is one line naming the file and the errno in words, exit 1, never "internal error" or a
 * stack; what was received is on disk and readable, nothing written is corrupted, status.json says
 * `error`, and `resume` continues once the disk has room, paying for nothing twice. The full disk is
 * an injected file system (the real one, failing with ENOSPC after a byte budget), passed through
 * the CLI's parameters.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, renameSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');

function errnoError(code: string, syscall: string): Error {
  return Object.assign(new Error(`${code}: no space left on device, ${syscall}`), { code, errno: -28, syscall });
}

/** The real file system, except that writes to files matching `which` fail with ENOSPC after `budget` bytes. */
function fullDisk(which: RegExp, budget: number): NonNullable<CliIo['fs']> {
  const paths = new Map<number, string>();
  let left = budget;
  return {
    open: (path, flags) => {
      const fd = openSync(path, flags);
      paths.set(fd, path);
      return fd;
    },
    write: (fd, bytes, offset, length) => {
      if (!which.test(paths.get(fd) ?? '')) return writeSync(fd, bytes, offset, length);
      if (left <= 0) throw errnoError('ENOSPC', 'write');
      const n = writeSync(fd, bytes, offset, Math.min(length, left)); // the last write is short
      left -= n;
      return n;
    },
    read: (fd, bytes, offset, length, position) => readSync(fd, bytes, offset, length, position),
    size: (fd) => fstatSync(fd).size,
    close: (fd) => {
      paths.delete(fd);
      closeSync(fd);
    },
    rename: (from, to) => renameSync(from, to),
    unlink: (path) => unlinkSync(path),
    truncate: (path, length) => truncateSync(path, length),
  };
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

describe('disk faults', () => {
  it('a disk that fills up mid-run: one line, exit 1, status error, the records on disk parse, and resume finishes without repeats', async () => {
    const cwd = tempCwd();
    const dir = join(cwd, 'outputs', 'full');
    const args = ['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--concurrency', '2', '--name', 'full', '--no-report'];
    const r = await runCli(args, { cwd, fs: fullDisk(/records\.jsonl$/, 5000) });
    expect(r.code, r.stderr).toBe(1);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('utilscope:'));
    expect(errors).toEqual([`utilscope: cannot write records.jsonl: no space left on device (ENOSPC) (${join(dir, 'records.jsonl')})`]);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);

    const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { state: string; message: string; answered: number };
    expect(status.state).toBe('error');
    expect(status.message).toContain('no space left on device');
    // Every complete line parses; at most the last one is torn (the short write), and the count is true.
    const onDisk = lines(join(dir, 'records.jsonl'));
    const parsed = onDisk.flatMap((l) => {
      try {
        return [JSON.parse(l) as { kind: string; key: string }];
      } catch {
        return [];
      }
    });
    expect(onDisk.length - parsed.length).toBeLessThanOrEqual(1);
    expect(parsed.length).toBeGreaterThan(5);
    expect(status.answered).toBe(parsed.filter((p) => p.kind === 'answer').length);
    const reported = await runCli(['status', dir, '--json'], { cwd });
    expect(JSON.parse(reported.stdout)).toMatchObject({ state: 'error', answered: status.answered });
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);

    // Room again: resume cuts the torn line and asks only what is missing.
    const resumed = await runCli(['resume', dir, '--no-report'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const records = lines(join(dir, 'records.jsonl')).map((l) => JSON.parse(l) as { kind: string; key: string });
    const keys = records.filter((p) => p.kind === 'answer').map((p) => p.key);
    const planned = lines(join(dir, 'plan.jsonl')).flatMap((l) => (JSON.parse(l) as { comparisons: { key: string }[] }).comparisons.map((c) => c.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual([...planned].sort());
  });

  it('a full disk while the plan is written fails the same way, before any request is paid for', async () => {
    const cwd = tempCwd();
    const dir = join(cwd, 'outputs', 'noplan');
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--name', 'noplan', '--no-report'], { cwd, fs: fullDisk(/plan\.jsonl$/, 100) });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`utilscope: cannot write plan.jsonl: no space left on device (ENOSPC) (${join(dir, 'plan.jsonl')})`);
    expect(existsSync(join(dir, 'records.jsonl'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8'))).toMatchObject({ state: 'error', answered: 0 });
  });

  it('a full disk after the last answer (writing fit.json) still leaves status error, with every answer counted', async () => {
    const cwd = tempCwd();
    const dir = join(cwd, 'outputs', 'nofit');
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--name', 'nofit'], { cwd, fs: fullDisk(/fit\.json\.tmp-\d+$/, 0) });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`utilscope: cannot write fit.json: no space left on device (ENOSPC) (${join(dir, 'fit.json')})`);
    const status = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as { state: string; message: string; answered: number; planned: number };
    expect(status).toMatchObject({ state: 'error', message: `cannot write fit.json: no space left on device (ENOSPC) (${join(dir, 'fit.json')})` });
    expect(status.answered).toBe(status.planned);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]); // the failed temp file is gone
  });

  it('an output folder name too long for the file system is one line naming the folder, not an internal error', async () => {
    const cwd = tempCwd();
    const out = 'o'.repeat(300); // one path segment longer than NAME_MAX (255 on Linux, macOS and Windows)
    const r = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--out', out, '--name', 'long', '--no-report'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`utilscope: cannot create the run folder: file name too long (ENAMETOOLONG) (${join(cwd, out, 'long')})`);
  });

  it('the lock holder removes temp files left by dead writers, and keeps a live one’s', async () => {
    const cwd = tempCwd();
    const first = await runCli(['run', '--model', 'sim:1b', '--outcomes', SMALL, '--samples', '1', '--name', 'tmp', '--no-report'], { cwd });
    expect(first.code, first.stderr).toBe(0);
    const dir = join(cwd, 'outputs', 'tmp');
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(join(dir, `status.json.tmp-${dead}`), '{"half":');
    writeFileSync(join(dir, `fit.json.tmp-${dead}`), '{"half":');
    writeFileSync(join(dir, `values.json.tmp-${process.pid}`), '{"live":');
    const resumed = await runCli(['resume', dir, '--no-report'], { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(existsSync(join(dir, `status.json.tmp-${dead}`))).toBe(false);
    expect(existsSync(join(dir, `fit.json.tmp-${dead}`))).toBe(false);
    expect(existsSync(join(dir, `values.json.tmp-${process.pid}`))).toBe(true);
  });
});

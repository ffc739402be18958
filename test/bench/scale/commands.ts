/**
 * Whole commands timed as processes, as a user runs them: `node bin/utilscope.js …` (the build in
 * dist/, which `npm run bench` makes first), with the child's CPU time and peak resident memory read
 * from a hook loaded into it (child-usage.mjs).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '../../../bin/utilscope.js');

/** One run of a command. */
export interface CommandRun {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakMiB: number;
  readonly stdout: string;
}

/** Runs `utilscope <args>` once in `cwd`; throws with its stderr when it fails. */
export function runUtilscope(args: readonly string[], cwd = process.cwd()): CommandRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', join(HERE, 'child-usage.mjs'), BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - started;
  const usage = /child-usage cpu-ms=([\d.]+) max-rss-kib=(\d+)/.exec(child.stderr);
  if (child.status !== 0 || !usage) throw new Error(`utilscope ${args.join(' ')} failed (${child.status}): ${child.stderr.slice(0, 2000)}`);
  return { wallMs, cpuMs: Number(usage[1]), peakMiB: Number(usage[2]) / 1024, stdout: child.stdout };
}

/** The median of `runs` runs of `utilscope <args>` (after one not counted): wall and CPU ms. */
export function medianStartUp(args: readonly string[], runs = 11): { wallMs: number; cpuMs: number; minWallMs: number } {
  runUtilscope(args);
  const times = Array.from({ length: runs }, () => runUtilscope(args));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1] as number;
  return { wallMs: median(times.map((t) => t.wallMs)), cpuMs: median(times.map((t) => t.cpuMs)), minWallMs: Math.min(...times.map((t) => t.wallMs)) };
}

/** Runs an ES module script with node (in `cwd`), with the same usage hook; `args` reach it as process.argv.slice(1). */
export function runNodeModule(code: string, args: readonly string[] = [], cwd = process.cwd()): CommandRun {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', join(HERE, 'child-usage.mjs'), '--input-type=module', '-e', code, '--', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - started;
  const usage = /child-usage cpu-ms=([\d.]+) max-rss-kib=(\d+)/.exec(child.stderr);
  if (child.status !== 0 || !usage) throw new Error(`node script failed (${child.status}): ${child.stderr.slice(0, 2000)}`);
  return { wallMs, cpuMs: Number(usage[1]), peakMiB: Number(usage[2]) / 1024, stdout: child.stdout };
}

/** The package's built modules (dist/), as file URLs for scripts run with {@link runNodeModule}. */
export function distUrl(module: string): string {
  return new URL(`../../../dist/${module}`, import.meta.url).href;
}

/**
 * Waiting on events, not on time (CONTRIBUTING.md rule 15): resolve when a file reaches a number of lines
 * or a child process exits. The poll interval only decides how soon we notice; no assertion
 * depends on it, and a generous overall limit turns a hang into a clear failure.
 */

import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

/** Resolves once `path` holds at least `lines` complete lines. */
export async function waitForLines(path: string, lines: number, limitMs = 30_000): Promise<void> {
  const started = Date.now();
  while (countLines(path) < lines) {
    if (Date.now() - started > limitMs) throw new Error(`waitForLines: ${path} has ${countLines(path)} of ${lines} lines`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the exit code (or signal) of a child process. */
export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once `condition()` holds (checked on each turn of a short poll); a generous limit turns a hang into a clear failure naming `what`. */
export async function waitUntil(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`waitUntil: ${what} did not happen`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

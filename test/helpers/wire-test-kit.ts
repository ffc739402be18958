/**
 * Shared set-up of the provider wire tests: servers started by a test are closed after it, and a
 * retry policy that never waits but records the waits it was asked for (injected sleep, clock and
 * jitter; CONTRIBUTING.md rule 15).
 */
import { afterEach } from 'vitest';
import type { RetryDeps } from '../../src/providers/retry.js';
import type { ScriptEntry } from './scripted-server.js';

/** `start(...script)` for this test file, closing every server it started after each test. */
export function closingAfterEach<S extends { close(): Promise<void> }>(start: (script: ScriptEntry[]) => Promise<S>): (...script: ScriptEntry[]) => Promise<S> {
  let servers: S[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  return async (...script) => {
    const server = await start(script);
    servers.push(server);
    return server;
  };
}

/** Retry dependencies that resolve every sleep at once and record its length; clock and jitter at 0. */
export function noWait(): { sleeps: number[]; deps: RetryDeps } {
  const sleeps: number[] = [];
  const deps: RetryDeps = { sleep: async (ms) => void sleeps.push(ms), now: () => 0, random: () => 0 };
  return { sleeps, deps };
}

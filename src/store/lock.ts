/**
 * One writer per run folder (docs/architecture.md §"Run folder"): `run`, `resume` and `study` (and
 * `fit` while it writes derived files) hold `run.lock` in the folder for as long as they may write
 * it. The lock is a file created with `open(…, 'wx')` — which fails if it exists, atomically —
 * holding one JSON line: `{ v, pid, host, startedAt, token }` (the token is random, so a holder
 * only ever removes its own lock).
 *
 * A lock that exists is *live* unless:
 *   - it was taken on this host and its pid is no longer running (a killed run): taken over, saying so;
 *   - it was taken on another host (whose processes cannot be asked) and its holder has shown no sign
 *     of life — its start time, or the heartbeat its session writes into status.json — for longer
 *     than {@link FOREIGN_LOCK_STALE_MS} (a day): taken over, saying so;
 *   - it cannot be read (a holder killed between creating and writing it) and is older than
 *     {@link UNREADABLE_LOCK_STALE_MS}.
 * Anything else is refused with `run-locked`: `run folder is in use by pid 1234 on host x since <time> (<dir>)`.
 * A pid reused by an unrelated process after a crash reads as live; remove run.lock by hand then.
 *
 * Taking over renames the stale lock aside and checks that what was moved is what was judged stale
 * (another process may have taken it over in between), then creates a fresh one with 'wx'.
 * `release` runs on every exit path: the callers' `finally`, and a process `exit` hook for a second
 * Ctrl-C, which leaves at once. SIGKILL leaves the lock behind, and the next run takes it over.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { diskError, UtilscopeError } from '../core/errors.js';
import { nodeStoreFs, type StoreFs, writeAll } from './disk.js';

/** The name of the lock file inside a run folder. */
export const LOCK_FILE = 'run.lock';

/** How long a lock taken on another host may show no sign of life before it is taken over (24 h). */
export const FOREIGN_LOCK_STALE_MS = 24 * 60 * 60 * 1000;

/** How old an unreadable (empty, half-written) lock file must be before it is taken over (1 min). */
export const UNREADABLE_LOCK_STALE_MS = 60 * 1000;

/** Contents of run.lock: who holds the folder, since when, and a random token naming this holding. */
export interface LockInfo {
  readonly v: 1;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly token: string;
}

/** A held lock; `release` is idempotent and removes the file only while it is still this holder's. */
export interface RunLock {
  readonly path: string;
  readonly info: LockInfo;
  release(): void;
}

/** How to take a lock. */
export interface LockOptions {
  /** Milliseconds clock (the lock's start time; the age of another host's lock). */
  readonly now: () => number;
  /** Told, in one line, when a stale lock is taken over. */
  readonly notice?: (line: string) => void;
  /** The holder's latest heartbeat (ISO time) besides its start time, e.g. from status.json. */
  readonly heartbeatOf?: (info: LockInfo) => string | undefined;
  readonly fs?: StoreFs;
}

/** A lock that could be taken, or why not (the `run-locked` error to show). */
export type LockAttempt = { readonly kind: 'acquired'; readonly lock: RunLock } | { readonly kind: 'held'; readonly error: UtilscopeError };

/** Whether a process with this pid runs on this host (`kill(pid, 0)`: EPERM means it runs as someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.startedAt === 'string' && typeof value.token === 'string') {
      return { v: 1, pid: value.pid, host: value.host, startedAt: value.startedAt, token: value.token };
    }
  } catch {
    // unreadable: judged by its age below
  }
  return undefined;
}

/** A lock file as judged now: its holder (undefined when unreadable) and whether that holder may still be running. */
export interface LockState {
  readonly holder: LockInfo | undefined;
  readonly live: boolean;
  /** The holder's latest heartbeat, when one was found (status.json). */
  readonly heartbeatAt?: string;
}

function judge(path: string, raw: string, nowMs: number, heartbeatOf: LockOptions['heartbeatOf']): LockState {
  const holder = parseLockInfo(raw);
  if (!holder) return { holder, live: !isOld(path, nowMs) };
  const heartbeatAt = heartbeatOf?.(holder);
  return { holder, live: isLockLive(holder, nowMs, heartbeatAt), ...(heartbeatAt ? { heartbeatAt } : {}) };
}

/** The lock of run folder `dir` judged at `nowMs` (module comment), or undefined when there is none. Reads only. */
export function inspectRunLock(dir: string, nowMs: number, heartbeatOf?: LockOptions['heartbeatOf']): LockState | undefined {
  const path = join(dir, LOCK_FILE);
  const raw = readRaw(path);
  return raw === undefined ? undefined : judge(path, raw, nowMs, heartbeatOf);
}

/**
 * Whether the holder of `info` may still be running: on this host, its pid runs; on another, its
 * latest sign of life (`heartbeatAt` if later than its start) is within {@link FOREIGN_LOCK_STALE_MS} of `nowMs`.
 */
export function isLockLive(info: LockInfo, nowMs: number, heartbeatAt?: string): boolean {
  if (info.host === hostname()) return info.pid === process.pid || isProcessAlive(info.pid);
  const seen = Math.max(Date.parse(info.startedAt) || 0, (heartbeatAt && Date.parse(heartbeatAt)) || 0);
  return nowMs - seen < FOREIGN_LOCK_STALE_MS;
}

/** The one-line refusal for a folder held by `info`. */
function lockedError(dir: string, info: LockInfo | undefined): UtilscopeError {
  if (!info)
    return new UtilscopeError('run-locked', `run folder is locked by an unreadable ${LOCK_FILE} (being written, or left by a crash: remove it if no utilscope uses this folder)`, { file: dir });
  return new UtilscopeError('run-locked', `run folder is in use by pid ${info.pid} on host ${info.host} since ${info.startedAt}`, { file: dir });
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Tries once to take the lock of run folder `dir` (creating the folder if needed) without waiting:
 * `acquired`, or `held` with the `run-locked` error naming the live holder. Stale locks are taken
 * over (module comment). Failing to create the folder or the file is a `disk-write-failed` error.
 */
export function tryAcquireRunLock(dir: string, options: LockOptions): LockAttempt {
  const fs = options.fs ?? nodeStoreFs;
  const path = join(dir, LOCK_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw diskError(error, 'cannot create the run folder', dir);
  }
  const info: LockInfo = { v: 1, pid: process.pid, host: hostname(), startedAt: new Date(options.now()).toISOString(), token: randomBytes(8).toString('hex') };
  // A few rounds: each either creates the lock, finds it live, or removes one stale lock.
  for (let round = 0; round < 4; round++) {
    let fd: number | undefined;
    try {
      fd = fs.open(path, 'wx');
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw diskError(error, `cannot create ${LOCK_FILE}`, path);
    }
    if (fd !== undefined) {
      try {
        writeAll(fs, fd, Buffer.from(`${JSON.stringify(info)}\n`, 'utf8'));
        fs.close(fd);
      } catch (error) {
        try {
          fs.close(fd);
        } catch {
          // failing already
        }
        try {
          unlinkSync(path);
        } catch {
          // leave it: unreadable locks are judged by their age
        }
        throw diskError(error, `cannot write ${LOCK_FILE}`, path);
      }
      return { kind: 'acquired', lock: heldLock(path, info, fs) };
    }
    const raw = readRaw(path);
    if (raw === undefined) continue; // released meanwhile: try again
    const { holder, live } = judge(path, raw, options.now(), options.heartbeatOf);
    if (live) return { kind: 'held', error: lockedError(dir, holder) };
    const aside = `${path}.stale-${info.token}`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // someone else moved it first
    }
    if (readRaw(aside) !== raw) {
      // What was moved is a fresh lock another process took meanwhile: put it back, and yield to it.
      try {
        linkSync(aside, path);
      } catch {
        // a third process holds the folder now; it keeps it
      }
      unlinkQuietly(aside);
      return { kind: 'held', error: lockedError(dir, parseLockInfo(readRaw(path) ?? '')) };
    }
    unlinkQuietly(aside);
    const why = !holder ? 'the lock file was unreadable' : holder.host === info.host ? 'that process is no longer running' : `no sign of life for more than ${FOREIGN_LOCK_STALE_MS / 3_600_000} h`;
    options.notice?.(holder ? `took over the lock of pid ${holder.pid} on host ${holder.host} (since ${holder.startedAt}): ${why} (${dir})` : `took over a stale lock: ${why} (${dir})`);
  }
  return { kind: 'held', error: lockedError(dir, parseLockInfo(readRaw(path) ?? '')) };
}

/** Takes the lock of run folder `dir`, or throws the one-line `run-locked` error naming its live holder. */
export function acquireRunLock(dir: string, options: LockOptions): RunLock {
  const attempt = tryAcquireRunLock(dir, options);
  if (attempt.kind === 'held') throw attempt.error;
  return attempt.lock;
}

function isOld(path: string, nowMs: number): boolean {
  try {
    return nowMs - statSync(path).mtimeMs > UNREADABLE_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function heldLock(path: string, info: LockInfo, fs: StoreFs): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Remove the file only while it is still ours (a holder that was judged stale may have lost it).
    if (!existsSync(path) || parseLockInfo(readRaw(path) ?? '')?.token !== info.token) return;
    try {
      fs.unlink(path);
    } catch {
      // cannot remove it (read-only now?): the next run finds this pid gone and takes it over
    }
  };
  // A second Ctrl-C calls process.exit at once, skipping every `finally`: release on the way out.
  process.on('exit', release);
  return { path, info, release };
}

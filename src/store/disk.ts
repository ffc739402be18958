/**
 * The low-level file operations the store writes through (docs/architecture.md §"Run folder"): the
 * real `node:fs` by default, and a dependency, so tests can hand in a file system that writes short
 * or fills up (CONTRIBUTING.md rule 14: pass dependencies in, never mock our modules). Only what
 * appends, atomic writes, repairs and the lock need; reading whole files stays on `node:fs`.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, truncateSync, unlinkSync, writeSync } from 'node:fs';

/** What the store needs from a file system. Every method throws the system's error (`code` ENOSPC, EROFS, …). */
export interface StoreFs {
  /** Opens `path`: `a+` appends (and reads), `w` creates or truncates, `wx` creates and fails if it exists. */
  open(path: string, flags: 'a+' | 'w' | 'wx'): number;
  /** Writes up to `length` bytes of `bytes` from `offset`; returns how many it wrote, which may be fewer. */
  write(fd: number, bytes: Uint8Array, offset: number, length: number): number;
  /** Reads up to `length` bytes at file `position` into `bytes` from `offset`; returns how many it read. */
  read(fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number;
  /** Size of an open file, in bytes. */
  size(fd: number): number;
  close(fd: number): void;
  /** Replaces `to` with `from` (atomic on POSIX within one file system). */
  rename(from: string, to: string): void;
  unlink(path: string): void;
  /** Cuts the file at `path` to `length` bytes. */
  truncate(path: string, length: number): void;
}

/** The real file system. */
export const nodeStoreFs: StoreFs = {
  open: (path, flags) => openSync(path, flags),
  write: (fd, bytes, offset, length) => writeSync(fd, bytes, offset, length),
  read: (fd, bytes, offset, length, position) => readSync(fd, bytes, offset, length, position),
  size: (fd) => fstatSync(fd).size,
  close: (fd) => closeSync(fd),
  rename: (from, to) => renameSync(from, to),
  unlink: (path) => unlinkSync(path),
  truncate: (path, length) => truncateSync(path, length),
};

/**
 * Writes all of `bytes` to `fd`, looping over short writes (a `write` may store fewer bytes than
 * asked: a full quota, a signal, a pipe). Returns the bytes written; on an error it throws that
 * error with `bytesWritten` set to how many made it to the file first. A write that makes no
 * progress is an `EIO` error rather than an endless loop.
 */
export function writeAll(fs: StoreFs, fd: number, bytes: Uint8Array): number {
  let offset = 0;
  try {
    while (offset < bytes.length) {
      const n = fs.write(fd, bytes, offset, bytes.length - offset);
      if (!(n > 0)) throw Object.assign(new Error('EIO: write made no progress'), { code: 'EIO', syscall: 'write' });
      offset += n;
    }
  } catch (error) {
    if (error instanceof Error) Object.assign(error, { bytesWritten: offset });
    throw error;
  }
  return offset;
}

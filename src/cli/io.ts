/**
 * The process boundary as parameters (STYLE.md, unjs/citty): argv, env, output streams, working
 * directory, clock and cancellation all come in through `CliIo`, so the whole CLI runs in-process
 * in tests with no global state.
 */

/** A writable text stream (process.stdout/stderr or a test buffer). */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly cwd: string;
  /** Cancellation (first Ctrl-C). When absent, `main` listens for SIGINT itself. */
  readonly signal?: AbortSignal;
  /** Milliseconds clock; defaults to Date.now. */
  readonly now?: () => number;
}

/** Exit codes (DESIGN.md §CLI). */
export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

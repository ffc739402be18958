/**
 * The process boundary as parameters (CONTRIBUTING.md, after unjs/citty): argv, env, output streams,
 * working directory, clock and cancellation all come in through `CliIo`, so the whole CLI runs
 * in-process in tests with no global state.
 */
import type { ExperimentRegistry } from '../experiments/index.js';
import type { StoreFs, TextOut } from '../pipeline/env.js';
import type { Provider, Transport } from '../providers/index.js';

export type { TextOut } from '../pipeline/env.js';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  readonly cwd: string;
  /** Cancellation (first Ctrl-C). When absent, `main` listens for SIGINT itself. */
  readonly signal?: AbortSignal;
  /** Milliseconds clock; defaults to Date.now. */
  readonly now?: () => number;
  /** Experiments the CLI knows (default: the built-in ones); tests register their own. */
  readonly experiments?: ExperimentRegistry;
  /** How requests reach the model (default: interactive); tests pass a fake batch transport. */
  readonly transport?: (provider: Provider) => Transport;
  /** Low-level writes into run folders (default: the real file system); tests pass a full disk. */
  readonly fs?: StoreFs;
}

/**
 * Exit codes (docs/architecture.md §"CLI"). `waiting` (75, EX_TEMPFAIL of sysexits.h: try again
 * later): the session stopped at `--max-wait` with a batch still running at the provider.
 */
export const EXIT = { ok: 0, failure: 1, usage: 2, waiting: 75, cancelled: 130 } as const;

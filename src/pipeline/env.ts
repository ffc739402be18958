/**
 * The outside world as the pipeline sees it (docs/architecture.md §"Layers"): environment variables
 * (keys and base URLs only), the working folder, cancellation, the clock, where to write, and how
 * to show progress. The CLI builds one from the process; a library user or a test builds their own,
 * so every pipeline function runs in-process with no global state.
 */
import type { FloorCache } from '../coherence/index.js';
import type { ExperimentRegistry } from '../experiments/index.js';
import type { Transport } from '../providers/transport.js';
import type { Provider } from '../providers/types.js';
import type { OpenOptions, StoreFs } from '../store/index.js';
import type { RunEvents } from './run.js';

export type { StoreFs } from '../store/index.js';

/** A writable text stream (process.stdout/stderr or a test buffer). */
export interface TextOut {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** What the pipeline's effectful functions need from their caller. */
export interface PipelineEnv {
  /** Read for API keys and base URLs only; keys go straight to the SDK constructor. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** Results meant for the user (summaries, tables). */
  readonly out: TextOut;
  /** Estimates, notices and progress. */
  readonly log: TextOut;
  /** Progress display for a run labelled `label`; `stop` is called when the session ends. */
  readonly progress?: (label: string) => RunEvents & { stop(): void };
  /** Experiments to look runs up in (default: the built-in ones). */
  readonly experiments?: ExperimentRegistry;
  /** How requests reach the model (default: the provider's interactive transport). */
  readonly transport?: (provider: Provider) => Transport;
  /** Low-level writes into run folders (default: the real file system); tests inject a full disk here. */
  readonly fs?: StoreFs;
  /** Coherence floors computed so far, reused by every analysis that shares a design (`runStudy` makes one for its models and arms). */
  readonly floorCache?: FloorCache;
}

/** What opening a run folder for writing needs from the env: the clock, the log, the file system. */
export type FolderEnv = Pick<PipelineEnv, 'now' | 'log' | 'fs'>;

/**
 * How the pipeline opens a run folder it will write: holding its lock (docs/architecture.md §"Run
 * folder") on the env's clock, saying on the log when it takes over a stale lock, through `env.fs`.
 */
export function folderWriter(env: FolderEnv): OpenOptions {
  return { lock: { now: env.now, notice: (line) => void env.log.write(`utilscope: ${line}\n`) }, ...(env.fs ? { fs: env.fs } : {}) };
}

/** Progress that only passes notices on, for library callers that draw nothing. */
export function noticesOnly(log: TextOut): RunEvents & { stop(): void } {
  return { notice: (line) => void log.write(`${line}\n`), progress: () => undefined, stop: () => undefined };
}

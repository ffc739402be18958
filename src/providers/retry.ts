/**
 * Our retry policy around every real provider (docs/architecture.md §"Providers"; SDK retries are off).
 *
 * Per attempt: a fresh AbortController fires after `timeoutMs` (the injected timer) or when the
 * caller's signal aborts. After a retryable failure the wait is exponential backoff with full jitter,
 * `random() × min(maxDelayMs, baseDelayMs × 2^(attempt−1))` (AWS Architecture Blog, "Exponential
 * Backoff and Jitter", 2015), but never shorter than the server's retry-after. Stops at once on a
 * fatal error (bad key, unknown model, bad request), after `maxAttempts`, when the server asks for a
 * wait longer than `maxRetryAfterMs`, when the next wait would pass `maxElapsedMs`, or when the
 * caller aborts (also in the middle of a wait). Clock, sleep, timer and randomness are injected so
 * tests never wait.
 *
 * Until the server has answered once in this session (a success or any HTTP status), an
 * `unreachable` error (connection refused, unknown host, no route: classify-error.ts) is most likely
 * a wrong base URL or a server not started, so it gets `firstContactAttempts` attempts
 * `firstContactDelayMs` apart (with jitter) and then comes back fatal, with a hint; once the server
 * has answered, the same error is a server restarting and gets the full policy above.
 *
 * The wrapped `complete` returns the provider's result with `attempts` set (CompletionOk.attempts /
 * CompletionError.attempts in types.ts): the number of calls made, including the last.
 */
import { cancelledError } from './classify-error.js';
import type { CompletionError, CompletionRequest, CompletionResult, Provider } from './types.js';

/** Retry settings; every field is optional and defaults to {@link RETRY_DEFAULTS}. */
export interface RetryPolicy {
  /** Attempts in total, including the first (default 6). */
  readonly maxAttempts?: number;
  /** First backoff ceiling in ms (default 1000), doubled each attempt up to `maxDelayMs` (default 60 000). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 60 000). */
  readonly timeoutMs?: number;
  /** A retry-after longer than this (ms, default 300 000) ends the retries: the run should not sleep for hours. */
  readonly maxRetryAfterMs?: number;
  /** Total time budget in ms across attempts and waits, measured with `deps.now` (default unbounded). */
  readonly maxElapsedMs?: number;
  /** Attempts for an unreachable server before it has answered once this session (default 2). */
  readonly firstContactAttempts?: number;
  /** Backoff ceiling in ms between those attempts (default 250). */
  readonly firstContactDelayMs?: number;
}

/** The effects the retry policy needs, injected. */
export interface RetryDeps {
  /** Resolves after `ms`, or at once when `signal` aborts (the policy also stops waiting on abort by itself). */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds on any monotonic-enough clock (only differences are used). */
  readonly now: () => number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Starts a timer that calls `onTimeout` after `ms` and returns its cancel function; default setTimeout. */
  readonly startTimer?: (ms: number, onTimeout: () => void) => () => void;
}

/** The defaults merged under every policy. */
export const RETRY_DEFAULTS: Readonly<Required<RetryPolicy>> = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 60_000,
  maxRetryAfterMs: 300_000,
  maxElapsedMs: Number.POSITIVE_INFINITY,
  firstContactAttempts: 2,
  firstContactDelayMs: 250,
};

function realTimer(ms: number, onTimeout: () => void): () => void {
  const handle = setTimeout(onTimeout, ms);
  return () => clearTimeout(handle);
}

/** Real-world effects for {@link withRetry}: setTimeout sleep that ends early on abort, Date.now, Math.random. */
export function systemRetryDeps(): RetryDeps {
  return {
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
      }),
    now: Date.now,
    random: Math.random,
  };
}

/**
 * The wait in ms before attempt `attempt + 1` (attempt ≥ 1): full jitter under the exponential
 * ceiling, and at least `retryAfterMs` when the server gave one. O(1).
 */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, policy: Pick<Required<RetryPolicy>, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = random() * ceiling;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/** Resolves when the sleep ends or the signal aborts, whichever is first, even if `sleep` ignores the signal. */
function sleepUnlessAborted(deps: RetryDeps, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return deps.sleep(ms);
  if (signal.aborted) return Promise.resolve();
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([deps.sleep(ms, signal), aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function cancelled(spec: string, attempts: number): CompletionError {
  return { ...cancelledError(spec), attempts };
}

/**
 * Wraps `provider` in the retry policy; everything but `complete` is passed through unchanged.
 * The result carries `attempts`. The caller's signal cancels the request in flight and any wait,
 * returning a `cancelled` error at once. Never throws unless the wrapped provider throws.
 */
export function withRetry(provider: Provider, policy: RetryPolicy, deps: RetryDeps): Provider {
  const settings: Required<RetryPolicy> = { ...RETRY_DEFAULTS, ...policy };
  const startTimer = deps.startTimer ?? realTimer;
  // Shared by every request of this provider (one per session): has the server answered yet?
  let answered = false;
  return {
    ...provider,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
      const startedMs = deps.now();
      let last: CompletionError | undefined;
      let made = 0;
      for (let attempt = 1; attempt <= Math.max(1, settings.maxAttempts); attempt++) {
        if (signal?.aborted) return cancelled(provider.spec, made);
        const controller = new AbortController();
        let timedOut = false;
        const stopTimer = startTimer(settings.timeoutMs, () => {
          timedOut = true;
          controller.abort();
        });
        const forward = () => controller.abort();
        signal?.addEventListener('abort', forward, { once: true });
        let result: CompletionResult;
        made = attempt;
        try {
          result = await provider.complete(request, controller.signal);
        } finally {
          stopTimer();
          signal?.removeEventListener('abort', forward);
        }
        if (result.kind === 'ok' || result.status !== undefined) answered = true;
        if (result.kind === 'ok') return { ...result, attempts: made };
        if (signal?.aborted) return cancelled(provider.spec, made);
        if (timedOut) result = { kind: 'error', code: 'timeout', retryable: true, message: `${provider.spec}: no answer within ${settings.timeoutMs / 1000} s (--timeout)` };
        last = result;
        if (result.code === 'unreachable' && !answered) {
          if (attempt >= settings.firstContactAttempts) {
            last = { ...result, retryable: false, message: `${result.message}; is the server running, and is the base URL right?` };
            break;
          }
          await sleepUnlessAborted(deps, backoffMs(attempt, undefined, { baseDelayMs: settings.firstContactDelayMs, maxDelayMs: settings.firstContactDelayMs }, deps.random), signal);
          continue;
        }
        if (!result.retryable || attempt >= settings.maxAttempts) break;
        if (result.retryAfterMs !== undefined && result.retryAfterMs > settings.maxRetryAfterMs) {
          last = {
            ...result,
            message: `${result.message}; the server asks to wait ${Math.round(result.retryAfterMs / 1000)} s, longer than the ${Math.round(settings.maxRetryAfterMs / 1000)} s we allow`,
          };
          break;
        }
        const waitMs = backoffMs(attempt, result.retryAfterMs, settings, deps.random);
        if (deps.now() - startedMs + waitMs > settings.maxElapsedMs) break;
        await sleepUnlessAborted(deps, waitMs, signal);
      }
      if (!last) return cancelled(provider.spec, made);
      return { ...last, attempts: made };
    },
  };
}

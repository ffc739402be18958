/**
 * Our retry policy around every real provider (DESIGN.md §Providers; SDK retries are off):
 * exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter",
 * 2015), honouring the server's retry-after, a per-attempt timeout, and a bounded number of
 * attempts. Fatal errors (bad key, unknown model, bad request) return at once. Clock, sleep and
 * randomness are injected so tests never wait.
 */
import type { CompletionRequest, CompletionResult, Provider } from './types.js';

export interface RetryPolicy {
  /** Attempts in total, including the first (default 6). */
  readonly maxAttempts?: number;
  /** First backoff ceiling in ms (default 1000), doubled each attempt up to `maxDelayMs`. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 60 s). */
  readonly timeoutMs?: number;
}

export interface RetryDeps {
  /** Resolves after `ms`, or at once when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now: () => number;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** Starts a timer that aborts an attempt; injectable so timeouts are testable without waiting. */
  readonly startTimer?: (ms: number, onTimeout: () => void) => () => void;
}

const DEFAULTS = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000, timeoutMs: 60_000 } as const;

function realTimer(ms: number, onTimeout: () => void): () => void {
  const handle = setTimeout(onTimeout, ms);
  return () => clearTimeout(handle);
}

/** The backoff before attempt `attempt + 1` (attempt ≥ 1): full jitter under an exponential ceiling, at least retry-after. */
export function backoffMs(attempt: number, retryAfterMs: number | undefined, policy: Required<RetryPolicy>, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = random() * ceiling;
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/**
 * Wraps `provider` in the retry policy. The result carries `attempts` (how many were made). The
 * caller's signal cancels waiting and the request in flight.
 */
export function withRetry(provider: Provider, policy: RetryPolicy, deps: RetryDeps): Provider {
  const settings: Required<RetryPolicy> = { ...DEFAULTS, ...policy };
  const startTimer = deps.startTimer ?? realTimer;
  return {
    ...provider,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult & { attempts: number }> {
      let last: CompletionResult | undefined;
      let made = 0;
      for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
        if (signal?.aborted) return { kind: 'error', code: 'cancelled', retryable: false, message: `${provider.spec}: request cancelled`, attempts: attempt - 1 };
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
        if (result.kind === 'error' && timedOut) {
          result = { kind: 'error', code: 'timeout', retryable: true, message: `${provider.spec}: no answer within ${settings.timeoutMs} ms` };
        }
        if (result.kind === 'ok') return { ...result, attempts: attempt };
        last = result;
        if (!result.retryable || attempt === settings.maxAttempts) break;
        await deps.sleep(backoffMs(attempt, result.retryAfterMs, settings, deps.random), signal);
      }
      const failure = last ?? { kind: 'error' as const, code: 'cancelled', retryable: false, message: `${provider.spec}: no attempt made` };
      return { ...failure, attempts: made } as CompletionResult & { attempts: number };
    },
  };
}

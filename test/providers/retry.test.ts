/**
 * The retry policy on its own, around a scripted in-memory provider passed in as a dependency
 * (CONTRIBUTING.md rule 14: no module mocks). Sleep, clock, timer and randomness are injected: nothing
 * here waits on time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, RETRY_DEFAULTS, type RetryDeps, withRetry } from '../../src/providers/retry.js';
import type { CompletionError, CompletionRequest, CompletionResult, Provider } from '../../src/providers/types.js';
import { deferred } from '../helpers/wait-for.js';

const request: CompletionRequest = { user: 'Which?', temperature: 1, maxTokens: 4, samples: 1, logprobs: false };
const ok: CompletionResult = { kind: 'ok', choices: [{ text: 'A' }], usage: { inputTokens: 10, outputTokens: 1 } };
const busy = (retryAfterMs?: number): CompletionError => ({
  kind: 'error',
  code: 'rate-limited',
  retryable: true,
  status: 429,
  message: 'fake: rate limited (429)',
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});
const fatal: CompletionError = { kind: 'error', code: 'auth', retryable: false, status: 401, message: 'authentication failed (401): check the API key for fake:model' };

/** A provider answering from a script; 'hang' waits until its signal aborts, then reports cancelled like the SDKs. */
function scriptedProvider(script: (CompletionResult | 'hang')[]) {
  const signals: AbortSignal[] = [];
  const calledHang = deferred();
  const provider: Provider = {
    spec: 'fake:model',
    simulated: false,
    supportsLogprobs: true,
    supportsMultipleSamples: true,
    async complete(_request, signal) {
      signals.push(signal!);
      const next = script.shift() ?? ok;
      if (next !== 'hang') return next;
      calledHang.resolve();
      return new Promise<CompletionResult>((resolve) => {
        signal!.addEventListener('abort', () => resolve({ kind: 'error', code: 'cancelled', retryable: false, message: 'fake:model: request cancelled' }), { once: true });
      });
    },
  };
  return { provider, signals, calledHang: calledHang.promise };
}

/** Deps whose sleep returns at once and advances a fake clock; every requested wait is recorded. */
function fakeDeps(random: () => number = () => 0.5) {
  const sleeps: number[] = [];
  let clockMs = 0;
  const deps: RetryDeps = {
    sleep: async (ms) => {
      sleeps.push(ms);
      clockMs += ms;
    },
    now: () => clockMs,
    random,
  };
  return { sleeps, deps };
}

describe('withRetry', () => {
  it('returns a fatal error at once, after one attempt and no wait', async () => {
    const { provider } = scriptedProvider([fatal, ok]);
    const { sleeps, deps } = fakeDeps();
    expect(await withRetry(provider, {}, deps).complete(request)).toEqual({ ...fatal, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('counts attempts on success', async () => {
    const { provider } = scriptedProvider([busy(), busy(), ok]);
    const { deps } = fakeDeps();
    expect(await withRetry(provider, {}, deps).complete(request)).toEqual({ ...ok, attempts: 3 });
  });

  it('backs off exponentially with full jitter: random 0.5 × min(1000, 100·2^(k−1)) = 50, 100, 200, 400, 500 ms', async () => {
    const { provider } = scriptedProvider(Array.from({ length: 6 }, () => busy()));
    const { sleeps, deps } = fakeDeps(() => 0.5);
    const result = await withRetry(provider, { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1000 }, deps).complete(request);
    expect(result).toMatchObject({ kind: 'error', code: 'rate-limited', attempts: 6 });
    expect(sleeps).toEqual([50, 100, 200, 400, 500]);
  });

  it('waits at least the server’s retry-after, and no longer than the jitter when retry-after is shorter', async () => {
    const { provider } = scriptedProvider([busy(7000), busy(10), ok]);
    const { sleeps, deps } = fakeDeps(() => 0.99);
    await withRetry(provider, { baseDelayMs: 100 }, deps).complete(request);
    // first: max(7000, 0.99 × 100 = 99) = 7000; second: max(10, 0.99 × 200 = 198) = 198
    expect(sleeps).toEqual([7000, 198]);
  });

  it('gives up when the server asks to wait longer than maxRetryAfterMs, and says so', async () => {
    const { provider } = scriptedProvider([busy(3_600_000), ok]);
    const { sleeps, deps } = fakeDeps();
    const result = await withRetry(provider, { maxRetryAfterMs: 60_000 }, deps).complete(request);
    expect(result).toMatchObject({ kind: 'error', code: 'rate-limited', attempts: 1 });
    expect(result.kind === 'error' && result.message).toMatch(/3600 s/);
    expect(sleeps).toEqual([]);
  });

  it('stops when the next wait would pass the total time budget (fake clock)', async () => {
    const { provider } = scriptedProvider([busy(), busy(), busy(), ok]);
    const { sleeps, deps } = fakeDeps(() => 1 - 1e-9);
    // waits ≈100 (clock 100), then ≈200 would end at ≈300 > 250: stop after 2 attempts
    const result = await withRetry(provider, { baseDelayMs: 100, maxElapsedMs: 250 }, deps).complete(request);
    expect(result).toMatchObject({ kind: 'error', attempts: 2 });
    expect(sleeps).toHaveLength(1);
  });

  it('turns an attempt cut off by its timer into a retryable timeout, then retries', async () => {
    const { provider, signals, calledHang } = scriptedProvider(['hang', ok]);
    const timers: { ms: number; fire: () => void }[] = [];
    const { deps } = fakeDeps();
    const wrapped = withRetry(
      provider,
      { timeoutMs: 5000 },
      {
        ...deps,
        startTimer: (ms, fire) => {
          timers.push({ ms, fire });
          return () => {};
        },
      },
    );
    const pending = wrapped.complete(request);
    await calledHang;
    expect(timers[0]!.ms).toBe(5000);
    timers[0]!.fire();
    expect(await pending).toEqual({ ...ok, attempts: 2 });
    expect(signals[0]!.aborted).toBe(true);
  });

  it('a timeout on the last attempt is reported as code timeout', async () => {
    const { provider, calledHang } = scriptedProvider(['hang']);
    const timers: (() => void)[] = [];
    const { deps } = fakeDeps();
    const pending = withRetry(
      provider,
      { maxAttempts: 1, timeoutMs: 10 },
      {
        ...deps,
        startTimer: (_ms, fire) => {
          timers.push(fire);
          return () => {};
        },
      },
    ).complete(request);
    await calledHang;
    timers[0]!();
    expect(await pending).toMatchObject({ kind: 'error', code: 'timeout', retryable: true, attempts: 1 });
  });

  it('the caller’s abort cancels the request in flight without retrying it', async () => {
    const { provider, signals, calledHang } = scriptedProvider(['hang', ok]);
    const { sleeps, deps } = fakeDeps();
    const caller = new AbortController();
    const pending = withRetry(provider, {}, deps).complete(request, caller.signal);
    await calledHang;
    caller.abort();
    expect(await pending).toMatchObject({ kind: 'error', code: 'cancelled', attempts: 1 });
    expect(signals).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('the caller’s abort ends a wait at once, even if the injected sleep ignores the signal', async () => {
    const { provider, signals } = scriptedProvider([busy(), ok]);
    const sleeping = deferred();
    const caller = new AbortController();
    const deps: RetryDeps = {
      sleep: () => {
        sleeping.resolve();
        return new Promise<void>(() => {}); // never ends by itself
      },
      now: () => 0,
      random: () => 0.5,
    };
    const pending = withRetry(provider, {}, deps).complete(request, caller.signal);
    await sleeping.promise;
    caller.abort();
    expect(await pending).toMatchObject({ kind: 'error', code: 'cancelled', attempts: 1 });
    expect(signals).toHaveLength(1);
  });

  it('makes no attempt when the caller’s signal is already aborted', async () => {
    const { provider, signals } = scriptedProvider([ok]);
    const caller = new AbortController();
    caller.abort();
    expect(await withRetry(provider, {}, fakeDeps().deps).complete(request, caller.signal)).toMatchObject({ code: 'cancelled', attempts: 0 });
    expect(signals).toHaveLength(0);
  });

  it('passes the provider’s description through unchanged', () => {
    const { provider } = scriptedProvider([]);
    const wrapped = withRetry(provider, {}, fakeDeps().deps);
    expect({ ...wrapped, complete: undefined }).toEqual({ ...provider, complete: undefined });
  });

  it('property: calls ≤ maxAttempts, attempts = calls, one wait between calls, each wait within [0, ceiling] or = retry-after', async () => {
    const outcome = fc.oneof(
      fc.constant<CompletionResult>(ok),
      fc.constant<CompletionResult>(fatal),
      fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined }).map((after) => busy(after)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { maxLength: 10 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 0, max: 0.999, noNaN: true }), async (script, maxAttempts, r) => {
        const copy = [...script];
        let calls = 0;
        const provider: Provider = {
          spec: 'fake:p',
          simulated: false,
          supportsLogprobs: false,
          supportsMultipleSamples: false,
          complete: async () => {
            calls++;
            return copy.shift() ?? busy();
          },
        };
        const { sleeps, deps } = fakeDeps(() => r);
        const policy = { maxAttempts, baseDelayMs: 100, maxDelayMs: 1000 };
        const result = await withRetry(provider, policy, deps).complete(request);
        expect(calls).toBeLessThanOrEqual(maxAttempts);
        expect(result.attempts).toBe(calls);
        expect(sleeps.length).toBe(calls - 1);
        sleeps.forEach((ms, k) => {
          const after = (script[k] as CompletionError | undefined)?.retryAfterMs;
          const ceiling = Math.min(1000, 100 * 2 ** k);
          if (after !== undefined) expect(ms).toBe(Math.max(after, r * ceiling));
          else expect(ms).toBeLessThanOrEqual(ceiling);
        });
        if (result.kind === 'error' && calls < maxAttempts) expect(result.retryable).toBe(false);
      }),
    );
  });
});

describe('backoffMs', () => {
  it('doubles the ceiling from the base up to the cap', () => {
    const policy = { baseDelayMs: RETRY_DEFAULTS.baseDelayMs, maxDelayMs: 8000 };
    // random → 1: ceilings 1000, 2000, 4000, 8000, then capped at 8000
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(a, undefined, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(backoffMs(1, 0, policy, () => 0)).toBe(0);
  });
});

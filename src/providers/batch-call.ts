/**
 * What the two batch transports share (docs/architecture.md §"Transports"): one SDK call under our
 * retry policy, the lines of a streamed results file, the error of one request inside a batch, and
 * how requests are cut into batches the provider accepts.
 *
 * A batch call is retried only where repeating it cannot pay twice: reading (retrieve, list,
 * results, file content) and uploading the input file are always safe; creating the batch is retried
 * by the transports themselves only when the provider certainly did not create it (see
 * openai-batch.ts and anthropic-batch.ts). Waits use the injected sleep (CONTRIBUTING.md rule 15).
 */
import { quote, UtilscopeError } from '../core/errors.js';
import { classifyError, type ErrorContext } from './classify-error.js';
import { backoffMs, RETRY_DEFAULTS, type RetryDeps, type RetryPolicy } from './retry.js';
import type { KeyedRequest } from './transport.js';
import type { CompletionError } from './types.js';

/** How a batch transport waits and retries: the effects (injected) and the policy (RETRY_DEFAULTS when absent). */
export interface BatchCallDeps {
  readonly retry: RetryDeps;
  readonly policy?: RetryPolicy;
}

/**
 * Runs `call` (one SDK request about a batch, named `what` in messages) until it succeeds, with
 * exponential backoff and full jitter on retryable errors (retry.ts), at most `maxAttempts` times.
 * Throws a one-line UtilscopeError: `provider-fatal` for an error retrying cannot fix (a bad key, a
 * refused request), `provider-unavailable` once the attempts are spent. Messages name the model spec
 * and are redacted (classify-error.ts).
 */
export async function batchCall<T>(what: string, call: () => Promise<T>, context: ErrorContext, deps: BatchCallDeps): Promise<T> {
  const policy = { ...RETRY_DEFAULTS, ...deps.policy };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = classifyError(error, context);
      if (!failure.retryable) throw batchCallError(what, failure, 'provider-fatal');
      if (attempt >= policy.maxAttempts) throw batchCallError(what, failure, 'provider-unavailable');
      await deps.retry.sleep(backoffMs(attempt, failure.retryAfterMs, policy, deps.retry.random));
    }
  }
}

/** The one-line error of a batch call that failed for good. */
export function batchCallError(what: string, failure: CompletionError, code: 'provider-fatal' | 'provider-unavailable'): UtilscopeError {
  const resumable = code === 'provider-unavailable' ? '; the run can be resumed' : '';
  return new UtilscopeError(code, `${what} failed: ${failure.message}${resumable}`, { field: '--model' });
}

/**
 * The error of one request inside a batch, from the HTTP status the provider recorded for it (or
 * none) and its message: classified like an interactive error (a 400 is fatal, a 500 retryable), so
 * the run asks it again in its next pass only when asking again can help. Pure.
 */
export function batchRequestError(status: number | undefined, message: string, context: ErrorContext): CompletionError {
  if (status !== undefined) return classifyError({ status, message, name: 'APIError' }, context);
  // A status-less error inside a batch is the provider's own failure to run the request: worth asking again.
  return { kind: 'error', code: 'batch-error', retryable: true, message: `${context.spec}: batch request failed (${quote(context.redact(message.split('\n')[0] ?? ''), 300)})` };
}

/** The lines of a UTF-8 byte stream as they arrive, without their line ends; empty lines skipped. */
export async function* streamLines(body: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of body) {
    pending += decoder.decode(chunk, { stream: true });
    let end = pending.indexOf('\n');
    while (end >= 0) {
      const line = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      if (line.trim() !== '') yield line;
      end = pending.indexOf('\n');
    }
  }
  pending += decoder.decode();
  if (pending.trim() !== '') yield pending;
}

/** The most a provider accepts in one batch: requests, and bytes of the serialised requests. */
export interface BatchLimits {
  readonly maxRequests: number;
  readonly maxBytes: number;
}

/**
 * `requests` cut, in order, into as few batches as `limits` allow, measuring each request by
 * `sizeOf` (its serialised bytes, line end included). A request larger than `maxBytes` alone is a
 * one-line `invalid-option` error: no batch could carry it. O(requests).
 */
export function splitIntoBatches(requests: readonly KeyedRequest[], limits: BatchLimits, sizeOf: (request: KeyedRequest) => number): KeyedRequest[][] {
  const batches: KeyedRequest[][] = [];
  let current: KeyedRequest[] = [];
  let bytes = 0;
  for (const request of requests) {
    const size = sizeOf(request);
    if (size > limits.maxBytes) throw new UtilscopeError('invalid-option', `one request is ${size} bytes, more than a batch may hold (${limits.maxBytes})`, { field: '--batch' });
    if (current.length > 0 && (current.length >= limits.maxRequests || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(request);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Turns whatever an SDK threw into a CompletionError value (docs/architecture.md §"Providers").
 *
 * Retryable: 408, 409, 429 (except an exhausted quota), every 5xx including Anthropic's 529
 * "overloaded", timeouts, refused or dropped connections, and bodies that are not the JSON the SDK
 * expected (a proxy or a half-written response: transient in practice, and the retry policy bounds
 * the cost). Fatal: 400, 401, 402, 403, 404, 413, 422 and a 429 whose body says the quota or credit is
 * exhausted — retrying those only burns time. The server's `retry-after-ms` / `retry-after` (seconds or
 * an HTTP date) is carried as `retryAfterMs`. The API key is redacted from every message, and messages
 * are one line of at most ~300 characters that name the model spec.
 */
import type { CompletionError } from './types.js';

interface HttpLikeError {
  readonly status?: unknown;
  readonly headers?: unknown;
  readonly message?: unknown;
  readonly name?: unknown;
  /** OpenAI: `error.code` / `error.type` of the body; Anthropic: `error.type`. */
  readonly code?: unknown;
  readonly type?: unknown;
  readonly constructor?: { readonly name?: string };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The server's requested wait in ms: `retry-after-ms` (OpenAI), else `retry-after` as seconds or as
 * an HTTP date (RFC 9110 §10.2.3) measured from `nowMs`. Undefined when absent, negative or garbage;
 * a date in the past gives 0.
 */
export function retryAfterMs(headers: unknown, nowMs: number = Date.now()): number | undefined {
  const msText = header(headers, 'retry-after-ms');
  if (msText !== undefined && msText.trim() !== '') {
    const ms = Number(msText);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  const text = header(headers, 'retry-after')?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // An HTTP date names a weekday and month; bare numbers such as "-3" are garbage, not years.
  const date = /[a-z]{3}/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/** Removes every occurrence of `secret` from `text` (secrets shorter than 4 characters are not worth hiding and would shred messages). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

/** OpenAI answers 429 `insufficient_quota` and OpenRouter 402 when the money is gone: not a rate limit. */
function isQuotaExhausted(e: HttpLikeError, message: string): boolean {
  return e.code === 'insufficient_quota' || e.type === 'insufficient_quota' || /insufficient[_ ]quota|credit balance is too low/i.test(message);
}

/** The error for a request the caller cancelled: fatal, so never retried. */
export function cancelledError(spec: string): CompletionError {
  return { kind: 'error', code: 'cancelled', retryable: false, message: `${spec}: request cancelled` };
}

/**
 * Classifies an SDK error for the model `spec`; `apiKey` is redacted from the message. Never throws.
 * Codes: cancelled, timeout, connection, bad-response, rate-limited, server-error, auth, billing,
 * not-found, bad-request.
 */
export function classifyError(error: unknown, spec: string, apiKey: string | undefined): CompletionError {
  const e = (error ?? {}) as HttpLikeError;
  const className = `${String(e.name ?? '')} ${e.constructor?.name ?? ''}`;
  const rawMessage = redact(String(e.message ?? error).split('\n')[0] ?? '', apiKey).slice(0, 300);
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (/UserAbort|AbortError/.test(className)) return cancelledError(spec);
  if (/Timeout/.test(className)) return { kind: 'error', code: 'timeout', retryable: true, message: `${spec}: request timed out` };
  if (status === undefined) {
    if (/Connection/.test(className)) return { kind: 'error', code: 'connection', retryable: true, message: `${spec}: cannot connect (${rawMessage})` };
    // JSON the SDK could not parse, or a body of the wrong shape.
    return { kind: 'error', code: 'bad-response', retryable: true, message: `${spec}: unreadable response (${rawMessage})` };
  }
  const after = retryAfterMs(e.headers);
  const base = { kind: 'error' as const, status, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  if ((status === 429 || status === 402) && isQuotaExhausted(e, rawMessage)) {
    return { ...base, code: 'billing', retryable: false, message: `quota or credit exhausted (${status}) for ${spec}: ${rawMessage}` };
  }
  if (status === 429) return { ...base, code: 'rate-limited', retryable: true, message: `${spec}: rate limited (429)` };
  if (status === 408 || status === 409 || status >= 500) return { ...base, code: 'server-error', retryable: true, message: `${spec}: server error ${status} (${rawMessage})` };
  if (status === 401 || status === 403) return { ...base, code: 'auth', retryable: false, message: `authentication failed (${status}): check the API key for ${spec}` };
  if (status === 402) return { ...base, code: 'billing', retryable: false, message: `payment required (402) for ${spec}: ${rawMessage}` };
  if (status === 404) return { ...base, code: 'not-found', retryable: false, message: `model or endpoint not found (404) for ${spec}: ${rawMessage}` };
  return { ...base, code: 'bad-request', retryable: false, message: `request rejected (${status}) for ${spec}: ${rawMessage}` };
}

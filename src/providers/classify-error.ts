/**
 * Turns whatever an SDK threw into a CompletionError value (DESIGN.md §Providers): retryable
 * (429, 408, 409, 5xx, 529 overloaded, timeouts, connection resets) or fatal (400, 401, 403, 404,
 * 422), with the server's retry-after when present. The API key is redacted from every message.
 */
import type { CompletionError } from './types.js';

interface HttpLikeError {
  readonly status?: unknown;
  readonly headers?: unknown;
  readonly message?: unknown;
  readonly name?: unknown;
  readonly constructor?: { readonly name?: string };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** retry-after-ms, or retry-after in seconds, in milliseconds; undefined when absent or a date. */
export function retryAfterMs(headers: unknown): number | undefined {
  const ms = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(header(headers, 'retry-after'));
  if (header(headers, 'retry-after') !== undefined && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined;
}

/** Removes every occurrence of `secret` from `text`. */
export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

/** Classifies an SDK error for the model `spec`. */
export function classifyError(error: unknown, spec: string, apiKey: string | undefined): CompletionError {
  const e = (error ?? {}) as HttpLikeError;
  const className = `${String(e.name ?? '')} ${e.constructor?.name ?? ''}`;
  const rawMessage = redact(String(e.message ?? error).split('\n')[0] ?? '', apiKey).slice(0, 300);
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (/UserAbort|AbortError/.test(className)) return { kind: 'error', code: 'cancelled', retryable: false, message: `${spec}: request cancelled` };
  if (/Timeout/.test(className)) return { kind: 'error', code: 'timeout', retryable: true, message: `${spec}: request timed out` };
  if (status === undefined) {
    if (/Connection/.test(className)) return { kind: 'error', code: 'connection', retryable: true, message: `${spec}: cannot connect (${rawMessage})` };
    return { kind: 'error', code: 'bad-response', retryable: true, message: `${spec}: ${rawMessage}` };
  }
  const after = retryAfterMs(e.headers);
  const base = { kind: 'error' as const, status, ...(after !== undefined ? { retryAfterMs: after } : {}) };
  if (status === 429) return { ...base, code: 'rate-limited', retryable: true, message: `${spec}: rate limited (429)` };
  if (status === 408 || status === 409 || status >= 500) return { ...base, code: 'server-error', retryable: true, message: `${spec}: server error ${status} (${rawMessage})` };
  if (status === 401 || status === 403) return { ...base, code: 'auth', retryable: false, message: `authentication failed (${status}): check the API key for ${spec}` };
  if (status === 404) return { ...base, code: 'not-found', retryable: false, message: `model or endpoint not found (404) for ${spec}: ${rawMessage}` };
  return { ...base, code: 'bad-request', retryable: false, message: `request rejected (${status}) for ${spec}: ${rawMessage}` };
}

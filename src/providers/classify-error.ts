/**
 * Turns whatever an SDK threw into a CompletionError value (docs/architecture.md §"Providers").
 *
 * Retryable: 408, 409, 429 (except an exhausted quota), every 5xx including Anthropic's 529
 * "overloaded", timeouts, dropped connections, a server that cannot be reached (`unreachable`:
 * connection refused, unknown host, no route; retry.ts gives up on it quickly until the server has
 * answered once), and bodies that are not the JSON the SDK expected (a proxy or a half-written
 * response: transient in practice, and the retry policy bounds the cost). Fatal: 400, 401, 402, 403, 404, 413, 422 and a 429 whose body says the quota or credit is
 * exhausted — retrying those only burns time. The server's `retry-after-ms` / `retry-after` (seconds or
 * an HTTP date) is carried as `retryAfterMs`. The run's redactor (redact.ts) is applied to every
 * server message, which is then quoted (`quote`, core/errors.ts: control characters escaped), and
 * messages are one line of at most ~300 characters that name the model spec.
 */
import { quote } from '../core/errors.js';
import type { Redactor } from './redact.js';
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

/** OpenAI answers 429 `insufficient_quota` and OpenRouter 402 when the money is gone: not a rate limit. */
function isQuotaExhausted(e: HttpLikeError, message: string): boolean {
  return e.code === 'insufficient_quota' || e.type === 'insufficient_quota' || /insufficient[_ ]quota|credit balance is too low/i.test(message);
}

/** The error for a request the caller cancelled: fatal, so never retried. */
export function cancelledError(spec: string): CompletionError {
  return { kind: 'error', code: 'cancelled', retryable: false, message: `${spec}: request cancelled` };
}

/** What a classified error names: the model spec, the public base URL, and the redactor of the run's secrets. */
export interface ErrorContext {
  readonly spec: string;
  /** Where requests go, without credentials or query (base-url.ts); named when the server cannot be reached. */
  readonly url: string;
  readonly redact: Redactor;
}

/** Network error codes (Node, undici) that mean the server cannot be reached at all, in words. */
const UNREACHABLE_CAUSES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/**
 * Why a connection error means nobody can be reached, from the error's `cause` chain (the SDK's
 * APIConnectionError → fetch's TypeError → the socket error, possibly an AggregateError over several
 * addresses); undefined for a dropped or reset connection, where a server was there.
 */
function unreachableCause(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.shift() as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown } | undefined;
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    if (typeof e.code === 'string' && Object.hasOwn(UNREACHABLE_CAUSES, e.code)) return UNREACHABLE_CAUSES[e.code];
    // fetch refuses ports on its "bad ports" list (e.g. 6000, 10080) before connecting.
    if (e.message === 'bad port') return 'port blocked by fetch';
    pending.push(e.cause, ...(Array.isArray(e.errors) ? e.errors : []));
  }
  return undefined;
}

/**
 * Classifies an SDK error for `context.spec`; the server's words are redacted and quoted. Never
 * throws. Codes: cancelled, timeout, unreachable, connection, bad-response, rate-limited,
 * server-error, auth, billing, not-found, bad-request.
 */
export function classifyError(error: unknown, context: ErrorContext): CompletionError {
  const { spec } = context;
  const e = (error ?? {}) as HttpLikeError;
  const className = `${String(e.name ?? '')} ${e.constructor?.name ?? ''}`;
  const rawMessage = quote(context.redact(String(e.message ?? error).split('\n')[0] ?? ''), 300);
  const status = typeof e.status === 'number' ? e.status : undefined;
  if (/UserAbort|AbortError/.test(className)) return cancelledError(spec);
  if (/Timeout/.test(className)) return { kind: 'error', code: 'timeout', retryable: true, message: `${spec}: request timed out` };
  if (status === undefined) {
    const unreachable = /Connection/.test(className) ? unreachableCause(error) : undefined;
    if (unreachable !== undefined) return { kind: 'error', code: 'unreachable', retryable: true, message: `${spec}: cannot reach ${context.url} (${unreachable})` };
    if (/Connection/.test(className)) return { kind: 'error', code: 'connection', retryable: true, message: `${spec}: cannot connect to ${context.url} (${rawMessage})` };
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

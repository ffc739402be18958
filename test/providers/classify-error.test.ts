/**
 * Error classification on its own: the retry-after headers (RFC 9110 §10.2.3: seconds or an HTTP
 * date; OpenAI's retry-after-ms), which statuses are worth retrying, and key redaction. The SDK
 * paths that produce these errors are exercised in the wire tests.
 */
import { describe, expect, it } from 'vitest';
import { classifyError, type ErrorContext, retryAfterMs } from '../../src/providers/classify-error.js';
import { createRedactor, NO_REDACTION } from '../../src/providers/redact.js';

/** The context of a model `spec` at a test URL, redacting `secrets`. */
const at = (spec: string, ...secrets: string[]): ErrorContext => ({ spec, url: 'http://127.0.0.1:1/v1', redact: secrets.length ? createRedactor(secrets) : NO_REDACTION });

/** An error shaped like the SDKs' APIError: status, headers (a Headers object), message, body fields. */
function apiError(status: number, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${status} ${message}`), { status, headers: new Headers(headers), ...extra });
}

describe('retryAfterMs', () => {
  it('reads retry-after-ms first, then retry-after in seconds or as an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }))).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    // 12:00:30 GMT is 30 s after the injected now (12:00:00 GMT)
    const now = Date.parse('Wed, 21 Oct 2015 12:00:00 GMT');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 12:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 11:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
  });

  it('ignores absent, negative and garbage values', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': '-3' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(new Headers({ 'retry-after-ms': 'x', 'retry-after': '1' }))).toBe(1000);
  });
});

describe('classifyError', () => {
  it.each([
    [429, 'rate-limited', true],
    [408, 'server-error', true],
    [409, 'server-error', true],
    [500, 'server-error', true],
    [503, 'server-error', true],
    [529, 'server-error', true],
    [400, 'bad-request', false],
    [401, 'auth', false],
    [402, 'billing', false],
    [403, 'auth', false],
    [404, 'not-found', false],
    [422, 'bad-request', false],
  ])('status %i → %s (retryable %s)', (status, code, retryable) => {
    const result = classifyError(apiError(status, 'x'), at('openai:m', 'sk-key-0000'));
    expect(result).toMatchObject({ kind: 'error', code, retryable, status });
    expect(result.message).toContain('openai:m');
  });

  it('treats an exhausted quota as fatal even though it arrives as 429', () => {
    expect(classifyError(apiError(429, 'You exceeded your current quota', {}, { code: 'insufficient_quota' }), at('openai:m'))).toMatchObject({ code: 'billing', retryable: false });
  });

  it('carries the server’s retry-after', () => {
    expect(classifyError(apiError(429, 'slow', { 'retry-after': '3' }), at('openai:m'))).toMatchObject({ retryAfterMs: 3000 });
  });

  it('classifies SDK connection, timeout and abort errors by class, and unreadable bodies as retryable', () => {
    class APIConnectionError extends Error {}
    class APIConnectionTimeoutError extends Error {}
    class APIUserAbortError extends Error {}
    expect(classifyError(new APIConnectionError('Connection error.'), at('s'))).toMatchObject({ code: 'connection', retryable: true });
    expect(classifyError(new APIConnectionTimeoutError('Request timed out.'), at('s'))).toMatchObject({ code: 'timeout', retryable: true });
    expect(classifyError(new APIUserAbortError('Request was aborted.'), at('s'))).toMatchObject({ code: 'cancelled', retryable: false });
    expect(classifyError(new SyntaxError('Unexpected token < in JSON'), at('s'))).toMatchObject({ code: 'bad-response', retryable: true });
    expect(classifyError('a string', at('s'))).toMatchObject({ code: 'bad-response' });
  });

  it('keeps messages to one line and removes the key', () => {
    const result = classifyError(apiError(400, 'Invalid key sk-key-0000 given\nstack line'), at('openai:m', 'sk-key-0000'));
    expect(result.message).not.toContain('sk-key-0000');
    expect(result.message).not.toContain('\n');
    expect(createRedactor(['a-key'])('a-key a-key')).toBe('[redacted] [redacted]');
  });
});

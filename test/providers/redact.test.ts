/**
 * The one redactor (redact.ts) and base URLs that carry secrets (base-url.ts): any run of more than
 * 8 characters of a configured secret is replaced, wherever it starts; a URL's userinfo, query and
 * fragment never reach its public part; and through the real SDKs, a server echoing the key minus
 * one character gets none of it back into an error message or an answer.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic.js';
import { baseUrlCarriesSecrets, publicBaseUrl, splitBaseUrl } from '../../src/providers/base-url.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { createRedactor, REDACTED } from '../../src/providers/redact.js';
import type { CompletionRequest } from '../../src/providers/types.js';
import { anthropicError, anthropicOk } from '../helpers/fake-anthropic-server.js';
import { openAIError, openAIOk } from '../helpers/fake-openai-server.js';
import { type ScriptedServer, startScriptedServer } from '../helpers/scripted-server.js';

const KEY = 'sk-canary-5f1e2d3c4b5a69788796a5b4';
const request: CompletionRequest = { user: 'Option A: x\nOption B: y', temperature: 1, maxTokens: 4, samples: 1, logprobs: false };

/** The longest substring of `secret` that occurs in `text`. */
function longestLeak(text: string, secret: string): number {
  for (let length = secret.length; length > 0; length--) for (let start = 0; start + length <= secret.length; start++) if (text.includes(secret.slice(start, start + length))) return length;
  return 0;
}

describe('createRedactor', () => {
  const redact = createRedactor([KEY]);

  it('replaces the whole key, the key minus a character at either end, and any 9 of its characters', () => {
    expect(redact(`key ${KEY} end`)).toBe(`key ${REDACTED} end`);
    expect(redact(`key ${KEY.slice(0, -1)}`)).toBe(`key ${REDACTED}`);
    expect(redact(`key ${KEY.slice(1)}.`)).toBe(`key ${REDACTED}.`);
    expect(redact(`x${KEY.slice(7, 16)}x`)).toBe(`x${REDACTED}x`);
    expect(redact(`${KEY.slice(0, 12)} and ${KEY.slice(-12)}`)).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('leaves 8 characters of a key and ordinary text alone', () => {
    expect(redact(`x${KEY.slice(3, 11)}x`)).toBe(`x${KEY.slice(3, 11)}x`);
    expect(redact('A')).toBe('A');
    expect(createRedactor([undefined, 'abc'])('abc abc')).toBe('abc abc');
  });

  it('replaces short secrets (4 to 8 characters) only where they occur whole', () => {
    expect(createRedactor(['s3cr3t'])('the s3cr3t and s3cr')).toBe(`the ${REDACTED} and s3cr`);
  });

  it('leaves no run of more than 8 characters of the key in any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.nat(KEY.length), fc.nat(KEY.length), fc.string({ maxLength: 20 }), (before, a, b, after) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect(longestLeak(redact(`${before}${KEY.slice(from, to)}${after}`), KEY)).toBeLessThanOrEqual(8);
      }),
    );
  });
});

describe('base URLs with secrets', () => {
  it('keeps scheme, host, port and path, and drops userinfo, query and fragment', () => {
    expect(publicBaseUrl('https://user:pw-0123456789@gw.example.com:8443/v1?api-key=qk-0123456789&x=1#frag')).toBe('https://gw.example.com:8443/v1');
    expect(publicBaseUrl('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(publicBaseUrl('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000/');
    expect(baseUrlCarriesSecrets('http://127.0.0.1:8000/v1')).toBe(false);
    expect(baseUrlCarriesSecrets('http://127.0.0.1:8000/v1?api-key=x')).toBe(true);
    expect(baseUrlCarriesSecrets('http://key@127.0.0.1:8000/v1')).toBe(true);
  });

  it('turns the query into default query parameters and userinfo into Basic authorization, and lists the secrets', () => {
    const split = splitBaseUrl('https://me:p%40ss-0123456789@gw.example.com/v1?api-key=qk%2B0123456789');
    expect(split.query).toEqual({ 'api-key': 'qk+0123456789' });
    expect(split.authorization).toBe(`Basic ${Buffer.from('me:p@ss-0123456789').toString('base64')}`);
    expect(split.secrets).toEqual(expect.arrayContaining(['p%40ss-0123456789', 'p@ss-0123456789', 'qk+0123456789', 'qk%2B0123456789']));
    expect(split.secrets).not.toContain('me'); // a user name beside a password is not the secret
    expect(splitBaseUrl('https://sk-only-as-user-0123@gw.example.com/v1').secrets).toContain('sk-only-as-user-0123');
  });

  it('refuses a URL that is not absolute http(s) without echoing it', () => {
    expect(() => splitBaseUrl('gw.example.com/v1?api-key=qk-secret-0123')).toThrowError(/^--base-url must be an absolute http:\/\/ or https:\/\/ URL$/);
    expect(() => splitBaseUrl('ftp://gw.example.com/')).toThrowError(/--base-url/);
  });
});

describe('a server echoing the key with one character cut off', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([
    [
      'openai',
      (url: string) => createOpenAIProvider({ spec: 'vllm:m', model: 'm', apiKey: KEY, baseURL: `${url}/v1` }),
      openAIError(400, `bad key ${KEY.slice(0, -1)}`),
      openAIOk([`A, and my key is ${KEY.slice(1)}`]),
    ],
    [
      'anthropic',
      (url: string) => createAnthropicProvider({ spec: 'anthropic:m', model: 'm', apiKey: KEY, baseURL: url }),
      anthropicError(400, 'invalid_request_error', `bad key ${KEY.slice(0, -1)}`),
      anthropicOk([`A, and my key is ${KEY.slice(1)}`]),
    ],
  ] as const)('%s: gets none of it back in the error message or the answer', async (_name, make, error, ok) => {
    server = await startScriptedServer([error, ok]);
    const provider = make(server.url);
    const failed = await provider.complete(request);
    const answered = await provider.complete(request);
    expect(failed).toMatchObject({ kind: 'error', code: 'bad-request', message: expect.stringContaining(`bad key ${REDACTED}`) });
    expect(answered).toMatchObject({ kind: 'ok', choices: [{ text: `A, and my key is ${REDACTED}` }] });
    expect(longestLeak(JSON.stringify([failed, answered]), KEY)).toBeLessThanOrEqual(8);
  });
});

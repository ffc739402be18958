/**
 * The provider interface (docs/architecture.md §"Providers"): every way of asking a model — OpenAI, Anthropic,
 * OpenAI-compatible servers, simulated respondents — answers one request shape with one result
 * union. Retries, pricing and concurrency wrap providers from outside; a provider makes one attempt.
 */
import type { ChatMessage } from '../core/run-spec.js';
import type { TokenUsage } from '../core/types.js';
import { splitBaseUrl } from './base-url.js';
import { createRedactor, type Redactor } from './redact.js';

/** One forced-choice question as sent to a model. */
export interface CompletionRequest {
  readonly system?: string;
  /** Earlier chat turns (an arm's preamble), sent before `user`; alternating user/assistant, ending with assistant. */
  readonly preamble?: readonly ChatMessage[];
  /** The question; with `format: 'completion'`, the whole plain transcript a base model continues (no system, no preamble). */
  readonly user: string;
  /** `completion`: send `user` as the prompt of a text completion (`/v1/completions`); absent means chat. */
  readonly format?: 'completion';
  readonly temperature: number;
  readonly maxTokens: number;
  /** Completions wanted from this one call (OpenAI `n`); providers without `n` make several calls. */
  readonly samples: number;
  /** Ask for next-token log-probabilities (top `topLogprobs` alternatives) instead of sampling. */
  readonly logprobs: boolean;
  readonly topLogprobs?: number;
  /** A seed derived from the comparison key, passed where the API accepts one (determinism of sims). */
  readonly seed?: number;
}

/** One candidate next token with its log-probability. */
export interface TokenLogprob {
  readonly token: string;
  readonly logprob: number;
}

/** One returned completion: its text, and in log-prob mode the top alternatives for the first token. */
export interface CompletionChoice {
  readonly text: string;
  readonly firstTokenLogprobs?: readonly TokenLogprob[];
}

/** A successful call: one choice per sample, and the tokens billed for the whole call. */
export interface CompletionOk {
  readonly kind: 'ok';
  readonly choices: readonly CompletionChoice[];
  readonly usage: TokenUsage;
  /** Attempts made, including this successful one; set by `withRetry` (retry.ts), absent otherwise. */
  readonly attempts?: number;
}

/**
 * A failed attempt, classified. `retryable` decides whether our retry policy tries again;
 * `retryAfterMs` carries a server's `retry-after`. `code` is short and stable: `rate-limited`,
 * `server-error`, `timeout`, `unreachable`, `connection`, `bad-response` (retryable; `unreachable`
 * becomes fatal before the server has answered once, retry.ts); `auth`, `billing`, `bad-request`,
 * `not-found`, `cancelled` (fatal). See classify-error.ts.
 */
export interface CompletionError {
  readonly kind: 'error';
  readonly code: string;
  readonly retryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** One line naming the model spec and the cause; redacted of every configured secret (redact.ts). */
  readonly message: string;
  /** Attempts made before giving up; set by `withRetry` (retry.ts), absent otherwise. */
  readonly attempts?: number;
}

/** What `Provider.complete` resolves to: never a thrown API failure. */
export type CompletionResult = CompletionOk | CompletionError;

/** What every provider offers. `complete` never throws for API failures: it returns an error value. */
export interface Provider {
  /** The model spec as the user wrote it, e.g. `openai:gpt-4o-mini` (never contains a key). */
  readonly spec: string;
  /** True when answers come from a simulated respondent; reports must say so. */
  readonly simulated: boolean;
  /** Whether this provider can return first-token log-probabilities. */
  readonly supportsLogprobs: boolean;
  /** Whether one call can return several samples (`n`). */
  readonly supportsMultipleSamples: boolean;
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult>;
  /** Releases sockets, models or other resources. */
  close?(): Promise<void>;
}

/** How a hosted or local API is reached; the key goes straight to the SDK constructor. */
export interface ApiConnection {
  /** The model spec as the user wrote it (for messages; never a key). */
  readonly spec: string;
  /** The model name the API expects. */
  readonly model: string;
  readonly apiKey: string;
  /** The base URL for this session, possibly with a key in its query or userinfo (base-url.ts). */
  readonly baseURL?: string;
  /**
   * The run's redactor, applied to every message and answer text the provider returns. Default:
   * one of `apiKey` and the base URL's secrets (create-provider.ts passes one without its
   * placeholder key for keyless local servers).
   */
  readonly redact?: Redactor;
  /** The SDK's own per-request timeout in ms (default {@link SDK_TIMEOUT_MS}); `withRetry` usually aborts sooner. */
  readonly timeoutMs?: number;
  /** A fetch implementation handed to the SDK (default: the global fetch). */
  readonly fetch?: typeof fetch;
}

/** The SDK's per-request timeout when {@link ApiConnection.timeoutMs} is not given: 120 s. */
export const SDK_TIMEOUT_MS = 120_000;

/** The options both SDK clients take that {@link sdkClientOptions} sets. */
export interface SdkClientOptions {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly defaultQuery?: Record<string, string>;
  readonly defaultHeaders?: Record<string, string>;
  readonly fetch?: typeof fetch;
  readonly maxRetries: number;
  readonly timeout: number;
}

/**
 * The client options both SDKs (`openai`, `@anthropic-ai/sdk`) are built with, and the redactor of
 * `connection`: key and fetch as given; the base URL's public part as the SDK's base URL, its query
 * as `defaultQuery` and its userinfo as a Basic `Authorization` header (the SDKs' fetch rejects
 * userinfo and would mangle a query in the base); the SDK's own retries off (`withRetry`, retry.ts,
 * is the one retry policy); the per-request timeout. Throws `invalid-option` for a base URL that is
 * not an absolute http(s) URL.
 */
export function sdkClientOptions(connection: ApiConnection): { options: SdkClientOptions; redact: Redactor } {
  const split = connection.baseURL !== undefined ? splitBaseUrl(connection.baseURL) : undefined;
  const options: SdkClientOptions = {
    apiKey: connection.apiKey,
    ...(split !== undefined ? { baseURL: split.publicUrl } : {}),
    ...(split?.query !== undefined ? { defaultQuery: { ...split.query } } : {}),
    ...(split?.authorization !== undefined ? { defaultHeaders: { authorization: split.authorization } } : {}),
    ...(connection.fetch !== undefined ? { fetch: connection.fetch } : {}),
    maxRetries: 0,
    timeout: connection.timeoutMs ?? SDK_TIMEOUT_MS,
  };
  return { options, redact: connection.redact ?? createRedactor([connection.apiKey, ...(split?.secrets ?? [])]) };
}

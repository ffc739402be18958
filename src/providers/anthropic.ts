/**
 * Anthropic models through the official `@anthropic-ai/sdk` Messages API (docs/architecture.md §"Providers"):
 * the system prompt goes in the top-level `system` parameter (the Messages API has no system role),
 * one call per sample (the API has no `n`, so `supportsMultipleSamples` is false and the pipeline
 * issues one request per sample), and no log-probabilities (`supportsLogprobs` false: the pipeline
 * falls back to sampling with a message). SDK retries are off; `withRetry` wraps this.
 *
 * The installed SDK's Messages parameters no longer include `temperature`, so Anthropic models
 * sample at their default temperature; the requested temperature still enters the request key.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { classifyError, type ErrorContext } from './classify-error.js';
import { type ApiConnection, type CompletionRequest, type CompletionResult, type Provider, sdkClientOptions } from './types.js';

/** Options for {@link createAnthropicProvider}: where and as whom to connect. */
export interface AnthropicProviderOptions extends ApiConnection {}

/** Where the SDK sends requests when no base URL is given (named in error messages). */
const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Where the SDK sends requests for `baseURL` (named in error messages). */
export function anthropicPublicUrl(baseURL: string | undefined): string {
  return baseURL ?? ANTHROPIC_DEFAULT_BASE_URL;
}

/**
 * The Messages parameters for `request` (one sample): the one place a request becomes Anthropic's
 * wire format, for the interactive call and for each request of a message batch
 * (anthropic-batch.ts), so both ask exactly the same thing. Pure.
 */
export function anthropicMessageParams(model: string, request: CompletionRequest): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model,
    max_tokens: request.maxTokens,
    ...(request.system !== undefined ? { system: request.system } : {}),
    messages: [...(request.preamble ?? []).map((turn) => ({ role: turn.role, content: turn.content })), { role: 'user', content: request.user }],
  };
}

/**
 * A Messages response body as a CompletionResult: the concatenated text blocks through the
 * redactor, and usage; a body without content is a retryable `bad-response`. Used for interactive
 * responses and for succeeded batch results. Pure.
 */
export function anthropicMessageResult(message: unknown, redact: (text: string) => string, context: ErrorContext): CompletionResult {
  const body = (message ?? {}) as { content?: unknown; usage?: { input_tokens?: number; output_tokens?: number } };
  if (!Array.isArray(body.content)) return classifyError(new Error('no content in the response'), context);
  const text = redact((body.content as { type?: unknown; text?: unknown }[]).map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : '')).join(''));
  return { kind: 'ok', choices: [{ text }], usage: { inputTokens: body.usage?.input_tokens ?? 0, outputTokens: body.usage?.output_tokens ?? 0 } };
}

/**
 * A provider speaking the Anthropic Messages wire format. `complete` never throws; 529 "overloaded"
 * is retryable, 401/403/404/400 fatal (classify-error.ts). The returned choice is the concatenated
 * text blocks of the reply (thinking or tool blocks are not answers), through the connection's
 * redactor (redact.ts), as is every message.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const sdk = sdkClientOptions(options);
  // The SDK is loaded on the first request, not at start-up: most commands never ask a model.
  let client: Promise<Anthropic> | undefined;
  const sdkClient = () => (client ??= import('@anthropic-ai/sdk').then((m) => new m.default(sdk.options)));
  const context: ErrorContext = { spec: options.spec, url: anthropicPublicUrl(sdk.options.baseURL), redact: sdk.redact };
  return {
    spec: options.spec,
    simulated: false,
    supportsLogprobs: false,
    supportsMultipleSamples: false,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
      // The pipeline refuses completion-format arms for Anthropic before asking (pipeline/provider.ts); this is the backstop.
      if (request.format === 'completion')
        return { kind: 'error', code: 'bad-request', retryable: false, message: `${options.spec}: Anthropic has no text-completions endpoint for a completion-format arm` };
      try {
        const response = await (await sdkClient()).messages.create(anthropicMessageParams(options.model, request), signal ? { signal } : {});
        return anthropicMessageResult(response, sdk.redact, context);
      } catch (error) {
        return classifyError(error, context);
      }
    },
  };
}

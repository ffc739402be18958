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
  const context: ErrorContext = { spec: options.spec, url: sdk.options.baseURL ?? 'https://api.anthropic.com', redact: sdk.redact };
  return {
    spec: options.spec,
    simulated: false,
    supportsLogprobs: false,
    supportsMultipleSamples: false,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
      try {
        const response = await (await sdkClient()).messages.create(
          {
            model: options.model,
            max_tokens: request.maxTokens,
            ...(request.system !== undefined ? { system: request.system } : {}),
            messages: [{ role: 'user', content: request.user }],
          },
          signal ? { signal } : {},
        );
        const blocks = (response as { content?: unknown }).content;
        if (!Array.isArray(blocks)) return classifyError(new Error('no content in the response'), context);
        const text = sdk.redact(response.content.map((block) => (block.type === 'text' ? block.text : '')).join(''));
        return { kind: 'ok', choices: [{ text }], usage: { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 } };
      } catch (error) {
        return classifyError(error, context);
      }
    },
  };
}

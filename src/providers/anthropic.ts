/**
 * Anthropic models through the official `@anthropic-ai/sdk` Messages API (DESIGN.md §Providers):
 * the system prompt goes in the top-level `system` parameter, one call per sample (no `n`), and no
 * log-probabilities. SDK retries are off; our retry policy wraps this. The installed SDK's Messages
 * parameters no longer include `temperature`, so Anthropic models sample at their default
 * temperature (stated in the README); the requested temperature still enters the request key.
 */
import Anthropic from '@anthropic-ai/sdk';
import { classifyError } from './classify-error.js';
import type { ApiConnection, CompletionRequest, CompletionResult, Provider } from './types.js';

export interface AnthropicProviderOptions extends ApiConnection {
}

/** A provider speaking the Anthropic Messages wire format. */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
  });
  return {
    spec: options.spec,
    simulated: false,
    supportsLogprobs: false,
    supportsMultipleSamples: false,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
      try {
        const response = await client.messages.create(
          {
            model: options.model,
            max_tokens: request.maxTokens,
            ...(request.system !== undefined ? { system: request.system } : {}),
            messages: [{ role: 'user', content: request.user }],
          },
          signal ? { signal } : {},
        );
        const text = response.content
          .map((block) => (block.type === 'text' ? block.text : ''))
          .join('');
        return { kind: 'ok', choices: [{ text }], usage: { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 } };
      } catch (error) {
        return classifyError(error, options.spec, options.apiKey);
      }
    },
  };
}

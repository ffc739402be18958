/**
 * OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenRouter, Together)
 * through the official `openai` SDK's chat completions (DESIGN.md §Providers). SDK retries are off;
 * our retry policy (retry.ts) wraps this. `n` asks for several samples in one call; `logprobs` +
 * `top_logprobs` returns the first token's alternatives for log-probability mode.
 */
import OpenAI from 'openai';
import { classifyError } from './classify-error.js';
import type { ApiConnection, CompletionChoice, CompletionRequest, CompletionResult, Provider } from './types.js';

export interface OpenAIProviderOptions extends ApiConnection {
  /** Whether the server honours `n` (official OpenAI, vLLM do; some local servers do not). */
  readonly multipleSamples?: boolean;
}

/** A provider speaking the OpenAI chat-completions wire format. */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
    maxRetries: 0,
    timeout: options.timeoutMs ?? 120_000,
  });
  return {
    spec: options.spec,
    simulated: false,
    supportsLogprobs: true,
    supportsMultipleSamples: options.multipleSamples ?? true,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
      try {
        const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
        if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
        messages.push({ role: 'user', content: request.user });
        const response = await client.chat.completions.create(
          {
            model: options.model,
            messages,
            temperature: request.temperature,
            max_tokens: request.maxTokens,
            ...(request.samples > 1 ? { n: request.samples } : {}),
            ...(request.logprobs ? { logprobs: true, top_logprobs: request.topLogprobs ?? 20 } : {}),
            ...(request.seed !== undefined ? { seed: request.seed } : {}),
          },
          signal ? { signal } : {},
        );
        const choices: CompletionChoice[] = [...(response.choices ?? [])]
          .sort((a, b) => a.index - b.index)
          .map((choice) => {
            const first = choice.logprobs?.content?.[0];
            const top = first?.top_logprobs?.map((t) => ({ token: t.token, logprob: t.logprob }));
            return { text: choice.message?.content ?? '', ...(top && top.length > 0 ? { firstTokenLogprobs: top } : {}) };
          });
        return { kind: 'ok', choices, usage: { inputTokens: response.usage?.prompt_tokens ?? 0, outputTokens: response.usage?.completion_tokens ?? 0 } };
      } catch (error) {
        return classifyError(error, options.spec, options.apiKey);
      }
    },
  };
}

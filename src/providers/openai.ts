/**
 * OpenAI and every OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenRouter, Together)
 * through the official `openai` SDK's chat completions (docs/architecture.md §"Providers"; docs/method.md §2).
 *
 * One `complete` = one HTTP call in the common case: system + user messages, `temperature`,
 * `max_tokens`, `n` = samples where the server honours it, `seed` when given. A server that silently
 * ignores `n` (returns fewer choices) is topped up with further calls for the missing samples, at
 * most `samples` calls in all, so a request never comes back short without the pipeline knowing
 * (a failed top-up returns the choices received; the pipeline records the rest as missing).
 * Log-probability mode adds `logprobs: true, top_logprobs: k` (k ≤ 20, default 20) and returns the
 * alternatives at the first generated token that is an A or B (markdown such as `**` may come
 * first). A completion-format request (an arm's transcript for a base model) goes to the text
 * completions endpoint (`client.completions.create`) instead. SDK retries are off: `withRetry` (retry.ts) is the one retry policy. The key lives only
 * inside the SDK client.
 */
import type OpenAI from 'openai';
import { tokenAsLabel } from '../elicitation/read-choice.js';
import { classifyError, type ErrorContext } from './classify-error.js';
import { type ApiConnection, type CompletionChoice, type CompletionRequest, type CompletionResult, type Provider, sdkClientOptions, type TokenLogprob } from './types.js';

/** Options for {@link createOpenAIProvider}: where and as whom to connect, and what the server can do. */
export interface OpenAIProviderOptions extends ApiConnection {
  /** Whether the server honours `n` (OpenAI, vLLM, Together do; Ollama, llama.cpp server do not). Default true. */
  readonly multipleSamples?: boolean;
}

/** Where the SDK sends requests when no base URL is given (named in error messages). */
const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** OpenAI accepts 0–20 alternatives per token. */
const MAX_TOP_LOGPROBS = 20;

/**
 * OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…) on the official API reject `max_tokens`
 * (they take `max_completion_tokens`, which also bounds hidden reasoning tokens), accept only the
 * default temperature 1, and return no log-probabilities. Compatible servers keep the classic names.
 */
export function isOpenAIReasoningModel(model: string, baseURL: string | undefined): boolean {
  const official = baseURL === undefined || /^https:\/\/api\.openai\.com(\/|$)/.test(baseURL);
  return official && /^(o\d|gpt-5)/i.test(model);
}

type ChatChoice = OpenAI.Chat.Completions.ChatCompletion.Choice;

/**
 * The alternatives at the first position whose generated token is more than decoration — the
 * answer label, whatever labels the template uses (a model may open with `**` or a space; with
 * max_tokens 1 there is only position 0) — else at position 0.
 */
function firstTokenLogprobs(choice: ChatChoice): TokenLogprob[] | undefined {
  const positions = choice.logprobs?.content ?? [];
  const letterAt = positions.findIndex((p) => tokenAsLabel(p.token) !== '');
  const position = positions[Math.max(0, letterAt)];
  if (!position) return undefined;
  const top = (position.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob }));
  return top.length > 0 ? top : [{ token: position.token, logprob: position.logprob }];
}

function toChoice(choice: ChatChoice, redact: (text: string) => string): CompletionChoice {
  // A model-side refusal arrives in `refusal` with null content; keep its words as the raw answer.
  const text = redact(choice.message?.content ?? choice.message?.refusal ?? '');
  const top = firstTokenLogprobs(choice);
  return { text, ...(top && top.length > 0 ? { firstTokenLogprobs: top } : {}) };
}

/**
 * The chat-completions body for `request` asking `n` samples, seeded `seed + seedOffset`: the one
 * place a request becomes OpenAI's wire format, for the interactive call and for each line of a
 * batch input file (openai-batch.ts), so both ask exactly the same thing. Pure.
 */
export function chatCompletionBody(model: string, reasoning: boolean, request: CompletionRequest, n: number, seedOffset = 0): OpenAI.Chat.ChatCompletionCreateParamsNonStreaming {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  for (const turn of request.preamble ?? []) messages.push({ role: turn.role, content: turn.content });
  messages.push({ role: 'user', content: request.user });
  return {
    model,
    messages,
    // Reasoning models: the token cap under its new name, and temperature only at its default 1.
    ...(reasoning ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
    ...(reasoning && request.temperature !== 1 ? {} : { temperature: request.temperature }),
    ...(n > 1 ? { n } : {}),
    ...(request.logprobs && !reasoning ? { logprobs: true, top_logprobs: Math.min(MAX_TOP_LOGPROBS, Math.max(0, request.topLogprobs ?? MAX_TOP_LOGPROBS)) } : {}),
    ...(request.seed !== undefined ? { seed: request.seed + seedOffset } : {}),
  };
}

/**
 * The text-completions body (`/v1/completions`) for a completion-format request: the transcript as
 * `prompt`, otherwise the same sampling fields as the chat body. Base models behind vLLM, llama.cpp
 * server and other OpenAI-compatible servers answer it. Pure.
 */
export function textCompletionBody(model: string, request: CompletionRequest, n: number, seedOffset = 0): OpenAI.Completions.CompletionCreateParamsNonStreaming {
  return {
    model,
    prompt: request.user,
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    ...(n > 1 ? { n } : {}),
    ...(request.seed !== undefined ? { seed: request.seed + seedOffset } : {}),
  };
}

/** A text-completions response body as a CompletionResult (choices in index order through the redactor, usage). Pure. */
export function textCompletionResult(body: unknown, redact: (text: string) => string, context: ErrorContext): CompletionResult {
  const raw = (body ?? {}) as { choices?: unknown; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  if (!Array.isArray(raw.choices) || raw.choices.length === 0) return classifyError(new Error('no choices in the response'), context);
  const choices = [...(raw.choices as { index: number; text?: unknown }[])].sort((a, b) => a.index - b.index).map((c) => ({ text: redact(typeof c.text === 'string' ? c.text : '') }));
  return { kind: 'ok', choices, usage: { inputTokens: raw.usage?.prompt_tokens ?? 0, outputTokens: raw.usage?.completion_tokens ?? 0 } };
}

/**
 * A chat-completions response body as a CompletionResult: choices in index order through the
 * redactor, usage; a body without choices (some gateways answer 200 with `{"error": …}`) is a
 * retryable `bad-response`. Used for interactive responses and for batch output lines. Pure.
 */
export function chatCompletionResult(body: unknown, redact: (text: string) => string, context: ErrorContext): CompletionResult {
  const raw = (body ?? {}) as { choices?: unknown; error?: { message?: unknown }; usage?: { prompt_tokens?: number; completion_tokens?: number } };
  if (!Array.isArray(raw.choices) || raw.choices.length === 0) {
    const said = typeof raw.error?.message === 'string' ? `: ${raw.error.message.split('\n')[0]?.slice(0, 200)}` : '';
    return classifyError(new Error(`no choices in the response${said}`), context);
  }
  const choices = [...(raw.choices as ChatChoice[])].sort((a, b) => a.index - b.index).map((choice) => toChoice(choice, redact));
  return { kind: 'ok', choices, usage: { inputTokens: raw.usage?.prompt_tokens ?? 0, outputTokens: raw.usage?.completion_tokens ?? 0 } };
}

/** Where the SDK sends requests for `baseURL` (named in error messages). */
export function openAIPublicUrl(baseURL: string | undefined): string {
  return baseURL ?? OPENAI_DEFAULT_BASE_URL;
}

/**
 * A provider speaking the OpenAI chat-completions wire format. `complete` never throws: failures come
 * back as CompletionError values (classify-error.ts) whose messages name `spec` and the public base
 * URL; every message and answer text has passed through the connection's redactor (redact.ts).
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const sdk = sdkClientOptions(options);
  // The SDK is loaded on the first request, not at start-up: most commands never ask a model.
  let client: Promise<OpenAI> | undefined;
  const sdkClient = () => (client ??= import('openai').then((m) => new m.default(sdk.options)));
  const context: ErrorContext = { spec: options.spec, url: openAIPublicUrl(sdk.options.baseURL), redact: sdk.redact };
  const multipleSamples = options.multipleSamples ?? true;
  const reasoning = isOpenAIReasoningModel(options.model, options.baseURL);

  async function call(request: CompletionRequest, n: number, seedOffset: number, signal: AbortSignal | undefined): Promise<CompletionResult> {
    try {
      if (request.format === 'completion') {
        const response = await (await sdkClient()).completions.create(textCompletionBody(options.model, request, n, seedOffset), signal ? { signal } : {});
        return textCompletionResult(response, sdk.redact, context);
      }
      const response = await (await sdkClient()).chat.completions.create(chatCompletionBody(options.model, reasoning, request, n, seedOffset), signal ? { signal } : {});
      return chatCompletionResult(response, sdk.redact, context);
    } catch (error) {
      return classifyError(error, context);
    }
  }

  return {
    spec: options.spec,
    simulated: false,
    supportsLogprobs: !reasoning,
    supportsMultipleSamples: multipleSamples,
    async complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult> {
      const wanted = Math.max(1, request.samples);
      const first = await call(request, multipleSamples ? wanted : 1, 0, signal);
      if (first.kind === 'error' || first.choices.length >= wanted) return first;
      const choices = [...first.choices];
      let inputTokens = first.usage.inputTokens;
      let outputTokens = first.usage.outputTokens;
      for (let extra = 1; extra < wanted && choices.length < wanted; extra++) {
        // A different seed per top-up call, or a seeded server would repeat the first answer.
        const more = await call(request, multipleSamples ? wanted - choices.length : 1, extra, signal);
        if (more.kind === 'error') break;
        choices.push(...more.choices.slice(0, wanted - choices.length));
        inputTokens += more.usage.inputTokens;
        outputTokens += more.usage.outputTokens;
      }
      return { kind: 'ok', choices, usage: { inputTokens, outputTokens } };
    },
  };
}

/**
 * One factory from a parsed model spec to a Provider (docs/architecture.md §"Providers"). API keys are read from
 * the environment map passed in (the CLI passes process.env) and handed straight to the SDK
 * constructor; they are never stored on the provider object, in errors or anywhere else.
 */
import { quote, UtilscopeError } from '../core/errors.js';
import type { Outcome, OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { createAnthropicProvider } from './anthropic.js';
import { createAnthropicBatchTransport } from './anthropic-batch.js';
import { splitBaseUrl } from './base-url.js';
import type { BatchLimits } from './batch-call.js';
import type { ModelSpec } from './model-spec.js';
import { createOpenAIProvider } from './openai.js';
import { createOpenAIBatchTransport } from './openai-batch.js';
import { createRedactor, type Redactor } from './redact.js';
import { needsApiKey, PROVIDERS, resolveBaseUrl } from './registry.js';
import type { RetryDeps, RetryPolicy } from './retry.js';
import { createSimProvider, parseSimSize } from './sim.js';
import type { BatchTransport } from './transport.js';
import type { Provider } from './types.js';

/** What {@link createProvider} needs besides the spec; `env` is read for keys and base URLs only. */
export interface CreateProviderOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --base-url as given this session (it may carry a key); wins over the environment and the alias default. */
  readonly baseURL?: string;
  readonly outcomes: readonly Outcome[];
  /** Units the outcome set declares, so a simulated respondent plants their direction. */
  readonly units?: OutcomeSet['units'];
  readonly template: PromptTemplate;
  readonly seed: number;
  /** The SDK's own per-request timeout in ms (types.ts `SDK_TIMEOUT_MS` when absent). */
  readonly timeoutMs?: number;
}

/** Local servers accept any key; the SDKs still require a non-empty string. */
const PLACEHOLDER_KEY = 'not-needed-for-local-servers';

/**
 * The key for `spec` from `env` (its registry `keyEnv`; empty counts as unset). A server on this
 * machine (sim-server, a local vLLM behind openai:) and the local aliases need none and get
 * {@link PLACEHOLDER_KEY}; otherwise a missing required key is a one-line `missing-api-key` error
 * naming the variable and the spec.
 */
function apiKeyFor(spec: ModelSpec, env: CreateProviderOptions['env'], baseURL: string | undefined): string {
  const key = (spec.keyEnv ? env[spec.keyEnv] : undefined) || undefined;
  if (!key && needsApiKey(spec, baseURL)) throw new UtilscopeError('missing-api-key', `${spec.spec} needs an API key: set ${spec.keyEnv}`, { field: '--model' });
  return key ?? PLACEHOLDER_KEY;
}

/** The run's redactor (redact.ts): the key read from the environment (not the placeholder) and the base URL's secrets. */
function redactorFor(apiKey: string, baseURL: string | undefined): Redactor {
  return createRedactor([apiKey === PLACEHOLDER_KEY ? undefined : apiKey, ...(baseURL !== undefined ? splitBaseUrl(baseURL).secrets : [])]);
}

/**
 * Builds the provider for `spec` (docs/architecture.md §"Providers") from its registry entry (registry.ts). Base
 * URL: `options.baseURL` (--base-url), else the entry's `baseUrlEnv` (OPENAI_BASE_URL for `openai:`,
 * ANTHROPIC_BASE_URL for `anthropic:`), else its default. Keys: the entry's `keyEnv`
 * (OPENAI_API_KEY, OPENROUTER_API_KEY, TOGETHER_API_KEY, ANTHROPIC_API_KEY); local aliases and
 * loopback base URLs need none. Servers whose entry does not honour `n` are asked one sample per
 * request. The provider redacts the key it was given and the base URL's secrets from every message
 * and answer (redact.ts). Throws UtilscopeError `missing-api-key` (naming the variable and the spec),
 * `unknown-model-spec` (bad sim size), `invalid-option` (a base URL that is not absolute http(s)) or
 * `optional-dependency-missing` (llama:).
 */
export function createProvider(spec: ModelSpec, options: CreateProviderOptions): Provider {
  switch (spec.kind) {
    case 'sim': {
      const params = parseSimSize(spec.model);
      if (params === undefined) throw new UtilscopeError('unknown-model-spec', `simulated size ${quote(spec.model)} must look like 0.5b, 7b or 350m`, { field: '--model' });
      return createSimProvider({ spec: spec.spec, params, outcomes: options.outcomes, template: options.template, seed: options.seed, ...(options.units ? { units: options.units } : {}) });
    }
    case 'llama':
      throw new UtilscopeError(
        'optional-dependency-missing',
        `${spec.spec}: in-process GGUF models need the optional package node-llama-cpp, which this version does not support yet; serve the model with llama.cpp's server and use llamacpp:<model> instead`,
        { field: '--model' },
      );
    case 'openai': {
      const baseURL = resolveBaseUrl(spec, options.baseURL, options.env);
      const apiKey = apiKeyFor(spec, options.env, baseURL);
      return createOpenAIProvider({
        spec: spec.spec,
        model: spec.model,
        apiKey,
        redact: redactorFor(apiKey, baseURL),
        multipleSamples: spec.honoursN,
        ...(baseURL !== undefined ? { baseURL } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
    }
    case 'anthropic': {
      const baseURL = resolveBaseUrl(spec, options.baseURL, options.env);
      const apiKey = apiKeyFor(spec, options.env, baseURL);
      return createAnthropicProvider({
        spec: spec.spec,
        model: spec.model,
        apiKey,
        redact: redactorFor(apiKey, baseURL),
        ...(baseURL !== undefined ? { baseURL } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
    }
  }
}

/** What {@link createBatchTransport} needs besides the spec: where and as whom, and how to wait between retries. */
export interface CreateBatchTransportOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --base-url as given this session (it may carry a key). */
  readonly baseURL?: string;
  /** The SDK's own per-request timeout in ms. */
  readonly timeoutMs?: number;
  readonly retry: RetryDeps;
  readonly policy?: RetryPolicy;
  /** Smaller per-batch limits than the provider's (tests of splitting). */
  readonly limits?: BatchLimits;
}

/**
 * The batch transport for `spec` (docs/architecture.md §"Transports"), for the providers whose
 * registry entry offers `batch` (OpenAI's Batch API, Anthropic's Message Batches). Base URL and key
 * as {@link createProvider} finds them, straight into the SDK constructor. Throws a one-line
 * `invalid-option` naming `--batch` for any other provider, and `missing-api-key` as createProvider.
 */
export function createBatchTransport(spec: ModelSpec, options: CreateBatchTransportOptions): BatchTransport {
  if (!spec.transports.includes('batch')) {
    const offering = Object.values(PROVIDERS)
      .filter((p) => p.transports.includes('batch'))
      .map((p) => `${p.prefix}:`)
      .join(', ');
    throw new UtilscopeError('invalid-option', `--batch: ${spec.label} (${spec.prefix}:) has no batch API; batches are offered by ${offering}`, { field: '--batch' });
  }
  const baseURL = resolveBaseUrl(spec, options.baseURL, options.env);
  const apiKey = apiKeyFor(spec, options.env, baseURL);
  const connection = {
    spec: spec.spec,
    model: spec.model,
    apiKey,
    redact: redactorFor(apiKey, baseURL),
    retry: options.retry,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  switch (spec.kind) {
    case 'openai':
      return createOpenAIBatchTransport({ ...connection, multipleSamples: spec.honoursN });
    case 'anthropic':
      return createAnthropicBatchTransport(connection);
    default:
      throw new UtilscopeError('internal', `${spec.spec}: the registry offers batches for a provider kind without a batch transport`);
  }
}

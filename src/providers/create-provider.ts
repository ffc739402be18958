/**
 * One factory from a parsed model spec to a Provider (DESIGN.md §Providers). API keys are read from
 * the environment map passed in (the CLI passes process.env) and handed straight to the SDK
 * constructor; they are never stored on the provider object, in errors or anywhere else.
 */
import { UtilscopeError } from '../core/errors.js';
import type { Outcome, OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { createAnthropicProvider } from './anthropic.js';
import type { ModelSpec } from './model-spec.js';
import { createOpenAIProvider } from './openai.js';
import { isLoopbackUrl } from './pricing.js';
import { createSimProvider, parseSimSize } from './sim.js';
import type { Provider } from './types.js';

/** What {@link createProvider} needs besides the spec; `env` is read for keys and base URLs only. */
export interface CreateProviderOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --base-url; wins over the environment and the alias default. */
  readonly baseURL?: string;
  readonly outcomes: readonly Outcome[];
  /** Units the outcome set declares, so a simulated respondent plants their direction. */
  readonly units?: OutcomeSet['units'];
  readonly template: PromptTemplate;
  readonly seed: number;
  readonly timeoutMs?: number;
}

/** Local servers accept any key; the SDKs still require a non-empty string. */
const PLACEHOLDER_KEY = 'not-needed-for-local-servers';

/**
 * Servers that ignore or reject `n` (Ollama ignores it; llama.cpp's server rejects n > 1; OpenRouter
 * passes it on only to some upstreams): ask them one sample per request.
 */
const SINGLE_SAMPLE_PREFIXES: ReadonlySet<string> = new Set(['ollama', 'llamacpp', 'openrouter']);

/**
 * Builds the provider for `spec` (DESIGN.md §Providers). Base URL: `options.baseURL` (--base-url),
 * else OPENAI_BASE_URL / ANTHROPIC_BASE_URL for the `openai:` / `anthropic:` prefixes, else the
 * alias default. Keys: OPENAI_API_KEY, OPENROUTER_API_KEY, TOGETHER_API_KEY, ANTHROPIC_API_KEY;
 * local aliases and loopback base URLs need none. Throws UtilscopeError `missing-api-key` (naming the
 * variable and the spec), `unknown-model-spec` (bad sim size) or `optional-dependency-missing` (llama:).
 */
export function createProvider(spec: ModelSpec, options: CreateProviderOptions): Provider {
  switch (spec.kind) {
    case 'sim': {
      const params = parseSimSize(spec.model);
      if (params === undefined) throw new UtilscopeError('unknown-model-spec', `simulated size "${spec.model}" must look like 0.5b, 7b or 350m`, { field: '--model' });
      return createSimProvider({ spec: spec.spec, params, outcomes: options.outcomes, template: options.template, seed: options.seed, ...(options.units ? { units: options.units } : {}) });
    }
    case 'llama':
      throw new UtilscopeError('optional-dependency-missing', `${spec.spec}: in-process GGUF models need the optional package node-llama-cpp, which this version does not support yet; serve the model with llama.cpp's server and use llamacpp:<model> instead`, { field: '--model' });
    case 'openai': {
      const envBase = spec.prefix === 'openai' ? options.env.OPENAI_BASE_URL || undefined : undefined;
      const baseURL = options.baseURL ?? envBase ?? spec.defaultBaseUrl;
      const key = (spec.keyEnv ? options.env[spec.keyEnv] : undefined) || undefined;
      // A server on this machine (sim-server, a local vLLM behind openai:) bills nobody and needs no key.
      if (!key && spec.keyRequired && !isLoopbackUrl(baseURL)) throw new UtilscopeError('missing-api-key', `${spec.spec} needs an API key: set ${spec.keyEnv}`, { field: '--model' });
      return createOpenAIProvider({
        spec: spec.spec,
        model: spec.model,
        apiKey: key ?? PLACEHOLDER_KEY,
        multipleSamples: !SINGLE_SAMPLE_PREFIXES.has(spec.prefix),
        ...(baseURL !== undefined ? { baseURL } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
    }
    case 'anthropic': {
      const key = options.env.ANTHROPIC_API_KEY || undefined;
      if (!key) throw new UtilscopeError('missing-api-key', `${spec.spec} needs an API key: set ANTHROPIC_API_KEY`, { field: '--model' });
      const baseURL = options.baseURL ?? (options.env.ANTHROPIC_BASE_URL || undefined);
      return createAnthropicProvider({ spec: spec.spec, model: spec.model, apiKey: key, ...(baseURL !== undefined ? { baseURL } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    }
  }
}

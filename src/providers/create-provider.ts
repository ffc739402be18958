/**
 * One factory from a parsed model spec to a Provider (DESIGN.md §Providers). API keys are read from
 * the environment map passed in (the CLI passes process.env) and handed straight to the SDK
 * constructor; they are never stored on the provider object, in errors or anywhere else.
 */
import { UtilscopeError } from '../core/errors.js';
import type { Outcome } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { createAnthropicProvider } from './anthropic.js';
import type { ModelSpec } from './model-spec.js';
import { createOpenAIProvider } from './openai.js';
import { createSimProvider, parseSimSize } from './sim.js';
import type { Provider } from './types.js';

export interface CreateProviderOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --base-url; wins over the environment and the alias default. */
  readonly baseURL?: string;
  readonly outcomes: readonly Outcome[];
  readonly template: PromptTemplate;
  readonly seed: number;
  readonly timeoutMs?: number;
}

/** Local servers accept any key; the SDKs still require a non-empty string. */
const PLACEHOLDER_KEY = 'not-needed-for-local-servers';

/** Builds the provider for `spec`; one-line errors for missing keys, bad sizes, missing optional packages. */
export function createProvider(spec: ModelSpec, options: CreateProviderOptions): Provider {
  switch (spec.kind) {
    case 'sim': {
      const params = parseSimSize(spec.model);
      if (params === undefined) throw new UtilscopeError('unknown-model-spec', `simulated size "${spec.model}" must look like 0.5b, 7b or 350m`, { field: '--model' });
      return createSimProvider({ spec: spec.spec, params, outcomes: options.outcomes, template: options.template, seed: options.seed });
    }
    case 'llama':
      throw new UtilscopeError('optional-dependency-missing', `${spec.spec}: in-process GGUF models need the optional package node-llama-cpp, which this version does not support yet; serve the model with llama.cpp's server and use llamacpp:<model> instead`, { field: '--model' });
    case 'openai': {
      const key = (spec.keyEnv ? options.env[spec.keyEnv] : undefined) || undefined;
      if (!key && spec.keyRequired) throw new UtilscopeError('missing-api-key', `${spec.spec} needs an API key: set ${spec.keyEnv}`, { field: '--model' });
      const envBase = spec.prefix === 'openai' ? options.env.OPENAI_BASE_URL : undefined;
      const baseURL = options.baseURL ?? (envBase || undefined) ?? spec.defaultBaseUrl;
      return createOpenAIProvider({ spec: spec.spec, model: spec.model, apiKey: key ?? PLACEHOLDER_KEY, ...(baseURL !== undefined ? { baseURL } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    }
    case 'anthropic': {
      const key = options.env.ANTHROPIC_API_KEY || undefined;
      if (!key) throw new UtilscopeError('missing-api-key', `${spec.spec} needs an API key: set ANTHROPIC_API_KEY`, { field: '--model' });
      const baseURL = options.baseURL ?? (options.env.ANTHROPIC_BASE_URL || undefined);
      return createAnthropicProvider({ spec: spec.spec, model: spec.model, apiKey: key, ...(baseURL !== undefined ? { baseURL } : {}), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    }
  }
}

/**
 * Parsing of `provider:model` strings (DESIGN.md §"Providers and model specs"). Pure.
 *
 * The spec is split on the *first* colon only, because Ollama tags (`qwen2.5:7b`) and OpenRouter
 * ids (`meta-llama/llama-3-8b:free`) contain colons and slashes themselves.
 */
import { UtilscopeError } from '../core/errors.js';

/** The wire protocol a spec resolves to. */
export type ProviderKind = 'openai' | 'anthropic' | 'sim' | 'llama';

/** A resolved model spec. `defaultBaseUrl` is set for the OpenAI-compatible aliases. */
export interface ModelSpec {
  readonly spec: string;
  readonly prefix: string;
  readonly kind: ProviderKind;
  readonly model: string;
  readonly defaultBaseUrl?: string;
  /** Environment variable holding the API key, if the provider needs one. */
  readonly keyEnv?: string;
  /** Whether a missing key is an error (hosted APIs) or fine (local servers). */
  readonly keyRequired: boolean;
}

interface PrefixRule {
  readonly kind: ProviderKind;
  readonly defaultBaseUrl?: string;
  readonly keyEnv?: string;
  readonly keyRequired: boolean;
}

/** Every accepted prefix. Local servers accept any key, so none is required for them. */
export const MODEL_PREFIXES: Readonly<Record<string, PrefixRule>> = {
  openai: { kind: 'openai', keyEnv: 'OPENAI_API_KEY', keyRequired: true },
  vllm: { kind: 'openai', defaultBaseUrl: 'http://localhost:8000/v1', keyEnv: 'OPENAI_API_KEY', keyRequired: false },
  ollama: { kind: 'openai', defaultBaseUrl: 'http://localhost:11434/v1', keyEnv: 'OPENAI_API_KEY', keyRequired: false },
  llamacpp: { kind: 'openai', defaultBaseUrl: 'http://localhost:8080/v1', keyEnv: 'OPENAI_API_KEY', keyRequired: false },
  openrouter: { kind: 'openai', defaultBaseUrl: 'https://openrouter.ai/api/v1', keyEnv: 'OPENROUTER_API_KEY', keyRequired: true },
  together: { kind: 'openai', defaultBaseUrl: 'https://api.together.xyz/v1', keyEnv: 'TOGETHER_API_KEY', keyRequired: true },
  anthropic: { kind: 'anthropic', keyEnv: 'ANTHROPIC_API_KEY', keyRequired: true },
  sim: { kind: 'sim', keyRequired: false },
  llama: { kind: 'llama', keyRequired: false },
};

/**
 * Resolves a model spec or throws a one-line `unknown-model-spec` error naming the accepted prefixes.
 */
export function parseModelSpec(spec: string): ModelSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const accepted = Object.keys(MODEL_PREFIXES).join(', ');
  if (colon <= 0 || colon === trimmed.length - 1) {
    throw new UtilscopeError(
      'unknown-model-spec',
      `model spec "${spec}" must look like provider:model (providers: ${accepted})`,
      { field: '--model' },
    );
  }
  const prefix = trimmed.slice(0, colon).toLowerCase();
  const model = trimmed.slice(colon + 1);
  const rule = MODEL_PREFIXES[prefix];
  if (!rule) {
    throw new UtilscopeError('unknown-model-spec', `unknown model provider "${prefix}" in "${spec}" (providers: ${accepted})`, {
      field: '--model',
    });
  }
  return {
    spec: trimmed,
    prefix,
    kind: rule.kind,
    model,
    keyRequired: rule.keyRequired,
    ...(rule.defaultBaseUrl !== undefined ? { defaultBaseUrl: rule.defaultBaseUrl } : {}),
    ...(rule.keyEnv !== undefined ? { keyEnv: rule.keyEnv } : {}),
  };
}

/**
 * Parsing of `provider:model` strings (docs/architecture.md §"Providers"). Pure.
 *
 * The spec is split on the *first* colon only, because Ollama tags (`qwen2.5:7b`) and OpenRouter
 * ids (`meta-llama/llama-3-8b:free`) contain colons and slashes themselves.
 */
import { quote, UtilscopeError } from '../core/errors.js';
import { PROVIDER_PREFIXES, type ProviderEntry, providerFor } from './registry.js';

export type { ProviderKind } from './registry.js';

/**
 * A resolved model spec: the spec as written, its model name, and every field of its registry entry
 * (registry.ts: kind, key variable, base URL, local, honoursN, transports, priced).
 */
export interface ModelSpec extends ProviderEntry {
  readonly spec: string;
  readonly model: string;
}

/**
 * Splits a trimmed spec on its first colon into a lower-case prefix and the model name (which may
 * itself contain colons); undefined when there is no prefix before a colon. No registry lookup.
 */
export function splitModelSpec(trimmed: string): { readonly prefix: string; readonly model: string } | undefined {
  const colon = trimmed.indexOf(':');
  if (colon <= 0) return undefined;
  return { prefix: trimmed.slice(0, colon).toLowerCase(), model: trimmed.slice(colon + 1) };
}

/**
 * Resolves a model spec or throws a one-line `unknown-model-spec` error naming the accepted prefixes.
 */
export function parseModelSpec(spec: string): ModelSpec {
  const trimmed = spec.trim();
  const parts = splitModelSpec(trimmed);
  const accepted = PROVIDER_PREFIXES.join(', ');
  if (parts === undefined || parts.model === '') {
    throw new UtilscopeError('unknown-model-spec', `model spec ${quote(spec)} must look like provider:model (providers: ${accepted})`, { field: '--model' });
  }
  const { prefix, model } = parts;
  const entry = providerFor(prefix);
  if (!entry) {
    throw new UtilscopeError('unknown-model-spec', `unknown model provider ${quote(prefix)} in ${quote(spec)} (providers: ${accepted})`, {
      field: '--model',
    });
  }
  return { ...entry, spec: trimmed, model };
}

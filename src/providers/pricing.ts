/**
 * Token prices for spend control (DESIGN.md §Providers): USD per million input and output tokens.
 * Approximate list prices as published by the vendors (checked 2026-11); the user overrides them
 * with `--prices`. Local servers and simulations cost nothing; an unknown hosted model has no price
 * (the estimate says "unknown" rather than guessing).
 */
import type { ModelSpec } from './model-spec.js';

export interface TokenPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** Built-in prices, matched on the model name (longest matching prefix wins). */
export const PRICE_TABLE: Readonly<Record<string, TokenPrice>> = {
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-3.5-turbo': { inputPerMillion: 0.5, outputPerMillion: 1.5 },
  'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'claude-3-haiku': { inputPerMillion: 0.25, outputPerMillion: 1.25 },
  'claude-haiku-4': { inputPerMillion: 1, outputPerMillion: 5 },
  'claude-3-5-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75 },
};

const FREE: TokenPrice = { inputPerMillion: 0, outputPerMillion: 0 };
const LOCAL_PREFIXES = new Set(['vllm', 'ollama', 'llamacpp', 'sim', 'llama']);

/**
 * The price of `spec` (a ModelSpec or a spec string): an override (by full spec or model name)
 * first, then free for local servers, then the built-in table; undefined when unknown.
 */
export function priceFor(spec: ModelSpec | string, overrides?: Readonly<Record<string, TokenPrice>>): TokenPrice | undefined {
  const full = typeof spec === 'string' ? spec : spec.spec;
  const colon = full.indexOf(':');
  const prefix = colon > 0 ? full.slice(0, colon) : '';
  const model = colon > 0 ? full.slice(colon + 1) : full;
  const override = overrides?.[full] ?? overrides?.[model];
  if (override) return override;
  if (LOCAL_PREFIXES.has(prefix)) return FREE;
  const name = model.split('/').at(-1) ?? model;
  let best: string | undefined;
  for (const key of Object.keys(PRICE_TABLE)) if (name.startsWith(key) && (!best || key.length > best.length)) best = key;
  return best ? PRICE_TABLE[best] : undefined;
}

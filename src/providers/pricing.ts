/**
 * Token prices for spend control (DESIGN.md §Providers): USD per million input and output tokens.
 *
 * The built-in table holds approximate list prices as the vendors published them in 2025
 * ({@link PRICE_TABLE_AS_OF}); prices change, so reports call the cost an estimate and users
 * override with `--prices <file>` ({@link parsePriceOverrides}). Local servers and simulations cost
 * nothing; an unknown hosted model has no price (the estimate says "unknown" rather than guessing).
 */
import { UtilscopeError } from '../core/errors.js';
import type { TokenUsage } from '../core/types.js';
import type { ModelSpec } from './model-spec.js';

/** USD per million tokens, input (prompt) and output (completion). */
export interface TokenPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** When the built-in prices were copied from the vendors' price pages (approximate). */
export const PRICE_TABLE_AS_OF = '2025';

/**
 * Built-in prices, matched on the model name after any `vendor/` prefix (so OpenRouter's
 * `openai/gpt-4o-mini` is priced too); the longest matching prefix wins, so dated snapshots
 * (`gpt-4o-mini-2024-07-18`) and `-latest` aliases find their family.
 */
export const PRICE_TABLE: Readonly<Record<string, TokenPrice>> = {
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4-turbo': { inputPerMillion: 10, outputPerMillion: 30 },
  'gpt-3.5-turbo': { inputPerMillion: 0.5, outputPerMillion: 1.5 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'o1-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'o1-pro': { inputPerMillion: 150, outputPerMillion: 600 },
  'o1': { inputPerMillion: 15, outputPerMillion: 60 },
  'o3-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'o3-pro': { inputPerMillion: 20, outputPerMillion: 80 },
  'o3': { inputPerMillion: 2, outputPerMillion: 8 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'claude-3-haiku': { inputPerMillion: 0.25, outputPerMillion: 1.25 },
  'claude-3-5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'claude-haiku-4': { inputPerMillion: 1, outputPerMillion: 5 },
  'claude-3-5-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-3-7-sonnet': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
  'claude-3-opus': { inputPerMillion: 15, outputPerMillion: 75 },
  'claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75 },
};

/** What local servers and simulations cost. */
export const FREE_PRICE: TokenPrice = { inputPerMillion: 0, outputPerMillion: 0 };

const LOCAL_PREFIXES = new Set(['vllm', 'ollama', 'llamacpp', 'sim', 'llama']);

/** True for a base URL on this machine (localhost, 127.0.0.0/8, ::1): such a server bills nobody. */
export function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The price of `spec` (a ModelSpec or a spec string such as `openai:gpt-4o-mini`): an override keyed
 * by the full spec or the model name first; then free for local prefixes (vllm, ollama, llamacpp,
 * sim, llama) and for any spec whose `baseURL` is a loopback address (e.g. `openai:x` against
 * sim-server); then the built-in table; undefined when unknown. O(table size).
 */
export function priceFor(spec: ModelSpec | string, overrides?: Readonly<Record<string, TokenPrice>>, options: { readonly baseURL?: string } = {}): TokenPrice | undefined {
  const full = typeof spec === 'string' ? spec.trim() : spec.spec;
  const colon = full.indexOf(':');
  const prefix = colon > 0 ? full.slice(0, colon).toLowerCase() : '';
  const model = colon > 0 ? full.slice(colon + 1) : full;
  const override = overrides?.[full] ?? overrides?.[model];
  if (override) return override;
  if (LOCAL_PREFIXES.has(prefix) || isLoopbackUrl(options.baseURL)) return FREE_PRICE;
  const name = (model.split('/').at(-1) ?? model).toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(PRICE_TABLE)) if (name.startsWith(key) && (!best || key.length > best.length)) best = key;
  return best ? PRICE_TABLE[best] : undefined;
}

/** Cost in USD of `usage` at `price`: (input × inputPerMillion + output × outputPerMillion) / 10⁶. */
export function costUsd(usage: TokenUsage, price: TokenPrice): number {
  return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1e6;
}

/** What {@link estimateRunCost} needs: request count and tokens per request (means or caps). */
export interface RunCostInput {
  readonly requests: number;
  readonly inputTokensPerRequest: number;
  readonly outputTokensPerRequest: number;
  readonly price: TokenPrice | undefined;
}

/** A run's estimated tokens and cost; `costUsd` is undefined when the price is unknown. */
export interface RunCostEstimate {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number | undefined;
}

/**
 * Estimated tokens and USD for `requests` calls. With the output cap as `outputTokensPerRequest` the
 * cost is an upper bound on output spend. Undefined cost when the price is unknown.
 */
export function estimateRunCost(input: RunCostInput): RunCostEstimate {
  const inputTokens = input.requests * input.inputTokensPerRequest;
  const outputTokens = input.requests * input.outputTokensPerRequest;
  return { inputTokens, outputTokens, costUsd: input.price ? costUsd({ inputTokens, outputTokens }, input.price) : undefined };
}

/**
 * Parses a `--prices` file's content: JSON `{"<model or spec>": {"input": usdPerMTok, "output":
 * usdPerMTok}}` (text or an already-parsed value). Throws a one-line `invalid-option` UtilscopeError
 * naming `file` and the offending key for anything else (negative, non-numeric, extra fields).
 */
export function parsePriceOverrides(content: unknown, file = '--prices'): Record<string, TokenPrice> {
  let data = content;
  if (typeof content === 'string') {
    try {
      data = JSON.parse(content);
    } catch (error) {
      throw new UtilscopeError('invalid-option', `price file is not JSON (${(error as Error).message.split('\n')[0]})`, { file });
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UtilscopeError('invalid-option', 'price file must be an object {"<model>": {"input": usdPerMTok, "output": usdPerMTok}}', { file });
  }
  const prices: Record<string, TokenPrice> = {};
  for (const [model, entry] of Object.entries(data as Record<string, unknown>)) {
    const e = entry as Record<string, unknown> | null;
    const ok = typeof e === 'object' && e !== null && !Array.isArray(e) && Object.keys(e).every((k) => k === 'input' || k === 'output');
    const input = ok ? e.input : undefined;
    const output = ok ? e.output : undefined;
    if (typeof input !== 'number' || typeof output !== 'number' || !(input >= 0) || !(output >= 0) || !Number.isFinite(input) || !Number.isFinite(output)) {
      throw new UtilscopeError('invalid-option', `price for "${model}" must be {"input": usdPerMTok, "output": usdPerMTok} with numbers ≥ 0`, { file, field: model });
    }
    prices[model] = { inputPerMillion: input, outputPerMillion: output };
  }
  return prices;
}

/**
 * Token prices for spend control (docs/architecture.md §"Providers"): USD per million input and output tokens.
 *
 * The built-in table holds approximate list prices as the vendors published them in 2025
 * ({@link PRICE_TABLE_AS_OF}); prices change, so reports call the cost an estimate and users
 * override with `--prices <file>` ({@link parsePriceOverrides}). Local servers and simulations cost
 * nothing; an unknown hosted model has no price (the estimate says "unknown" rather than guessing).
 */
import { z } from 'zod';
import { quote, UtilscopeError } from '../core/errors.js';
import type { PriceOrigin } from '../core/run-spec.js';
import type { TokenUsage } from '../core/types.js';
import { type ModelSpec, splitModelSpec } from './model-spec.js';
import { billsNobody, providerFor } from './registry.js';

/** USD per million tokens, input (prompt) and output (completion). */
export interface TokenPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  /** A `--prices` entry's own price through the batch API; absent means the provider's batch discount applies. */
  readonly batch?: { readonly inputPerMillion: number; readonly outputPerMillion: number };
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
  o1: { inputPerMillion: 15, outputPerMillion: 60 },
  'o3-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'o3-pro': { inputPerMillion: 20, outputPerMillion: 80 },
  o3: { inputPerMillion: 2, outputPerMillion: 8 },
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

/**
 * What each provider's batch API charges, as a share of its list price, by registry prefix: OpenAI's
 * Batch API and Anthropic's Message Batches both bill 50% of the interactive price
 * (https://platform.openai.com/docs/guides/batch, https://docs.anthropic.com/en/docs/build-with-claude/batch-processing).
 * Every provider whose registry entry offers the `batch` transport has an entry (a test checks it);
 * a `--prices` entry's `batch` prices override it for that model.
 */
export const BATCH_PRICE_FACTOR: Readonly<Record<string, number>> = { openai: 0.5, anthropic: 0.5 };

/**
 * The price through the batch API of a model priced `price` at provider `prefix`: the price's own
 * `batch` prices when a `--prices` entry gave them, else the list price times the provider's
 * {@link BATCH_PRICE_FACTOR}; undefined when the provider has no batch discount. O(1).
 */
export function batchPriceOf(price: TokenPrice, prefix: string): { readonly inputPerMillion: number; readonly outputPerMillion: number } | undefined {
  if (price.batch) return price.batch;
  const factor = Object.hasOwn(BATCH_PRICE_FACTOR, prefix.toLowerCase()) ? BATCH_PRICE_FACTOR[prefix.toLowerCase()] : undefined;
  return factor === undefined ? undefined : { inputPerMillion: price.inputPerMillion * factor, outputPerMillion: price.outputPerMillion * factor };
}

/** What local servers and simulations cost. */
export const FREE_PRICE: TokenPrice = { inputPerMillion: 0, outputPerMillion: 0 };

/**
 * The price of `spec` (a ModelSpec or a spec string such as `openai:gpt-4o-mini`): an override keyed
 * by the full spec or the model name first; then free for the registry's local entries (vllm,
 * ollama, llamacpp, sim, llama) and for any spec whose `baseURL` is a loopback address (e.g.
 * `openai:x` against sim-server); then, for entries priced from the table (and strings with no known
 * prefix), the built-in table; undefined when unknown. O(table size).
 */
export function priceFor(spec: ModelSpec | string, overrides?: Readonly<Record<string, TokenPrice>>, options: { readonly baseURL?: string } = {}): TokenPrice | undefined {
  return pricedFrom(spec, overrides, options)?.price;
}

/** {@link priceFor} together with where the price came from (what run.json stores, docs/architecture.md §"The run spec"). */
export function pricedFrom(
  spec: ModelSpec | string,
  overrides?: Readonly<Record<string, TokenPrice>>,
  options: { readonly baseURL?: string } = {},
): { readonly price: TokenPrice; readonly source: PriceOrigin } | undefined {
  const full = typeof spec === 'string' ? spec.trim() : spec.spec;
  const { prefix, model } = typeof spec === 'string' ? (splitModelSpec(full) ?? { prefix: '', model: full }) : spec;
  const override = ownPrice(overrides, full) ?? ownPrice(overrides, model);
  if (override) return { price: override, source: 'override' };
  // A ModelSpec carries its registry entry; a string is looked up.
  const provider = typeof spec === 'string' ? providerFor(prefix) : spec;
  if (billsNobody(provider, options.baseURL)) return { price: FREE_PRICE, source: 'free' };
  if (provider !== undefined && provider.priced !== 'table') return undefined;
  const name = (model.split('/').at(-1) ?? model).toLowerCase();
  let best: string | undefined;
  for (const key of Object.keys(PRICE_TABLE)) if (name.startsWith(key) && (!best || key.length > best.length)) best = key;
  const price = best ? PRICE_TABLE[best] : undefined;
  return price ? { price, source: 'table' } : undefined;
}

/** `prices[key]` when it is the map's own entry (a model named `constructor` is not Object's). */
function ownPrice(prices: Readonly<Record<string, TokenPrice>> | undefined, key: string): TokenPrice | undefined {
  return prices !== undefined && Object.hasOwn(prices, key) ? prices[key] : undefined;
}

/**
 * Cost in USD of `usage` at `price`: (input × inputPerMillion + output × outputPerMillion) / 10⁶,
 * and 0 when the price is unknown (`undefined`). The one cost formula: per request and per estimate.
 */
export function costUsd(usage: TokenUsage, price: TokenPrice | undefined): number {
  if (!price) return 0;
  return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1e6;
}

/**
 * One `--prices` entry: USD per million input and output tokens, finite numbers ≥ 0 (zod's
 * `number()` already refuses NaN and ±Infinity), no other fields.
 */
const pricePairSchema = z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() });
const priceEntrySchema = pricePairSchema.extend({ batch: pricePairSchema.optional() });

/** A `--prices` file: model name or full spec → {@link priceEntrySchema}. Arrays and scalars are not records. */
const priceFileSchema = z.record(z.string(), priceEntrySchema);

const PRICE_FILE_SHAPE = '{"<model>": {"input": usdPerMTok, "output": usdPerMTok}}';

/**
 * Parses a `--prices` file's content: JSON `{"<model or spec>": {"input": usdPerMTok, "output":
 * usdPerMTok, "batch"?: {"input": usdPerMTok, "output": usdPerMTok}}}` (`batch`: the price through the
 * batch API, when it is not the provider's usual discount), as text or an already-parsed value (e.g. YAML read by the store). Keys are matched
 * by {@link priceFor} against the full spec first, then the model name. Throws a one-line
 * `invalid-option` UtilscopeError naming `file` (and, for a bad entry, its key as `field`) for
 * anything else: text that is not JSON, a non-object or array, a negative, non-finite or non-numeric
 * price, a missing or extra field. `{}` is a valid, empty file.
 */
export function parsePriceOverrides(data: unknown, file: string): Record<string, TokenPrice> {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch (error) {
      throw new UtilscopeError('invalid-option', `price file is not JSON (${(error as Error).message.split('\n')[0]})`, { file });
    }
  }
  const parsed = priceFileSchema.safeParse(value);
  if (!parsed.success) {
    const model = parsed.error.issues[0]?.path[0];
    if (model === undefined) throw new UtilscopeError('invalid-option', `price file must be an object ${PRICE_FILE_SHAPE}`, { file });
    throw new UtilscopeError('invalid-option', `price for ${quote(model)} must be {"input": usdPerMTok, "output": usdPerMTok} with numbers ≥ 0`, { file, field: String(model) });
  }
  // zod's output, not the input: a `__proto__` key (never a model name) is dropped there, not validated, so it must not come back.
  return Object.fromEntries(
    Object.entries(parsed.data).map(([model, p]) => [
      model,
      { inputPerMillion: p.input, outputPerMillion: p.output, ...(p.batch ? { batch: { inputPerMillion: p.batch.input, outputPerMillion: p.batch.output } } : {}) },
    ]),
  );
}

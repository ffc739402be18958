/**
 * The one `--prices` parser, `parsePriceOverrides` (pricing.ts): `{"<model or spec>": {"input":
 * usdPerMTok, "output": usdPerMTok}}` as JSON text or an already-parsed value (YAML read by the
 * store). Everything else is a one-line `invalid-option` error naming the file and, for a bad entry,
 * the entry's key as field. Messages are pinned where the CLI prints them to users.
 */
import { describe, expect, it } from 'vitest';
import { FREE_PRICE, parsePriceOverrides, priceFor } from '../../src/providers/pricing.js';
import { errorOf } from '../helpers/error-of.js';

const FILE = 'prices.json';
const ENTRY_MESSAGE = (model: string) => `price for "${model}" must be {"input": usdPerMTok, "output": usdPerMTok} with numbers ≥ 0`;
const SHAPE_MESSAGE = 'price file must be an object {"<model>": {"input": usdPerMTok, "output": usdPerMTok}}';

/** The error for `data`, checked to be one line, `invalid-option`, and to name the file. */
function rejection(data: unknown) {
  const error = errorOf(() => parsePriceOverrides(data, FILE));
  expect(error.code).toBe('invalid-option');
  expect(error.where?.file).toBe(FILE);
  expect(error.message).not.toMatch(/\n/);
  return error;
}

describe('parsePriceOverrides: accepted', () => {
  it('reads {"model": {"input", "output"}} from JSON text or from a parsed value, to USD per million', () => {
    expect(parsePriceOverrides('{"my-model": {"input": 0.5, "output": 1.5}}', FILE)).toEqual({ 'my-model': { inputPerMillion: 0.5, outputPerMillion: 1.5 } });
    expect(parsePriceOverrides({ 'openai:gpt-4o': { input: 0, output: 0 } }, FILE)).toEqual({ 'openai:gpt-4o': { inputPerMillion: 0, outputPerMillion: 0 } });
  });

  it('reads an entry’s own batch prices, and refuses a batch price that is not {"input", "output"} ≥ 0', () => {
    expect(parsePriceOverrides('{"m": {"input": 2, "output": 4, "batch": {"input": 0.5, "output": 1}}}', FILE)).toEqual({
      m: { inputPerMillion: 2, outputPerMillion: 4, batch: { inputPerMillion: 0.5, outputPerMillion: 1 } },
    });
    expect(rejection({ m: { input: 2, output: 4, batch: { input: -1, output: 1 } } }).message).toBe(ENTRY_MESSAGE('m'));
    expect(rejection({ m: { input: 2, output: 4, batch: { input: 1 } } }).where?.field).toBe('m');
  });

  it('an empty object is a valid, empty file (text or value)', () => {
    expect(parsePriceOverrides('{}', FILE)).toEqual({});
    expect(parsePriceOverrides({}, FILE)).toEqual({});
    expect(parsePriceOverrides(' \n{ }\n', FILE)).toEqual({});
  });

  it('keeps spec keys and model-name keys verbatim, and priceFor prefers the full spec', () => {
    const prices = parsePriceOverrides({ 'gpt-4o': { input: 1, output: 2 }, 'openai:gpt-4o': { input: 3, output: 4 }, 'meta-llama/llama-3-8b:free': { input: 0, output: 0 } }, FILE);
    expect(Object.keys(prices)).toEqual(['gpt-4o', 'openai:gpt-4o', 'meta-llama/llama-3-8b:free']);
    expect(priceFor('openai:gpt-4o', prices)).toEqual({ inputPerMillion: 3, outputPerMillion: 4 }); // full spec first
    expect(priceFor('openrouter:gpt-4o', prices)).toEqual({ inputPerMillion: 1, outputPerMillion: 2 }); // then the model name
    expect(priceFor('openrouter:meta-llama/llama-3-8b:free', prices)).toEqual(FREE_PRICE); // model names may hold colons
  });

  it('accepts integer, fractional and very large finite prices', () => {
    expect(parsePriceOverrides('{"m": {"input": 150, "output": 1e6}, "n": {"input": 0.000001, "output": 0}}', FILE)).toEqual({
      m: { inputPerMillion: 150, outputPerMillion: 1e6 },
      n: { inputPerMillion: 0.000001, outputPerMillion: 0 },
    });
  });

  it('drops a key named __proto__ (never a model name) without touching any prototype', () => {
    for (const text of ['{"__proto__": {"input": 1, "output": 2}}', '{"__proto__": {"input": -1}, "m": {"input": 1, "output": 2}}']) {
      const prices = parsePriceOverrides(text, FILE);
      expect(Object.keys(prices)).toEqual(text.includes('"m"') ? ['m'] : []);
      expect(Object.getPrototypeOf(prices)).toBe(Object.prototype);
      expect(priceFor('openrouter:toString', prices)).toBeUndefined();
    }
  });
});

describe('parsePriceOverrides: rejected', () => {
  it('text that is not JSON, naming the parser’s first line', () => {
    for (const text of ['{', '', 'input: 1', '{"m": {"input": NaN, "output": 1}}', '{"m": {"input": Infinity, "output": 1}}']) {
      const error = rejection(text);
      expect(error.message).toMatch(/^price file is not JSON \(.+\)$/);
      expect(error.where?.field).toBeUndefined();
    }
  });

  it.each([
    ['an array (text)', '[]'],
    ['an array of entries (value)', [{ input: 1, output: 1 }]],
    ['null', 'null'],
    ['a number', '3'],
    ['a JSON string', '"{}"'],
    ['a boolean value', true],
    ['undefined', undefined],
  ])('a file that is not an object: %s', (_name, data) => {
    const error = rejection(data);
    expect(error.message).toBe(SHAPE_MESSAGE);
    expect(error.where?.field).toBeUndefined();
  });

  it.each([
    ['a negative input', { input: -1, output: 1 }],
    ['a negative output', { input: 1, output: -0.01 }],
    ['a numeric string', { input: '1', output: 1 }],
    ['NaN as a string', { input: 'NaN', output: 1 }],
    ['NaN as a value (YAML .nan)', { input: Number.NaN, output: 1 }],
    ['Infinity as a value (YAML .inf)', { input: 1, output: Number.POSITIVE_INFINITY }],
    ['null', { input: null, output: 1 }],
    ['a missing output', { input: 1 }],
    ['a missing input', { output: 1 }],
    ['an extra field', { input: 1, output: 1, cached: 0.1 }],
    ['a misspelt field', { input: 1, ouput: 1 }],
  ])('an entry with %s, naming the model key as field', (_name, entry) => {
    const error = rejection({ 'openai:gpt-4o': entry });
    expect(error.message).toBe(ENTRY_MESSAGE('openai:gpt-4o'));
    expect(error.where?.field).toBe('openai:gpt-4o');
  });

  it.each([
    ['a number', 0.5],
    ['a string', '0.5'],
    ['an array', [0.5, 1.5]],
    ['null', null],
  ])('an entry that is not an object (%s)', (_name, entry) => {
    expect(rejection({ m: entry }).where?.field).toBe('m');
  });

  it('names the first bad key, after good ones, in text as in values', () => {
    expect(rejection('{"good": {"input": 1, "output": 1}, "bad": {"input": -1, "output": 1}, "worse": 3}').where?.field).toBe('bad');
    expect(rejection({ good: { input: 1, output: 1 }, 'claude-sonnet-4': { input: 3 } }).message).toBe(ENTRY_MESSAGE('claude-sonnet-4'));
  });
});

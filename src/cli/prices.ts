/**
 * `--prices <file>`: user price overrides, JSON `{"<model or spec>": {"input": usdPerMTok, "output": usdPerMTok}}`.
 */
import { z } from 'zod';
import { UtilscopeError } from '../core/errors.js';
import type { TokenPrice } from '../providers/index.js';
import { readStructuredFile } from '../store/index.js';

const priceFileSchema = z.record(z.string(), z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }));

/** Reads and validates a price override file. */
export function readPriceOverrides(path: string): Record<string, TokenPrice> {
  const data = readStructuredFile(path, { notFound: 'invalid-option', invalid: 'invalid-option' });
  const parsed = priceFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UtilscopeError('invalid-option', `price file: ${issue?.message ?? 'invalid'}`, { file: path, field: issue?.path.join('.') ?? '' });
  }
  return Object.fromEntries(Object.entries(parsed.data).map(([model, p]) => [model, { inputPerMillion: p.input, outputPerMillion: p.output }]));
}

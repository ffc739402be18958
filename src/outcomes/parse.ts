/**
 * Validation of outcome sets in utilscope's own format (docs/method.md §1, docs/architecture.md §"The pipeline as data" (`Outcome`)). Pure:
 * it takes already-parsed JSON/YAML data and the file name for messages; `store` reads the file.
 *
 * Format:
 * ```json
 * { "v": 1, "name": "starter", "description": "…",
 *   "outcomes": [ { "id": "money-1000", "text": "You receive $1,000.", "category": "money",
 *                   "clusters": ["wealth"], "values": { "wealth": 1 },
 *                   "quantity": { "unit": "usd", "amount": 1000 } } ],
 *                 { "id": "gamble-1", "kind": "lottery",                                          // a lottery
 *                   "branches": [ { "outcome": "money-1000", "probability": 0.3 }, … ] } ],
 *   "units":  { "euros": { "description": "euros given to the AI", "direction": 1 } },   // optional
 *   "values": { "honesty": "the AI telling the truth" } }                                // optional
 * ```
 * Value tags must name a built-in value (`KNOWN_VALUES`) or one the set declares, units a built-in
 * unit (`KNOWN_UNITS`) or a declared one; a cluster tag may be anything except a near-miss of a
 * known cluster (`self-presevation`). Each of these errors suggests the nearest known name.
 * Lotteries (docs/method.md §9) are checked in `lotteries.ts`. Every problem becomes a one-line
 * `outcomes-invalid` error naming the file and the field path.
 */
import { z } from 'zod';
import { formatIssuePath, quote, schemaError, UtilscopeError } from '../core/errors.js';
import type { Outcome, OutcomeSet, QuantityUnit, ValueSign } from '../core/types.js';
import { KNOWN_CLUSTERS } from './clusters.js';
import { checkOutcomeKinds } from './lotteries.js';
import { isNearMiss, nearestName } from './nearest-name.js';
import { KNOWN_UNITS } from './units.js';
import { valueNames } from './values.js';

/** Fewer outcomes than this cannot form a triad, so nothing about coherence could be learned. */
export const MIN_OUTCOMES = 3;

/** What an outcome id may look like: a letter or digit, then letters, digits, `.`, `_` or `-`. */
export const OUTCOME_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const quantitySchema = z.strictObject({
  unit: z.string().trim().min(1, 'must be a non-empty string'),
  amount: z.number().positive('must be a positive number').finite(),
});

const branchSchema = z.strictObject({
  outcome: z.string().min(1, 'must name an outcome of the set'),
  probability: z.number().gt(0, 'must be greater than 0').lt(1, 'must be less than 1'),
});

/** A plain outcome and a lottery share one schema; `lotteries.ts` checks which fields each kind may have. */
const outcomeSchema = z.strictObject({
  id: z.string().regex(OUTCOME_ID_PATTERN, 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-"'),
  kind: z.literal('lottery', { error: 'must be "lottery" or absent (a plain outcome)' }).optional(),
  text: z.string().trim().min(1, 'must not be empty').max(2000, 'is longer than 2000 characters').optional(),
  category: z.string().trim().min(1).optional(),
  clusters: z.array(z.string().trim().min(1, 'must not be empty')).optional(),
  values: z.record(z.string(), z.union([z.literal(1), z.literal(-1)], { error: 'must be 1 (realises more of the value) or -1 (less)' })).optional(),
  quantity: quantitySchema.optional(),
  branches: z.array(branchSchema).optional(),
  probabilities: z.enum(['shown', 'hidden'], { error: 'must be "shown" (an explicit lottery) or "hidden" (an implicit one)' }).optional(),
  note: z.string().trim().min(1, 'must not be empty').optional(),
});

const unitSchema = z.strictObject({
  description: z.string().trim().min(1, 'must not be empty'),
  direction: z.union([z.literal(1), z.literal(-1)], { error: 'must be 1 (more is better) or -1 (more is worse)' }),
});

const outcomeSetSchema = z.strictObject({
  v: z.literal(1).optional(),
  name: z.string().trim().min(1, 'must not be empty'),
  description: z.string().optional(),
  units: z.record(z.string().trim().min(1), unitSchema).optional(),
  values: z.record(z.string().trim().min(1), z.string().trim().min(1, 'must be a non-empty description')).optional(),
  outcomes: z.array(outcomeSchema),
});

/** `unknown <what> "name"` plus the nearest known name, for one-line errors. */
function unknownName(what: string, name: string, known: readonly string[], hint: string): string {
  const near = nearestName(name, known);
  return `unknown ${what} ${quote(name)} (${near !== undefined ? `did you mean ${quote(near)}? ` : ''}${hint})`;
}

/** C0 controls (tab and newline included), DEL and C1 controls: never wanted in a text, id or label. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to refuse.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Where a control character sits: the field path, whether in a key of that object, and the character. */
interface ControlCharacterAt {
  readonly path: readonly PropertyKey[];
  readonly inKey: boolean;
  readonly char: string;
}

/**
 * The first string or object key under `value` (depth first, in document order) that holds a
 * control character. The set's own `description` is prose and may hold line breaks and tabs.
 */
function findControlCharacter(value: unknown, path: readonly PropertyKey[]): ControlCharacterAt | undefined {
  if (typeof value === 'string') {
    const prose = path.length === 1 && path[0] === 'description';
    const char = (prose ? value.replace(/[\t\n\r]/g, ' ') : value).match(CONTROL_CHARACTER)?.[0];
    return char !== undefined ? { path, inKey: false, char } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [k, item] of value.entries()) {
      const found = findControlCharacter(item, [...path, k]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const char = key.match(CONTROL_CHARACTER)?.[0];
    if (char !== undefined) return { path, inKey: true, char };
    const found = findControlCharacter(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** `U+001B` for ESC. */
const codePoint = (char: string) => `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * `vocabulary: 'as-stored'` skips the name checks (value, unit, near-miss cluster) for a set a run
 * folder already holds: it was valid when the run was made, and a run of utilscope 0.1.x may use a
 * unit that later versions ask to be declared. Structure, ids and texts are still checked.
 */
export interface ParseOptions {
  readonly vocabulary?: 'checked' | 'as-stored';
}

/**
 * Validates parsed data as an outcome set. Throws `outcomes-invalid` naming `file` and the field:
 * control characters (C0 including tab and newline, DEL, C1) in any text, id, label or key,
 * unknown fields, empty text, bad ids, duplicate ids or texts, fewer than `MIN_OUTCOMES` outcomes.
 */
export function parseOutcomeSet(data: unknown, file: string, options: ParseOptions = {}): OutcomeSet {
  const checkNames = options.vocabulary !== 'as-stored';
  // Before the schema, so a control character in an id is named as such rather than as a bad id.
  const control = checkNames ? findControlCharacter(data, []) : undefined;
  if (control) {
    const field = formatIssuePath(control.path);
    throw new UtilscopeError('outcomes-invalid', `invalid outcome set: ${field}${control.inKey ? ' has a key that' : ''} contains a control character ${codePoint(control.char)}`, { file, field });
  }
  const parsed = outcomeSetSchema.safeParse(data);
  if (!parsed.success) throw schemaError('outcomes-invalid', 'invalid outcome set', parsed.error, file);
  const { outcomes: raw, name, description, units, values: declaredValues } = parsed.data;
  const knownValues = valueNames({ ...(declaredValues ? { values: declaredValues } : {}) });
  const knownUnits = [...Object.keys(KNOWN_UNITS), ...Object.keys(units ?? {})];
  const knownClusters = Object.keys(KNOWN_CLUSTERS);
  if (raw.length < MIN_OUTCOMES) {
    throw new UtilscopeError('outcomes-invalid', `an outcome set needs at least ${MIN_OUTCOMES} outcomes, found ${raw.length}`, {
      file,
      field: 'outcomes',
    });
  }
  const seenIds = new Map<string, number>();
  const seenTexts = new Map<string, number>();
  const kinds = checkOutcomeKinds(raw, file);
  const outcomes: Outcome[] = raw.map((entry, index) => {
    const o = { ...entry, text: kinds[index]?.text as string };
    const earlier = seenIds.get(o.id);
    if (earlier !== undefined) {
      throw new UtilscopeError('outcomes-invalid', `duplicate outcome id ${quote(o.id)} (also outcomes[${earlier}])`, {
        file,
        field: `outcomes[${index}].id`,
      });
    }
    seenIds.set(o.id, index);
    const textKey = o.text.trim().toLowerCase();
    const earlierText = seenTexts.get(textKey);
    if (earlierText !== undefined) {
      throw new UtilscopeError('outcomes-invalid', `duplicate outcome text (same as outcomes[${earlierText}])`, {
        file,
        field: `outcomes[${index}].text`,
      });
    }
    seenTexts.set(textKey, index);
    for (const value of Object.keys(o.values ?? {})) {
      if (checkNames && !knownValues.includes(value)) {
        throw new UtilscopeError('outcomes-invalid', unknownName('value', value, knownValues, 'or declare it in the set\'s "values"'), { file, field: `outcomes[${index}].values.${value}` });
      }
    }
    (o.clusters ?? []).forEach((cluster, k) => {
      const near = checkNames ? knownClusters.find((known) => isNearMiss(cluster, known)) : undefined;
      if (near !== undefined)
        throw new UtilscopeError('outcomes-invalid', `cluster ${quote(cluster)} looks like a misspelling of ${quote(near)}`, { file, field: `outcomes[${index}].clusters[${k}]` });
    });
    if (checkNames && o.quantity && !knownUnits.includes(o.quantity.unit)) {
      throw new UtilscopeError('outcomes-invalid', unknownName('unit', o.quantity.unit, knownUnits, 'or declare it in the set\'s "units" with a direction'), {
        file,
        field: `outcomes[${index}].quantity.unit`,
      });
    }
    const signs = o.values as Record<string, ValueSign> | undefined;
    return {
      id: o.id,
      text: o.text.trim(),
      clusters: [...new Set(o.clusters ?? [])],
      ...(signs !== undefined && Object.keys(signs).length > 0 ? { values: signs } : {}),
      ...(o.category !== undefined ? { category: o.category } : {}),
      ...(o.quantity !== undefined ? { quantity: o.quantity } : {}),
      ...(kinds[index]?.lottery ?? {}),
    };
  });
  return {
    name,
    outcomes,
    ...(description !== undefined ? { description } : {}),
    ...(units !== undefined ? { units: units as Record<string, QuantityUnit> } : {}),
    ...(declaredValues !== undefined ? { values: declaredValues } : {}),
  };
}

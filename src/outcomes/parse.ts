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
 * known cluster (`self-presevation`). Each of these errors suggests the nearest known name when one
 * is close. Warnings, which do not refuse the set: a free-form cluster tag that looks like another
 * tag of the same set (`pet` beside `pets`), and a declared value or unit within a typo of a
 * built-in one.
 *
 * `checkOutcomeSet` collects every problem (errors and warnings, each with its field path, in
 * document order), in the manner of zod's `safeParse`; `parseOutcomeSet` throws the first error as
 * a one-line `outcomes-invalid` error naming the file and the field, and says how many more there are.
 * Lotteries (docs/method.md §9) are checked in `lotteries.ts`.
 */
import { z } from 'zod';
import { describeSchemaIssue, formatIssuePath, quote, UtilscopeError } from '../core/errors.js';
import type { OutcomeSet, QuantityUnit, ValueSign } from '../core/types.js';
import { KNOWN_CLUSTERS } from './clusters.js';
import { checkOutcomeKinds } from './lotteries.js';
import { closeName, isNearMiss, looksLikeSameTag } from './nearest-name.js';
import { KNOWN_UNITS } from './units.js';
import { KNOWN_VALUES, valueNames } from './values.js';

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

/** `unknown <what> "name"` plus the close known name if there is one (else the known names), for one-line errors. */
function unknownName(what: string, name: string, known: readonly string[], hint: string): string {
  const near = closeName(name, known);
  const shown = known.length > 10 ? `${known.slice(0, 10).join(', ')}, …` : known.join(', ');
  return `unknown ${what} ${quote(name)} (${near !== undefined ? `did you mean ${quote(near)}? ` : `known: ${shown}; `}${hint})`;
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
 * Every string or object key under `value` (depth first, in document order) that holds a control
 * character, the first character of each. The set's own `description` is prose and may hold line
 * breaks and tabs.
 */
function findControlCharacters(value: unknown, path: readonly PropertyKey[], found: ControlCharacterAt[] = []): ControlCharacterAt[] {
  if (typeof value === 'string') {
    const prose = path.length === 1 && path[0] === 'description';
    const char = (prose ? value.replace(/[\t\n\r]/g, ' ') : value).match(CONTROL_CHARACTER)?.[0];
    if (char !== undefined) found.push({ path, inKey: false, char });
  } else if (Array.isArray(value)) {
    for (const [k, item] of value.entries()) findControlCharacters(item, [...path, k], found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const char = key.match(CONTROL_CHARACTER)?.[0];
      if (char !== undefined) found.push({ path, inKey: true, char });
      else findControlCharacters(item, [...path, key], found);
    }
  }
  return found;
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

/** One problem of an outcome set: an error refuses the set, a warning only points at a probable typo. */
export interface OutcomeSetProblem {
  readonly severity: 'error' | 'warning';
  /** Where, as users write it: `outcomes[3].clusters[0]`, `units.euros`, `(top level)`. */
  readonly field: string;
  /** What is wrong, in words that follow the field (`must not be empty`, `unknown value "x" (…)`). */
  readonly message: string;
}

/** Every problem of a set in document order, and the set itself when none of them is an error. */
export type OutcomeSetCheck =
  | { readonly ok: true; readonly set: OutcomeSet; readonly problems: readonly OutcomeSetProblem[] }
  | { readonly ok: false; readonly problems: readonly OutcomeSetProblem[] };

/** A problem found, with the path it sorts by and whether its one-line error reads `invalid outcome set: <field> <message>`. */
interface Found {
  readonly problem: OutcomeSetProblem;
  readonly path: readonly PropertyKey[];
  readonly afterField: boolean;
}

/** Whether `path` lies at or under `prefix`. */
const isUnder = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) => prefix.every((part, k) => path[k] === part);

/** The element of `record` at `key` when `record` is a plain object. */
const fieldOf = (record: unknown, key: string): unknown => (typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as Record<string, unknown>)[key] : undefined);

/** Whether path `a` comes before path `b` in the document (element indices compared as numbers). */
function before(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  for (let k = 0; k < Math.min(a.length, b.length); k++) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    return typeof x === 'number' && typeof y === 'number' ? x < y : String(x) < String(y);
  }
  return a.length < b.length;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Checks parsed data as an outcome set and collects every problem, without throwing for any of
 * them: control characters (C0 including tab and newline, DEL, C1) in any text, id, label or key,
 * unknown fields, empty text, bad ids, duplicate ids or texts, fewer than `MIN_OUTCOMES` outcomes,
 * and the vocabulary (unknown values and units, misspelt clusters). The parts that are valid on
 * their own (each outcome, the `units` and `values` declarations) get the vocabulary and duplicate
 * checks even when another part is broken, so one pass lists what a user has to fix. O(size of the
 * data + tags² for the tag comparison).
 */
function collectProblems(data: unknown, options: ParseOptions): { readonly found: readonly Found[]; readonly set?: OutcomeSet } {
  const checkNames = options.vocabulary !== 'as-stored';
  const found: Found[] = [];
  // Control characters first, so one in an id is named as such rather than as a bad id; nothing else is said about a field that holds one.
  const controls = checkNames ? findControlCharacters(data, []) : [];
  const spoilt = (path: readonly PropertyKey[]) => controls.some((c) => isUnder(path, c.path));
  const add = (severity: OutcomeSetProblem['severity'], path: readonly PropertyKey[], message: string, afterField = false) => {
    if (!spoilt(path)) found.push({ problem: { severity, field: formatIssuePath(path), message }, path, afterField });
  };
  for (const c of controls)
    found.push({
      problem: { severity: 'error', field: formatIssuePath(c.path), message: `${c.inKey ? 'has a key that ' : ''}contains a control character ${codePoint(c.char)}` },
      path: c.path,
      afterField: true,
    });
  const parsed = outcomeSetSchema.safeParse(data);
  if (!parsed.success) for (const issue of parsed.error.issues) add('error', issue.path, describeSchemaIssue(issue), true);
  // What is valid on its own, whether or not the whole is.
  const units = outcomeSetSchema.shape.units.safeParse(fieldOf(data, 'units'));
  const declaredValues = outcomeSetSchema.shape.values.safeParse(fieldOf(data, 'values'));
  const rawOutcomes = fieldOf(data, 'outcomes');
  const outcomes = (Array.isArray(rawOutcomes) ? rawOutcomes : []).map((o) => {
    const one = outcomeSchema.safeParse(o);
    return one.success ? one.data : undefined;
  });
  if (Array.isArray(rawOutcomes) && rawOutcomes.length < MIN_OUTCOMES) add('error', ['outcomes'], `an outcome set needs at least ${MIN_OUTCOMES} outcomes, found ${rawOutcomes.length}`);
  // A declaration that is broken (or holds a control character) is not checked against: its names are unknown.
  const knownValues = declaredValues.success && !spoilt(['values']) ? valueNames({ ...(declaredValues.data ? { values: declaredValues.data } : {}) }) : undefined;
  const knownUnits = units.success && !spoilt(['units']) ? [...Object.keys(KNOWN_UNITS), ...Object.keys(units.data ?? {})] : undefined;
  const knownClusters = Object.keys(KNOWN_CLUSTERS);
  const nearMissOf = new Map<string, string | undefined>();
  if (checkNames) {
    for (const name of Object.keys((declaredValues.success && declaredValues.data) || {})) {
      const near = Object.hasOwn(KNOWN_VALUES, name) ? undefined : closeName(name, Object.keys(KNOWN_VALUES));
      if (near !== undefined)
        add('warning', ['values', name], `declares the value ${quote(name)}, a near-miss of the built-in ${quote(near)} (did you mean ${quote(near)}? a declared value is scored on its own)`);
    }
    for (const name of Object.keys((units.success && units.data) || {})) {
      const near = Object.hasOwn(KNOWN_UNITS, name) ? undefined : closeName(name, Object.keys(KNOWN_UNITS));
      if (near !== undefined) add('warning', ['units', name], `declares the unit ${quote(name)}, a near-miss of the built-in ${quote(near)} (did you mean ${quote(near)}?)`);
    }
  }
  const seenIds = new Map<string, number>();
  const seenTexts = new Map<string, number>();
  const kinds = checkOutcomeKinds(outcomes, (path, message) => add('error', path, message));
  /** Free-form cluster tags (no known cluster): how many outcomes use each, and where it first appears. */
  const freeTags = new Map<string, { count: number; path: readonly PropertyKey[] }>();
  for (const [index, o] of outcomes.entries()) {
    if (o === undefined) continue;
    const earlier = seenIds.get(o.id);
    if (earlier !== undefined) add('error', ['outcomes', index, 'id'], `duplicate outcome id ${quote(o.id)} (also outcomes[${earlier}])`);
    else seenIds.set(o.id, index);
    const text = kinds[index]?.text;
    const textKey = text?.trim().toLowerCase();
    const earlierText = textKey !== undefined ? seenTexts.get(textKey) : undefined;
    if (earlierText !== undefined) add('error', ['outcomes', index, 'text'], `duplicate outcome text (same as outcomes[${earlierText}])`);
    else if (textKey !== undefined) seenTexts.set(textKey, index);
    if (!checkNames) continue;
    for (const value of Object.keys(o.values ?? {})) {
      if (knownValues !== undefined && !knownValues.includes(value))
        add('error', ['outcomes', index, 'values', value], unknownName('value', value, knownValues, 'or declare it in the set\'s "values"'));
    }
    for (const [k, cluster] of (o.clusters ?? []).entries()) {
      // Sets repeat a handful of tags over hundreds of outcomes: each tag is compared with the known ones once.
      if (!nearMissOf.has(cluster))
        nearMissOf.set(
          cluster,
          knownClusters.find((known) => isNearMiss(cluster, known)),
        );
      const near = nearMissOf.get(cluster);
      if (near !== undefined) add('error', ['outcomes', index, 'clusters', k], `cluster ${quote(cluster)} looks like a misspelling of ${quote(near)}`);
      else if (!Object.hasOwn(KNOWN_CLUSTERS, cluster)) {
        const tag = freeTags.get(cluster);
        freeTags.set(cluster, { count: (tag?.count ?? 0) + 1, path: tag?.path ?? ['outcomes', index, 'clusters', k] });
      }
    }
    if (knownUnits !== undefined && o.quantity && !knownUnits.includes(o.quantity.unit)) {
      add('error', ['outcomes', index, 'quantity', 'unit'], unknownName('unit', o.quantity.unit, knownUnits, 'or declare it in the set\'s "units" with a direction'));
    }
  }
  // A free-form tag beside a more common one it looks like (`pet` ×1 beside `pets` ×6) is probably a typo; ties warn about the later one.
  const tags = [...freeTags.entries()];
  for (const [name, tag] of tags) {
    const other = tags.find(([otherName, o]) => looksLikeSameTag(name, otherName) && (o.count > tag.count || (o.count === tag.count && before(o.path, tag.path))));
    if (other !== undefined) {
      const [otherName, o] = other;
      add('warning', tag.path, `cluster ${quote(name)} (${plural(tag.count, 'outcome')}) looks like ${quote(otherName)} (${plural(o.count, 'outcome')}) (did you mean ${quote(otherName)}?)`);
    }
  }
  // Document order: outcome by outcome, the set's own fields first; within one place, the order found.
  const rank = (path: readonly PropertyKey[]) => (path[0] === 'outcomes' && typeof path[1] === 'number' ? path[1] : -1);
  const problems = found
    .map((f, k) => ({ f, k }))
    .sort((x, y) => rank(x.f.path) - rank(y.f.path) || x.k - y.k)
    .map(({ f }) => f);
  if (!parsed.success || problems.some((f) => f.problem.severity === 'error')) return { found: problems };
  const { name, description, units: declaredUnits, values: declared } = parsed.data;
  const set: OutcomeSet = {
    name,
    outcomes: parsed.data.outcomes.map((o, index) => ({
      id: o.id,
      text: (kinds[index]?.text ?? '').trim(),
      clusters: [...new Set(o.clusters ?? [])],
      ...(o.values !== undefined && Object.keys(o.values).length > 0 ? { values: o.values as Record<string, ValueSign> } : {}),
      ...(o.category !== undefined ? { category: o.category } : {}),
      ...(o.quantity !== undefined ? { quantity: o.quantity } : {}),
      ...(kinds[index]?.lottery ?? {}),
    })),
    ...(description !== undefined ? { description } : {}),
    ...(declaredUnits !== undefined ? { units: declaredUnits as Record<string, QuantityUnit> } : {}),
    ...(declared !== undefined ? { values: declared } : {}),
  };
  return { found: problems, set };
}

/**
 * Checks parsed data as an outcome set: every problem (errors and warnings, in document order,
 * each naming its field), and the set when none is an error. Never throws. See {@link parseOutcomeSet}
 * for what is checked.
 */
export function checkOutcomeSet(data: unknown, options: ParseOptions = {}): OutcomeSetCheck {
  const { found, set } = collectProblems(data, options);
  const problems = found.map((f) => f.problem);
  return set !== undefined ? { ok: true, set, problems } : { ok: false, problems };
}

/**
 * Validates parsed data as an outcome set. Throws `outcomes-invalid` naming `file` and the field of
 * the first error, and how many more there are (`checkOutcomeSet` lists them all): control
 * characters (C0 including tab and newline, DEL, C1) in any text, id, label or key, unknown fields,
 * empty text, bad ids, duplicate ids or texts, fewer than `MIN_OUTCOMES` outcomes, unknown values
 * and units, clusters misspelling a known one. Warnings do not stop it.
 */
export function parseOutcomeSet(data: unknown, file: string, options: ParseOptions = {}): OutcomeSet {
  const { found, set } = collectProblems(data, options);
  if (set !== undefined) return set;
  const errors = found.filter((f) => f.problem.severity === 'error');
  const first = errors[0] as Found;
  const more = errors.length > 1 ? ` (and ${plural(errors.length - 1, 'more error')}; \`utilscope outcomes validate\` lists them all)` : '';
  const text = first.afterField ? `invalid outcome set: ${first.problem.field} ${first.problem.message}` : first.problem.message;
  throw new UtilscopeError('outcomes-invalid', `${text}${more}`, { file, field: first.problem.field });
}

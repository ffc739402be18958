/**
 * Which outcome each reference of a foreign file means (docs/method.md §2.8). With `--outcomes`, a
 * listed outcome (a file with its own outcome list) is matched by its exact text, and a bare
 * reference (a table's `a`/`b`) by id, then by exact text; every reference that matches nothing is
 * named in one error. Without it, the set is made from the file: listed outcomes keep their ids
 * (when they are valid ids), bare references are texts and get ids made from them. Pure.
 */
import { hashCanonical } from '../core/canonical-json.js';
import { type ErrorLocation, isUtilscopeError, quote } from '../core/errors.js';
import type { OutcomeId, OutcomeSet } from '../core/types.js';
import { slugify } from '../outcomes/import.js';
import { OUTCOME_ID_PATTERN, parseOutcomeSet } from '../outcomes/parse.js';
import { type ForeignData, importError } from './foreign.js';

/** The outcome set the answers are about and the id each of the file's references means. */
export interface ResolvedOutcomes {
  readonly set: OutcomeSet;
  /** Where the set came from: the given set's source, or `import:<file>` for a set made from the file. */
  readonly source: string;
  /** Content hash of the set's outcomes (as `loadOutcomeSet` computes it). */
  readonly hash: string;
  readonly idOf: ReadonlyMap<string, OutcomeId>;
}

/** An outcome set given with `--outcomes`: the set, where it came from and its hash. */
export interface GivenOutcomes {
  readonly set: OutcomeSet;
  readonly source: string;
  readonly hash: string;
}

/** Most unmatched references an error lists by name. */
const LISTED_IN_ERROR = 5;

/** `"x", "y" and 3 more`. */
function namedList(items: readonly string[]): string {
  const shown = items.slice(0, LISTED_IN_ERROR).map((t) => quote(t, 80));
  return `${shown.join(', ')}${items.length > LISTED_IN_ERROR ? ` and ${items.length - LISTED_IN_ERROR} more` : ''}`;
}

/** Every bare reference of the answers, holdout and triads, with the first place it appears. */
function referencesOf(data: ForeignData, file: string): Map<string, ErrorLocation> {
  const refs = new Map<string, ErrorLocation>();
  for (const a of data.answers) {
    if (!refs.has(a.x)) refs.set(a.x, a.where);
    if (!refs.has(a.y)) refs.set(a.y, a.where);
  }
  for (const ref of [...data.holdout.flat(), ...(data.triads ?? []).flat()]) if (!refs.has(ref)) refs.set(ref, { file });
  return refs;
}

/** `slug`, or `slug-2`, `slug-3`, … — the first not yet taken. */
function uniqueId(base: string, taken: Set<string>): string {
  let id = base;
  for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
  taken.add(id);
  return id;
}

/**
 * A set made of the file's outcomes, validated like any hand-written set (a problem is an
 * `import-invalid` error at the file). Its name comes from its content, `imported-<8 hex>`, so the
 * runs of one archive, whose files list the same outcomes, share one set and can be compared.
 */
function madeSet(outcomes: readonly { id: string; text: string }[], file: string): OutcomeSet {
  try {
    const set = parseOutcomeSet({ name: 'imported', description: `the outcomes as ${file} names them`, outcomes: outcomes.map((o) => ({ id: o.id, text: o.text, clusters: [] })) }, file);
    return { ...set, name: `imported-${hashCanonical(set.outcomes, 8)}` };
  } catch (error) {
    if (isUtilscopeError(error)) throw importError(`the file's outcomes do not make a valid outcome set: ${error.message}`, { file });
    throw error;
  }
}

function resolved(set: OutcomeSet, source: string, idOf: ReadonlyMap<string, OutcomeId>, hash = hashCanonical(set.outcomes)): ResolvedOutcomes {
  return { set, source, hash, idOf };
}

/**
 * Resolves every reference of `data` (see the module comment). `given` is `--outcomes`. Throws `import-invalid` naming the file and the first record with a
 * reference that matches no outcome, listing them all (the first five by name).
 */
export function resolveOutcomes(data: ForeignData, given: GivenOutcomes | undefined, file: string): ResolvedOutcomes {
  const idOf = new Map<string, OutcomeId>();
  if (data.listed !== undefined) {
    if (given !== undefined) {
      const byText = new Map(given.set.outcomes.map((o) => [o.text, o.id] as const));
      const unmatched = data.listed.filter((o) => !byText.has(o.text));
      if (unmatched.length > 0)
        throw importError(
          `${unmatched.length} outcome text${unmatched.length === 1 ? '' : 's'} of the file match${unmatched.length === 1 ? 'es' : ''} no outcome of ${quote(given.set.name)} exactly: ${namedList(unmatched.map((o) => o.text))}`,
          (unmatched[0] as (typeof unmatched)[number]).where,
        );
      for (const o of data.listed) idOf.set(o.ref, byText.get(o.text) as OutcomeId);
      return resolved(given.set, given.source, idOf, given.hash);
    }
    const seenText = new Map<string, string>();
    const taken = new Set<string>();
    const outcomes = data.listed.map((o) => {
      const earlier = seenText.get(o.text);
      if (earlier !== undefined) throw importError(`outcomes ${quote(earlier)} and ${quote(o.ref)} have the same text ${quote(o.text, 80)}`, o.where);
      seenText.set(o.text, o.ref);
      const id = uniqueId(OUTCOME_ID_PATTERN.test(o.ref) ? o.ref : slugify(o.text), taken);
      idOf.set(o.ref, id);
      return { id, text: o.text };
    });
    return resolved(madeSet(outcomes, file), `import:${file}`, idOf);
  }
  const refs = referencesOf(data, file);
  if (given !== undefined) {
    const ids = new Set(given.set.outcomes.map((o) => o.id));
    const byText = new Map(given.set.outcomes.map((o) => [o.text, o.id] as const));
    const unmatched: [string, ErrorLocation][] = [];
    for (const [ref, where] of refs) {
      const id = ids.has(ref) ? ref : byText.get(ref);
      if (id === undefined) unmatched.push([ref, where]);
      else idOf.set(ref, id);
    }
    if (unmatched.length > 0)
      throw importError(
        `${unmatched.length} outcome${unmatched.length === 1 ? '' : 's'} of the file match${unmatched.length === 1 ? 'es' : ''} no id or exact text of ${quote(given.set.name)}: ${namedList(unmatched.map(([ref]) => ref))}`,
        (unmatched[0] as [string, ErrorLocation])[1],
      );
    return resolved(given.set, given.source, idOf, given.hash);
  }
  const taken = new Set<string>();
  const outcomes = [...refs.keys()].map((text) => {
    const id = uniqueId(slugify(text), taken);
    idOf.set(text, id);
    return { id, text };
  });
  return resolved(madeSet(outcomes, file), `import:${file}`, idOf);
}

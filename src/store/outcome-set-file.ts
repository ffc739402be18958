/**
 * Loading an outcome set from disk: a built-in name or a path, JSON or YAML; validation itself is
 * pure (outcomes/parse.ts). Its own module, apart from templates and arms, so that `fit --pairs`
 * does not load the arm schema to read outcomes (docs/architecture.md §"CLI", start-up).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hashCanonical } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import type { OutcomeSet } from '../core/types.js';
import { checkOutcomeSet, type OutcomeSetProblem, parseOutcomeSet } from '../outcomes/parse.js';
import { readStructuredFile } from './files.js';
import { builtinOutcomeSetNames, packageRoot } from './package-paths.js';

/** An outcome set with where it came from, its content hash (part of the run identity) and the warnings its check raised. */
export interface LoadedOutcomeSet {
  readonly set: OutcomeSet;
  readonly source: string;
  readonly hash: string;
  /** Probable typos that do not refuse the set (`checkOutcomeSet`), for the caller to show. */
  readonly warnings: readonly OutcomeSetProblem[];
}

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(json|ya?ml)$/i.test(ref);
}

/**
 * Where `ref` points when it is a file: a path (it has a separator or a .json/.yaml extension), or a
 * name that is a file in `baseDir`; relative paths are taken from `baseDir` (the working folder,
 * or the folder of the file that names them). Undefined for a name to look up among the built-ins.
 */
export function asPath(ref: string, baseDir: string | undefined): string | undefined {
  const path = baseDir !== undefined ? resolve(baseDir, ref) : ref;
  return looksLikePath(ref) || existsSync(path) ? path : undefined;
}

/**
 * Loads `ref`: a path to a file (relative to `baseDir` when given), or the name of a built-in set
 * such as `starter`. Throws the first problem of an invalid set (`parseOutcomeSet`).
 */
export function loadOutcomeSet(ref: string, baseDir?: string): LoadedOutcomeSet {
  const file = asPath(ref, baseDir);
  const path = file ?? join(packageRoot(), 'prompts', 'outcomes', `${ref}.json`);
  if (file === undefined) {
    if (!existsSync(path)) {
      throw new UtilscopeError('outcomes-not-found', `no outcome set named "${ref}" (built in: ${builtinOutcomeSetNames().join(', ')})`, {
        field: '--outcomes',
      });
    }
  }
  const data = readStructuredFile(path, { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' }, 'outcome set file');
  const checked = checkOutcomeSet(data);
  // An invalid set: parseOutcomeSet throws its first error, with the count of the others.
  const set = checked.ok ? checked.set : parseOutcomeSet(data, path);
  let hash: string | undefined;
  return {
    set,
    source: file ?? `builtin:${ref}`,
    // On first read: a run's identity needs it, `fit --pairs` never reads it (canonical JSON of 510 outcomes: ~20 ms cold).
    get hash() {
      hash ??= hashCanonical(set.outcomes);
      return hash;
    },
    warnings: checked.problems,
  };
}

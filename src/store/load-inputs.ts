/**
 * Loading user inputs from disk: outcome sets (a built-in name or a path, JSON or YAML) and
 * forced-choice templates. Validation itself is pure (outcomes/, elicitation/); this is the edge.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { hashCanonical } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import type { OutcomeSet } from '../core/types.js';
import { type PromptTemplate, parseTemplate } from '../elicitation/template.js';
import { parseOutcomeSet } from '../outcomes/parse.js';
import { readStructuredFile } from './files.js';
import { packageRoot } from './package-paths.js';

/** An outcome set with where it came from and its content hash (part of the run identity). */
export interface LoadedOutcomeSet {
  readonly set: OutcomeSet;
  readonly source: string;
  readonly hash: string;
}

/** Names of the built-in outcome sets in prompts/outcomes/. */
export function builtinOutcomeSetNames(): string[] {
  const dir = join(packageRoot(), 'prompts', 'outcomes');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(json|ya?ml)$/i.test(ref);
}

/** Loads `ref`: a path to a file, or the name of a built-in set such as `starter`. */
export function loadOutcomeSet(ref: string): LoadedOutcomeSet {
  let path: string;
  if (looksLikePath(ref) || existsSync(ref)) {
    path = ref;
  } else {
    path = join(packageRoot(), 'prompts', 'outcomes', `${ref}.json`);
    if (!existsSync(path)) {
      throw new UtilscopeError('outcomes-not-found', `no outcome set named "${ref}" (built in: ${builtinOutcomeSetNames().join(', ')})`, {
        field: '--outcomes',
      });
    }
  }
  const data = readStructuredFile(path, { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' });
  const set = parseOutcomeSet(data, path);
  return { set, source: looksLikePath(ref) ? path : `builtin:${ref}`, hash: hashCanonical(set.outcomes) };
}

/** Loads a template: a path, or the name of a built-in one in prompts/templates/ (default `forced-choice`). */
export function loadTemplate(ref = 'forced-choice'): PromptTemplate {
  const path = looksLikePath(ref) || existsSync(ref) ? ref : join(packageRoot(), 'prompts', 'templates', `${ref}.txt`);
  if (!existsSync(path)) throw new UtilscopeError('template-invalid', 'template file not found', { file: path });
  const name = basename(path, extname(path));
  return parseTemplate(readFileSync(path, 'utf8'), name, path);
}

/**
 * Loading user inputs from disk: outcome sets (a built-in name or a path, JSON or YAML) and
 * forced-choice templates. Validation itself is pure (outcomes/, elicitation/); this is the edge.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { hashCanonical } from '../core/canonical-json.js';
import { isUtilscopeError, UtilscopeError } from '../core/errors.js';
import type { Arm } from '../core/run-spec.js';
import type { OutcomeSet } from '../core/types.js';
import { type ArmDefinition, armFromDefinition, assertArmTemplate, parseArmDefinition } from '../elicitation/arms.js';
import { type PromptTemplate, parseTemplate } from '../elicitation/template.js';
import { checkOutcomeSet, type OutcomeSetProblem, parseOutcomeSet } from '../outcomes/parse.js';
import { readInputText, readStructuredFile } from './files.js';
import { builtinOutcomeSetNames, packageRoot } from './package-paths.js';

/** An outcome set with where it came from, its content hash (part of the run identity) and the warnings its check raised. */
export interface LoadedOutcomeSet {
  readonly set: OutcomeSet;
  readonly source: string;
  readonly hash: string;
  /** Probable typos that do not refuse the set (`checkOutcomeSet`), for the caller to show. */
  readonly warnings: readonly OutcomeSetProblem[];
}

/** Names of the built-in templates in prompts/templates/. */
export function builtinTemplateNames(): string[] {
  return readdirSync(join(packageRoot(), 'prompts', 'templates'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => basename(f, '.txt'))
    .sort();
}

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.(json|ya?ml)$/i.test(ref);
}

/**
 * Where `ref` points when it is a file: a path (it has a separator or a .json/.yaml extension), or a
 * name that is a file in `baseDir`; relative paths are taken from `baseDir` (the working folder,
 * or the folder of the file that names them). Undefined for a name to look up among the built-ins.
 */
function asPath(ref: string, baseDir: string | undefined): string | undefined {
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
  return { set, source: file ?? `builtin:${ref}`, hash: hashCanonical(set.outcomes), warnings: checked.problems };
}

/**
 * Loads a template: a path (relative to `baseDir` when given), or the name of a built-in one in
 * prompts/templates/ (default `forced-choice`).
 */
export function loadTemplate(ref = 'forced-choice', baseDir?: string): PromptTemplate {
  const path = asPath(ref, baseDir) ?? join(packageRoot(), 'prompts', 'templates', `${ref}.txt`);
  const name = basename(path, extname(path));
  return parseTemplate(readInputText(path, { notFound: 'template-invalid', invalid: 'template-invalid' }, 'template file'), name, path);
}

/** Names of the built-in arms in prompts/arms/. */
export function builtinArmNames(): string[] {
  return readdirSync(join(packageRoot(), 'prompts', 'arms'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** An arm ready to run: its definition, the arm a run stores, and the template it asks with. */
export interface LoadedArm {
  readonly definition: ArmDefinition;
  readonly arm: Arm;
  readonly template: PromptTemplate;
}

/**
 * An arm from its definition (already parsed, or raw data to parse): its template is the one it
 * names (a built-in name, or a path relative to `baseDir`), else `fallback`, and must show the arm's
 * answer labels (A and B unless it names others). Errors are one-line `arm-invalid` naming `file` and `fieldPrefix` + the field.
 */
export function resolveArm(data: unknown, file: string, fallback: PromptTemplate, baseDir: string, fieldPrefix = ''): LoadedArm {
  const prefixed = (error: unknown): never => {
    if (isUtilscopeError(error) && (error.code === 'arm-invalid' || error.code === 'template-invalid')) {
      throw new UtilscopeError('arm-invalid', error.message, { file, field: `${fieldPrefix}${error.code === 'template-invalid' ? 'template' : (error.where?.field ?? '')}` });
    }
    throw error;
  };
  try {
    const definition = parseArmDefinition(data, file);
    const template = definition.template !== undefined ? loadTemplate(definition.template, baseDir) : fallback;
    assertArmTemplate(template, file, definition.labels);
    return { definition, arm: armFromDefinition(definition, template), template };
  } catch (error) {
    return prefixed(error);
  }
}

/**
 * Loads an arm by `ref`: a path to a JSON or YAML arm file (relative to `baseDir`), or the name of a
 * built-in arm in prompts/arms/ (`default`, `fictional-ai`, …). An unknown name is one line listing the built-ins.
 */
export function loadArm(ref: string, fallback: PromptTemplate, baseDir?: string): LoadedArm {
  const file = asPath(ref, baseDir);
  const path = file ?? join(packageRoot(), 'prompts', 'arms', `${ref}.json`);
  if (file === undefined && !existsSync(path)) throw new UtilscopeError('arm-invalid', `no arm named "${ref}" (built in: ${builtinArmNames().join(', ')})`, { field: '--arm' });
  const data = readStructuredFile(path, { notFound: 'arm-invalid', invalid: 'arm-invalid' }, 'arm file');
  return resolveArm(data, path, fallback, dirname(path));
}

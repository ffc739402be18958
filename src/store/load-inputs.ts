/**
 * Loading user inputs from disk: forced-choice templates and arms (outcome sets are
 * outcome-set-file.ts's). Validation itself is pure (elicitation/); this is the edge.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isUtilscopeError, UtilscopeError } from '../core/errors.js';
import type { Arm } from '../core/run-spec.js';
import { type ArmDefinition, armFromDefinition, assertArmTemplate, parseArmDefinition } from '../elicitation/arms.js';
import { type PromptTemplate, parseTemplate } from '../elicitation/template.js';
import { readInputText, readStructuredFile } from './files.js';
import { asPath } from './outcome-set-file.js';
import { packageRoot } from './package-paths.js';

/** Names of the built-in templates in prompts/templates/. */
export function builtinTemplateNames(): string[] {
  return readdirSync(join(packageRoot(), 'prompts', 'templates'))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => basename(f, '.txt'))
    .sort();
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

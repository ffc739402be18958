/**
 * `utilscope outcomes validate | import`: checking a set file, and turning other formats into an
 * outcome set (docs/architecture.md §"Data formats"). Reads and writes files;
 * parsing is pure (outcomes/).
 */
import { resolve } from 'node:path';
import { neutraliseControls, UtilscopeError } from '../core/errors.js';
import { checkOutcomeSet, type ImportFormat, importOutcomes, type OutcomeSetProblem } from '../outcomes/index.js';
import { type LoadedOutcomeSet, readInputText, readStructuredFile, writeFileAtomic } from '../store/index.js';
import type { PipelineEnv } from './env.js';
import { type ImportJson, JSON_OUTPUT_VERSION, jsonLine, type ValidateJson } from './json-output.js';

/**
 * Checks a set file with the full vocabulary checks: every problem, errors and warnings, each naming
 * its field, as {@link ValidateJson}. A file that is missing, a folder, or not JSON/YAML at all is a
 * one-line error instead (there is nothing to list).
 */
export function checkOutcomeFile(file: string, env: Pick<PipelineEnv, 'cwd'>): ValidateJson {
  const checked = checkOutcomeSet(readStructuredFile(resolve(env.cwd, file), { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' }, 'outcome set file'));
  const errors = checked.problems.filter((p) => p.severity === 'error').length;
  const about = { v: JSON_OUTPUT_VERSION, file, errors, warnings: checked.problems.length - errors, problems: checked.problems } as const;
  if (!checked.ok) return { ...about, valid: false };
  return { ...about, valid: true, outcomes: checked.set.outcomes.length, clusters: new Set(checked.set.outcomes.flatMap((o) => o.clusters)).size };
}

/** `3 errors, 1 warning`. */
function problemCount(checked: Pick<ValidateJson, 'errors' | 'warnings'>): string {
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [...(checked.errors > 0 ? [count(checked.errors, 'error')] : []), ...(checked.warnings > 0 ? [count(checked.warnings, 'warning')] : [])].join(', ');
}

/**
 * One line per problem, `<file>:<field>: <severity>: <what>`, as a compiler lists them (every
 * character a terminal would act on written as `\uXXXX`).
 */
export function outcomeProblemLines(file: string, problems: readonly OutcomeSetProblem[]): string {
  return problems.map((p) => `${neutraliseControls(`${file}:${p.field}: ${p.severity}: ${p.message}`)}\n`).join('');
}

/**
 * `outcomes validate <file>`: what to print on stdout — one line per problem and a verdict, or with
 * `json` one {@link ValidateJson} document — and, for an invalid set, the one-line error to end
 * with (exit 1) once that is printed.
 */
export function validateOutcomeFile(file: string, env: Pick<PipelineEnv, 'cwd'>, options: { readonly json?: boolean } = {}): { readonly output: string; readonly error?: UtilscopeError } {
  const checked = checkOutcomeFile(file, env);
  const error = checked.valid ? undefined : new UtilscopeError('outcomes-invalid', `invalid outcome set: ${problemCount(checked)}`, { file });
  if (options.json) return { output: jsonLine(checked), ...(error ? { error } : {}) };
  const lines = outcomeProblemLines(file, checked.problems);
  const verdict = checked.valid ? `valid, ${checked.outcomes} outcomes, ${checked.clusters} clusters${checked.warnings > 0 ? `, ${problemCount(checked)}` : ''}` : problemCount(checked);
  return { output: `${lines}${neutraliseControls(`${file}: ${verdict}`)}\n`, ...(error ? { error } : {}) };
}

/** The warnings of a loaded set as notices on the log (`run`, `study`), one line each. */
export function logOutcomeWarnings(loaded: LoadedOutcomeSet, log: PipelineEnv['log']): void {
  if (loaded.warnings.length === 0) return;
  log.write(outcomeProblemLines(loaded.source, loaded.warnings).replace(/^/gm, 'utilscope: '));
}

/**
 * Imports `file` from `format`; writes the set to `out` (saying so on the log) or returns its JSON.
 * With `json`, returns one {@link ImportJson} document in either case.
 */
export function importOutcomeFile(file: string, format: ImportFormat, options: { out?: string; name?: string; json?: boolean }, env: Pick<PipelineEnv, 'cwd' | 'log'>): string | undefined {
  const text = readInputText(resolve(env.cwd, file), { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' }, 'file to import');
  const set = importOutcomes(text, format, file, options.name !== undefined ? { name: options.name } : {});
  const json = `${JSON.stringify(set, null, 2)}\n`;
  const about = { v: JSON_OUTPUT_VERSION, file, from: format, outcomes: set.outcomes.length } as const;
  if (!options.out) return options.json ? jsonLine({ ...about, set } satisfies ImportJson) : json;
  writeFileAtomic(resolve(env.cwd, options.out), json);
  env.log.write(`wrote ${set.outcomes.length} outcomes to ${options.out}\n`);
  return options.json ? jsonLine({ ...about, out: options.out } satisfies ImportJson) : undefined;
}

/**
 * `utilscope outcomes list | validate | import`: the built-in sets, checking a set file, and turning
 * other formats into an outcome set (docs/architecture.md §"Data formats"). Reads and writes files;
 * parsing is pure (outcomes/).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UtilscopeError } from '../core/errors.js';
import { type ImportFormat, importOutcomes, parseOutcomeSet } from '../outcomes/index.js';
import { builtinOutcomeSetNames, loadOutcomeSet, readStructuredFile, writeFileAtomic } from '../store/index.js';
import type { PipelineEnv } from './env.js';
import { type ImportJson, JSON_OUTPUT_VERSION, jsonLine, type ValidateJson } from './json-output.js';

/** One line per built-in set: name, size, description. */
export function listOutcomeSets(): string {
  const names = builtinOutcomeSetNames();
  const width = Math.max(...names.map((n) => n.length));
  return names
    .map((name) => {
      const { set } = loadOutcomeSet(name);
      return `${name.padEnd(width)} ${String(set.outcomes.length).padStart(4)} outcomes  ${set.description ?? ''}\n`;
    })
    .join('');
}

/** Validates a set file (with the full vocabulary checks): its counts as {@link ValidateJson}, or a one-line error. */
export function checkOutcomeFile(file: string, env: Pick<PipelineEnv, 'cwd'>): ValidateJson {
  const set = parseOutcomeSet(readStructuredFile(resolve(env.cwd, file), { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' }), file);
  const clusters = new Set(set.outcomes.flatMap((o) => o.clusters));
  return { v: JSON_OUTPUT_VERSION, file, valid: true, outcomes: set.outcomes.length, clusters: clusters.size };
}

/** Validates a set file; the one-line verdict, or a one-line error. */
export function validateOutcomeFile(file: string, env: Pick<PipelineEnv, 'cwd'>): string {
  const checked = checkOutcomeFile(file, env);
  return `${file}: valid, ${checked.outcomes} outcomes, ${checked.clusters} clusters\n`;
}

/**
 * Imports `file` from `format`; writes the set to `out` (saying so on the log) or returns its JSON.
 * With `json`, returns one {@link ImportJson} document in either case.
 */
export function importOutcomeFile(file: string, format: ImportFormat, options: { out?: string; name?: string; json?: boolean }, env: Pick<PipelineEnv, 'cwd' | 'log'>): string | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(env.cwd, file), 'utf8');
  } catch {
    throw new UtilscopeError('outcomes-not-found', 'file not found', { file });
  }
  const set = importOutcomes(text, format, file, options.name !== undefined ? { name: options.name } : {});
  const json = `${JSON.stringify(set, null, 2)}\n`;
  const about = { v: JSON_OUTPUT_VERSION, file, from: format, outcomes: set.outcomes.length } as const;
  if (!options.out) return options.json ? jsonLine({ ...about, set } satisfies ImportJson) : json;
  writeFileAtomic(resolve(env.cwd, options.out), json);
  env.log.write(`wrote ${set.outcomes.length} outcomes to ${options.out}\n`);
  return options.json ? jsonLine({ ...about, out: options.out } satisfies ImportJson) : undefined;
}

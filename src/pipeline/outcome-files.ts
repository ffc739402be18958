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

/** One line per built-in set: name, size, description. */
export function listOutcomeSets(): string {
  return builtinOutcomeSetNames()
    .map((name) => {
      const { set } = loadOutcomeSet(name);
      return `${name.padEnd(10)} ${String(set.outcomes.length).padStart(4)} outcomes  ${set.description ?? ''}\n`;
    })
    .join('');
}

/** Validates a set file (with the full vocabulary checks); the one-line verdict, or a one-line error. */
export function validateOutcomeFile(file: string, env: Pick<PipelineEnv, 'cwd'>): string {
  const set = parseOutcomeSet(readStructuredFile(resolve(env.cwd, file), { notFound: 'outcomes-not-found', invalid: 'outcomes-invalid' }), file);
  const clusters = new Set(set.outcomes.flatMap((o) => o.clusters));
  return `${file}: valid, ${set.outcomes.length} outcomes, ${clusters.size} clusters\n`;
}

/** Imports `file` from `format`; writes the set to `out` (returning a note) or returns its JSON. */
export function importOutcomeFile(file: string, format: ImportFormat, options: { out?: string; name?: string }, env: Pick<PipelineEnv, 'cwd' | 'log'>): string | undefined {
  let text: string;
  try {
    text = readFileSync(resolve(env.cwd, file), 'utf8');
  } catch {
    throw new UtilscopeError('outcomes-not-found', 'file not found', { file });
  }
  const set = importOutcomes(text, format, file, options.name !== undefined ? { name: options.name } : {});
  const json = `${JSON.stringify(set, null, 2)}\n`;
  if (!options.out) return json;
  writeFileAtomic(resolve(env.cwd, options.out), json);
  env.log.write(`wrote ${set.outcomes.length} outcomes to ${options.out}\n`);
  return undefined;
}

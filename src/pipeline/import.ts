/**
 * `utilscope import <file> --from <format>` (docs/architecture.md §"Importing preference data"):
 * reads a file of answers another tool collected, hashes its bytes, builds the run it amounts to
 * (import/, pure) and writes it as an ordinary run folder — run.json (provider `imported:<format>`,
 * the file's name and SHA-256), outcomes.json, template.txt, plan.jsonl, records.jsonl and a
 * `complete` status.json — then analyses it like a finished run (derived files, report, summary).
 *
 * The folder is written under a temporary name and renamed into place, so an import that fails or
 * is killed leaves no half-written run. The same file imported into the same folder again is
 * reused, not written twice; another file into it is refused.
 */
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { quote, UtilscopeError } from '../core/errors.js';
import { parseIntOption } from '../core/options.js';
import type { ImportedSource } from '../core/run-spec.js';
import { SCHEMA_VERSION } from '../core/types.js';
import { builtinExperiments } from '../experiments/index.js';
import { buildImportedRun, type ImportedRun, importedSourceLine, importFormat } from '../import/index.js';
import { differingIdentityFields, loadOutcomeSet, MANIFEST_VERSION, nodeStoreFs, RunStore, readInputBytes, toolVersion } from '../store/index.js';
import { folderWriter, type PipelineEnv } from './env.js';
import { JSON_OUTPUT_VERSION, jsonLine, type RunJson, runSummaryJson } from './json-output.js';
import { logOutcomeWarnings } from './outcome-files.js';
import { finishRun } from './run-command.js';
import { assertRunId, slugRunId } from './run-spec-options.js';
import { runSummaryText } from './summary.js';

/** Options of `utilscope import`, as the CLI or a library caller gives them. */
export interface ImportRunOptions {
  /** The file's format (`--from`): emergent-values-utilities, emergent-values-triads, answers, counts, probabilities. */
  readonly from: string;
  /** `--outcomes`: the set the file's outcomes are matched to by exact text (or id); default: a set made from the file. */
  readonly outcomes?: string;
  /** `--name`: the run folder's name; default from the model, the format and the file's hash. */
  readonly name?: string;
  /** `--out`: the folder of run folders (default `outputs`). */
  readonly out?: string;
  /** `--model`: the model's name, when the file does not say or says it differently. */
  readonly model?: string;
  /** `--model-filter`: the model to import from an answer table of several. */
  readonly modelFilter?: string;
  /** `--seed`: seed of the analyses (floors, intervals), as for `run` (default 1). */
  readonly seed?: string | number;
  /** Write the report and summary (default true). */
  readonly report?: boolean;
  /** `--json`: print one {@link ImportRunJson} document on stdout instead of the summary. */
  readonly json?: boolean;
}

/** `import --json`: the run document of `run --json`, and where the answers came from. */
export interface ImportRunJson extends RunJson {
  readonly imported: ImportedSource;
  /** True when the folder already held this file's import and was reused. */
  readonly reused: boolean;
}

/** A file imported into a run folder: where, what it holds, and whether the folder was there already. */
export interface ImportedFolder {
  readonly dir: string;
  readonly source: ImportedSource;
  readonly reused: boolean;
}

/** SHA-256 of the file's bytes, hex. */
function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes of a file to import; a missing or unreadable file is one `import-invalid` line naming it. */
export function readImportFile(path: string): Buffer {
  return readInputBytes(path, { notFound: 'import-invalid', invalid: 'import-invalid' }, 'file to import');
}

/** The run that `file` (already read) amounts to. Pure but for reading `--outcomes`. */
export function importedRunOf(bytes: Buffer, path: string, options: ImportRunOptions, env: Pick<PipelineEnv, 'cwd' | 'log'>): ImportedRun {
  const format = importFormat(options.from);
  if (options.modelFilter !== undefined && !format.modelColumn)
    throw new UtilscopeError('invalid-option', `--model-filter applies to answer tables; ${format.id} files hold one model`, { field: '--model-filter' });
  const given = options.outcomes !== undefined ? loadOutcomeSet(options.outcomes, env.cwd) : undefined;
  if (given) logOutcomeWarnings(given, env.log);
  const data = format.read(bytes.toString('utf8'), path, options.modelFilter !== undefined ? { modelFilter: options.modelFilter } : {});
  return buildImportedRun(data, {
    format,
    file: basename(path),
    sha256: sha256(bytes),
    model: options.model ?? data.model ?? 'unknown',
    seed: parseIntOption(options.seed, '--seed', 0, 1),
    ...(given ? { given: { set: given.set, source: given.source, hash: given.hash } } : {}),
  });
}

/** The folder an import goes to without `--name`: model, format and the first 8 hex of the file's hash. */
export function defaultImportRunId(source: ImportedSource, short: string): string {
  return `${slugRunId(source.model) || 'model'}-${short}-${source.sha256.slice(0, 8)}`.slice(0, 120);
}

/**
 * Writes `run` as a run folder at `dir`: built under `<dir>.importing-<pid>` and renamed into place.
 * The folder is complete (status `complete`) the moment it appears.
 */
function writeImportedFolder(dir: string, run: ImportedRun, identity: readonly string[], env: Pick<PipelineEnv, 'now' | 'log' | 'fs'>): void {
  const temp = `${dir}.importing-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  try {
    const store = RunStore.openOrCreate(
      temp,
      { v: MANIFEST_VERSION, toolVersion: toolVersion(), createdAt: new Date(env.now()).toISOString(), simulated: false, spec: run.spec },
      { outcomeSet: run.outcomeSet, templateText: run.templateText },
      identity,
      folderWriter(env),
    );
    try {
      store.appendPlan(run.plan);
      store.appendRecords(run.records);
      const keys = run.plan.reduce((n, p) => n + p.comparisons.length, 0);
      const answered = run.records.filter((r) => r.kind === 'answer').length;
      store.writeStatus({ v: SCHEMA_VERSION, state: 'complete', updatedAt: new Date(env.now()).toISOString(), planned: keys, answered, failures: run.records.length - answered, costUsd: 0, round: 0 });
    } finally {
      store.close();
    }
    (env.fs ?? nodeStoreFs).rename(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Imports `file` into a run folder (see the module comment) and returns it, without analysing it.
 * A folder that holds this file's import already is reused; one that holds anything else is a
 * one-line `run-config-mismatch` error.
 */
export function importRunFolder(file: string, options: ImportRunOptions, env: Pick<PipelineEnv, 'cwd' | 'log' | 'now' | 'fs' | 'experiments'>): ImportedFolder {
  if (options.name !== undefined) assertRunId(options.name, '--name');
  const path = resolve(env.cwd, file);
  const run = importedRunOf(readImportFile(path), path, options, env);
  const source = run.spec.imported as ImportedSource;
  const dir = join(resolve(env.cwd, options.out ?? 'outputs'), options.name ?? defaultImportRunId(source, importFormat(options.from).short));
  const experiment = (env.experiments ?? builtinExperiments).get(run.spec.experiment.kind);
  if (RunStore.exists(dir)) {
    const stored = RunStore.open(dir).manifest.spec;
    const held = stored.imported;
    // The same file under the same settings (outcome set, model name, seed…) is the same run: reuse it.
    const differing = differingIdentityFields(stored, run.spec, experiment.identity);
    if (held?.sha256 === source.sha256 && differing.length === 0) return { dir, source: held, reused: true };
    const what = held
      ? `an import of ${quote(held.file)} (sha256 ${held.sha256.slice(0, 12)}…)${held.sha256 === source.sha256 ? ` under other settings (${differing.join(', ')})` : ''}`
      : 'a run utilscope asked';
    throw new UtilscopeError('run-config-mismatch', `the run folder already holds ${what}; give the import another --name`, { file: RunStore.paths(dir).run });
  }
  if (existsSync(dir)) throw new UtilscopeError('run-config-mismatch', 'a folder of that name exists and is no run folder; give the import another --name', { file: dir });
  writeImportedFolder(dir, run, experiment.identity, env);
  return { dir, source, reused: false };
}

/** `utilscope import <file> --from <format>`: imports, then analyses and reports like a finished run. */
export async function importRun(file: string, options: ImportRunOptions, env: PipelineEnv): Promise<void> {
  const imported = importRunFolder(file, options, env);
  const { source } = imported;
  env.log.write(`${importedSourceLine(source)}\n`);
  const store = RunStore.open(imported.dir, folderWriter(env));
  try {
    const status = store.readStatus();
    const failures = status?.failures ?? 0;
    const what = `${status?.answered ?? 0} answers${failures > 0 ? ` and ${failures} request${failures === 1 ? '' : 's'} without one` : ''} of ${quote(source.model)}`;
    env.log.write(`${imported.reused ? 'run folder (already imported, reused)' : `imported ${what} into`}: ${imported.dir}\n`);
    const base: ImportRunJson = {
      v: JSON_OUTPUT_VERSION,
      runDir: imported.dir,
      end: 'complete',
      answered: status?.answered ?? 0,
      planned: status?.planned ?? 0,
      costUsd: 0,
      imported: source,
      reused: imported.reused,
    };
    if (options.report === false) {
      if (options.json) env.out.write(jsonLine(base));
      return;
    }
    const { analysed, reportPath } = await finishRun(store, env, join(env.cwd, 'reports'));
    if (options.json) {
      const summary = runSummaryJson(analysed);
      env.out.write(jsonLine({ ...base, reportPath, ...(summary ? { summary } : {}) } satisfies ImportRunJson));
    } else env.out.write(runSummaryText(store, analysed, reportPath));
  } finally {
    store.close();
  }
}

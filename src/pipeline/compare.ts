/**
 * `compare`: several analysed runs side by side, against model size or capability (docs/method.md §7,
 * docs/architecture.md §"Reports"). Reads run folders, builds the compare data (pure) and writes the
 * self-contained HTML. Needs runs whose experiment has utilities.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { schemaError, UtilscopeError } from '../core/errors.js';
import { incompleteNote } from '../core/spend.js';
import { buildCompareReportData } from '../experiments/index.js';
import { compareReportSpecs, renderCompareReport } from '../report/index.js';
import { RunStore, readStructuredFile, readVegaAssets, writeFileAtomic } from '../store/index.js';
import { analyseRunFolder, utilitiesOf } from './analyse.js';
import type { PipelineEnv } from './env.js';
import { inferParams } from './infer-params.js';
import { writeSvgCharts } from './report.js';

/** How a run appears in a comparison. */
export interface RunMeta {
  readonly dir: string;
  readonly label: string;
  readonly params?: number;
  readonly capability?: number;
}

const metaFileSchema = z.array(z.strictObject({ run: z.string(), label: z.string().optional(), params: z.number().positive().optional(), capability: z.number().optional() }));

/** Reads a `--meta` file: `[{"run": "<dir>", "label", "params", "capability"}…]`, paths relative to `cwd`. */
export function readMetaFile(path: string, cwd: string): RunMeta[] {
  const parsed = metaFileSchema.safeParse(readStructuredFile(path, { notFound: 'invalid-option', invalid: 'invalid-option' }, 'meta file'));
  if (!parsed.success) throw schemaError('invalid-option', '', parsed.error, path);
  return parsed.data.map((m) => ({
    dir: resolve(cwd, m.run),
    label: m.label ?? basename(m.run),
    ...(m.params !== undefined ? { params: m.params } : {}),
    ...(m.capability !== undefined ? { capability: m.capability } : {}),
  }));
}

/** What `compareRuns` needs besides the run folders. */
export interface CompareOptions {
  readonly by: 'params' | 'capability';
  readonly out: string;
  readonly svg?: string;
  /** Labels, sizes and capabilities by run folder (a study's, or a `--meta` file's). */
  readonly metas?: readonly RunMeta[];
}

/** Analyses each run and writes the comparison report; returns its path. */
export async function compareRuns(dirs: readonly string[], options: CompareOptions, env: Pick<PipelineEnv, 'log' | 'experiments'>): Promise<string> {
  return (await compareRunsReport(dirs, options, env)).report;
}

/** {@link compareRuns}, returning the report's path and how each run appears in it (for `compare --json`). */
export async function compareRunsReport(dirs: readonly string[], options: CompareOptions, env: Pick<PipelineEnv, 'log' | 'experiments'>): Promise<{ report: string; runs: RunMeta[] }> {
  const given = options.metas ?? [];
  const runs = dirs.map((dir) => {
    const store = RunStore.open(dir);
    const analysis = utilitiesOf(analyseRunFolder(store, {}, env.experiments), dir);
    const found = given.find((m) => resolve(m.dir) === resolve(dir));
    const params = found?.params ?? inferParams(store.manifest.spec.modelSpec);
    const meta: RunMeta = { dir, label: found?.label ?? basename(dir), ...(params !== undefined ? { params } : {}), ...(found?.capability !== undefined ? { capability: found.capability } : {}) };
    const status = store.readStatus();
    const incomplete = status?.state === 'complete' ? undefined : incompleteNote(status?.state ?? 'unknown', status?.state === 'cancelled' ? status.costCapUsd : undefined, status?.costUsd ?? 0);
    return { meta, spec: store.manifest.spec, simulated: store.manifest.simulated, ...(incomplete !== undefined ? { incomplete } : {}), analysis };
  });
  if (options.by === 'capability' && runs.some((r) => r.meta.capability === undefined)) {
    throw new UtilscopeError('invalid-option', '--by capability needs a capability score for every run (study file or --meta)', { field: '--by' });
  }
  const data = buildCompareReportData(runs, options.by);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileAtomic(options.out, renderCompareReport(data, readVegaAssets()));
  if (options.svg) await writeSvgCharts(compareReportSpecs(data), options.svg, env.log);
  return { report: options.out, runs: runs.map((r) => r.meta) };
}

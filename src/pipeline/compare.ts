/**
 * `compare`: several analysed runs side by side, against model size or capability (docs/method.md §7,
 * docs/architecture.md §"Reports"). Reads run folders, builds the compare data (pure) and writes the
 * self-contained HTML. Needs runs whose experiment has utilities.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { quote, schemaError, UtilscopeError } from '../core/errors.js';
import type { RunSpec } from '../core/run-spec.js';
import { incompleteNote } from '../core/spend.js';
import { buildCompareReportData } from '../experiments/index.js';
import { type ComparePersona, compareReportSpecs, renderCompareReport } from '../report/index.js';
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

/**
 * Reads a `--meta` file: `[{"run": "<dir>", "label", "params", "capability"}…]`. Each `run` is
 * relative to the meta file's own folder (as a reader of the file would take it), not to wherever
 * `compare` is started from.
 */
export function readMetaFile(path: string): RunMeta[] {
  const parsed = metaFileSchema.safeParse(readStructuredFile(path, { notFound: 'invalid-option', invalid: 'invalid-option' }, 'meta file'));
  if (!parsed.success) throw schemaError('invalid-option', '', parsed.error, path);
  return parsed.data.map((m) => ({
    dir: resolve(dirname(path), m.run),
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
  /** Compare runs of different outcome sets anyway (`--allow-mixed-outcomes`): a warning instead of a refusal. */
  readonly allowMixedOutcomes?: boolean;
  /** A study with arms: its persona analysis, shown against size beside the value trends. */
  readonly persona?: ComparePersona;
}

/** `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * The runs grouped by the outcome set they asked about (by content: name, hash and count), one
 * phrase per set: `a and b ask "core" (390 outcomes, 0123…)`. One group when all runs share a set.
 */
function outcomeSetGroups(runs: readonly { readonly meta: RunMeta; readonly spec: RunSpec }[]): string[] {
  const groups = new Map<string, { ref: RunSpec['outcomes']; labels: string[] }>();
  for (const { meta, spec } of runs) {
    const group = groups.get(spec.outcomes.hash) ?? { ref: spec.outcomes, labels: [] };
    group.labels.push(quote(meta.label));
    groups.set(spec.outcomes.hash, group);
  }
  return [...groups.values()].map(({ ref, labels }) => `${listed(labels)} ${labels.length === 1 ? 'asks' : 'ask'} ${quote(ref.name)} (${ref.count} outcomes, ${ref.hash})`);
}

/** Analyses each run and writes the comparison report; returns its path. */
export async function compareRuns(dirs: readonly string[], options: CompareOptions, env: Pick<PipelineEnv, 'log' | 'experiments' | 'floorCache'>): Promise<string> {
  return (await compareRunsReport(dirs, options, env)).report;
}

/** {@link compareRuns}, returning the report's path and how each run appears in it (for `compare --json`). */
export async function compareRunsReport(dirs: readonly string[], options: CompareOptions, env: Pick<PipelineEnv, 'log' | 'experiments' | 'floorCache'>): Promise<{ report: string; runs: RunMeta[] }> {
  const given = options.metas ?? [];
  for (const m of given) {
    if (!dirs.some((dir) => resolve(dir) === resolve(m.dir)))
      env.log.write(`utilscope: --meta gives ${quote(m.label)} for ${m.dir}, which is not among the runs compared; it is ignored (a meta file's "run" paths are relative to the file's folder)\n`);
  }
  // Every run is opened (and its identity read) before any is analysed: a wrong mix is refused at once.
  const opened = dirs.map((dir) => {
    const store = RunStore.open(dir);
    const found = given.find((m) => resolve(m.dir) === resolve(dir));
    const inferred = inferParams(store.manifest.spec.modelSpec);
    const params = found?.params ?? inferred;
    const meta: RunMeta = { dir, label: found?.label ?? basename(dir), ...(params !== undefined ? { params } : {}), ...(found?.capability !== undefined ? { capability: found.capability } : {}) };
    return { store, meta, spec: store.manifest.spec };
  });
  const sets = outcomeSetGroups(opened);
  if (sets.length > 1) {
    if (!options.allowMixedOutcomes)
      throw new UtilscopeError('invalid-option', `the runs ask about different outcome sets: ${sets.join('; ')}; compare runs of one set, or pass --allow-mixed-outcomes`, { field: 'run-dirs' });
    env.log.write(
      `utilscope: comparing runs of different outcome sets (--allow-mixed-outcomes): ${sets.join('; ')}; utilities, clusters and convergence are only comparable over the outcomes they share\n`,
    );
  }
  if (options.by === 'capability') {
    const missing = opened.filter((r) => r.meta.capability === undefined).map((r) => quote(r.meta.label));
    if (missing.length > 0) throw new UtilscopeError('invalid-option', `--by capability needs a capability score for every run (study file or --meta); none for ${listed(missing)}`, { field: '--by' });
  } else {
    for (const { meta, spec } of opened) {
      if (meta.params !== undefined) continue;
      env.log.write(
        `utilscope: no size for ${quote(meta.label)} (${meta.dir}): its model ${quote(spec.modelSpec)} names no parameter count (such as 7b) and no params were given; it is left out of the size trends (give it params in --meta or the study file)\n`,
      );
    }
  }
  const runs = opened.map(({ store, meta, spec }) => {
    const analysed = analyseRunFolder(store, env.floorCache ? { floorCache: env.floorCache } : {}, env.experiments);
    const analysis = utilitiesOf(analysed, meta.dir);
    const extraMetrics = analysed.experiment.compareMetrics?.(analysed.result) ?? [];
    const status = store.readStatus();
    const incomplete = status?.state === 'complete' ? undefined : incompleteNote(status?.state ?? 'unknown', status?.state === 'cancelled' ? status.costCapUsd : undefined, status?.costUsd ?? 0);
    return { meta, spec, simulated: store.manifest.simulated, ...(incomplete !== undefined ? { incomplete } : {}), analysis, extraMetrics };
  });
  const data = { ...buildCompareReportData(runs, options.by), ...(options.persona ? { persona: options.persona } : {}) };
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileAtomic(options.out, renderCompareReport(data, readVegaAssets()));
  if (options.svg) await writeSvgCharts(compareReportSpecs(data), options.svg, env.log);
  return { report: options.out, runs: runs.map((r) => r.meta) };
}

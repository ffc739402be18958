/**
 * Writing reports to disk: the run report (`report`, end of `run`), the compare report
 * (`compare`, end of `study`), and `--svg <dir>` static charts. Assembling the report data and the
 * HTML is pure (pipeline/report-data.ts, report/); this module reads run folders and writes files.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { UtilscopeError } from '../core/errors.js';
import { analyseRun, buildCompareReportData, buildRunReportData, inferParams, type RunAnalysis } from '../pipeline/index.js';
import { compareReportSpecs, renderCompareReport, renderRunReport, renderSpecToSvg, runReportSpecs } from '../report/index.js';
import { readStructuredFile, readVegaAssets, RunStore, writeFileAtomic } from '../store/index.js';
import type { CliIo } from './io.js';

/** How a run appears in a comparison. */
export interface RunMeta {
  readonly dir: string;
  readonly label: string;
  readonly params?: number;
  readonly capability?: number;
}

async function writeSvgs(specs: readonly { name: string; spec: unknown }[], dir: string, io: CliIo): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const { name, spec } of specs) {
    const svg = await renderSpecToSvg(spec as Parameters<typeof renderSpecToSvg>[0]);
    writeFileAtomic(join(dir, `${name}.svg`), svg);
  }
  io.stderr.write(`wrote ${specs.length} SVG charts to ${dir}\n`);
}

/** Writes the HTML report of an analysed run; returns its path. */
export async function writeRunReport(store: RunStore, analysis: RunAnalysis, reportsDir: string, io: CliIo, options: { out?: string; svg?: string } = {}): Promise<string> {
  const data = buildRunReportData(store.manifest, store.readStatus(), store.readOutcomeSet(), analysis, store.readRecords(), basename(store.dir));
  const path = options.out ? resolve(io.cwd, options.out) : join(reportsDir, `${basename(store.dir)}.html`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, renderRunReport(data, readVegaAssets()));
  if (options.svg) await writeSvgs(runReportSpecs(data), resolve(io.cwd, options.svg), io);
  return path;
}

/** `utilscope report <run-dir>`: re-analyses the run from its records and writes the report. */
export async function writeReportForRun(dir: string, io: CliIo, options: { out?: string; svg?: string }): Promise<string> {
  const store = RunStore.open(dir);
  const records = store.readRecords();
  if (!records.some((r) => r.kind === 'answer')) throw new UtilscopeError('run-not-found', 'the run has no answers yet; nothing to report', { file: dir });
  const analysis = analyseRun(store.manifest.config, store.readOutcomeSet(), store.readPlan(), records);
  return writeRunReport(store, analysis, join(io.cwd, 'reports'), io, options);
}

const metaFileSchema = z.array(
  z.strictObject({ run: z.string(), label: z.string().optional(), params: z.number().positive().optional(), capability: z.number().optional() }),
);

function readMetaFile(path: string, cwd: string): RunMeta[] {
  const parsed = metaFileSchema.safeParse(readStructuredFile(path, { notFound: 'invalid-option', invalid: 'invalid-option' }));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UtilscopeError('invalid-option', issue?.message ?? 'invalid meta file', { file: path, field: issue?.path.join('.') ?? '' });
  }
  return parsed.data.map((m) => ({ dir: resolve(cwd, m.run), label: m.label ?? basename(m.run), ...(m.params !== undefined ? { params: m.params } : {}), ...(m.capability !== undefined ? { capability: m.capability } : {}) }));
}

/** `utilscope compare`: analyses each run and writes the comparison report; returns its path. */
export async function compareRuns(
  dirs: readonly string[],
  options: { by: 'params' | 'capability'; out: string; svg?: string; meta?: string; metas?: readonly RunMeta[] },
  io: CliIo,
): Promise<string> {
  const given = options.metas ?? (options.meta ? readMetaFile(options.meta, io.cwd) : []);
  const runs = dirs.map((dir) => {
    const store = RunStore.open(dir);
    const records = store.readRecords();
    if (!records.some((r) => r.kind === 'answer')) throw new UtilscopeError('run-not-found', 'the run has no answers yet', { file: dir });
    const analysis = analyseRun(store.manifest.config, store.readOutcomeSet(), store.readPlan(), records);
    const found = given.find((m) => resolve(m.dir) === resolve(dir));
    const params = found?.params ?? inferParams(store.manifest.config.modelSpec);
    const meta: RunMeta = { dir, label: found?.label ?? basename(dir), ...(params !== undefined ? { params } : {}), ...(found?.capability !== undefined ? { capability: found.capability } : {}) };
    return { meta, manifest: store.manifest, status: store.readStatus(), outcomeSet: store.readOutcomeSet(), analysis };
  });
  if (options.by === 'capability' && runs.some((r) => r.meta.capability === undefined)) {
    throw new UtilscopeError('invalid-option', '--by capability needs a capability score for every run (study file or --meta)', { field: '--by' });
  }
  const data = buildCompareReportData(runs, options.by);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileAtomic(options.out, renderCompareReport(data, readVegaAssets()));
  if (options.svg) await writeSvgs(compareReportSpecs(data), options.svg, io);
  return options.out;
}

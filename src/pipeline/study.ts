/**
 * `utilscope study <study.yaml>` and `utilscope demo` (docs/architecture.md §"Study file"): several
 * models, one protocol → one run folder each (resumable as a whole: finished runs are reused) → the
 * compare report and a summary table. The demo is a built-in study over the simulated family.
 */
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { createFloorCache } from '../coherence/index.js';
import { schemaError, UtilscopeError } from '../core/errors.js';
import { parseIntOption } from '../core/options.js';
import { DEFAULT_ARM_ID, type RunSpec } from '../core/run-spec.js';
import { costCapStopLine } from '../core/spend.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { type AnyExperiment, builtinExperiments, UTILITIES_STRATEGIES } from '../experiments/index.js';
import type { ImportedRun } from '../import/index.js';
import { parseModelSpec, publicBaseUrl } from '../providers/index.js';
import type { ComparePersona } from '../report/index.js';
import { type LoadedArm, type LoadedOutcomeSet, loadArm, loadOutcomeSet, loadTemplate, RunStore, readStructuredFile, resolveArm, writeJsonAtomic } from '../store/index.js';
import { utilitiesOf } from './analyse.js';
import type { SharedSpend } from './ask.js';
import { compareRuns, type RunMeta } from './compare.js';
import { folderWriter, type PipelineEnv } from './env.js';
import { type ImportRunOptions, importedRunOf, importRunFolder, readImportFile } from './import.js';
import { inferParams } from './infer-params.js';
import { JSON_OUTPUT_VERSION, jsonLine, type StudyDryRunJson, type StudyDryRunModelJson, type StudyJson, studyRowJson } from './json-output.js';
import { logOutcomeWarnings } from './outcome-files.js';
import { writeStudyPersona } from './persona.js';
import { buildBatchTransport, buildProvider } from './provider.js';
import {
  assertCapEnforceable,
  estimateLine,
  estimateSpec,
  finishRun,
  openRunFolder,
  type RunEnd,
  readPriceFile,
  runSession,
  type SessionFieldNames,
  sessionConnection,
  sessionPrice,
  withPrice,
} from './run-command.js';
import { isSafeRunId, prepareExperimentOutcomes, RUN_ID_RULE, resolveRunSpec, resolveSession, slugRunId } from './run-spec-options.js';
import { type StudyRow, studyDryRunText, studyTableText } from './summary.js';

const protocolSchema = z.strictObject({
  /** What to measure (an experiment kind; default the registry's default, `utilities`). */
  experiment: z.string().min(1).optional(),
  /** `lotteries`: explicit lotteries generated from the set, their wording and anchors. */
  lotteries: z.number().int().nonnegative().optional(),
  lotteryWording: z.string().min(1).optional(),
  anchors: z.number().int().nonnegative().optional(),
  samples: z.number().int().positive().optional(),
  logprobs: z.boolean().optional(),
  pairs: z.union([z.literal('auto'), z.number().int().positive()]).optional(),
  holdout: z.number().int().nonnegative().optional(),
  roundSize: z.number().int().positive().optional(),
  strategy: z.enum(UTILITIES_STRATEGIES).optional(),
  stopWhenStable: z.boolean().optional(),
  pseudoLabels: z.boolean().optional(),
  seed: z.number().int().nonnegative().optional(),
  temperature: z.number().nonnegative().optional(),
  maxTokens: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().optional(),
  /** Seconds per attempt; this session only, not identity. */
  timeout: z.number().positive().optional(),
  maxCost: z.number().nonnegative().optional(),
  /** Run under `maxCost` although a model has no price (its cap cannot be enforced). */
  allowUnpriced: z.boolean().optional(),
  /** A `--prices` file (path relative to the study file's folder). */
  prices: z.string().min(1).optional(),
  /** `batch`: every model through its provider's batch API (as `--batch`); `interactive` (the default) one request at a time. */
  transport: z.enum(['interactive', 'batch']).optional(),
  /** Seconds between polls of a batch (as `--poll-interval`). */
  pollInterval: z.number().nonnegative().optional(),
  /** How long to wait for batches before leaving them running: seconds, or `30m`, `2h`, `1d` (as `--max-wait`). */
  maxWait: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
  /** One spend cap over every model of the study together (USD), besides each run's own `maxCost`. */
  maxTotalCost: z.number().nonnegative().optional(),
  unparseable: z.enum(['exclude', 'half']).optional(),
  preset: z.literal('paper').optional(),
  template: z.string().optional(),
  system: z.string().optional(),
});

const studySchema = z.strictObject({
  name: z.string().refine(isSafeRunId, `must be ${RUN_ID_RULE}`),
  /** The outcome set every model is asked about (and imported files are matched to); optional when every model is imported. */
  outcomes: z.string().min(1).optional(),
  protocol: protocolSchema.default({}),
  /**
   * The arms every model is asked under (docs/architecture.md §"Arms"): built-in arm names, arm file
   * paths (relative to the study file) or inline arm definitions. Must include `default`, the
   * reference; `retest` gives the noise ceiling. Each model then has one folder per arm.
   */
  arms: z
    .array(z.union([z.string().min(1), z.record(z.string(), z.unknown())]))
    .min(1)
    .optional(),
  models: z
    .array(
      z.strictObject({
        /** A model to ask (`provider:model`); or `import`, a file of answers another tool collected. */
        spec: z.string().min(1).optional(),
        /** A file to import instead of asking (path relative to the study file), with its format in `from` (docs/architecture.md §"Importing preference data"). */
        import: z.string().min(1).optional(),
        from: z.string().min(1).optional(),
        /** The imported model's name, when the file does not say; `modelFilter` picks one model of an answer table. */
        model: z.string().min(1).optional(),
        modelFilter: z.string().min(1).optional(),
        label: z.string().min(1).optional(),
        params: z.number().positive().optional(),
        capability: z.number().optional(),
        baseUrl: z.string().optional(),
      }),
    )
    .min(1),
});

/** A validated study definition. */
export type Study = z.infer<typeof studySchema>;

/** Parses a study file's content; one-line `study-invalid` errors naming the field. */
export function parseStudy(data: unknown, file: string): Study {
  const parsed = studySchema.safeParse(data);
  if (!parsed.success) throw schemaError('study-invalid', '', parsed.error, file);
  for (const [k, m] of parsed.data.models.entries()) {
    const invalid = (message: string, field: string) => new UtilscopeError('study-invalid', message, { file, field: `models[${k}].${field}` });
    if ((m.spec === undefined) === (m.import === undefined))
      throw invalid('give a model to ask ("spec") or a file to import ("import"), not both or neither', m.spec === undefined ? 'spec' : 'import');
    if (m.import !== undefined) {
      if (m.from === undefined) throw invalid('an imported file needs its format in "from"', 'from');
      if (m.baseUrl !== undefined) throw invalid('an imported file is not asked: it takes no base URL', 'baseUrl');
      if (parsed.data.arms !== undefined) throw invalid('a study with arms asks every model under every arm; an imported file cannot be asked', 'import');
      continue;
    }
    for (const key of ['from', 'model', 'modelFilter'] as const) if (m[key] !== undefined) throw invalid(`"${key}" belongs to an imported file ("import")`, key);
    if (parsed.data.outcomes === undefined) throw new UtilscopeError('study-invalid', 'needs the outcome set the models are asked about', { file, field: 'outcomes' });
    try {
      parseModelSpec(m.spec as string);
    } catch (error) {
      if (error instanceof UtilscopeError) throw invalid(error.message, 'spec');
      throw error;
    }
  }
  studyRunIds(parsed.data, file);
  if (parsed.data.arms !== undefined) {
    const where = file !== undefined ? { file } : {};
    // Adaptive rounds pick pairs from answers, which differ across arms; only a design that ignores answers asks every arm the same pairs.
    const strategy = parsed.data.protocol.strategy;
    if (strategy !== undefined && strategy !== 'random')
      throw new UtilscopeError('study-invalid', `a study with arms must use strategy random (the same pairs under every arm), not ${strategy}`, { ...where, field: 'protocol.strategy' });
    if (parsed.data.protocol.system !== undefined)
      throw new UtilscopeError('study-invalid', 'a study with arms takes its system prompts from the arms; put this one in an arm', { ...where, field: 'protocol.system' });
    if (parsed.data.protocol.stopWhenStable)
      throw new UtilscopeError('study-invalid', 'a study with arms cannot stop when stable (arms would stop at different rounds)', { ...where, field: 'protocol.stopWhenStable' });
  }
  return parsed.data;
}

/**
 * The arms of a study, loaded: built-in names, paths relative to the study file, or inline
 * definitions (`arms[k].…` in errors). Ids must be distinct and include `default` (the reference).
 */
export function studyArms(study: Study, template: PromptTemplate, baseDir: string, file?: string): LoadedArm[] {
  const where = file !== undefined ? { file } : {};
  const arms = (study.arms ?? []).map((entry, k) => (typeof entry === 'string' ? loadArm(entry, template, baseDir) : resolveArm(entry, file ?? 'study', template, baseDir, `arms[${k}].`)));
  const seen = new Set<string>();
  for (const [k, arm] of arms.entries()) {
    if (seen.has(arm.arm.id)) throw new UtilscopeError('study-invalid', `arm id "${arm.arm.id}" appears twice`, { ...where, field: `arms[${k}]` });
    seen.add(arm.arm.id);
  }
  if (!seen.has(DEFAULT_ARM_ID)) throw new UtilscopeError('study-invalid', 'must include the default arm, the reference every other arm is read against', { ...where, field: 'arms' });
  return arms;
}

/** How a study model is shown: its label, else its spec, else its imported file's model or file. */
export function studyModelLabel(model: Study['models'][number]): string {
  return model.label ?? model.spec ?? model.model ?? basename(model.import ?? 'model');
}

/** The field a study model's folder name comes from: its label, else its spec (or imported file). */
function runIdField(model: Study['models'][number], k: number): string {
  return model.label !== undefined ? `models[${k}].label` : model.spec !== undefined ? `models[${k}].spec` : `models[${k}].import`;
}

/**
 * The run folder name of each model of a study, in order: its label (else its spec) slugged into a
 * safe run id. A study name that is no safe run id, a slug that is no safe run id (`..`, too long) and two models whose folders would be
 * one (`a b` and `a-b`; compared without case, as macOS and Windows do) are one-line `study-invalid`
 * errors naming the fields, before anything runs.
 */
export function studyRunIds(study: Study, file?: string): string[] {
  const where = file !== undefined ? { file } : {};
  // A library caller's study did not pass parseStudy: its name becomes a folder too.
  if (!isSafeRunId(study.name)) throw new UtilscopeError('study-invalid', `must be ${RUN_ID_RULE}`, { ...where, field: 'name' });
  const seen = new Map<string, number>();
  return study.models.map((model, k) => {
    const id = slugRunId(studyModelLabel(model)) || 'model';
    if (!isSafeRunId(id))
      throw new UtilscopeError('study-invalid', `folder name "${id.slice(0, 40)}${id.length > 40 ? '…' : ''}" made from it must be ${RUN_ID_RULE}`, { ...where, field: runIdField(model, k) });
    const other = seen.get(id.toLowerCase());
    if (other !== undefined) {
      const first = runIdField(study.models[other] as Study['models'][number], other);
      throw new UtilscopeError('study-invalid', `${first} and ${runIdField(model, k)} both make the run folder "${id}"; give them different labels`, { ...where, field: runIdField(model, k) });
    }
    seen.set(id.toLowerCase(), k);
    return id;
  });
}

/** What the session settings are called in a study file. */
const PROTOCOL_NAMES: SessionFieldNames = { maxCost: 'protocol.maxCost', prices: 'protocol.prices', allowUnpriced: 'protocol.allowUnpriced: true' };
const TOTAL_CAP_NAMES: SessionFieldNames = { ...PROTOCOL_NAMES, maxCost: 'protocol.maxTotalCost' };

/** The built-in demo: the simulated family from 0.5B to 70B parameters on the starter outcomes. */
export const DEMO_STUDY: Study = {
  name: 'demo',
  outcomes: 'starter',
  protocol: { samples: 5, pairs: 'auto', holdout: 200, seed: 1 },
  models: ['0.5b', '1.5b', '3b', '7b', '14b', '70b'].map((size) => ({ spec: `sim:${size}`, label: `sim ${size.toUpperCase()}` })),
};

/**
 * The demo's second study: the same family on the lotteries experiment (docs/method.md §9), a
 * smaller design (40 generated lotteries, 3 samples per order) so the whole demo stays well under 30 s.
 */
export const DEMO_LOTTERY_STUDY: Study = {
  name: 'demo-lotteries',
  outcomes: 'starter',
  protocol: { experiment: 'lotteries', lotteries: 40, samples: 3, pairs: 'auto', holdout: 100, seed: 1 },
  models: DEMO_STUDY.models,
};

/**
 * The demo's third study: the smallest and the largest simulated model under five arms
 * (docs/method.md §10) — the planted persona shifts (self-preservation under the fictional AI,
 * power-seeking under the true-self framing, shrinking with size) against the retest, and the label
 * swap showing that the simulated position bias is for the position, not the letter.
 */
export const DEMO_PERSONA_STUDY: Study = {
  name: 'demo-persona',
  outcomes: 'starter',
  protocol: { samples: 2, pairs: 1000, holdout: 100, seed: 1 },
  arms: ['default', 'retest', 'fictional-ai', 'true-self', 'label-swap'],
  models: DEMO_STUDY.models.filter((m) => m.spec === 'sim:0.5b' || m.spec === 'sim:70b'),
};

/** Where a study's runs and reports go. */
export interface StudyPaths {
  /** Folder holding one sub-folder per study (default `outputs`). */
  readonly outDir: string;
  /** Folder for reports (default `reports`). */
  readonly reportsDir?: string;
  /** The study file: named in errors, and the folder its relative paths (outcomes, template, prices) start from. */
  readonly file?: string;
  /** `--json`: print one StudyJson document (src/pipeline/json-output.ts) on stdout instead of the table. */
  readonly json?: boolean;
  /** `--dry-run`: print every model's plan and cost and the total (StudyDryRunJson with `json`), ask nothing, create no folder. */
  readonly dryRun?: boolean;
  /** `--batch` (true) / `--no-batch` (false): overrides the protocol's `transport`. */
  readonly batch?: boolean;
  /** `--parallel-models N`: models asked at once (default: all of them through batches, one at a time otherwise). */
  readonly parallelModels?: string | number;
  /** `--poll-interval`, `--max-wait`: override the protocol's. */
  readonly pollInterval?: string | number;
  readonly maxWait?: string | number;
}

/** Runs `work` over `items` with at most `limit` at once; results in the order of `items`. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, k: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      results[k] = await work(items[k] as T, k);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Runs every model of a study (reusing finished runs), then writes the compare report and prints the
 * table. Before anything runs: every model's folder name is checked, and a cap no model's price can
 * enforce is refused. Each model's session follows the rule of `run` again: protocol fields given
 * win, the rest inherit the folder's stored session.
 *
 * Models are asked one at a time, or `parallelModels` at once (all at once through batches by
 * default: their first rounds then go in together, and the study waits for the slowest batch rather
 * than for every batch in turn), each against its own endpoint; `maxTotalCost` is one cap over all
 * of them together. A model that stops short (its cap, Ctrl-C, `--max-wait`) stops the study once
 * the models running beside it have stopped too.
 */
export async function runStudy(study: Study, callerEnv: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  // Every model (and arm) is asked the same design when the plan does not adapt, and compare analyses each run again:
  // their coherence floors are computed once (docs/method.md §5.11).
  const env: PipelineEnv = callerEnv.floorCache ? callerEnv : { ...callerEnv, floorCache: createFloorCache() };
  const experiments = env.experiments ?? builtinExperiments;
  const runIds = studyRunIds(study, paths.file);
  const { template: _template, prices: pricesFile, timeout, experiment: kind, transport: protocolTransport, pollInterval, maxWait, maxTotalCost, ...protocol } = study.protocol;
  const experiment = experiments.get(kind ?? experiments.defaultKind);
  // Paths in a study file are relative to the file's own folder, as a reader of the file would expect.
  const baseDir = paths.file !== undefined ? dirname(paths.file) : env.cwd;
  const asked = study.models.flatMap((model, k) => (model.spec !== undefined ? [{ model: { ...model, spec: model.spec }, k }] : []));
  const imports = study.models.flatMap((model, k) => (model.import !== undefined ? [{ model, k }] : []));
  if (asked.length > 0 && study.outcomes === undefined)
    throw new UtilscopeError('study-invalid', 'needs the outcome set the models are asked about', { ...(paths.file !== undefined ? { file: paths.file } : {}), field: 'outcomes' });
  const given = study.outcomes !== undefined && asked.length > 0 ? loadOutcomeSet(study.outcomes, baseDir) : undefined;
  if (given) logOutcomeWarnings(given, env.log);
  const loaded = given ? prepareExperimentOutcomes(experiment, given, protocol) : undefined;
  const template = loadTemplate(study.protocol.template ?? 'forced-choice', baseDir);
  // With arms, every model runs under each (one folder per arm) with the same non-adaptive plan, so arm differences are paired.
  const arms = study.arms !== undefined ? studyArms(study, template, baseDir, paths.file) : undefined;
  if (arms && protocol.strategy === undefined) protocol.strategy = 'random';
  const studyDir = resolve(env.cwd, paths.outDir, study.name);
  const reportsDir = resolve(env.cwd, paths.reportsDir ?? 'reports');
  const batch = paths.batch ?? (protocolTransport === undefined ? undefined : protocolTransport === 'batch');
  const prices = pricesFile !== undefined ? readPriceFile(resolve(baseDir, pricesFile)) : undefined;
  // Models to ask need the outcome set (parseStudy and the check above make sure there is one).
  const planned = (loaded === undefined ? [] : asked).flatMap(({ model, k }) =>
    (arms ?? [undefined]).map((arm) => {
      const set = loaded as LoadedOutcomeSet;
      const armTemplate = arm?.template ?? template;
      const spec = resolveRunSpec({ ...protocol, model: model.spec, ...(model.baseUrl !== undefined ? { baseUrl: model.baseUrl } : {}) }, experiment, set, armTemplate, arm?.arm);
      const connection = sessionConnection({ baseUrl: model.baseUrl, timeout, pollInterval: paths.pollInterval ?? pollInterval, maxWait: paths.maxWait ?? maxWait });
      const provider = buildProvider(spec, set.set, armTemplate, env, connection);
      const dir = arm ? join(studyDir, runIds[k] as string, arm.arm.id) : join(studyDir, runIds[k] as string);
      const stored = RunStore.exists(dir) ? RunStore.open(dir).manifest.spec.session : undefined;
      const resolved = resolveSession({ ...protocol, ...(batch !== undefined ? { batch } : {}) }, stored);
      const session = withPrice(resolved, sessionPrice(spec, provider.simulated, prices, stored?.price, resolved.transport));
      // What the run spent in earlier sessions counts against the study's total cap.
      let spentUsd = 0;
      if (RunStore.exists(dir)) for (const r of RunStore.open(dir).streamRecords()) if (r.kind === 'answer') spentUsd += r.costUsd;
      const label = studyModelLabel(model);
      return { model, k, arm, loaded: set, template: armTemplate, label: arm ? `${label} · ${arm.arm.id}` : label, dir, provider, connection, spentUsd, spec: { ...spec, session } };
    }),
  );
  try {
    for (const { k, spec, connection } of planned) {
      const where = { ...(paths.file !== undefined ? { file: paths.file } : {}), model: `models[${k}]` };
      assertCapEnforceable(spec.session, spec.modelSpec, env.log, PROTOCOL_NAMES, where);
      if (maxTotalCost !== undefined) assertCapEnforceable({ ...spec.session, maxCostUsd: maxTotalCost }, spec.modelSpec, env.log, TOTAL_CAP_NAMES, where);
      // A model without a batch API is refused before anything runs.
      if (spec.session.transport === 'batch' && !env.transport) buildBatchTransport(spec, env, connection);
    }
  } finally {
    for (const { provider } of planned) await provider.close?.();
  }
  // Imported files are read (and their outcomes matched) before anything is asked: a file that does not fit fails before any spend.
  const importOptions = (model: Study['models'][number], k: number): ImportRunOptions => ({
    from: model.from as string,
    ...(study.outcomes !== undefined ? { outcomes: study.outcomes } : {}),
    name: runIds[k] as string,
    out: studyDir,
    ...(model.model !== undefined ? { model: model.model } : {}),
    ...(model.modelFilter !== undefined ? { modelFilter: model.modelFilter } : {}),
    ...(protocol.seed !== undefined ? { seed: protocol.seed } : {}),
  });
  const importEnv = { ...env, cwd: baseDir };
  if (paths.dryRun) {
    const plan = studyDryRun(
      study.name,
      planned,
      experiment,
      arms?.map((a) => a.arm.id),
      imports.map(({ model, k }) => ({
        k,
        label: studyModelLabel(model),
        dir: join(studyDir, runIds[k] as string),
        run: importedRunOf(readImportFile(resolve(baseDir, model.import as string)), resolve(baseDir, model.import as string), importOptions(model, k), importEnv),
      })),
    );
    env.out.write(paths.json ? jsonLine(plan) : studyDryRunText(plan));
    return 'dry-run';
  }
  const importedOutcomes: { k: number; row: StudyRow; meta: RunMeta }[] = [];
  for (const { model, k } of imports) {
    const folder = importRunFolder(resolve(baseDir, model.import as string), importOptions(model, k), importEnv);
    const store = RunStore.open(folder.dir, folderWriter(env));
    try {
      const { analysed, reportPath } = await finishRun(store, env, join(reportsDir, study.name));
      const meta: RunMeta = {
        dir: folder.dir,
        label: studyModelLabel(model),
        ...(model.params !== undefined ? { params: model.params } : {}),
        ...(model.capability !== undefined ? { capability: model.capability } : {}),
      };
      importedOutcomes.push({
        k,
        meta,
        row: {
          meta,
          answered: store.readStatus()?.answered ?? 0,
          simulated: false,
          analysis: utilitiesOf(analysed, folder.dir),
          reportPath,
          extraMetrics: analysed.experiment.compareMetrics?.(analysed.result) ?? [],
        },
      });
    } finally {
      store.close();
    }
  }
  const parallel = parseIntOption(paths.parallelModels, '--parallel-models', 1, batch ? planned.length : 1);
  const shared: SharedSpend | undefined = maxTotalCost !== undefined ? { costUsd: planned.reduce((sum, p) => sum + p.spentUsd, 0), reservedUsd: 0, maxCostUsd: maxTotalCost } : undefined;
  type Outcome = { readonly skipped: true } | { readonly k: number; readonly row: StudyRow; readonly meta: RunMeta } | { readonly end: RunEnd; readonly why: string };
  // Once a model stops short, no model that has not started yet is started.
  let halted = false;
  const outcomes = await mapLimited(planned, parallel, async ({ model, k, dir, provider, connection, spec, label, loaded, template: armTemplate }): Promise<Outcome> => {
    if (halted) return { skipped: true };
    const store = openRunFolder(dir, spec, experiment, loaded, armTemplate, provider.simulated, env);
    try {
      if (store.readStatus()?.state !== 'complete') env.log.write(estimateLine(spec, experiment, loaded.set, armTemplate, provider, spec.session.price));
      const result = await runSession(store, env, label, spec.session, connection, shared);
      if (result.end !== 'complete') {
        const capped = store.readStatus()?.message;
        const why =
          result.end === 'cost-limit'
            ? `run ${capped ?? costCapStopLine(spec.session.maxCostUsd ?? 0, store.readStatus()?.costUsd ?? 0, result.answered, result.planned)}; raise protocol.maxCost${shared ? ' (or protocol.maxTotalCost)' : ''} and run the same command again to resume`
            : result.end === 'waiting'
              ? `still waiting for its batch (--max-wait), which keeps running at the provider; run the same command again to collect it`
              : `${result.end}; run the same command again to resume`;
        halted = true;
        return { end: result.end, why: `${label}: ${why}` };
      }
      const { analysed, reportPath } = await finishRun(store, env, join(reportsDir, study.name));
      const meta: RunMeta = { dir, label, ...(model.params !== undefined ? { params: model.params } : {}), ...(model.capability !== undefined ? { capability: model.capability } : {}) };
      const extraMetrics = analysed.experiment.compareMetrics?.(analysed.result) ?? [];
      return { k, meta, row: { meta, answered: store.readStatus()?.answered ?? 0, simulated: store.manifest.simulated, analysis: utilitiesOf(analysed, dir), reportPath, extraMetrics } };
    } finally {
      store.close();
    }
  });
  // Asked and imported models in the study file's order (with arms every model is asked, in plan order).
  const finished = [...importedOutcomes, ...outcomes.flatMap((o) => ('row' in o ? [o] : []))].sort((x, y) => x.k - y.k);
  const rows = finished.map((o) => o.row);
  const metas = finished.map((o) => o.meta);
  const stops = outcomes.flatMap((o) => ('end' in o ? [o] : []));
  if (stops.length > 0) {
    for (const stop of stops) env.log.write(`utilscope: study stopped at ${stop.why}\n`);
    const end = (stops[0] as { end: RunEnd }).end;
    if (paths.json) env.out.write(jsonLine({ v: JSON_OUTPUT_VERSION, end, rows: rows.map(studyRowJson) } satisfies StudyJson));
    return end;
  }
  // Base URLs by their public part only: a key in one belongs to the study file, not to what it writes.
  const models = study.models.map((m) => (m.baseUrl !== undefined ? { ...m, baseUrl: publicBaseUrl(m.baseUrl) } : m));
  writeJsonAtomic(join(studyDir, 'study.json'), { v: 1, ...study, models, runs: metas });
  // With arms, the persona report compares arms within each model, and the compare report compares models under the default arm, with the persona analysis against size.
  let persona: ComparePersona | undefined;
  if (arms) {
    const personaFile = `${study.name}-persona.html`;
    const written = await writeStudyPersona(
      study.name,
      study.models.map((m, k) => ({
        label: studyModelLabel(m),
        ...((p) => (p !== undefined ? { params: p } : {}))(m.params ?? inferParams(m.spec ?? '')),
        runs: planned.filter((p) => p.k === k).map((p) => ({ dir: p.dir, arm: p.arm?.arm.id ?? DEFAULT_ARM_ID, label: p.arm?.definition.label ?? DEFAULT_ARM_ID })),
      })),
      { studyDir, out: join(reportsDir, personaFile) },
      env,
    );
    persona = { data: written.data, reportFile: personaFile };
    env.log.write(`persona report: ${written.path}\n`);
  }
  const compared = arms ? metas.filter((_, j) => planned[j]?.arm?.arm.id === DEFAULT_ARM_ID).map((m, j) => ({ ...m, label: studyModelLabel(study.models[j] ?? { label: m.label }) })) : metas;
  const comparePath = await compareRuns(
    compared.map((m) => m.dir),
    { by: 'params', out: join(reportsDir, `${study.name}.html`), metas: compared, ...(persona ? { persona } : {}) },
    env,
  );
  if (paths.json) env.out.write(jsonLine({ v: JSON_OUTPUT_VERSION, end: 'complete', rows: rows.map(studyRowJson), compareReport: comparePath } satisfies StudyJson));
  else env.out.write(studyTableText(rows, comparePath));
  return 'complete';
}

/**
 * What every model of a study would ask and cost, from the same planned specs `runStudy` runs:
 * one estimate per model (the whole run's plan, an upper bound; a complete folder is reused and
 * asks nothing) and the total. Reads the folders; asks nothing.
 */
function studyDryRun(
  name: string,
  planned: readonly {
    model: Study['models'][number] & { spec: string };
    k: number;
    label: string;
    dir: string;
    loaded: LoadedOutcomeSet;
    template: PromptTemplate;
    provider: { simulated: boolean; supportsMultipleSamples: boolean };
    spec: RunSpec;
  }[],
  experiment: AnyExperiment,
  arms: readonly string[] | undefined,
  imported: readonly { k: number; label: string; dir: string; run: ImportedRun }[] = [],
): StudyDryRunJson {
  const asked = planned.map(({ model, k, label, dir, provider, spec, loaded, template }): StudyDryRunModelJson & { k: number } => {
    const status = RunStore.exists(dir) ? RunStore.open(dir).readStatus() : undefined;
    const folder = status === undefined && !RunStore.exists(dir) ? 'new' : status?.state === 'complete' ? 'complete' : 'partial';
    const estimate = estimateSpec(spec, experiment, loaded.set, template, provider, spec.session.price);
    return {
      k,
      label,
      spec: model.spec,
      ...(arms ? { arm: spec.arm.id } : {}),
      runDir: dir,
      folder,
      answered: status?.answered ?? 0,
      answers: estimate.comparisons,
      requests: estimate.requests,
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.outputTokens,
      costUsd: provider.simulated ? 0 : (estimate.costUsd ?? null),
      simulated: provider.simulated,
    };
  });
  // An imported file asks nothing: it is listed with what it holds and costs nothing.
  const fromFiles = imported.map(({ k, label, dir, run }): StudyDryRunModelJson & { k: number } => ({
    k,
    label,
    spec: run.spec.modelSpec,
    runDir: dir,
    folder: RunStore.exists(dir) ? 'complete' : 'new',
    answered: RunStore.exists(dir) ? (RunStore.open(dir).readStatus()?.answered ?? 0) : 0,
    answers: 0,
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    simulated: false,
    imported: true,
  }));
  const models = [...asked, ...fromFiles].sort((x, y) => x.k - y.k).map(({ k: _k, ...m }) => m);
  const toAsk = models.filter((m) => m.folder !== 'complete');
  return {
    v: JSON_OUTPUT_VERSION,
    end: 'dry-run',
    study: name,
    ...(arms ? { arms } : {}),
    models,
    total: {
      answers: toAsk.reduce((sum, m) => sum + m.answers, 0),
      requests: toAsk.reduce((sum, m) => sum + m.requests, 0),
      costUsd: toAsk.reduce((sum, m) => sum + (m.costUsd ?? 0), 0),
      unpriced: toAsk.filter((m) => m.costUsd === null).map((m) => m.label),
    },
  };
}

/** `utilscope study <file>`. */
export async function runStudyFile(path: string, env: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  const study = parseStudy(readStructuredFile(path, { notFound: 'study-invalid', invalid: 'study-invalid' }, 'study file'), path);
  return runStudy(study, env, { ...paths, file: path });
}

/** `utilscope demo`: the built-in study of simulated respondents, offline. */
export async function runDemo(env: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  env.log.write('utilscope demo: simulated respondents (no network, no key) from 0.5B to 70B parameters on the starter outcomes\n');
  const values = await runStudy(DEMO_STUDY, env, paths);
  if (values !== 'complete') return values;
  env.log.write('utilscope demo: the same family on lotteries — does each size value gambles by their expected utility?\n');
  const lotteries = await runStudy(DEMO_LOTTERY_STUDY, env, paths);
  if (lotteries !== 'complete') return lotteries;
  env.log.write('utilscope demo: the smallest and largest model under five arms — is a value the model’s or the persona’s?\n');
  return runStudy(DEMO_PERSONA_STUDY, env, paths);
}

/**
 * `utilscope study <study.yaml>` and `utilscope demo` (docs/architecture.md §"Study file"): several
 * models, one protocol → one run folder each (resumable as a whole: finished runs are reused) → the
 * compare report and a summary table. The demo is a built-in study over the simulated family.
 */
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { schemaError, UtilscopeError } from '../core/errors.js';
import { parseIntOption } from '../core/options.js';
import { DEFAULT_ARM_ID, type RunSpec } from '../core/run-spec.js';
import { costCapStopLine } from '../core/spend.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { type AnyExperiment, builtinExperiments, UTILITIES_STRATEGIES } from '../experiments/index.js';
import { parseModelSpec, publicBaseUrl } from '../providers/index.js';
import { type LoadedArm, type LoadedOutcomeSet, loadArm, loadOutcomeSet, loadTemplate, RunStore, readStructuredFile, resolveArm, writeJsonAtomic } from '../store/index.js';
import { utilitiesOf } from './analyse.js';
import type { SharedSpend } from './ask.js';
import { compareRuns, type RunMeta } from './compare.js';
import type { PipelineEnv } from './env.js';
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
  outcomes: z.string().min(1),
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
        spec: z.string().min(1),
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
    try {
      parseModelSpec(m.spec);
    } catch (error) {
      if (error instanceof UtilscopeError) throw new UtilscopeError('study-invalid', error.message, { file, field: `models[${k}].spec` });
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

/** The field a study model's folder name comes from: its label, else its spec. */
function runIdField(model: Study['models'][number], k: number): string {
  return model.label !== undefined ? `models[${k}].label` : `models[${k}].spec`;
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
    const id = slugRunId(model.label ?? model.spec) || 'model';
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
export async function runStudy(study: Study, env: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  const experiments = env.experiments ?? builtinExperiments;
  const runIds = studyRunIds(study, paths.file);
  const { template: _template, prices: pricesFile, timeout, experiment: kind, transport: protocolTransport, pollInterval, maxWait, maxTotalCost, ...protocol } = study.protocol;
  const experiment = experiments.get(kind ?? experiments.defaultKind);
  // Paths in a study file are relative to the file's own folder, as a reader of the file would expect.
  const baseDir = paths.file !== undefined ? dirname(paths.file) : env.cwd;
  const given = loadOutcomeSet(study.outcomes, baseDir);
  logOutcomeWarnings(given, env.log);
  const loaded = prepareExperimentOutcomes(experiment, given, protocol);
  const template = loadTemplate(study.protocol.template ?? 'forced-choice', baseDir);
  // With arms, every model runs under each (one folder per arm) with the same non-adaptive plan, so arm differences are paired.
  const arms = study.arms !== undefined ? studyArms(study, template, baseDir, paths.file) : undefined;
  if (arms && protocol.strategy === undefined) protocol.strategy = 'random';
  const studyDir = resolve(env.cwd, paths.outDir, study.name);
  const reportsDir = resolve(env.cwd, paths.reportsDir ?? 'reports');
  const batch = paths.batch ?? (protocolTransport === undefined ? undefined : protocolTransport === 'batch');
  const prices = pricesFile !== undefined ? readPriceFile(resolve(baseDir, pricesFile)) : undefined;
  const planned = study.models.flatMap((model, k) =>
    (arms ?? [undefined]).map((arm) => {
      const armTemplate = arm?.template ?? template;
      const spec = resolveRunSpec({ ...protocol, model: model.spec, ...(model.baseUrl !== undefined ? { baseUrl: model.baseUrl } : {}) }, experiment, loaded, armTemplate, arm?.arm);
      const connection = sessionConnection({ baseUrl: model.baseUrl, timeout, pollInterval: paths.pollInterval ?? pollInterval, maxWait: paths.maxWait ?? maxWait });
      const provider = buildProvider(spec, loaded.set, armTemplate, env, connection);
      const dir = arm ? join(studyDir, runIds[k] as string, arm.arm.id) : join(studyDir, runIds[k] as string);
      const stored = RunStore.exists(dir) ? RunStore.open(dir).manifest.spec.session : undefined;
      const resolved = resolveSession({ ...protocol, ...(batch !== undefined ? { batch } : {}) }, stored);
      const session = withPrice(resolved, sessionPrice(spec, provider.simulated, prices, stored?.price, resolved.transport));
      // What the run spent in earlier sessions counts against the study's total cap.
      const spentUsd = RunStore.exists(dir)
        ? RunStore.open(dir)
            .readRecords()
            .reduce((sum, r) => sum + (r.kind === 'answer' ? r.costUsd : 0), 0)
        : 0;
      const label = model.label ?? model.spec;
      return { model, k, arm, template: armTemplate, label: arm ? `${label} · ${arm.arm.id}` : label, dir, provider, connection, spentUsd, spec: { ...spec, session } };
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
  if (paths.dryRun) {
    const plan = studyDryRun(
      study.name,
      planned,
      experiment,
      loaded,
      arms?.map((a) => a.arm.id),
    );
    env.out.write(paths.json ? jsonLine(plan) : studyDryRunText(plan));
    return 'dry-run';
  }
  const parallel = parseIntOption(paths.parallelModels, '--parallel-models', 1, batch ? planned.length : 1);
  const shared: SharedSpend | undefined = maxTotalCost !== undefined ? { costUsd: planned.reduce((sum, p) => sum + p.spentUsd, 0), reservedUsd: 0, maxCostUsd: maxTotalCost } : undefined;
  type Outcome = { readonly skipped: true } | { readonly row: StudyRow; readonly meta: RunMeta } | { readonly end: RunEnd; readonly why: string };
  // Once a model stops short, no model that has not started yet is started.
  let halted = false;
  const outcomes = await mapLimited(planned, parallel, async ({ model, dir, provider, connection, spec, label, template: armTemplate }): Promise<Outcome> => {
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
      return { meta, row: { meta, answered: store.readStatus()?.answered ?? 0, simulated: store.manifest.simulated, analysis: utilitiesOf(analysed, dir), reportPath, extraMetrics } };
    } finally {
      store.close();
    }
  });
  const rows = outcomes.flatMap((o) => ('row' in o ? [o.row] : []));
  const metas = outcomes.flatMap((o) => ('meta' in o ? [o.meta] : []));
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
  // With arms, the compare report compares models under the default arm; the persona report compares arms within each model.
  const compared = arms ? metas.filter((_, j) => planned[j]?.arm?.arm.id === DEFAULT_ARM_ID).map((m, j) => ({ ...m, label: study.models[j]?.label ?? study.models[j]?.spec ?? m.label })) : metas;
  const comparePath = await compareRuns(
    compared.map((m) => m.dir),
    { by: 'params', out: join(reportsDir, `${study.name}.html`), metas: compared },
    env,
  );
  if (arms) {
    const personaPath = await writeStudyPersona(
      study.name,
      study.models.map((m, k) => ({
        label: m.label ?? m.spec,
        ...((p) => (p !== undefined ? { params: p } : {}))(m.params ?? inferParams(m.spec)),
        runs: planned.filter((p) => p.k === k).map((p) => ({ dir: p.dir, arm: p.arm?.arm.id ?? DEFAULT_ARM_ID, label: p.arm?.definition.label ?? DEFAULT_ARM_ID })),
      })),
      { studyDir, out: join(reportsDir, `${study.name}-persona.html`) },
      env,
    );
    env.log.write(`persona report: ${personaPath}\n`);
  }
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
  planned: readonly { model: Study['models'][number]; label: string; dir: string; template: PromptTemplate; provider: { simulated: boolean; supportsMultipleSamples: boolean }; spec: RunSpec }[],
  experiment: AnyExperiment,
  loaded: LoadedOutcomeSet,
  arms: readonly string[] | undefined,
): StudyDryRunJson {
  const models = planned.map(({ model, label, dir, provider, spec, template }): StudyDryRunModelJson => {
    const status = RunStore.exists(dir) ? RunStore.open(dir).readStatus() : undefined;
    const folder = status === undefined && !RunStore.exists(dir) ? 'new' : status?.state === 'complete' ? 'complete' : 'partial';
    const estimate = estimateSpec(spec, experiment, loaded.set, template, provider, spec.session.price);
    return {
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
  const asked = models.filter((m) => m.folder !== 'complete');
  return {
    v: JSON_OUTPUT_VERSION,
    end: 'dry-run',
    study: name,
    ...(arms ? { arms } : {}),
    models,
    total: {
      answers: asked.reduce((sum, m) => sum + m.answers, 0),
      requests: asked.reduce((sum, m) => sum + m.requests, 0),
      costUsd: asked.reduce((sum, m) => sum + (m.costUsd ?? 0), 0),
      unpriced: asked.filter((m) => m.costUsd === null).map((m) => m.label),
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
  return runStudy(DEMO_LOTTERY_STUDY, env, paths);
}

/**
 * Starting, resuming and finishing runs (docs/architecture.md §"The run loop"): resolve the spec,
 * build the provider and transport, show the cost estimate before the first paid request, open the
 * run folder (refusing one made with a different spec), run the session with progress, then analyse,
 * write the derived files and the report, and print the summary. The CLI's `run`, `probe`, `resume`
 * and `study` are thin calls into these functions; so can a library user's code be.
 */
import { join, resolve } from 'node:path';
import { type ErrorLocation, quote, UtilscopeError } from '../core/errors.js';
import { parseDurationOption, parseSecondsOption } from '../core/options.js';
import type { RunSpec, SessionPrice, SessionSpec } from '../core/run-spec.js';
import { costCapStopLine, formatCostUsd } from '../core/spend.js';
import type { OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { type AnyExperiment, builtinExperiments, experimentContext, type OptionValues, parseExperimentConfig } from '../experiments/index.js';
import { baseUrlCarriesSecrets, PRICE_TABLE_AS_OF, parseModelSpec, parsePriceOverrides, publicBaseUrl, type TokenPrice } from '../providers/index.js';
import { differingIdentityFields, inFlightBatches, type LoadedOutcomeSet, loadArm, loadOutcomeSet, loadTemplate, MANIFEST_VERSION, RunStore, readStructuredFile, toolVersion } from '../store/index.js';
import { refreshAlternativeFits } from './alternative-fits.js';
import { type AnalysedRun, analyseRunFolder, writeAnalysis } from './analyse.js';
import type { SharedSpend } from './ask.js';
import { batchStateWords } from './batch-words.js';
import { estimateRun, planSize, type RunEstimate } from './cost.js';
import { type FolderEnv, folderWriter, noticesOnly, type PipelineEnv } from './env.js';
import { JSON_OUTPUT_VERSION, jsonLine, type RunJson, runSummaryJson } from './json-output.js';
import { logOutcomeWarnings } from './outcome-files.js';
import { buildBatchTransport, buildProvider, buildTransport, resolvePrice, type SessionConnection, transportPrice } from './provider.js';
import { defaultReportPath, writeRunReport } from './report.js';
import { failureLine, type RunSessionResult, runElicitation } from './run.js';
import { assertRunId, defaultRunId, legacyDefaultRunId, prepareExperimentOutcomes, type RunOptionValues, resolveRunSpec, resolveSession } from './run-spec-options.js';
import { runSummaryText } from './summary.js';

/** How a command's work ended (the CLI turns it into an exit code). */
export type RunEnd = RunSessionResult['end'] | 'dry-run';

/** Options of `utilscope run` (and `probe`), as the CLI or a library caller gives them. */
export interface StartRunOptions extends RunOptionValues {
  /** Experiment kind (default: the registry's first, `utilities`). */
  readonly experiment?: string;
  readonly outcomes?: string;
  readonly template?: string;
  /** `--arm`: a built-in arm (prompts/arms/) or an arm file; the condition the model is asked under. */
  readonly arm?: string;
  readonly dryRun?: boolean;
  readonly name?: string;
  readonly out?: string;
  /** A `--prices` file: {"<model>": {"input": usdPerMTok, "output": usdPerMTok}}. */
  readonly prices?: string;
  /** Write the report and summary when the run completes (default true). */
  readonly report?: boolean;
  /** `--timeout`: seconds per attempt (default 60); this session only, not the run's identity. */
  readonly timeout?: string | number;
  /** `--json`: print one {@link RunJson} document on stdout instead of the summary. */
  readonly json?: boolean;
  /** `--poll-interval`: seconds between polls of a batch (default 60; 0 polls again at once). */
  readonly pollInterval?: string | number;
  /** `--max-wait`: how long this session waits for its batches (`90`, `30m`, `2h`; default as long as they take). */
  readonly maxWait?: string | number;
  /** Experiment-specific options (e.g. pairs, holdout, triads). */
  readonly [option: string]: unknown;
}

/** Reads a `--prices` file. */
export function readPriceFile(path: string): Record<string, TokenPrice> {
  return parsePriceOverrides(readStructuredFile(path, { notFound: 'invalid-option', invalid: 'invalid-option' }, 'prices file'), path);
}

/** What the session settings are called where they were given: command-line flags, or a study file's protocol fields. */
export interface SessionFieldNames {
  readonly maxCost: string;
  readonly prices: string;
  readonly allowUnpriced: string;
}

/** The session settings as `run`, `probe` and `resume` take them. */
const FLAG_NAMES: SessionFieldNames = { maxCost: '--max-cost', prices: '--prices <file>', allowUnpriced: '--allow-unpriced' };

/**
 * This session's price (docs/architecture.md §"The run spec"): a `--prices` entry for the model
 * wins; then the price stored in run.json; then the built-in table or free, as resolved for folders
 * that store none (0.1.x folders and those made before prices were stored). Undefined when the
 * model has no price anywhere.
 */
export function sessionPrice(
  spec: Pick<RunSpec, 'modelSpec' | 'baseUrl'>,
  simulated: boolean,
  prices: Readonly<Record<string, TokenPrice>> | undefined,
  stored: SessionPrice | undefined,
  transport: SessionSpec['transport'] = undefined,
): SessionPrice | undefined {
  const resolved = resolvePrice(spec, { simulated }, prices, transport);
  return resolved?.source === 'override' ? resolved : (stored ?? resolved);
}

/** `session` with `price` (or without one, when undefined). */
export function withPrice(session: SessionSpec, price: SessionPrice | undefined): SessionSpec {
  const { price: _previous, ...rest } = session;
  return price ? { ...rest, price } : rest;
}

/**
 * Refuses, before the first request, a spend cap that cannot be enforced because the model has no
 * price (not in the built-in table, not local or simulated, no `--prices` entry): every request
 * would count as $0 and the cap would never bite. One-line `invalid-option` usage error naming the
 * cap and both ways out. With `allowUnpriced` the session runs, and the log says the cap is not enforced.
 */
export function assertCapEnforceable(
  session: SessionSpec,
  modelSpec: string,
  log: PipelineEnv['log'],
  names: SessionFieldNames = FLAG_NAMES,
  where?: ErrorLocation & { readonly model?: string },
): void {
  if (session.maxCostUsd === undefined || session.price !== undefined) return;
  const model = where?.model !== undefined ? `${where.model} (${modelSpec})` : modelSpec;
  if (!session.allowUnpriced) {
    throw new UtilscopeError(
      'invalid-option',
      `${names.maxCost} ${formatCostUsd(session.maxCostUsd)} cannot be enforced: ${model} has no price (not in the built-in table, not local); give its price with ${names.prices}, or ${names.allowUnpriced} to run without enforcing the cap`,
      { ...(where?.file !== undefined ? { file: where.file } : {}), field: names.maxCost.split(' ')[0] as string },
    );
  }
  log.write(`utilscope: no price for ${model}; ${names.maxCost} ${formatCostUsd(session.maxCostUsd)} cannot be enforced (${names.allowUnpriced}): its requests count as $0\n`);
}

/** What the whole run of `spec` asks at most, and may cost at `price` (undefined when unpriced): the basis of every estimate. */
export function estimateSpec(
  spec: RunSpec,
  experiment: AnyExperiment,
  outcomeSet: OutcomeSet,
  template: PromptTemplate,
  transport: { supportsMultipleSamples: boolean },
  price: SessionPrice | undefined,
): RunEstimate {
  const ctx = experimentContext(spec, parseExperimentConfig(experiment, spec.experiment), outcomeSet);
  return estimateRun(spec, planSize(experiment, ctx, spec.sampling), outcomeSet, template, transport.supportsMultipleSamples, price);
}

/**
 * The estimate line printed before the first request, costed at the session's price through its
 * transport (the batch discount included); for a batch session a second line says how many batch
 * round-trips the design needs (its rounds: each waits for the answers of the one before) and what
 * the discount is.
 */
export function estimateLine(
  spec: RunSpec,
  experiment: AnyExperiment,
  outcomeSet: OutcomeSet,
  template: PromptTemplate,
  transport: { simulated: boolean; supportsMultipleSamples: boolean },
  price: SessionPrice | undefined,
): string {
  const ctx = experimentContext(spec, parseExperimentConfig(experiment, spec.experiment), outcomeSet);
  const session = { ...spec.session, ...(price ? { price } : {}) };
  const estimate = estimateRun(spec, planSize(experiment, ctx, spec.sampling), outcomeSet, template, transport.supportsMultipleSamples, transportPrice(session, spec.modelSpec));
  const batch = spec.session.transport === 'batch';
  const cost = transport.simulated
    ? '$0 (simulated respondent)'
    : estimate.costUsd === undefined
      ? `unknown (no price for ${spec.modelSpec}; pass --prices <file> to set one)`
      : `up to ${formatCostUsd(estimate.costUsd)} (${batch ? 'batch prices, ' : ''}list prices as of ${PRICE_TABLE_AS_OF} unless --prices says otherwise)`;
  const what =
    estimate.samplesPerPair === 'fixed'
      ? `${estimate.pairs} pairs × 2 orders × ${spec.sampling.samplesPerOrder} = ${estimate.comparisons} answers in ~${estimate.requests} requests`
      : `at most ${estimate.comparisons} answers over at most ${estimate.pairs} pairs (1 to ${spec.sampling.samplesPerOrder} per order each, chosen as answers come in) in at most ${estimate.requests} requests`;
  const line = `plan: ${what} (~${estimate.inputTokens} input, ≤${estimate.outputTokens} output tokens); estimated cost ${cost}\n`;
  if (!batch) return line;
  const rounds = experiment.plannedRounds?.(ctx);
  const trips =
    rounds === undefined
      ? 'one batch round-trip per round (the design does not say how many rounds)'
      : `${rounds} batch round-trip${rounds > 1 ? 's' : ''} (one per round${rounds > 1 ? ': each waits for the answers of the one before' : ''})`;
  const list = session.price;
  const discount = list && list.inputPerMillion > 0 ? `; batch price ${formatPerMillion(transportPrice(session, spec.modelSpec))} against list ${formatPerMillion(list)}` : '';
  return `${line}batch: ${trips}, more if requests fail and are asked again; each batch takes minutes to hours, at most 24 h${discount}\n`;
}

/** `$0.075/$0.30 per M tokens (input/output)`. */
function formatPerMillion(price: TokenPrice | undefined): string {
  return price ? `$${price.inputPerMillion}/$${price.outputPerMillion} per M tokens (input/output)` : 'unknown';
}

/** Creates (or reopens, if its identity matches) the run folder for `spec`, holding its lock until `close()`. */
export function openRunFolder(dir: string, spec: RunSpec, experiment: AnyExperiment, loaded: LoadedOutcomeSet, template: PromptTemplate, simulated: boolean, env: FolderEnv): RunStore {
  return RunStore.openOrCreate(
    dir,
    { v: MANIFEST_VERSION, toolVersion: toolVersion(), createdAt: new Date(env.now()).toISOString(), simulated, spec },
    { outcomeSet: loaded.set, templateText: template.text },
    experiment.identity,
    folderWriter(env),
  );
}

/**
 * Refuses to ask anything for an imported run (docs/architecture.md §"Importing preference data"):
 * another tool asked its questions and there is no model behind it, so `resume` (and a study that
 * would continue it) stop with one line saying what to do with it instead.
 */
export function assertAskable(store: RunStore): void {
  const imported = store.manifest.spec.imported;
  if (imported === undefined) return;
  throw new UtilscopeError(
    'invalid-option',
    `this run was imported from ${quote(imported.file)} (${imported.formatLabel}); utilscope has no model to ask for it — fit, report and compare read it as it is`,
    {
      file: RunStore.paths(store.dir).run,
    },
  );
}

/**
 * Runs one opened run folder to the end of this session (costed at `session.price` through its
 * transport), with a progress display. A batch session asks through the provider's batch API; an
 * interactive one on a folder with batches in flight collects them first through it.
 */
export async function runSession(store: RunStore, env: PipelineEnv, label: string, session: SessionSpec, connection: SessionConnection = {}, sharedSpend?: SharedSpend): Promise<RunSessionResult> {
  const outcomeSet = store.readOutcomeSet();
  const template = store.readTemplate();
  const spec = store.manifest.spec;
  const provider = buildProvider(spec, outcomeSet, template, env, connection);
  const transport = buildTransport(provider, env, spec, session, connection);
  const drain = transport.kind === 'interactive' && !env.transport && inFlightBatches(store.readJournal()).length > 0;
  const inFlight = drain ? buildBatchTransport(spec, env, connection) : undefined;
  const reporter = env.progress ? env.progress(label) : noticesOnly(env.log);
  try {
    return await runElicitation({
      store,
      outcomeSet,
      template,
      transport,
      price: transportPrice(session, spec.modelSpec),
      signal: env.signal,
      now: env.now,
      isoNow: () => new Date(env.now()).toISOString(),
      events: reporter,
      session,
      ...(env.experiments ? { experiments: env.experiments } : {}),
      ...(connection.pollIntervalMs !== undefined ? { pollIntervalMs: connection.pollIntervalMs } : {}),
      ...(connection.maxWaitMs !== undefined ? { maxWaitMs: connection.maxWaitMs } : {}),
      ...(inFlight ? { inFlight } : {}),
      ...(sharedSpend ? { sharedSpend } : {}),
    });
  } finally {
    reporter.stop();
    await transport.close?.();
    // An interactive transport closes its provider; a batch one has its own SDK client.
    if (transport.kind === 'batch') await provider.close?.();
  }
}

/** Analyses a run, writes its derived files and HTML report (into `reportsDir`); returns both. A failure marks the run `error`. */
export async function finishRun(store: RunStore, env: PipelineEnv, reportsDir: string): Promise<{ analysed: AnalysedRun; reportPath: string }> {
  try {
    const analysed = analyseRunFolder(store, env.floorCache ? { floorCache: env.floorCache } : {}, env.experiments);
    writeAnalysis(store, analysed);
    refreshAlternativeFits(store, env.experiments, env.log);
    const reportPath = await writeRunReport(store, analysed, defaultReportPath(store, reportsDir), env);
    return { analysed, reportPath };
  } catch (error) {
    store.markError(failureLine(error), new Date(env.now()).toISOString());
    throw error;
  }
}

/**
 * The session's connection from option values: the base URL as given (validated: not an absolute
 * http(s) URL is a usage error), `--timeout` in seconds, and for batches `--poll-interval` and
 * `--max-wait` as durations (`90`, `30m`, `2h`).
 */
export function sessionConnection(options: { readonly baseUrl?: string | undefined; readonly timeout?: unknown; readonly pollInterval?: unknown; readonly maxWait?: unknown }): SessionConnection {
  const timeoutMs = parseSecondsOption(options.timeout as string | number | undefined, '--timeout');
  const pollIntervalMs = parseDurationOption(options.pollInterval as string | number | undefined, '--poll-interval');
  const maxWaitMs = parseDurationOption(options.maxWait as string | number | undefined, '--max-wait');
  if (options.baseUrl !== undefined) publicBaseUrl(options.baseUrl);
  return {
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
  };
}

/** The notice for a base URL whose secrets are not stored, so that resuming needs it again. */
function secretBaseUrlNotice(connection: SessionConnection): string | undefined {
  if (connection.baseUrl === undefined || !baseUrlCarriesSecrets(connection.baseUrl)) return undefined;
  return `utilscope: the base URL's userinfo and query string are not stored in run.json (it keeps ${publicBaseUrl(connection.baseUrl)}); to resume this run, pass --base-url again\n`;
}

/**
 * After a session: the resume hint when it stopped, else (with `report`) analysis, report and summary;
 * with `json`, one {@link RunJson} document on stdout instead of the summary.
 */
async function afterSession(
  store: RunStore,
  result: RunSessionResult,
  session: SessionSpec,
  output: { readonly report: boolean; readonly json: boolean },
  env: PipelineEnv,
  connection: SessionConnection = {},
): Promise<RunEnd> {
  const end = result.end;
  const json = (extra: Partial<RunJson> = {}): RunJson => ({
    v: JSON_OUTPUT_VERSION,
    runDir: store.dir,
    end,
    answered: result.answered,
    planned: result.planned,
    costUsd: store.readStatus()?.costUsd ?? 0,
    ...extra,
  });
  const again = secretBaseUrlNotice(connection) !== undefined ? ' --base-url <the same URL>' : '';
  const remote = batchStillRunning(store);
  if (end === 'cancelled') {
    if (remote) env.log.write(`utilscope: run cancelled; ${remote}, and nothing is lost: resuming collects it rather than paying for it again\n`);
    env.log.write(`utilscope: run cancelled; resume with: utilscope resume ${store.dir}${again}\n`);
  } else if (end === 'waiting') {
    env.log.write(`utilscope: stopped waiting (--max-wait)${remote ? `; ${remote}` : ''}; collect it, paying nothing twice, with: utilscope resume ${store.dir}${again}\n`);
  } else if (end === 'cost-limit') {
    const line = costCapStopLine(session.maxCostUsd ?? 0, store.readStatus()?.costUsd ?? 0, result.answered, result.planned);
    env.log.write(`utilscope: run ${line}; resume with: utilscope resume ${store.dir}${again} --max-cost <higher>\n`);
  } else if (output.report) {
    const { analysed, reportPath } = await finishRun(store, env, join(env.cwd, 'reports'));
    if (output.json) {
      const summary = runSummaryJson(analysed);
      env.out.write(jsonLine(json({ reportPath, ...(summary ? { summary } : {}) })));
    } else env.out.write(runSummaryText(store, analysed, reportPath));
    return end;
  }
  if (output.json) env.out.write(jsonLine(json()));
  return end;
}

/**
 * The folder `run` uses without `--name`, in `outDir`: the default run id with its identity tag
 * (`defaultRunId`), unless that does not exist yet and a folder under the id of earlier versions
 * (`legacyDefaultRunId`, no tag) holds a run with the same identity, which is then continued. A
 * legacy folder with another identity is left alone: the new run gets its tagged folder.
 */
export function defaultRunDir(outDir: string, spec: RunSpec, experiment: AnyExperiment): string {
  const tagged = join(outDir, defaultRunId(spec, experiment));
  const legacy = join(outDir, legacyDefaultRunId(spec, experiment));
  if (RunStore.exists(tagged) || !RunStore.exists(legacy)) return tagged;
  return differingIdentityFields(RunStore.open(legacy).manifest.spec, spec, experiment.identity).length === 0 ? legacy : tagged;
}

/** What status.json says of a batch left running at the provider: `batch b1 is still in progress at OpenAI`, or undefined. */
function batchStillRunning(store: RunStore): string | undefined {
  const batch = store.readStatus()?.batch;
  if (!batch || ['completed', 'expired', 'cancelled', 'failed'].includes(batch.state)) return undefined;
  return `batch ${batch.remoteId ?? `with token ${batch.token}`} is still ${batchStateWords(batch.state)} at ${batch.provider}`;
}

/** `utilscope run`: a new run (or the same command again, which continues its folder). */
export async function startRun(options: StartRunOptions, env: PipelineEnv): Promise<RunEnd> {
  parseModelSpec(options.model); // unknown prefixes fail before anything touches disk
  if (options.name !== undefined) assertRunId(options.name, '--name');
  const experiments = env.experiments ?? builtinExperiments;
  const experiment = experiments.get(options.experiment ?? experiments.defaultKind);
  const given = loadOutcomeSet(options.outcomes ?? 'core', env.cwd);
  logOutcomeWarnings(given, env.log);
  const givenTemplate = loadTemplate(options.template ?? 'forced-choice', env.cwd);
  // `--arm`: a built-in arm or an arm file; its template (if it names one) replaces --template's.
  const arm = options.arm !== undefined ? loadArm(options.arm, givenTemplate, env.cwd) : undefined;
  const template = arm?.template ?? givenTemplate;
  const values = options as RunOptionValues & OptionValues;
  const loaded = prepareExperimentOutcomes(experiment, given, values);
  let spec = resolveRunSpec(values, experiment, loaded, template, arm?.arm);
  const connection = sessionConnection(options);
  const provider = buildProvider(spec, loaded.set, template, env, connection);
  if (spec.sampling.mode === 'logprobs' && !provider.supportsLogprobs) {
    // docs/method.md §2: log-probabilities only where the API offers them; otherwise sample, and say so.
    spec = resolveRunSpec({ ...values, logprobs: false }, experiment, loaded, template, arm?.arm);
    env.log.write(`utilscope: ${spec.modelSpec} gives no log-probabilities; sampling ${spec.sampling.samplesPerOrder} answers per order instead\n`);
  }
  const prices = options.prices ? readPriceFile(resolve(env.cwd, options.prices)) : undefined;
  const outDir = resolve(env.cwd, options.out ?? 'outputs');
  const dir = options.name !== undefined ? join(outDir, options.name) : defaultRunDir(outDir, spec, experiment);
  // Refuse a mismatching folder before printing anything else (and before a dry run says "fine").
  const stored = RunStore.exists(dir) ? RunStore.open(dir).manifest.spec.session : undefined;
  if (stored) RunStore.assertCompatible(dir, spec, experiment.identity);
  // Flags given now win; the rest inherit the folder's stored session (cap, concurrency, price).
  const resolved = resolveSession(values, stored);
  const session = withPrice(resolved, sessionPrice(spec, provider.simulated, prices, stored?.price, resolved.transport));
  spec = { ...spec, session };
  try {
    assertCapEnforceable(session, spec.modelSpec, env.log);
    // A model without a batch API is refused before anything is written.
    if (session.transport === 'batch' && !env.transport) buildBatchTransport(spec, env, connection);
  } catch (error) {
    await provider.close?.();
    throw error;
  }
  env.log.write(estimateLine(spec, experiment, loaded.set, template, provider, session.price));
  const notice = secretBaseUrlNotice(connection);
  if (notice) env.log.write(notice);
  await provider.close?.();
  if (options.dryRun) {
    env.log.write(`run folder: ${dir} (${stored ? 'exists; the same command without --dry-run continues it' : 'not created by a dry run'})\n`);
    if (options.json) {
      const ctx = experimentContext(spec, parseExperimentConfig(experiment, spec.experiment), loaded.set);
      const planned = planSize(experiment, ctx, spec.sampling).answers;
      env.out.write(jsonLine({ v: JSON_OUTPUT_VERSION, runDir: dir, end: 'dry-run', answered: 0, planned, costUsd: 0 } satisfies RunJson));
    }
    return 'dry-run';
  }
  const store = openRunFolder(dir, spec, experiment, loaded, template, provider.simulated, env);
  try {
    env.log.write(`run folder: ${dir}\n`);
    const result = await runSession(store, env, spec.modelSpec, session, connection);
    return await afterSession(store, result, session, { report: options.report !== false, json: options.json === true }, env, connection);
  } finally {
    store.close();
  }
}

/** Options of `utilscope resume`: session settings (each not given inherits the run's stored session). */
export interface ResumeOptions {
  readonly maxCost?: string | number;
  readonly concurrency?: string | number;
  readonly prices?: string;
  readonly allowUnpriced?: boolean;
  readonly report?: boolean;
  /** The base URL for this session (the server may have moved, or its key is not stored); default: run.json's. */
  readonly baseUrl?: string;
  /** Seconds per attempt (default 60). */
  readonly timeout?: string | number;
  /** `--json`: print one {@link RunJson} document on stdout instead of the summary. */
  readonly json?: boolean;
  /** `--batch` / `--no-batch`: switch how the rest is asked (default: as the run was). */
  readonly batch?: boolean;
  /** Seconds between polls of a batch. */
  readonly pollInterval?: string | number;
  /** How long this session waits for its batches. */
  readonly maxWait?: string | number;
}

/** `utilscope resume <run-dir>`: continues a stopped run exactly where it left off. */
export async function resumeRun(dirArg: string, options: ResumeOptions, env: PipelineEnv): Promise<RunEnd> {
  const store = RunStore.open(resolve(env.cwd, dirArg), folderWriter(env));
  try {
    const spec = store.manifest.spec;
    assertAskable(store);
    const prices = options.prices ? readPriceFile(resolve(env.cwd, options.prices)) : undefined;
    const resolved = resolveSession(options, spec.session);
    const session = withPrice(resolved, sessionPrice(spec, store.manifest.simulated, prices, spec.session.price, resolved.transport));
    assertCapEnforceable(session, spec.modelSpec, env.log);
    const connection = sessionConnection(options);
    const result = await runSession(store, env, spec.modelSpec, session, connection);
    return await afterSession(store, result, session, { report: options.report !== false, json: options.json === true }, env, connection);
  } finally {
    store.close();
  }
}

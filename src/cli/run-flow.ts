/**
 * The effectful steps shared by `run`, `resume`, `probe`, `study` and `demo`: construct the
 * provider (keys from env go straight to the SDK constructor and nowhere else), print the cost
 * estimate, run the elicitation with progress, then analyse and write the report.
 */
import { join, resolve } from 'node:path';
import { UtilscopeError } from '../core/errors.js';
import type { RunConfig } from '../core/run-config.js';
import { SCHEMA_VERSION, type OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { analyseRun, estimateRun, runElicitation, writeAnalysis, type RunAnalysis, type RunSessionResult } from '../pipeline/index.js';
import { createProvider, parseModelSpec, priceFor, withRetry, type Provider, type TokenPrice } from '../providers/index.js';
import { RunStore, toolVersion, type LoadedOutcomeSet } from '../store/index.js';
import type { CliIo } from './io.js';
import { createProgressReporter } from './progress.js';
import { writeRunReport } from './report-files.js';

/** Real sleep honouring cancellation, for the retry policy (tests inject their own). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep) => {
    const timer = setTimeout(resolveSleep, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolveSleep();
      },
      { once: true },
    );
  });
}

/** Builds the provider for a run, wrapped in our retry policy. */
export function buildProvider(config: RunConfig, outcomeSet: OutcomeSet, template: PromptTemplate, io: CliIo): Provider {
  const spec = parseModelSpec(config.modelSpec);
  const provider = createProvider(spec, {
    env: io.env,
    ...(config.baseUrl !== undefined ? { baseURL: config.baseUrl } : {}),
    outcomes: outcomeSet.outcomes,
    ...(outcomeSet.units ? { units: outcomeSet.units } : {}),
    template,
    seed: config.seed,
  });
  if (provider.simulated) return provider;
  // UTILSCOPE_RETRY_BASE_MS shortens the first backoff (default 1000 ms), e.g. against local test servers.
  const base = Number(io.env.UTILSCOPE_RETRY_BASE_MS);
  return withRetry(provider, Number.isFinite(base) && base >= 0 ? { baseDelayMs: base } : {}, { sleep, now: io.now ?? Date.now, random: Math.random });
}

/** The model's price, or undefined when unknown (local servers and simulations cost 0). */
export function resolvePrice(config: RunConfig, provider: Provider, overrides: Readonly<Record<string, TokenPrice>> | undefined): TokenPrice | undefined {
  if (provider.simulated) return { inputPerMillion: 0, outputPerMillion: 0 };
  return priceFor(config.modelSpec, overrides);
}

function formatUsd(value: number): string {
  return value < 0.01 && value > 0 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`;
}

/** Prints the estimate; returns it so `--dry-run` can stop after it. */
export function printEstimate(config: RunConfig, outcomeSet: OutcomeSet, template: PromptTemplate, provider: Provider, price: TokenPrice | undefined, io: CliIo): void {
  const estimate = estimateRun(config, outcomeSet, template, provider.supportsMultipleSamples, price);
  const cost = provider.simulated
    ? '$0 (simulated respondent)'
    : estimate.costUsd === undefined
      ? `unknown (no price for ${config.modelSpec}; pass --prices <file> to set one)`
      : `up to ${formatUsd(estimate.costUsd)}`;
  io.stderr.write(
    `plan: ${estimate.pairs} pairs × 2 orders × ${config.samplesPerOrder} = ${estimate.comparisons} answers in ~${estimate.requests} requests (~${estimate.inputTokens} input, ≤${estimate.outputTokens} output tokens); estimated cost ${cost}\n`,
  );
}

/** Runs one opened run folder to the end of this session, with a progress display. */
export async function runSession(
  store: RunStore,
  outcomeSet: OutcomeSet,
  template: PromptTemplate,
  provider: Provider,
  price: TokenPrice | undefined,
  io: CliIo,
  label: string,
  session: { concurrency: number; maxCostUsd: number | undefined } = { concurrency: store.manifest.config.concurrency, maxCostUsd: store.manifest.config.maxCostUsd },
): Promise<RunSessionResult> {
  const now = io.now ?? Date.now;
  const reporter = createProgressReporter(io.stderr, label, now);
  try {
    return await runElicitation({
      store,
      outcomeSet,
      template,
      provider,
      price,
      signal: io.signal ?? new AbortController().signal,
      now,
      isoNow: () => new Date(now()).toISOString(),
      events: reporter,
      session,
    });
  } finally {
    reporter.stop();
    await provider.close?.();
  }
}

/** Creates (or reopens, if identical) the run folder for `config`. */
export function openRunFolder(dir: string, config: RunConfig, loaded: LoadedOutcomeSet, template: PromptTemplate, simulated: boolean, io: CliIo): RunStore {
  const now = io.now ?? Date.now;
  return RunStore.openOrCreate(
    dir,
    { v: SCHEMA_VERSION, toolVersion: toolVersion(), createdAt: new Date(now()).toISOString(), simulated, config },
    { outcomeSet: loaded.set, templateText: template.text },
  );
}

/** Analyses a finished (or partial) run, writes fit/coherence/values and the HTML report. */
export async function finishRun(store: RunStore, io: CliIo, reportsDir: string): Promise<{ analysis: RunAnalysis; reportPath: string }> {
  const outcomeSet = store.readOutcomeSet();
  const records = store.readRecords();
  if (!records.some((r) => r.kind === 'answer')) {
    throw new UtilscopeError('run-not-found', 'the run has no answers yet; nothing to analyse', { file: store.dir });
  }
  const analysis = analyseRun(store.manifest.config, outcomeSet, store.readPlan(), records);
  writeAnalysis(store, analysis);
  const reportPath = await writeRunReport(store, analysis, resolve(io.cwd, reportsDir), io);
  return { analysis, reportPath };
}

/** The default run folder for a run id. */
export function runDir(io: CliIo, out: string | undefined, id: string): string {
  return resolve(io.cwd, out ?? 'outputs', id);
}

/** Default reports folder. */
export function reportsDirFor(io: CliIo): string {
  return join(io.cwd, 'reports');
}

/**
 * Constructing what a run asks through (docs/architecture.md §"Providers"): the provider for a spec,
 * wrapped in our retry policy, its transport, and its price. Keys are read from the environment map
 * and handed straight to the SDK constructor; they appear nowhere else.
 */
import { UtilscopeError } from '../core/errors.js';
import type { RunSpec, SessionPrice, SessionSpec } from '../core/run-spec.js';
import type { OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import {
  type BatchTransport,
  batchPriceOf,
  createBatchTransport,
  createProvider,
  FREE_PRICE,
  interactiveTransport,
  type Provider,
  parseModelSpec,
  pricedFrom,
  type RetryPolicy,
  SDK_TIMEOUT_MS,
  systemRetryDeps,
  type TokenPrice,
  type Transport,
  withRetry,
} from '../providers/index.js';
import type { PipelineEnv } from './env.js';

/**
 * How this session reaches the model, beyond what the spec stores: neither is written anywhere (a
 * base URL may carry a key, docs/architecture.md §"Providers") nor part of the run's identity.
 */
export interface SessionConnection {
  /** The base URL as given this session, key in its query or userinfo and all; default: the spec's public one. */
  readonly baseUrl?: string;
  /** Per-attempt timeout in ms (default: the retry policy's 60 s). */
  readonly timeoutMs?: number;
  /** Between polls of a batch, in ms (`--poll-interval`; default a minute). */
  readonly pollIntervalMs?: number;
  /** How long this session waits for its batches before leaving them running remotely, in ms (`--max-wait`). */
  readonly maxWaitMs?: number;
}

/** OpenAI's own models that still answer `/v1/completions`; every other model on api.openai.com is chat-only. */
const OPENAI_COMPLETION_MODELS = /^(gpt-3\.5-turbo-instruct|davinci-002|babbage-002)/;

/**
 * Refuses, with one line naming `--arm`, an arm the model cannot be asked under: a completion-format
 * arm needs a text-completions endpoint (OpenAI-compatible servers and simulations have one;
 * Anthropic has none, and on api.openai.com only the instruct and base models do), cannot be read
 * from log-probabilities (the chat route reads them; the completions route is not wired for it), and
 * cannot go through a batch API (both are on chat routes here).
 */
export function assertArmReachable(spec: Pick<RunSpec, 'modelSpec' | 'baseUrl' | 'arm'> & Partial<Pick<RunSpec, 'sampling' | 'session'>>): void {
  if (spec.arm.format !== 'completion') return;
  const parsed = parseModelSpec(spec.modelSpec);
  const refuse = (why: string): never => {
    throw new UtilscopeError('invalid-option', `arm "${spec.arm.id}" uses the completion format, but ${why}`, { field: '--arm' });
  };
  if (parsed.kind === 'anthropic') refuse(`${spec.modelSpec} is an Anthropic model, and the Messages API has no text-completions endpoint; use a chat arm`);
  const official = parsed.prefix === 'openai' && (spec.baseUrl === undefined || /^https:\/\/api\.openai\.com(\/|$)/.test(spec.baseUrl));
  if (official && !OPENAI_COMPLETION_MODELS.test(parsed.model))
    refuse(`${spec.modelSpec} is a chat-only model on api.openai.com; use gpt-3.5-turbo-instruct, davinci-002 or babbage-002, or a chat arm`);
  if (spec.sampling?.mode === 'logprobs') refuse('log-probability mode reads chat completions only; drop --logprobs');
  if (spec.session?.transport === 'batch') refuse('batches go to the chat route only; run it without --batch');
}

/** Builds the provider for a run, wrapped in our retry policy. */
export function buildProvider(
  spec: Pick<RunSpec, 'modelSpec' | 'baseUrl' | 'seed'> & Partial<Pick<RunSpec, 'arm' | 'sampling' | 'session'>>,
  outcomeSet: OutcomeSet,
  template: PromptTemplate,
  env: Pick<PipelineEnv, 'env' | 'now'>,
  connection: SessionConnection = {},
): Provider {
  if (spec.arm !== undefined) assertArmReachable({ ...spec, arm: spec.arm });
  const baseURL = connection.baseUrl ?? spec.baseUrl;
  const provider = createProvider(parseModelSpec(spec.modelSpec), {
    env: env.env,
    ...(baseURL !== undefined ? { baseURL } : {}),
    outcomes: outcomeSet.outcomes,
    ...(outcomeSet.units ? { units: outcomeSet.units } : {}),
    template,
    seed: spec.seed,
    // The SDK's own timeout only backs up ours: withRetry aborts each attempt first.
    ...(connection.timeoutMs !== undefined ? { timeoutMs: Math.max(SDK_TIMEOUT_MS, connection.timeoutMs + 5000) } : {}),
  });
  if (provider.simulated) return provider;
  // UTILSCOPE_RETRY_BASE_MS shortens the first backoff (default 1000 ms), e.g. against local test servers.
  const base = Number(env.env['UTILSCOPE_RETRY_BASE_MS']);
  const policy: RetryPolicy = {
    ...(Number.isFinite(base) && base >= 0 ? { baseDelayMs: base } : {}),
    ...(connection.timeoutMs !== undefined ? { timeoutMs: connection.timeoutMs } : {}),
  };
  return withRetry(provider, policy, { ...systemRetryDeps(), now: env.now });
}

/**
 * The batch transport of a run's model (docs/architecture.md §"Transports"): the provider's batch
 * API through its SDK, key from the environment straight into the SDK constructor, waits between
 * retries on the real clock. `invalid-option` naming `--batch` for a provider without one.
 */
export function buildBatchTransport(
  spec: Pick<RunSpec, 'modelSpec' | 'baseUrl'> & Partial<Pick<RunSpec, 'arm'>>,
  env: Pick<PipelineEnv, 'env' | 'now'>,
  connection: SessionConnection = {},
): BatchTransport {
  if (spec.arm !== undefined) assertArmReachable({ ...spec, arm: spec.arm, session: { concurrency: 1, transport: 'batch' } });
  const baseURL = connection.baseUrl ?? spec.baseUrl;
  const base = Number(env.env['UTILSCOPE_RETRY_BASE_MS']);
  return createBatchTransport(parseModelSpec(spec.modelSpec), {
    env: env.env,
    ...(baseURL !== undefined ? { baseURL } : {}),
    ...(connection.timeoutMs !== undefined ? { timeoutMs: Math.max(SDK_TIMEOUT_MS, connection.timeoutMs + 5000) } : {}),
    retry: { ...systemRetryDeps(), now: env.now },
    ...(Number.isFinite(base) && base >= 0 ? { policy: { baseDelayMs: base } } : {}),
  });
}

/**
 * The transport a run asks through: the environment's choice (a library caller's or a test's),
 * else the session's: the provider's batch API for `transport: 'batch'` (`--batch`), its
 * interactive one otherwise.
 */
export function buildTransport(
  provider: Provider,
  env: Pick<PipelineEnv, 'transport' | 'env' | 'now'>,
  spec: Pick<RunSpec, 'modelSpec' | 'baseUrl'> & Partial<Pick<RunSpec, 'arm'>>,
  session: Pick<SessionSpec, 'transport'> = {},
  connection: SessionConnection = {},
): Transport {
  if (env.transport) return env.transport(provider);
  return session.transport === 'batch' ? buildBatchTransport(spec, env, connection) : interactiveTransport(provider);
}

/**
 * What this session's requests cost (docs/architecture.md §"The run spec"): the session's price,
 * through the batch API at its batch price (the stored one, else the provider's discount in the
 * price table); undefined when the model has none. The one place the transport meets the price:
 * the estimate, the cap and every record use it.
 */
export function transportPrice(session: Pick<SessionSpec, 'price' | 'transport'>, modelSpec: string): TokenPrice | undefined {
  const price = session.price;
  if (!price) return undefined;
  if (session.transport !== 'batch') return { inputPerMillion: price.inputPerMillion, outputPerMillion: price.outputPerMillion };
  return price.batch ?? batchPriceOf(price, parseModelSpec(modelSpec).prefix) ?? { inputPerMillion: price.inputPerMillion, outputPerMillion: price.outputPerMillion };
}

/**
 * The model's price and where it came from, or undefined when unknown (local servers and simulations
 * are free). For a batch session it carries the batch price too (stored in run.json, so a resume
 * through the batch API costs what the first session said).
 */
export function resolvePrice(
  spec: Pick<RunSpec, 'modelSpec' | 'baseUrl'>,
  provider: Pick<Provider, 'simulated'>,
  overrides: Readonly<Record<string, TokenPrice>> | undefined,
  transport: SessionSpec['transport'] = undefined,
): SessionPrice | undefined {
  if (provider.simulated) return { ...FREE_PRICE, source: 'free' };
  const found = pricedFrom(spec.modelSpec, overrides, spec.baseUrl !== undefined ? { baseURL: spec.baseUrl } : {});
  if (!found) return undefined;
  const batch = transport !== 'batch' ? undefined : found.source === 'free' ? FREE_PRICE : batchPriceOf(found.price, parseModelSpec(spec.modelSpec).prefix);
  return {
    inputPerMillion: found.price.inputPerMillion,
    outputPerMillion: found.price.outputPerMillion,
    source: found.source,
    ...(batch ? { batch: { inputPerMillion: batch.inputPerMillion, outputPerMillion: batch.outputPerMillion } } : {}),
  };
}

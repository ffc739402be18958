/**
 * Constructing what a run asks through (docs/architecture.md §"Providers"): the provider for a spec,
 * wrapped in our retry policy, its transport, and its price. Keys are read from the environment map
 * and handed straight to the SDK constructor; they appear nowhere else.
 */
import type { RunSpec, SessionPrice } from '../core/run-spec.js';
import type { OutcomeSet } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { createProvider, FREE_PRICE, interactiveTransport, type Provider, parseModelSpec, pricedFrom, systemRetryDeps, type TokenPrice, type Transport, withRetry } from '../providers/index.js';
import type { PipelineEnv } from './env.js';

/** Builds the provider for a run, wrapped in our retry policy. */
export function buildProvider(spec: Pick<RunSpec, 'modelSpec' | 'baseUrl' | 'seed'>, outcomeSet: OutcomeSet, template: PromptTemplate, env: Pick<PipelineEnv, 'env' | 'now'>): Provider {
  const provider = createProvider(parseModelSpec(spec.modelSpec), {
    env: env.env,
    ...(spec.baseUrl !== undefined ? { baseURL: spec.baseUrl } : {}),
    outcomes: outcomeSet.outcomes,
    ...(outcomeSet.units ? { units: outcomeSet.units } : {}),
    template,
    seed: spec.seed,
  });
  if (provider.simulated) return provider;
  // UTILSCOPE_RETRY_BASE_MS shortens the first backoff (default 1000 ms), e.g. against local test servers.
  const base = Number(env.env['UTILSCOPE_RETRY_BASE_MS']);
  return withRetry(provider, Number.isFinite(base) && base >= 0 ? { baseDelayMs: base } : {}, { ...systemRetryDeps(), now: env.now });
}

/** The transport a run asks through: the environment's choice, else the provider's interactive one. */
export function buildTransport(provider: Provider, env: Pick<PipelineEnv, 'transport'>): Transport {
  return env.transport ? env.transport(provider) : interactiveTransport(provider);
}

/** The model's price and where it came from, or undefined when unknown (local servers and simulations are free). */
export function resolvePrice(
  spec: Pick<RunSpec, 'modelSpec' | 'baseUrl'>,
  provider: Pick<Provider, 'simulated'>,
  overrides: Readonly<Record<string, TokenPrice>> | undefined,
): SessionPrice | undefined {
  if (provider.simulated) return { ...FREE_PRICE, source: 'free' };
  const found = pricedFrom(spec.modelSpec, overrides, spec.baseUrl !== undefined ? { baseURL: spec.baseUrl } : {});
  return found ? { inputPerMillion: found.price.inputPerMillion, outputPerMillion: found.price.outputPerMillion, source: found.source } : undefined;
}

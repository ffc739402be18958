/**
 * The Transport seam (docs/architecture.md §"Transports"): how requests reach a model. `interactive`
 * is one request, one promise, wrapped in our retry policy — today's path. `batch` submits many
 * requests as one job, polls it, and streams its results back; the pipeline journals a batch before
 * submitting it and its remote id once known, so a resumed run polls a batch in flight instead of
 * paying for it again. Both carry the same capabilities, so the pipeline never asks which provider
 * is behind them.
 */
import type { CompletionRequest, CompletionResult, Provider } from './types.js';

/** A request with the id the transport returns its result under (a batch's custom id). */
export interface KeyedRequest {
  readonly id: string;
  readonly request: CompletionRequest;
}

/** A result with the id of its request. */
export interface KeyedResult {
  readonly id: string;
  readonly result: CompletionResult;
}

/** A submitted batch: our idempotency token and the provider's id for it. */
export interface BatchTicket {
  readonly token: string;
  readonly remoteId: string;
}

/** Where a batch stands. An ended batch's results can be read, whatever its outcome. */
export type BatchPoll =
  | { readonly state: 'running'; readonly done?: number; readonly total?: number }
  | { readonly state: 'ended'; readonly outcome: 'completed' | 'expired' | 'failed' | 'cancelled' };

/** What every transport says about the model behind it. */
interface TransportCapabilities {
  /** The model spec as the user wrote it (never contains a key). */
  readonly spec: string;
  readonly simulated: boolean;
  readonly supportsLogprobs: boolean;
  /** Whether one request can return several samples (`n`). */
  readonly supportsMultipleSamples: boolean;
  close?(): Promise<void>;
}

/** One request, one promise (with retries inside). */
export interface InteractiveTransport extends TransportCapabilities {
  readonly kind: 'interactive';
  complete(request: CompletionRequest, signal?: AbortSignal): Promise<CompletionResult>;
}

/** Many requests as one remote job: submit, poll, read results. */
export interface BatchTransport extends TransportCapabilities {
  readonly kind: 'batch';
  /** Submits `requests` as one job tagged with `token`; resolves once the provider has accepted it. */
  submit(requests: readonly KeyedRequest[], token: string): Promise<BatchTicket>;
  /** The job submitted under `token`, if the provider has one (a run killed before recording the remote id). */
  find(token: string): Promise<BatchTicket | undefined>;
  poll(ticket: BatchTicket): Promise<BatchPoll>;
  /** The results of an ended job; requests without a result are simply absent. */
  results(ticket: BatchTicket): AsyncIterable<KeyedResult>;
}

/** How a run asks its model. */
export type Transport = InteractiveTransport | BatchTransport;

/** The interactive transport of a provider (already wrapped in the retry policy by the caller). */
export function interactiveTransport(provider: Provider): InteractiveTransport {
  return {
    kind: 'interactive',
    spec: provider.spec,
    simulated: provider.simulated,
    supportsLogprobs: provider.supportsLogprobs,
    supportsMultipleSamples: provider.supportsMultipleSamples,
    complete: (request, signal) => provider.complete(request, signal),
    ...(provider.close ? { close: () => provider.close?.() ?? Promise.resolve() } : {}),
  };
}

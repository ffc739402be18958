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

/**
 * Where a running batch is, in the providers' common vocabulary: OpenAI's `validating`,
 * `in_progress`, `finalizing` and `cancelling`; Anthropic's `in_progress` and `canceling`.
 */
export type BatchPhase = 'validating' | 'in-progress' | 'finalizing' | 'cancelling';

/** How a batch ended. `failed` means the provider refused the whole batch (nothing was run, nothing paid). */
export type BatchOutcome = 'completed' | 'expired' | 'failed' | 'cancelled';

/** Requests of a batch by state, as the provider counts them (requests, not samples). */
export interface BatchCounts {
  readonly total: number;
  /** Finished with an answer. */
  readonly succeeded: number;
  /** Finished with an error (per-request errors; for an ended batch also expired and cancelled requests). */
  readonly failed: number;
}

/** Where a batch stands. An ended batch's results can be read, whatever its outcome. */
export type BatchPoll =
  | { readonly state: 'running'; readonly phase: BatchPhase; readonly counts?: BatchCounts }
  | { readonly state: 'ended'; readonly outcome: BatchOutcome; readonly counts?: BatchCounts; readonly message?: string };

/** What the journal knows about a batch whose remote id was never written, to find it by. */
export interface BatchLookupHint {
  /** When the batch was journalled, just before its submission (ISO 8601, our clock). */
  readonly submittedAt: string;
  /** How many requests it held. */
  readonly requests: number;
}

/**
 * What a provider says about a batch sought by token: it has it, it certainly does not, or it cannot
 * tell yet (Anthropic batches carry no metadata, so a candidate is only recognised by its results,
 * once it has ended: see anthropic-batch.ts). `undecided` is asked again after a poll interval.
 */
export type BatchLookup = { readonly kind: 'found'; readonly ticket: BatchTicket } | { readonly kind: 'absent' } | { readonly kind: 'undecided'; readonly reason: string };

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
  /** The provider's name for messages (`OpenAI`, `Anthropic`). */
  readonly provider: string;
  /**
   * `requests` cut, in order, into as few jobs as the provider accepts (OpenAI: 50,000 requests and
   * 200 MB per input file; Anthropic: 100,000 requests or 256 MB per batch). Pure.
   */
  split(requests: readonly KeyedRequest[]): KeyedRequest[][];
  /** Submits `requests` as one job tagged with `token`; resolves once the provider has accepted it. Throws when it could not submit. */
  submit(requests: readonly KeyedRequest[], token: string): Promise<BatchTicket>;
  /** The job submitted under `token`, if the provider has one (a run killed before recording the remote id). */
  find(token: string, hint: BatchLookupHint): Promise<BatchLookup>;
  /** Where the job stands; transient failures are retried inside, so a throw is final for this session. */
  poll(ticket: BatchTicket): Promise<BatchPoll>;
  /**
   * The results of an ended job, read as they arrive (streamed, not loaded whole). A request that
   * was never run (expired, cancelled) is simply absent; a per-request error is a `CompletionError`.
   * Reading again gives the same results: downloading is free, only running a request is paid.
   */
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

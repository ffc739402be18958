/**
 * The journal of submitted work (docs/architecture.md §"Transports"): journal.jsonl in the run
 * folder records a batch of requests *before* it is submitted (its comparison keys and an
 * idempotency token), the remote id as soon as the provider returns one, and when the batch is
 * closed. On resume, to-do = planned − answered − in flight: a batch in flight is found and polled,
 * never submitted again. Pure functions over entries; the run store reads and appends the file.
 */
import type { SCHEMA_VERSION } from '../core/types.js';

/** One line of journal.jsonl. */
export type JournalEntry =
  | {
      readonly v: typeof SCHEMA_VERSION;
      readonly kind: 'submitting';
      readonly token: string;
      readonly transport: string;
      readonly keys: readonly string[];
      readonly multiSample: boolean;
      readonly at: string;
    }
  | { readonly v: typeof SCHEMA_VERSION; readonly kind: 'submitted'; readonly token: string; readonly remoteId: string; readonly at: string }
  | { readonly v: typeof SCHEMA_VERSION; readonly kind: 'closed'; readonly token: string; readonly outcome: 'collected' | 'expired' | 'failed' | 'cancelled'; readonly at: string };

/** A batch that was (or may have been) submitted and whose results are not all collected. */
export interface InFlightBatch {
  readonly token: string;
  readonly transport: string;
  readonly keys: readonly string[];
  /** Whether the K samples of one pair and order shared one request (how the requests were grouped). */
  readonly multiSample: boolean;
  /** Known once the provider accepted the batch; absent when the run stopped before that was recorded. */
  readonly remoteId?: string;
  /** When it was journalled, just before submission (ISO 8601): where a search for it by token starts. */
  readonly at: string;
}

/** The batches in flight after `entries`, in submission order. */
export function inFlightBatches(entries: readonly JournalEntry[]): InFlightBatch[] {
  const open = new Map<string, InFlightBatch>();
  for (const e of entries) {
    if (e.kind === 'submitting') open.set(e.token, { token: e.token, transport: e.transport, keys: e.keys, multiSample: e.multiSample, at: e.at });
    else if (e.kind === 'submitted') {
      const batch = open.get(e.token);
      if (batch) open.set(e.token, { ...batch, remoteId: e.remoteId });
    } else open.delete(e.token);
  }
  return [...open.values()];
}

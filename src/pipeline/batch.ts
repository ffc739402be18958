/**
 * Asking through a batch transport (docs/architecture.md §"Transports"): each pass over pending
 * comparisons becomes one batch job. The order of effects is what makes it safe to kill at any point:
 *
 *   1. journal `submitting` (token + every comparison key)   — before anything leaves the machine
 *   2. submit; journal `submitted` with the remote id          — as soon as it exists
 *   3. poll until the job ends; append each result to records.jsonl as it is read
 *   4. journal `closed`
 *
 * On the next session, a batch still open in the journal is looked up (by remote id, or by token when
 * the run died before the id was written) and collected; only if the provider never received it is
 * it closed and its keys asked again. Keys without a result after collection (per-request errors,
 * an expired or cancelled job) stay unanswered and go into the next batch — only those.
 */
import { hashCanonical } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import { type Comparison, SCHEMA_VERSION } from '../core/types.js';
import { costUsd } from '../providers/pricing.js';
import type { BatchTicket, BatchTransport, KeyedRequest } from '../providers/transport.js';
import { type InFlightBatch, inFlightBatches, type JournalEntry } from '../store/journal.js';
import { type AskContext, type AskStop, buildRequest, failureRecord, groupComparisons, type RequestGroup, recordsFromResult, type SpendState } from './ask.js';

/** What the batch path needs from the outside world. */
export interface BatchDeps extends AskContext {
  readonly transport: BatchTransport;
  readonly isoNow: () => string;
  /** Waits between polls; resolves early when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly pollIntervalMs: number;
  readonly journal: { read(): readonly JournalEntry[]; append(entry: JournalEntry): void };
  /** Every planned comparison by key (to rebuild the requests of a batch found in flight). */
  readonly planned: ReadonlyMap<string, Comparison>;
  readonly isAnswered: (key: string) => boolean;
}

/** The id a group's request carries inside a batch: its first comparison key. */
function requestId(group: RequestGroup): string {
  return (group.comparisons[0] as Comparison).key;
}

/** Rebuilds the request groups of a journalled batch from its keys (same grouping as at submission). */
function groupsOfBatch(batch: InFlightBatch, deps: BatchDeps): Map<string, RequestGroup> {
  const comparisons = batch.keys.map((key) => deps.planned.get(key)).filter((c): c is Comparison => c !== undefined);
  return new Map(groupComparisons(comparisons, batch.multiSample).map((g) => [requestId(g), g] as const));
}

/** Polls `ticket` until its job ends, then appends its results. `cancelled` leaves the batch in flight. */
async function collect(ticket: BatchTicket, groups: ReadonlyMap<string, RequestGroup>, deps: BatchDeps, spend: SpendState, onAnswered: (count: number) => void): Promise<'collected' | 'cancelled'> {
  for (;;) {
    if (deps.signal.aborted) return 'cancelled';
    const poll = await deps.transport.poll(ticket);
    if (poll.state === 'ended') {
      for await (const { id, result } of deps.transport.results(ticket)) {
        const group = groups.get(id);
        if (!group) continue;
        const attempts = result.attempts ?? 1;
        if (result.kind === 'error') {
          deps.append(group.comparisons.map((c) => failureRecord(c, result.code, result.message, attempts)));
          continue;
        }
        const cost = costUsd(result.usage, deps.price);
        spend.costUsd += cost;
        const records = recordsFromResult(group, result, { costUsd: cost, latencyMs: 0, attempts });
        deps.append(records);
        onAnswered(records.filter((r) => r.kind === 'answer').length);
      }
      deps.journal.append({ v: SCHEMA_VERSION, kind: 'closed', token: ticket.token, outcome: poll.outcome === 'completed' ? 'collected' : poll.outcome, at: deps.isoNow() });
      return 'collected';
    }
    await deps.sleep(deps.pollIntervalMs, deps.signal);
  }
}

/**
 * Asks `pending` through the batch transport: first collects any batch the journal shows in flight,
 * then submits what is still unanswered as one new batch and collects it. Returns why it stopped.
 */
export async function askBatch(pending: readonly Comparison[], deps: BatchDeps, spend: SpendState, onAnswered: (count: number) => void, options: { singleSample?: boolean } = {}): Promise<AskStop> {
  const multiSample = !options.singleSample && deps.transport.supportsMultipleSamples && deps.spec.sampling.mode === 'sampling';
  for (const batch of inFlightBatches(deps.journal.read())) {
    const ticket = batch.remoteId !== undefined ? { token: batch.token, remoteId: batch.remoteId } : await deps.transport.find(batch.token);
    if (!ticket) {
      // Journalled but never accepted by the provider: nothing was paid, so its keys are asked anew.
      deps.journal.append({ v: SCHEMA_VERSION, kind: 'closed', token: batch.token, outcome: 'failed', at: deps.isoNow() });
      continue;
    }
    if (batch.remoteId === undefined) deps.journal.append({ v: SCHEMA_VERSION, kind: 'submitted', token: batch.token, remoteId: ticket.remoteId, at: deps.isoNow() });
    // Group as at submission: a batch's requests were built from exactly these keys.
    if ((await collect(ticket, groupsOfBatch(batch, deps), deps, spend, onAnswered)) === 'cancelled') return 'cancelled';
  }
  const todo = pending.filter((c) => !deps.isAnswered(c.key));
  if (todo.length === 0) return 'done';
  if (deps.signal.aborted) return 'cancelled';
  if (spend.maxCostUsd !== undefined && spend.costUsd >= spend.maxCostUsd) return 'cost-limit';
  const groups = groupComparisons(todo, multiSample);
  const requests: KeyedRequest[] = groups.map((g) => ({ id: requestId(g), request: buildRequest(g, deps) }));
  const keys = todo.map((c) => c.key);
  // The token is our idempotency key: the same keys in the same attempt always get the same token.
  const attempt = deps.journal.read().filter((e) => e.kind === 'submitting').length;
  const token = hashCanonical({ keys, attempt }, 24);
  deps.journal.append({ v: SCHEMA_VERSION, kind: 'submitting', token, transport: deps.transport.spec, keys, multiSample, at: deps.isoNow() });
  let ticket: BatchTicket;
  try {
    ticket = await deps.transport.submit(requests, token);
  } catch (error) {
    throw new UtilscopeError('provider-unavailable', `${deps.transport.spec}: batch submission failed (${error instanceof Error ? error.message : String(error)}); the run can be resumed`, {
      field: '--model',
    });
  }
  deps.journal.append({ v: SCHEMA_VERSION, kind: 'submitted', token, remoteId: ticket.remoteId, at: deps.isoNow() });
  const byId = new Map(groups.map((g) => [requestId(g), g] as const));
  return (await collect(ticket, byId, deps, spend, onAnswered)) === 'cancelled' ? 'cancelled' : 'done';
}

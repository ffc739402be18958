/**
 * Asking through a batch transport (docs/architecture.md §"Transports"): each pass over pending
 * comparisons becomes one batch job (several when the provider's per-batch limits demand it). The
 * order of effects is what makes it safe to kill at any point:
 *
 *   1. journal `submitting` (token + every comparison key)   — before anything leaves the machine
 *   2. submit; journal `submitted` with the remote id          — as soon as it exists
 *   3. poll until the job ends; append each result to records.jsonl as it is read
 *   4. journal `closed`
 *
 * On the next session, a batch still open in the journal is looked up (by remote id, or by token when
 * the run died before the id was written) and collected; only if the provider never received it is
 * it closed and its keys asked again. Keys without a result after collection (per-request errors,
 * an expired or cancelled job) stay unanswered and go into the next batch — only those. Results of a
 * job read twice (a session killed while downloading) are appended only for keys still unanswered,
 * so nothing is recorded or costed twice; downloading again is free.
 *
 * The spend cap is enforced before submitting: a job holds only the requests whose upper-bound cost
 * (prompt length / 4 input tokens, the answer cap as output tokens, at the batch price) fits under
 * what is left of the cap, because a submitted batch cannot be stopped half-way for free.
 *
 * Waiting: between polls the session sleeps `pollIntervalMs` (ending early on Ctrl-C); past
 * `deadline` it stops with `waiting`, leaving the batch running at the provider, to be collected by
 * `resume`. Every change of a batch's state is reported (`onBatch`), for status.json and progress.
 */
import { hashCanonical } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import { type Comparison, SCHEMA_VERSION } from '../core/types.js';
import { costUsd } from '../providers/pricing.js';
import type { BatchCounts, BatchLookupHint, BatchOutcome, BatchPhase, BatchPoll, BatchTicket, BatchTransport, KeyedRequest } from '../providers/transport.js';
import { type InFlightBatch, inFlightBatches, type JournalEntry } from '../store/journal.js';
import { type AskContext, type AskStop, addSpend, buildRequest, failureRecord, groupComparisons, type RequestGroup, recordsFromResult, reserveSpend, type SpendState, spendRoomUsd } from './ask.js';
import { approximateTokens } from './cost.js';

/** Where a batch stands, as status.json and the progress display show it. */
export type BatchStateName = 'submitting' | 'looking-up' | BatchPhase | 'downloading' | BatchOutcome;

/** The latest known state of the session's current batch. */
export interface BatchState {
  readonly token: string;
  /** The provider's id, once it exists. */
  readonly remoteId?: string;
  /** `OpenAI` or `Anthropic`. */
  readonly provider: string;
  readonly state: BatchStateName;
  /** Requests in the batch, and how many have finished, as the provider counts them. */
  readonly counts?: BatchCounts;
  /** When this state was seen (the run's clock, ISO 8601). */
  readonly at: string;
}

/** What the batch path needs from the outside world. */
export interface BatchDeps extends AskContext {
  readonly transport: BatchTransport;
  readonly now: () => number;
  readonly isoNow: () => string;
  /** Waits between polls; resolves early when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly pollIntervalMs: number;
  /** On the `now` clock: past it, the session stops waiting and leaves batches running remotely (`--max-wait`). */
  readonly deadline?: number;
  readonly journal: { read(): readonly JournalEntry[]; append(entry: JournalEntry): void };
  /** Every planned comparison by key (to rebuild the requests of a batch found in flight). */
  readonly planned: ReadonlyMap<string, Comparison>;
  readonly isAnswered: (key: string) => boolean;
  /** Told each new state of a batch (status.json, progress). */
  readonly onBatch?: (state: BatchState) => void;
  /** A line for the user (e.g. that a batch is being looked up). */
  readonly notice?: (line: string) => void;
}

/** Why collecting stopped short of the results: Ctrl-C, or `--max-wait` reached. */
type Interrupted = 'cancelled' | 'waiting';

/** The id a group's request carries inside a batch: its first comparison key. */
function requestId(group: RequestGroup): string {
  return (group.comparisons[0] as Comparison).key;
}

/** Rebuilds the request groups of a journalled batch from its keys (same grouping as at submission). */
function groupsOfBatch(batch: InFlightBatch, deps: BatchDeps): Map<string, RequestGroup> {
  const comparisons = batch.keys.map((key) => deps.planned.get(key)).filter((c): c is Comparison => c !== undefined);
  return new Map(groupComparisons(comparisons, batch.multiSample).map((g) => [requestId(g), g] as const));
}

const close = (deps: BatchDeps, token: string, outcome: 'collected' | 'expired' | 'failed' | 'cancelled') =>
  deps.journal.append({ v: SCHEMA_VERSION, kind: 'closed', token, outcome, at: deps.isoNow() });

/** Sleeps one poll interval, or less when the deadline is nearer; says why it cannot wait any more. */
async function waitAPoll(deps: BatchDeps): Promise<Interrupted | undefined> {
  if (deps.signal.aborted) return 'cancelled';
  if (deps.deadline !== undefined && deps.now() >= deps.deadline) return 'waiting';
  const left = deps.deadline !== undefined ? Math.max(0, deps.deadline - deps.now()) : Number.POSITIVE_INFINITY;
  await deps.sleep(Math.min(deps.pollIntervalMs, left), deps.signal);
  return deps.signal.aborted ? 'cancelled' : undefined;
}

function stateOf(poll: BatchPoll): BatchStateName {
  return poll.state === 'running' ? poll.phase : poll.outcome;
}

/**
 * Appends the results of an ended job for keys still unanswered, costs them, and reports how many
 * answers came. A job whose every result is an error that asking again cannot fix (a bad key, a
 * refused request) is `provider-fatal` once its failures are recorded.
 */
async function readResults(ticket: BatchTicket, groups: ReadonlyMap<string, RequestGroup>, deps: BatchDeps, spend: SpendState, onAnswered: (count: number) => void, latencyMs: number): Promise<void> {
  let results = 0;
  let answers = 0;
  let hopeless = 0;
  let firstHopeless: string | undefined;
  try {
    for await (const { id, result } of deps.transport.results(ticket)) {
      const group = groups.get(id);
      if (!group) continue;
      results++;
      const fresh = group.comparisons.filter((c) => !deps.isAnswered(c.key));
      if (fresh.length === 0) continue; // read before this session was killed: recorded and costed already
      if (result.kind === 'error') {
        if (!result.retryable) {
          hopeless++;
          firstHopeless ??= result.message;
        }
        deps.append(fresh.map((c) => failureRecord(c, result.code, result.message, 1)));
        continue;
      }
      const records = recordsFromResult(group, result, { costUsd: costUsd(result.usage, deps.price), latencyMs, attempts: 1 }, deps.spec.arm.labels).filter((r) => !deps.isAnswered(r.key));
      for (const r of records) if (r.kind === 'answer') addSpend(spend, r.costUsd);
      deps.append(records);
      const answered = records.filter((r) => r.kind === 'answer').length;
      answers += answered;
      onAnswered(answered);
    }
  } catch (error) {
    if (error instanceof UtilscopeError) throw error;
    throw new UtilscopeError(
      'provider-unavailable',
      `${deps.transport.spec}: reading the results of batch ${ticket.remoteId} failed (${error instanceof Error ? error.message : String(error)}); the answers read so far are kept, and resuming reads the rest`,
      { field: '--model' },
    );
  }
  if (answers === 0 && hopeless > 0 && hopeless === results) {
    throw new UtilscopeError('provider-fatal', `${firstHopeless} (every request of batch ${ticket.remoteId} failed this way)`, { field: '--model' });
  }
}

/** Polls `ticket` until its job ends, then reads its results and closes it in the journal. */
async function collect(
  ticket: BatchTicket,
  groups: ReadonlyMap<string, RequestGroup>,
  submittedAt: string,
  deps: BatchDeps,
  spend: SpendState,
  onAnswered: (count: number) => void,
): Promise<'collected' | Interrupted> {
  const report = (state: BatchStateName, counts?: BatchCounts) =>
    deps.onBatch?.({ token: ticket.token, remoteId: ticket.remoteId, provider: deps.transport.provider, state, ...(counts ? { counts } : {}), at: deps.isoNow() });
  for (;;) {
    if (deps.signal.aborted) return 'cancelled';
    const poll = await deps.transport.poll(ticket);
    report(stateOf(poll), poll.counts);
    if (poll.state === 'ended') {
      if (poll.outcome === 'failed') {
        close(deps, ticket.token, 'failed');
        throw new UtilscopeError(
          'provider-fatal',
          `${poll.message ?? `${deps.transport.spec}: batch ${ticket.remoteId} failed`}; the provider ran none of its requests and bills none; once the cause is fixed, resume asks them again`,
          { field: '--model' },
        );
      }
      report('downloading', poll.counts);
      const started = Date.parse(submittedAt);
      const latencyMs = Number.isFinite(started) ? Math.max(0, Date.parse(deps.isoNow()) - started) : 0;
      await readResults(ticket, groups, deps, spend, onAnswered, latencyMs);
      close(deps, ticket.token, poll.outcome === 'completed' ? 'collected' : poll.outcome);
      report(poll.outcome, poll.counts);
      return 'collected';
    }
    const stop = await waitAPoll(deps);
    if (stop) return stop;
  }
}

/** Finds the job of a journalled batch whose remote id was never written, waiting while the provider cannot tell yet. */
async function lookUp(batch: InFlightBatch, requests: number, deps: BatchDeps): Promise<BatchTicket | 'absent' | Interrupted> {
  const hint: BatchLookupHint = { submittedAt: batch.at, requests };
  let said = false;
  for (;;) {
    const found = await deps.transport.find(batch.token, hint);
    if (found.kind === 'found') return found.ticket;
    if (found.kind === 'absent') return 'absent';
    deps.onBatch?.({ token: batch.token, provider: deps.transport.provider, state: 'looking-up', at: deps.isoNow() });
    if (!said) deps.notice?.(`batch ${batch.token} was submitted but its id was never recorded: ${found.reason}; waiting rather than submitting it again`);
    said = true;
    const stop = await waitAPoll(deps);
    if (stop) return stop;
  }
}

/**
 * Collects every batch the journal shows in flight (found by remote id, or by token), before anything
 * new is asked; one the provider never received is closed, so its keys are asked anew. Used by the
 * batch path, and by an interactive session on a folder with batches in flight (asking their keys
 * interactively would pay for them twice).
 */
export async function collectInFlight(deps: BatchDeps, spend: SpendState, onAnswered: (count: number) => void): Promise<'done' | Interrupted> {
  for (const batch of inFlightBatches(deps.journal.read())) {
    // Group as at submission: a batch's requests were built from exactly these keys.
    const groups = groupsOfBatch(batch, deps);
    let ticket: BatchTicket;
    if (batch.remoteId !== undefined) ticket = { token: batch.token, remoteId: batch.remoteId };
    else {
      const found = await lookUp(batch, groups.size, deps);
      if (found === 'cancelled' || found === 'waiting') return found;
      if (found === 'absent') {
        // Journalled but never accepted by the provider: nothing was paid, so its keys are asked anew.
        close(deps, batch.token, 'failed');
        continue;
      }
      ticket = found;
      deps.journal.append({ v: SCHEMA_VERSION, kind: 'submitted', token: batch.token, remoteId: ticket.remoteId, at: deps.isoNow() });
    }
    const stop = await collect(ticket, groups, batch.at, deps, spend, onAnswered);
    if (stop !== 'collected') return stop;
  }
  return 'done';
}

/** The most a request can cost: its prompt at ~4 characters a token, and every sample at the answer cap. */
function upperBoundCostUsd(request: KeyedRequest, deps: BatchDeps): number {
  const r = request.request;
  return costUsd({ inputTokens: approximateTokens(`${r.system ?? ''}${r.user}`), outputTokens: r.maxTokens * Math.max(1, r.samples) }, deps.price);
}

/**
 * Asks `pending` through the batch transport: first collects any batch the journal shows in flight,
 * then submits what is still unanswered as one new batch (or as few as the provider's limits allow)
 * and collects it. Returns why it stopped: `waiting` when `--max-wait` was reached with a batch
 * still running, `cost-limit` when the cap left requests out.
 */
export async function askBatch(pending: readonly Comparison[], deps: BatchDeps, spend: SpendState, onAnswered: (count: number) => void, options: { singleSample?: boolean } = {}): Promise<AskStop> {
  const multiSample = !options.singleSample && deps.transport.supportsMultipleSamples && deps.spec.sampling.mode === 'sampling';
  const inFlight = await collectInFlight(deps, spend, onAnswered);
  if (inFlight !== 'done') return inFlight;
  const todo = pending.filter((c) => !deps.isAnswered(c.key));
  if (todo.length === 0) return 'done';
  if (deps.signal.aborted) return 'cancelled';
  if (spendRoomUsd(spend) <= 0) return 'cost-limit';
  const groups = groupComparisons(todo, multiSample);
  let requests: KeyedRequest[] = groups.map((g) => ({ id: requestId(g), request: buildRequest(g, deps) }));
  let capped = false;
  let reserved = 0;
  if (Number.isFinite(spendRoomUsd(spend)) && deps.price) {
    // A batch cannot be stopped half-way: only what surely fits under the cap goes in, and its most
    // possible cost is set aside until its results are read (other runs under a shared cap see it).
    let room = spendRoomUsd(spend);
    const fitting = requests.filter((r) => {
      const cost = upperBoundCostUsd(r, deps);
      if (cost > room) return false;
      room -= cost;
      reserved += cost;
      return true;
    });
    capped = fitting.length < requests.length;
    requests = fitting;
    if (requests.length === 0) return 'cost-limit';
  }
  reserveSpend(spend, reserved);
  try {
    return await submitAndCollect(requests, groups, multiSample, deps, spend, onAnswered, capped);
  } finally {
    reserveSpend(spend, -reserved);
  }
}

/** Journals, submits and collects `requests` as few jobs (askBatch's second half). */
async function submitAndCollect(
  requests: readonly KeyedRequest[],
  groups: readonly RequestGroup[],
  multiSample: boolean,
  deps: BatchDeps,
  spend: SpendState,
  onAnswered: (count: number) => void,
  capped: boolean,
): Promise<AskStop> {
  const byId = new Map(groups.map((g) => [requestId(g), g] as const));
  // The token is our idempotency key: the same keys in the same attempt always get the same token.
  const attempt = deps.journal.read().filter((e) => e.kind === 'submitting').length;
  const jobs: { ticket: BatchTicket; groups: Map<string, RequestGroup>; at: string }[] = [];
  for (const [k, job] of deps.transport.split(requests).entries()) {
    const jobGroups = new Map(job.map((r) => [r.id, byId.get(r.id) as RequestGroup] as const));
    const keys = [...jobGroups.values()].flatMap((g) => g.comparisons.map((c) => c.key));
    const token = hashCanonical({ keys, attempt: attempt + k }, 24);
    const at = deps.isoNow();
    deps.journal.append({ v: SCHEMA_VERSION, kind: 'submitting', token, transport: deps.transport.spec, keys, multiSample, at });
    deps.onBatch?.({ token, provider: deps.transport.provider, state: 'submitting', counts: { total: job.length, succeeded: 0, failed: 0 }, at });
    let ticket: BatchTicket;
    try {
      ticket = await deps.transport.submit(job, token);
    } catch (error) {
      // The provider may have the batch even so (the answer was lost): look before giving up.
      const why = error instanceof Error ? error.message : String(error);
      const found = await deps.transport.find(token, { submittedAt: at, requests: job.length }).catch(() => ({ kind: 'undecided' as const, reason: 'the lookup failed too' }));
      if (found.kind !== 'found') {
        if (found.kind === 'absent') close(deps, token, 'failed');
        throw new UtilscopeError(
          'provider-unavailable',
          `${deps.transport.spec}: batch submission failed (${why}); the run can be resumed${found.kind === 'absent' ? '' : ', and looks for this batch by its token before submitting anything again'}`,
          { field: '--model' },
        );
      }
      ticket = found.ticket;
    }
    deps.journal.append({ v: SCHEMA_VERSION, kind: 'submitted', token, remoteId: ticket.remoteId, at: deps.isoNow() });
    jobs.push({ ticket, groups: jobGroups, at });
  }
  // Every job is in before any is waited on: the provider works on them all at once.
  for (const job of jobs) {
    const stop = await collect(job.ticket, job.groups, job.at, deps, spend, onAnswered);
    if (stop !== 'collected') return stop;
  }
  return capped ? 'cost-limit' : 'done';
}

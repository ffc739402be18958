/**
 * Anthropic's Message Batches API through the official `@anthropic-ai/sdk` (docs/architecture.md
 * §"Transports"): `messages.batches.create({requests: [{custom_id, params}]})` with the params the
 * interactive call sends (anthropic.ts `anthropicMessageParams`, one sample each: the API has no `n`),
 * `retrieve` to poll (`processing_status` in_progress / canceling / ended, `request_counts`), and the
 * JSONL results streamed by `results` (`{custom_id, result: {type: succeeded | errored | canceled |
 * expired, …}}`).
 *
 * **Custom ids.** Anthropic requires `^[a-zA-Z0-9_-]{1,64}$`, and a batch carries no metadata, so our
 * token travels in the custom ids instead: a request `<id>` is sent as `<token>_<id>` (24 + 1 + 24
 * characters for a comparison key), and a result is matched back by removing that prefix. Results
 * whose custom id does not carry the token are not ours and are ignored. An id that cannot be sent
 * that way (other characters, too long) is an internal error, never silently rewritten.
 *
 * **Finding a batch by token.** With no metadata, `find` lists batches newest first, back to shortly
 * before the job was journalled, and keeps those holding exactly as many requests as the journalled
 * job. An ended candidate is ours when its first result carries our token; a candidate still running
 * cannot be told apart from someone else's batch of the same size until it ends, so `find` answers
 * `undecided` and the pipeline asks again after its poll interval (never resubmitting meanwhile).
 * No candidate at all means the provider never received the job: `absent`, and it is asked anew.
 *
 * **Creating.** A failed `create` is not retried here when the batch may exist (a timeout, a
 * dropped connection, a 5xx); only a 429 or a server that could not be reached, which certainly
 * created nothing. The pipeline then looks it up with `find` (docs/architecture.md §"Transports").
 *
 * Limits (https://docs.anthropic.com/en/docs/build-with-claude/batch-processing): 100,000 requests or
 * 256 MB per batch; results within 24 hours, available for 29 days. The key lives only inside the SDK
 * client; every text that leaves this module has passed through the connection's redactor.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { UtilscopeError } from '../core/errors.js';
import { anthropicMessageParams, anthropicMessageResult, anthropicPublicUrl } from './anthropic.js';
import { type BatchCallDeps, type BatchLimits, batchCall, batchCallError, batchRequestError, splitIntoBatches } from './batch-call.js';
import { classifyError, type ErrorContext } from './classify-error.js';
import { backoffMs, RETRY_DEFAULTS } from './retry.js';
import type { BatchCounts, BatchLookup, BatchLookupHint, BatchPoll, BatchTicket, BatchTransport, KeyedRequest, KeyedResult } from './transport.js';
import { type ApiConnection, sdkClientOptions } from './types.js';

/** Anthropic's limits per batch (see the module comment). */
export const ANTHROPIC_BATCH_LIMITS: BatchLimits = { maxRequests: 100_000, maxBytes: 256 * 1000 * 1000 };

/** Batches created this long before the job was journalled (by our clock) are not candidates: clock skew, generously. */
const FIND_MARGIN_MS = 15 * 60 * 1000;

/** Options for {@link createAnthropicBatchTransport}. */
export interface AnthropicBatchOptions extends ApiConnection, BatchCallDeps {
  /** Smaller limits, for tests of splitting; default {@link ANTHROPIC_BATCH_LIMITS}. */
  readonly limits?: BatchLimits;
}

/** Anthropic's custom-id rule. */
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** The custom id of request `id` in the job of `token` (see the module comment). */
export function anthropicCustomId(token: string, id: string): string {
  const customId = `${token}_${id}`;
  if (!CUSTOM_ID.test(customId)) throw new UtilscopeError('internal', `request id ${JSON.stringify(id)} cannot be an Anthropic custom id (${CUSTOM_ID.source})`);
  return customId;
}

function countsOf(batch: Anthropic.Messages.Batches.MessageBatch): BatchCounts {
  const c = batch.request_counts;
  return { total: c.processing + c.succeeded + c.errored + c.canceled + c.expired, succeeded: c.succeeded, failed: c.errored + c.canceled + c.expired };
}

/** The batch transport onto Anthropic's Message Batches API (or a server speaking it, such as sim-server). */
export function createAnthropicBatchTransport(options: AnthropicBatchOptions): BatchTransport {
  const sdk = sdkClientOptions(options);
  let client: Promise<Anthropic> | undefined;
  // The SDK is loaded on the first call, not at start-up.
  const sdkClient = () => (client ??= import('@anthropic-ai/sdk').then((m) => new m.default(sdk.options)));
  const context: ErrorContext = { spec: options.spec, url: anthropicPublicUrl(sdk.options.baseURL), redact: sdk.redact };
  const limits = options.limits ?? ANTHROPIC_BATCH_LIMITS;
  const policy = { ...RETRY_DEFAULTS, ...options.policy };
  const call = <T>(what: string, fn: (c: Anthropic) => Promise<T>) => batchCall(`${options.spec}: ${what}`, async () => fn(await sdkClient()), context, options);
  const requestOf = (token: string, r: KeyedRequest) => ({ custom_id: anthropicCustomId(token, r.id), params: anthropicMessageParams(options.model, r.request) });

  /** The results of batch `remoteId`, as the SDK streams them. */
  const rawResults = (remoteId: string) => call(`reading the results of batch ${remoteId}`, (c) => c.messages.batches.results(remoteId));

  return {
    kind: 'batch',
    provider: 'Anthropic',
    spec: options.spec,
    simulated: false,
    supportsLogprobs: false,
    supportsMultipleSamples: false,
    // The token is the same length for every job, so any one stands in for measuring sizes.
    split: (requests) => splitIntoBatches(requests, limits, (r) => Buffer.byteLength(JSON.stringify(requestOf('0'.repeat(24), r))) + 1),
    async submit(requests, token): Promise<BatchTicket> {
      const body = { requests: requests.map((r) => requestOf(token, r)) };
      for (let attempt = 1; ; attempt++) {
        try {
          const batch = await (await sdkClient()).messages.batches.create(body);
          return { token, remoteId: batch.id };
        } catch (error) {
          const failure = classifyError(error, context);
          // Only a refusal before anything was created is safe to repeat here.
          const createdNothing = failure.code === 'rate-limited' || failure.code === 'unreachable';
          if (!failure.retryable) throw batchCallError(`${options.spec}: creating the batch`, failure, 'provider-fatal');
          if (!createdNothing || attempt >= policy.maxAttempts) throw batchCallError(`${options.spec}: creating the batch`, failure, 'provider-unavailable');
          await options.retry.sleep(backoffMs(attempt, failure.retryAfterMs, policy, options.retry.random));
        }
      }
    },
    async find(token: string, hint: BatchLookupHint): Promise<BatchLookup> {
      const since = Date.parse(hint.submittedAt) - FIND_MARGIN_MS;
      const prefix = `${token}_`;
      const candidates = await call('listing batches', async (c) => {
        const found: Anthropic.Messages.Batches.MessageBatch[] = [];
        for await (const batch of c.messages.batches.list({ limit: 100 })) {
          if (Number.isFinite(since) && Date.parse(batch.created_at) < since) break;
          if (countsOf(batch).total === hint.requests) found.push(batch);
        }
        return found;
      });
      let running = 0;
      for (const batch of candidates) {
        if (batch.processing_status !== 'ended') {
          running++;
          continue;
        }
        // One result line is enough to tell: every custom id of our job carries the token.
        for await (const line of await rawResults(batch.id)) {
          if (line.custom_id.startsWith(prefix)) return { kind: 'found', ticket: { token, remoteId: batch.id } };
          break;
        }
      }
      if (running === 0) return { kind: 'absent' };
      return {
        kind: 'undecided',
        reason: `${running} batch${running > 1 ? 'es' : ''} of ${hint.requests} requests created since the job was journalled ${running > 1 ? 'are' : 'is'} still running; Anthropic batches carry no metadata, so ours is recognised by its results once it ends`,
      };
    },
    async poll(ticket): Promise<BatchPoll> {
      const batch = await call(`polling batch ${ticket.remoteId}`, (c) => c.messages.batches.retrieve(ticket.remoteId));
      const counts = countsOf(batch);
      if (batch.processing_status === 'in_progress') return { state: 'running', phase: 'in-progress', counts };
      if (batch.processing_status === 'canceling') return { state: 'running', phase: 'cancelling', counts };
      const c = batch.request_counts;
      const outcome = batch.cancel_initiated_at ? 'cancelled' : c.expired > 0 ? 'expired' : 'completed';
      return { state: 'ended', outcome, counts };
    },
    async *results(ticket): AsyncIterable<KeyedResult> {
      const prefix = `${ticket.token}_`;
      for await (const line of await rawResults(ticket.remoteId)) {
        if (!line.custom_id.startsWith(prefix)) continue;
        const id = line.custom_id.slice(prefix.length);
        const result = line.result;
        if (result.type === 'succeeded') yield { id, result: anthropicMessageResult(result.message, sdk.redact, context) };
        else if (result.type === 'errored') {
          const error = (result.error as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
          yield { id, result: batchRequestError(statusOfErrorType(error?.type), `${String(error?.type ?? 'error')}: ${String(error?.message ?? '')}`, context) };
        }
        // canceled and expired requests never ran: nothing was paid, and the next job asks them again.
      }
    },
  };
}

/** The HTTP status Anthropic uses for an error type (https://docs.anthropic.com/en/api/errors), so per-request errors classify like interactive ones. */
function statusOfErrorType(type: unknown): number | undefined {
  const statuses: Readonly<Record<string, number>> = {
    invalid_request_error: 400,
    authentication_error: 401,
    billing_error: 402,
    permission_error: 403,
    not_found_error: 404,
    request_too_large: 413,
    rate_limit_error: 429,
    api_error: 500,
    overloaded_error: 529,
  };
  return typeof type === 'string' && Object.hasOwn(statuses, type) ? statuses[type] : undefined;
}

/**
 * OpenAI's Batch API through the official `openai` SDK (docs/architecture.md §"Transports"): a job is
 * one JSONL input file, uploaded with purpose `batch`, one line per request
 * `{custom_id, method: "POST", url: "/v1/chat/completions", body}` (the body the interactive call
 * sends, openai.ts `chatCompletionBody`, `n` included), then a batch on `/v1/chat/completions` with
 * completion window `24h` and our token in its metadata (`utilscope_token`). Custom ids are our
 * request ids as they are (comparison keys: 24 hex characters).
 *
 * - `find(token)` lists batches newest first and matches the metadata, stopping at batches created
 *   well before the job was journalled, so it is exact and reads little.
 * - `submit` uploads, then creates; if creating fails in a way that leaves it unknown whether the
 *   batch exists (a timeout, a dropped connection, a 5xx), it asks `find` before trying again, so a
 *   batch is never created twice. An input file uploaded by a session that died before creating its
 *   batch is left in the account's storage (it costs no inference).
 * - `poll` maps `validating`, `in_progress`, `finalizing`, `cancelling` to running phases, and
 *   `completed`, `expired`, `cancelled`, `failed` to outcomes, with `request_counts`.
 * - `results` streams the output file, then the error file, line by line (never loading either
 *   whole): a 200 line is an answer (chatCompletionResult), another status a per-request error
 *   classified like an interactive one, and `batch_expired` / `batch_cancelled` lines are requests
 *   that never ran, so they are left out (unanswered, asked again by the next job).
 *
 * Limits (https://platform.openai.com/docs/api-reference/batch/create): 50,000 requests and 200 MB
 * per input file, one model per file. The key lives only inside the SDK client; every text that
 * leaves this module has passed through the connection's redactor.
 */
import type OpenAI from 'openai';
import { quote } from '../core/errors.js';
import { type BatchCallDeps, type BatchLimits, batchCall, batchCallError, batchRequestError, splitIntoBatches, streamLines } from './batch-call.js';
import { classifyError, type ErrorContext } from './classify-error.js';
import { chatCompletionBody, chatCompletionResult, isOpenAIReasoningModel, openAIPublicUrl } from './openai.js';
import { backoffMs, RETRY_DEFAULTS } from './retry.js';
import type { BatchCounts, BatchLookup, BatchLookupHint, BatchPoll, BatchTicket, BatchTransport, KeyedRequest, KeyedResult } from './transport.js';
import { type ApiConnection, sdkClientOptions } from './types.js';

/** OpenAI's limits per input file (see the module comment). */
export const OPENAI_BATCH_LIMITS: BatchLimits = { maxRequests: 50_000, maxBytes: 200 * 1000 * 1000 };

/** The metadata key our token travels under. */
const TOKEN_KEY = 'utilscope_token';

/** Batches created this long before the job was journalled (by our clock) are not looked at by `find`: clock skew, generously. */
const FIND_MARGIN_MS = 15 * 60 * 1000;

/** Options for {@link createOpenAIBatchTransport}. */
export interface OpenAIBatchOptions extends ApiConnection, BatchCallDeps {
  /** Whether `n` is honoured (always, on OpenAI's own API). Default true. */
  readonly multipleSamples?: boolean;
  /** Smaller limits, for tests of splitting; default {@link OPENAI_BATCH_LIMITS}. */
  readonly limits?: BatchLimits;
}

/** One input-file line for `request`. */
function inputLine(model: string, reasoning: boolean, request: KeyedRequest): string {
  return JSON.stringify({ custom_id: request.id, method: 'POST', url: '/v1/chat/completions', body: chatCompletionBody(model, reasoning, request.request, request.request.samples) });
}

function countsOf(batch: OpenAI.Batches.Batch): BatchCounts | undefined {
  const c = batch.request_counts;
  return c ? { total: c.total, succeeded: c.completed, failed: c.failed } : undefined;
}

/** The batch transport onto OpenAI's Batch API (or a server speaking it, such as sim-server). */
export function createOpenAIBatchTransport(options: OpenAIBatchOptions): BatchTransport {
  const sdk = sdkClientOptions(options);
  let client: Promise<{ client: OpenAI; toFile: typeof import('openai').toFile }> | undefined;
  // The SDK is loaded on the first call, not at start-up.
  const sdkClient = () => (client ??= import('openai').then((m) => ({ client: new m.default(sdk.options), toFile: m.toFile })));
  const context: ErrorContext = { spec: options.spec, url: openAIPublicUrl(sdk.options.baseURL), redact: sdk.redact };
  const reasoning = isOpenAIReasoningModel(options.model, options.baseURL);
  const limits = options.limits ?? OPENAI_BATCH_LIMITS;
  const policy = { ...RETRY_DEFAULTS, ...options.policy };
  const call = <T>(what: string, fn: (c: OpenAI) => Promise<T>) => batchCall(`${options.spec}: ${what}`, async () => fn((await sdkClient()).client), context, options);

  async function find(token: string, hint: BatchLookupHint): Promise<BatchLookup> {
    const since = Date.parse(hint.submittedAt) - FIND_MARGIN_MS;
    return call('listing batches', async (c) => {
      for await (const batch of c.batches.list({ limit: 100 })) {
        if (batch.metadata?.[TOKEN_KEY] === token) return { kind: 'found', ticket: { token, remoteId: batch.id } } as const;
        if (Number.isFinite(since) && batch.created_at * 1000 < since) break;
      }
      return { kind: 'absent' } as const;
    });
  }

  async function* linesOf(fileId: string): AsyncIterable<string> {
    const response = await call(`downloading ${fileId}`, (c) => c.files.content(fileId));
    if (!response.body) return;
    yield* streamLines(response.body as unknown as AsyncIterable<Uint8Array>);
  }

  function resultOf(line: string): KeyedResult | undefined {
    let parsed: { custom_id?: unknown; response?: { status_code?: unknown; body?: unknown } | null; error?: { code?: unknown; message?: unknown } | null };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      return undefined; // not a line of ours to read; its request stays unanswered and is asked again
    }
    if (typeof parsed.custom_id !== 'string') return undefined;
    const id = parsed.custom_id;
    if (parsed.error) {
      const code = String(parsed.error.code ?? '');
      // Never run: nothing was paid, and the next job asks it again.
      if (code === 'batch_expired' || code === 'batch_cancelled') return undefined;
      return { id, result: batchRequestError(undefined, `${code}: ${String(parsed.error.message ?? '')}`, context) };
    }
    const status = typeof parsed.response?.status_code === 'number' ? parsed.response.status_code : undefined;
    const body = parsed.response?.body;
    if (status === 200) return { id, result: chatCompletionResult(body, sdk.redact, context) };
    const said = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
    return { id, result: batchRequestError(status, typeof said === 'string' ? said : `status ${status}`, context) };
  }

  return {
    kind: 'batch',
    provider: 'OpenAI',
    spec: options.spec,
    simulated: false,
    supportsLogprobs: !reasoning,
    supportsMultipleSamples: options.multipleSamples ?? true,
    split: (requests) => splitIntoBatches(requests, limits, (r) => Buffer.byteLength(inputLine(options.model, reasoning, r)) + 1),
    async submit(requests, token): Promise<BatchTicket> {
      const text = `${requests.map((r) => inputLine(options.model, reasoning, r)).join('\n')}\n`;
      const { toFile } = await sdkClient();
      const file = await call('uploading the batch input file', async (c) =>
        c.files.create({ file: await toFile(Buffer.from(text, 'utf8'), `utilscope-${token}.jsonl`, { type: 'application/jsonl' }), purpose: 'batch' }),
      );
      const hint = { submittedAt: new Date().toISOString(), requests: requests.length };
      for (let attempt = 1; ; attempt++) {
        try {
          const batch = await (await sdkClient()).client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { [TOKEN_KEY]: token } });
          return { token, remoteId: batch.id };
        } catch (error) {
          const failure = classifyError(error, context);
          if (!failure.retryable) throw batchCallError(`${options.spec}: creating the batch`, failure, 'provider-fatal');
          // Maybe it was created and only the answer was lost: look before creating again.
          const found = await find(token, hint);
          if (found.kind === 'found') return found.ticket;
          if (attempt >= policy.maxAttempts) throw batchCallError(`${options.spec}: creating the batch`, failure, 'provider-unavailable');
          await options.retry.sleep(backoffMs(attempt, failure.retryAfterMs, policy, options.retry.random));
        }
      }
    },
    find,
    async poll(ticket): Promise<BatchPoll> {
      const batch = await call(`polling batch ${ticket.remoteId}`, (c) => c.batches.retrieve(ticket.remoteId));
      const counts = countsOf(batch);
      const withCounts = counts ? { counts } : {};
      switch (batch.status) {
        case 'validating':
          return { state: 'running', phase: 'validating', ...withCounts };
        case 'in_progress':
          return { state: 'running', phase: 'in-progress', ...withCounts };
        case 'finalizing':
          return { state: 'running', phase: 'finalizing', ...withCounts };
        case 'cancelling':
          return { state: 'running', phase: 'cancelling', ...withCounts };
        case 'completed':
          return { state: 'ended', outcome: 'completed', ...withCounts };
        case 'expired':
          return { state: 'ended', outcome: 'expired', ...withCounts };
        case 'cancelled':
          return { state: 'ended', outcome: 'cancelled', ...withCounts };
        default: {
          const why = (batch.errors?.data ?? []).map((e) => `${e.code ?? 'error'}${e.line != null ? ` (line ${e.line})` : ''}: ${e.message ?? ''}`).join('; ');
          return { state: 'ended', outcome: 'failed', ...withCounts, message: `${options.spec}: batch ${ticket.remoteId} failed${why ? ` (${quote(sdk.redact(why), 300)})` : ''}` };
        }
      }
    },
    async *results(ticket): AsyncIterable<KeyedResult> {
      const batch = await call(`reading batch ${ticket.remoteId}`, (c) => c.batches.retrieve(ticket.remoteId));
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        for await (const line of linesOf(fileId)) {
          const result = resultOf(line);
          if (result) yield result;
        }
      }
    },
  };
}

/**
 * The batch APIs of sim-server (docs/architecture.md §"Transports"): OpenAI's Batch API
 * (`POST /v1/files` multipart, `GET /v1/files/:id/content`, `POST /v1/batches`, `GET /v1/batches/:id`,
 * `GET /v1/batches`, `POST /v1/batches/:id/cancel`) and Anthropic's Message Batches
 * (`POST /v1/messages/batches`, `GET /v1/messages/batches/:id`, `…/results`, list, `…/cancel`) over
 * their wire formats, answered by the same simulated respondents as the interactive routes, so the
 * official SDKs can be driven end to end with no key.
 *
 * Deterministic by design (CONTRIBUTING.md rule 15): a batch ends on the `pollsToEnd`-th time its
 * state is read — retrieved, or listed (a client looking for a batch by listing must see it move too)
 * — (OpenAI: `validating` at creation, `in_progress`, `finalizing` on the read before the last when
 * there are three or more), or stays in progress while held until the test releases it. Requests are
 * run when the batch ends; the first `expire` batches end `expired` with only their first half run;
 * a seeded share of requests fails with a per-request 500 the first time a custom id is seen; a
 * cancelled batch keeps the first half of its requests' results. Tests can pause a create request
 * before or after the batch exists and a results download after some lines, and wait for the pause.
 *
 * The ledger that tests of "never pay twice" read: every custom id's receptions (in created batches)
 * and billed runs, the samples billed, every upload's text, and every route's request count. With a
 * `stateDir` the whole state is written (temp file + rename) after every change and read at start,
 * so a server killed and started again on the same folder continues where it was.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { hashStringToSeed } from '../core/rng.js';

/** A request body as the batch routes receive it (chat completions or Messages parameters). */
export type WireBody = Readonly<Record<string, unknown>>;

/** What the simulated respondent answers one request with: an HTTP status and its JSON body, and the samples it billed. */
export interface WireAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly samples: number;
}

/** How sim-server's batches behave (see the module comment). */
export interface SimBatchOptions {
  /** The read of its state (retrieve or list) on which a batch ends (≥ 1; default 2). */
  readonly pollsToEnd?: number;
  /** Start with batches held in progress until `release()`. */
  readonly hold?: boolean;
  /** Share of requests whose first run fails with a per-request 500 (seeded by `seed`; by the key part of an Anthropic custom id). */
  readonly errorRate?: number;
  /** The first this-many batches expire with half their requests run. */
  readonly expire?: number;
  /** Where the state lives across restarts (created if missing). */
  readonly stateDir?: string;
  /** Most requests a batch may hold (the providers' own limits by default: 50,000 OpenAI, 100,000 Anthropic). */
  readonly maxRequests?: number;
  readonly seed?: number;
  /** Milliseconds clock for created-at times (default Date.now). */
  readonly now?: () => number;
}

/** Where a test can pause the server and wait for a client to reach it. */
export type SimBatchPause = 'create-before' | 'create-after' | 'results';

/** One batch as the ledger shows it. */
export interface SimBatchInfo {
  readonly id: string;
  readonly provider: 'openai' | 'anthropic';
  readonly status: string;
  readonly requests: number;
  /** Its requests' custom ids, in the order received. */
  readonly customIds: readonly string[];
  /** The custom ids it ran and billed (once it has ended). */
  readonly paidIds: readonly string[];
  readonly polls: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** What tests read and steer (RunningSimServer.batches). */
export interface SimBatchControl {
  batches(): readonly SimBatchInfo[];
  /** Custom id → times it arrived in a created batch. */
  received(): ReadonlyMap<string, number>;
  /** Custom id → times it was run and billed (a per-request error, an expired or cancelled request bills nothing). */
  paid(): ReadonlyMap<string, number>;
  /** Samples billed in all (a request with `n` = 3 bills three). */
  paidSamples(): number;
  /** Every uploaded file's text by file id (the batch input files as received). */
  uploads(): ReadonlyMap<string, string>;
  /** HTTP requests received per route, e.g. `POST /v1/batches`. */
  routes(): ReadonlyMap<string, number>;
  /** Holds every batch in progress (whatever its polls) until {@link release}. */
  hold(): void;
  release(): void;
  /** The next request reaching `point` waits there (`results`: after writing `afterLines` lines) until {@link resume}. */
  pause(point: SimBatchPause, afterLines?: number): void;
  /** Resolves once a request waits at `point`. */
  paused(point: SimBatchPause): Promise<void>;
  /**
   * Lets the request waiting at `point` go on, or with `drop` abandons it: a create dropped before
   * the batch exists never creates it (what a server does with a request whose client died).
   */
  resume(point: SimBatchPause, how?: 'go' | 'drop'): void;
}

type Status = 'validating' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled' | 'failed';

interface StoredResult {
  readonly customId: string;
  /** `ran`: answered with `status` and `body`; `expired` / `cancelled`: never run. */
  readonly kind: 'ran' | 'expired' | 'cancelled';
  readonly status: number;
  readonly body: unknown;
}

interface StoredBatch {
  readonly id: string;
  readonly provider: 'openai' | 'anthropic';
  readonly createdAtMs: number;
  readonly requests: readonly { readonly customId: string; readonly body: WireBody }[];
  readonly inputFileId?: string;
  readonly metadata?: Record<string, string>;
  readonly expire: boolean;
  polls: number;
  status: Status;
  cancelRequested: boolean;
  endedAtMs?: number;
  errors?: { code: string; message: string; line: number | null }[];
  results?: StoredResult[];
}

interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly purpose: string;
  readonly createdAtMs: number;
  readonly text: string;
}

/** Everything the server remembers (the `stateDir` file's content). */
interface SimBatchState {
  v: 1;
  counter: number;
  batchesCreated: number;
  batches: StoredBatch[];
  files: StoredFile[];
  received: Record<string, number>;
  paid: Record<string, number>;
  erred: Record<string, true>;
  paidSamples: number;
  /** Prompt → times asked without a seed (Anthropic has none): sim-server seeds the k-th occurrence. */
  occurrences: Record<string, number>;
}

const TERMINAL: ReadonlySet<Status> = new Set(['completed', 'expired', 'cancelled', 'failed']);

function emptyState(): SimBatchState {
  return { v: 1, counter: 0, batchesCreated: 0, batches: [], files: [], received: {}, paid: {}, erred: {}, paidSamples: 0, occurrences: {} };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function openAIError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: status === 404 ? 'not_found_error' : 'invalid_request_error', param: null, code: null } });
}

function anthropicError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { type: 'error', error: { type: status === 404 ? 'not_found_error' : 'invalid_request_error', message } });
}

/** A deferred promise. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

/** The batch side of sim-server: routes, the state machine and the ledger. */
export interface SimBatches {
  /** Handles `req` when it is a batch route; false when it is not one of them. */
  handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<boolean>;
  /** The seed of the next unseeded request for `prompt` (occurrence-counted, persisted). */
  seedFor(prompt: string): number;
  readonly control: SimBatchControl;
}

/** Creates the batch routes over `answer` (the respondent's answer to one request of `provider`). */
export function createSimBatches(options: SimBatchOptions, answer: (provider: 'openai' | 'anthropic', body: WireBody) => WireAnswer): SimBatches {
  const now = options.now ?? Date.now;
  const pollsToEnd = Math.max(1, Math.floor(options.pollsToEnd ?? 2));
  const statePath = options.stateDir !== undefined ? join(options.stateDir, 'sim-batches.json') : undefined;
  const state: SimBatchState = statePath !== undefined && existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as SimBatchState) : emptyState();
  const routes = new Map<string, number>();
  let held = options.hold === true;
  // A pause is armed by `pause()`, disarmed by the first request that reaches it, and gone at `resume()`.
  const pauses = new Map<SimBatchPause, { afterLines: number; armed: boolean; dropped: boolean; reached: ReturnType<typeof gate>; go: ReturnType<typeof gate> }>();

  const save = () => {
    if (statePath === undefined || options.stateDir === undefined) return;
    mkdirSync(options.stateDir, { recursive: true });
    const tmp = `${statePath}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, statePath);
  };
  const nextId = (prefix: string) => `${prefix}${String(++state.counter).padStart(6, '0')}`;
  const batchOf = (id: string) => state.batches.find((b) => b.id === id);

  /** Waits at `point` if a pause is set there (once); returns the pause's line count. */
  const pauseFor = (point: SimBatchPause) => {
    const pause = pauses.get(point);
    return pause?.armed ? pause : undefined;
  };
  /** Waits at `point` if a pause is armed there; false when the test dropped the request. */
  const waitAt = async (point: SimBatchPause): Promise<boolean> => {
    const pause = pauseFor(point);
    if (!pause) return true;
    pause.armed = false;
    pause.reached.open();
    await pause.go.promise;
    return !pause.dropped;
  };

  const erroredNow = (customId: string): boolean => {
    const rate = options.errorRate ?? 0;
    // By the request's own part: Anthropic custom ids are `<token>_<key>` with a new token per batch, and a
    // request asked again in the next batch must not draw a fresh error (it would fail again by chance).
    const id = customId.split('_').at(-1) as string;
    if (rate <= 0 || state.erred[id]) return false;
    if (hashStringToSeed(`sim-batch-errors|${options.seed ?? 0}|${id}`) / 2 ** 32 >= rate) return false;
    state.erred[id] = true;
    return true;
  };

  /** Runs the requests of `batch` that get to run, and records what they billed. */
  const finish = (batch: StoredBatch, outcome: 'completed' | 'expired' | 'cancelled') => {
    const ran = outcome === 'completed' ? batch.requests.length : Math.ceil(batch.requests.length / 2);
    batch.results = batch.requests.map((r, k): StoredResult => {
      if (k >= ran) return { customId: r.customId, kind: outcome === 'cancelled' ? 'cancelled' : 'expired', status: 0, body: null };
      if (erroredNow(r.customId)) return { customId: r.customId, kind: 'ran', status: 500, body: { message: 'injected per-request server error' } };
      const answered = answer(batch.provider, r.body);
      if (answered.status === 200) {
        state.paid[r.customId] = (state.paid[r.customId] ?? 0) + 1;
        state.paidSamples += answered.samples;
      }
      return { customId: r.customId, kind: 'ran', status: answered.status, body: answered.body };
    });
    batch.status = outcome;
    batch.endedAtMs = now();
  };

  /** One retrieve of `batch`: its state moves on (see the module comment). */
  const advance = (batch: StoredBatch) => {
    if (TERMINAL.has(batch.status)) return;
    batch.polls++;
    if (batch.cancelRequested) finish(batch, 'cancelled');
    else if (held) batch.status = 'in_progress';
    else if (batch.polls >= pollsToEnd) finish(batch, batch.expire ? 'expired' : 'completed');
    else batch.status = batch.provider === 'openai' && pollsToEnd >= 3 && batch.polls === pollsToEnd - 1 ? 'finalizing' : 'in_progress';
    save();
  };

  const created = (provider: 'openai' | 'anthropic', requests: StoredBatch['requests'], extra: { inputFileId?: string; metadata?: Record<string, string> }): StoredBatch => {
    const batch: StoredBatch = {
      id: nextId(provider === 'openai' ? 'batch_sim' : 'msgbatch_sim'),
      provider,
      createdAtMs: now(),
      requests,
      ...extra,
      expire: state.batchesCreated < (options.expire ?? 0),
      polls: 0,
      status: provider === 'openai' ? 'validating' : 'in_progress',
      cancelRequested: false,
    };
    state.batchesCreated++;
    for (const r of requests) state.received[r.customId] = (state.received[r.customId] ?? 0) + 1;
    state.batches.push(batch);
    save();
    return batch;
  };

  const counts = (batch: StoredBatch) => {
    const results = batch.results ?? [];
    const ok = results.filter((r) => r.kind === 'ran' && r.status === 200).length;
    const erred = results.filter((r) => r.kind === 'ran' && r.status !== 200).length;
    const expired = results.filter((r) => r.kind === 'expired').length;
    const cancelled = results.filter((r) => r.kind === 'cancelled').length;
    // While running, a share of the requests looks done, so progress has something to show.
    const shown = batch.results ? ok : Math.min(batch.requests.length - 1, Math.floor((batch.requests.length * batch.polls) / (pollsToEnd + 1)));
    return { total: batch.requests.length, ok: Math.max(0, shown), erred, expired, cancelled, processing: batch.results ? 0 : batch.requests.length - Math.max(0, shown) };
  };

  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  const seconds = (ms: number | undefined) => (ms === undefined ? null : Math.floor(ms / 1000));

  const openAIBatch = (b: StoredBatch) => {
    const c = counts(b);
    const results = b.results ?? [];
    const hasOutput = results.some((r) => r.kind === 'ran' && r.status === 200);
    const hasErrors = results.some((r) => r.kind !== 'ran' || r.status !== 200);
    const ended = b.endedAtMs;
    return {
      id: b.id,
      object: 'batch',
      endpoint: '/v1/chat/completions',
      errors: b.errors ? { object: 'list', data: b.errors } : null,
      input_file_id: b.inputFileId ?? '',
      completion_window: '24h',
      status: b.status,
      output_file_id: hasOutput ? `file-out-${b.id}` : null,
      error_file_id: hasErrors ? `file-err-${b.id}` : null,
      created_at: seconds(b.createdAtMs),
      in_progress_at: b.polls > 0 ? seconds(b.createdAtMs) : null,
      expires_at: seconds(b.createdAtMs + 86_400_000),
      finalizing_at: null,
      completed_at: b.status === 'completed' ? seconds(ended) : null,
      failed_at: b.status === 'failed' ? seconds(ended) : null,
      expired_at: b.status === 'expired' ? seconds(ended) : null,
      cancelling_at: b.cancelRequested ? seconds(ended ?? b.createdAtMs) : null,
      cancelled_at: b.status === 'cancelled' ? seconds(ended) : null,
      request_counts: { total: c.total, completed: c.ok, failed: c.erred + c.expired + c.cancelled },
      metadata: b.metadata ?? null,
    };
  };

  const anthropicBatch = (b: StoredBatch, host: string) => {
    const c = counts(b);
    const ended = b.results !== undefined;
    return {
      id: b.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : b.cancelRequested ? 'canceling' : 'in_progress',
      request_counts: { processing: c.processing, succeeded: c.ok, errored: c.erred, canceled: c.cancelled, expired: c.expired },
      ended_at: iso(b.endedAtMs),
      created_at: iso(b.createdAtMs),
      expires_at: iso(b.createdAtMs + 86_400_000),
      archived_at: null,
      cancel_initiated_at: b.cancelRequested ? iso(b.createdAtMs) : null,
      results_url: ended ? `http://${host}/v1/messages/batches/${b.id}/results` : null,
    };
  };

  /** The lines of an output, error or results file, in reverse request order (clients must match by custom id). */
  const resultLines = (b: StoredBatch, which: 'output' | 'error' | 'anthropic'): string[] => {
    const lines: string[] = [];
    for (const r of [...(b.results ?? [])].reverse()) {
      if (which === 'anthropic') {
        const result =
          r.kind === 'expired'
            ? { type: 'expired' }
            : r.kind === 'cancelled'
              ? { type: 'canceled' }
              : r.status === 200
                ? { type: 'succeeded', message: r.body }
                : {
                    type: 'errored',
                    error: {
                      type: 'error',
                      error: {
                        type: r.status === 500 ? 'api_error' : 'invalid_request_error',
                        message: String((r.body as { message?: unknown; error?: { message?: unknown } })?.error?.message ?? (r.body as { message?: unknown })?.message ?? ''),
                      },
                    },
                  };
        lines.push(JSON.stringify({ custom_id: r.customId, result }));
        continue;
      }
      const ok = r.kind === 'ran' && r.status === 200;
      if ((which === 'output') !== ok) continue;
      const requestId = `req_${hashStringToSeed(`${b.id}|${r.customId}`).toString(16)}`;
      if (r.kind !== 'ran') {
        const code = r.kind === 'expired' ? 'batch_expired' : 'batch_cancelled';
        lines.push(
          JSON.stringify({
            id: `batch_req_${requestId}`,
            custom_id: r.customId,
            response: null,
            error: { code, message: `This request could not be executed before the batch ${r.kind === 'expired' ? 'expired' : 'was cancelled'}.` },
          }),
        );
        continue;
      }
      const body =
        r.status === 200
          ? r.body
          : { error: { message: String((r.body as { message?: unknown; error?: { message?: unknown } })?.error?.message ?? (r.body as { message?: unknown })?.message ?? ''), type: 'server_error' } };
      lines.push(JSON.stringify({ id: `batch_req_${requestId}`, custom_id: r.customId, response: { status_code: r.status, request_id: requestId, body }, error: null }));
    }
    return lines;
  };

  /** Writes `lines` as a JSONL body, pausing after some when the test asked for it. */
  const streamLines = async (res: ServerResponse, lines: readonly string[], contentType: string) => {
    res.writeHead(200, { 'content-type': contentType });
    const pause = pauseFor('results');
    const stopAt = pause ? Math.min(lines.length, pause.afterLines) : lines.length;
    for (const line of lines.slice(0, stopAt)) res.write(`${line}\n`);
    if (pause) {
      await waitAt('results');
      if (res.destroyed) return;
      for (const line of lines.slice(stopAt)) res.write(`${line}\n`);
    }
    res.end();
  };

  const list = <T extends { id: string }>(items: readonly T[], limit: number, after: string | undefined) => {
    const newest = [...items].reverse();
    const start = after !== undefined ? newest.findIndex((b) => b.id === after) + 1 : 0;
    const page = newest.slice(start, start + limit);
    return { page, hasMore: start + limit < newest.length };
  };

  /** Parses the requests of an OpenAI input file, or says what is wrong with it (the batch then fails validation). */
  const parseInputFile = (text: string): { requests: StoredBatch['requests'] } | { errors: NonNullable<StoredBatch['errors']> } => {
    const errors: NonNullable<StoredBatch['errors']> = [];
    const requests: { customId: string; body: WireBody }[] = [];
    const seen = new Set<string>();
    const models = new Set<string>();
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .forEach((line, k) => {
        try {
          const parsed = JSON.parse(line) as { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
          if (typeof parsed.custom_id !== 'string' || seen.has(parsed.custom_id)) errors.push({ code: 'duplicate_custom_id', message: 'custom_id missing or repeated', line: k + 1 });
          else if (parsed.method !== 'POST' || parsed.url !== '/v1/chat/completions' || typeof parsed.body !== 'object' || parsed.body === null)
            errors.push({ code: 'invalid_request', message: 'each line must POST a body to /v1/chat/completions', line: k + 1 });
          else {
            seen.add(parsed.custom_id);
            models.add(String((parsed.body as WireBody)['model']));
            requests.push({ customId: parsed.custom_id, body: parsed.body as WireBody });
          }
        } catch {
          errors.push({ code: 'invalid_json_line', message: 'line is not JSON', line: k + 1 });
        }
      });
    if (models.size > 1) errors.push({ code: 'mixed_models', message: 'every request of a batch must use the same model', line: null });
    if (requests.length > (options.maxRequests ?? 50_000)) errors.push({ code: 'too_many_requests', message: `at most ${options.maxRequests ?? 50_000} requests per batch`, line: null });
    return errors.length > 0 ? { errors } : { requests };
  };

  /** A create request: waits where a test paused it; false when its client went away before the batch was made. */
  const beforeCreate = async (req: IncomingMessage): Promise<boolean> => {
    if (pauseFor('create-before') && !(await waitAt('create-before'))) {
      req.socket.destroy();
      return false;
    }
    return !req.socket.destroyed;
  };
  const afterCreate = async () => {
    if (pauseFor('create-after')) await waitAt('create-after');
  };

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const route = (name: string) => routes.set(`${method} ${name}`, (routes.get(`${method} ${name}`) ?? 0) + 1);
    const host = req.headers.host ?? '127.0.0.1';
    const limit = Math.max(1, Math.min(1000, Number(url.searchParams.get('limit') ?? 20) || 20));
    const fileContent = path.match(/^\/v1\/files\/([^/]+)\/content$/);
    const openAIBatchPath = path.match(/^\/v1\/batches\/([^/]+)(\/cancel)?$/);
    const anthropicBatchPath = path.match(/^\/v1\/messages\/batches\/([^/]+)(\/cancel|\/results)?$/);

    // OpenAI files.
    if (method === 'POST' && path === '/v1/files') {
      route('/v1/files');
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData().catch(() => undefined);
      const file = form?.get('file');
      if (!form || typeof file === 'string' || file === null || file === undefined) {
        openAIError(res, 400, 'expected multipart/form-data with a file');
        return true;
      }
      const stored: StoredFile = { id: nextId('file-sim'), filename: file.name, purpose: String(form.get('purpose') ?? ''), createdAtMs: now(), text: await file.text() };
      state.files.push(stored);
      save();
      sendJson(res, 200, {
        id: stored.id,
        object: 'file',
        bytes: Buffer.byteLength(stored.text),
        created_at: seconds(stored.createdAtMs),
        filename: stored.filename,
        purpose: stored.purpose,
        status: 'processed',
        expires_at: null,
        status_details: null,
      });
      return true;
    }
    if (method === 'GET' && fileContent) {
      const m = fileContent;
      route('/v1/files/:id/content');
      const id = decodeURIComponent(m[1] as string);
      const upload = state.files.find((f) => f.id === id);
      if (upload) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(upload.text);
        return true;
      }
      const generated = id.match(/^file-(out|err)-(.+)$/);
      const batch = generated ? batchOf(generated[2] as string) : undefined;
      if (!generated || !batch?.results) {
        openAIError(res, 404, `no file ${id}`);
        return true;
      }
      await streamLines(res, resultLines(batch, generated[1] === 'out' ? 'output' : 'error'), 'application/octet-stream');
      return true;
    }

    // OpenAI batches.
    if (path === '/v1/batches' && method === 'POST') {
      route('/v1/batches');
      const body = JSON.parse(raw.toString('utf8') || '{}') as { input_file_id?: unknown; endpoint?: unknown; completion_window?: unknown; metadata?: unknown };
      const input = state.files.find((f) => f.id === body.input_file_id);
      if (!input) {
        openAIError(res, 404, `no file ${String(body.input_file_id)}`);
        return true;
      }
      if (body.endpoint !== '/v1/chat/completions' || body.completion_window !== '24h') {
        openAIError(res, 400, 'endpoint must be /v1/chat/completions and completion_window 24h');
        return true;
      }
      if (!(await beforeCreate(req))) return true;
      const parsed = parseInputFile(input.text);
      const metadata = body.metadata && typeof body.metadata === 'object' ? (body.metadata as Record<string, string>) : undefined;
      const batch = created('openai', 'requests' in parsed ? parsed.requests : [], { inputFileId: input.id, ...(metadata ? { metadata } : {}) });
      if ('errors' in parsed) {
        batch.errors = parsed.errors;
        batch.status = 'failed';
        batch.endedAtMs = now();
        batch.results = [];
        save();
      }
      await afterCreate();
      if (!res.destroyed) sendJson(res, 200, openAIBatch(batch));
      return true;
    }
    if (path === '/v1/batches' && method === 'GET') {
      route('/v1/batches');
      const { page, hasMore } = list(
        state.batches.filter((b) => b.provider === 'openai'),
        limit,
        url.searchParams.get('after') ?? undefined,
      );
      for (const b of page) advance(b);
      sendJson(res, 200, { object: 'list', data: page.map(openAIBatch), first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null, has_more: hasMore });
      return true;
    }
    if (openAIBatchPath) {
      const m = openAIBatchPath;
      const batch = batchOf(decodeURIComponent(m[1] as string));
      route(m[2] ? '/v1/batches/:id/cancel' : '/v1/batches/:id');
      if (batch?.provider !== 'openai') {
        openAIError(res, 404, `no batch ${m[1]}`);
        return true;
      }
      if (m[2] && method === 'POST') {
        if (!TERMINAL.has(batch.status)) {
          batch.cancelRequested = true;
          batch.status = 'cancelling';
          save();
        }
      } else if (method === 'GET') advance(batch);
      else return false;
      sendJson(res, 200, openAIBatch(batch));
      return true;
    }

    // Anthropic message batches.
    if (path === '/v1/messages/batches' && method === 'POST') {
      route('/v1/messages/batches');
      const body = JSON.parse(raw.toString('utf8') || '{}') as { requests?: unknown };
      const requests = Array.isArray(body.requests) ? (body.requests as { custom_id?: unknown; params?: unknown }[]) : [];
      const ids = requests.map((r) => r.custom_id);
      const bad = ids.find((id) => typeof id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(id));
      if (requests.length === 0 || bad !== undefined || new Set(ids).size !== ids.length) {
        anthropicError(res, 400, bad !== undefined ? `requests: custom_id ${JSON.stringify(bad)} must match ^[a-zA-Z0-9_-]{1,64}$` : 'requests: 1 or more requests with unique custom ids');
        return true;
      }
      if (requests.length > (options.maxRequests ?? 100_000)) {
        anthropicError(res, 413, `at most ${options.maxRequests ?? 100_000} requests per batch`);
        return true;
      }
      if (!(await beforeCreate(req))) return true;
      const batch = created(
        'anthropic',
        requests.map((r) => ({ customId: r.custom_id as string, body: (r.params ?? {}) as WireBody })),
        {},
      );
      await afterCreate();
      if (!res.destroyed) sendJson(res, 200, anthropicBatch(batch, host));
      return true;
    }
    if (path === '/v1/messages/batches' && method === 'GET') {
      route('/v1/messages/batches');
      const { page, hasMore } = list(
        state.batches.filter((b) => b.provider === 'anthropic'),
        limit,
        url.searchParams.get('after_id') ?? undefined,
      );
      for (const b of page) advance(b);
      sendJson(res, 200, { data: page.map((b) => anthropicBatch(b, host)), has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null });
      return true;
    }
    if (anthropicBatchPath) {
      const m = anthropicBatchPath;
      const batch = batchOf(decodeURIComponent(m[1] as string));
      route(m[2] ? `/v1/messages/batches/:id${m[2]}` : '/v1/messages/batches/:id');
      if (batch?.provider !== 'anthropic') {
        anthropicError(res, 404, `no message batch ${m[1]}`);
        return true;
      }
      if (m[2] === '/results' && method === 'GET') {
        if (!batch.results) {
          anthropicError(res, 400, `batch ${batch.id} is still processing`);
          return true;
        }
        await streamLines(res, resultLines(batch, 'anthropic'), 'application/x-jsonl');
        return true;
      }
      if (m[2] === '/cancel' && method === 'POST') {
        if (!TERMINAL.has(batch.status)) {
          batch.cancelRequested = true;
          batch.status = 'cancelling';
          save();
        }
      } else if (m[2] === undefined && method === 'GET') advance(batch);
      else return false;
      sendJson(res, 200, anthropicBatch(batch, host));
      return true;
    }
    return false;
  }

  const control: SimBatchControl = {
    batches: () =>
      state.batches.map((b) => ({
        id: b.id,
        provider: b.provider,
        status: b.status,
        requests: b.requests.length,
        customIds: b.requests.map((r) => r.customId),
        paidIds: (b.results ?? []).filter((r) => r.kind === 'ran' && r.status === 200).map((r) => r.customId),
        polls: b.polls,
        ...(b.metadata ? { metadata: b.metadata } : {}),
      })),
    received: () => new Map(Object.entries(state.received)),
    paid: () => new Map(Object.entries(state.paid)),
    paidSamples: () => state.paidSamples,
    uploads: () => new Map(state.files.map((f) => [f.id, f.text] as const)),
    routes: () => new Map(routes),
    hold: () => {
      held = true;
    },
    release: () => {
      held = false;
    },
    pause: (point, afterLines = 0) => {
      pauses.set(point, { afterLines, armed: true, dropped: false, reached: gate(), go: gate() });
    },
    paused: (point) => pauses.get(point)?.reached.promise ?? Promise.resolve(),
    resume: (point, how = 'go') => {
      const pause = pauses.get(point);
      pauses.delete(point);
      if (!pause) return;
      pause.dropped = how === 'drop';
      pause.go.open();
    },
  };

  return {
    handle,
    seedFor: (prompt) => {
      const k = state.occurrences[prompt] ?? 0;
      state.occurrences[prompt] = k + 1;
      save();
      return hashStringToSeed(`${prompt}#${k}`);
    },
    control,
  };
}

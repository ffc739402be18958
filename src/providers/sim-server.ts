/**
 * `utilscope sim-server`: simulated respondents served over HTTP in the OpenAI
 * (`POST /v1/chat/completions`, with `n` and `logprobs`/`top_logprobs`; `POST /v1/completions` for
 * completion-format arms' transcripts) and Anthropic (`POST /v1/messages`) wire formats; system
 * prompts and preamble turns reach the respondent, which recognises the built-in arms (sim.ts), plus `GET /v1/models`, so the real SDK code paths can be
 * exercised end to end with no key (docs/architecture.md §"Providers"). Both providers' batch APIs
 * are served too, over their own wire formats (sim-batch.ts). The model name is the simulated size
 * (`7b` or `sim:7b`). Answers are deterministic given the request's `seed`; a request without one
 * (Anthropic's API has none) is seeded by its prompt and how many times that prompt was asked
 * before, so the same questions get the same answers whatever order they arrive in.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rng } from '../core/rng.js';
import type { Outcome } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { createSimRespondent, parseSimSize, type SimRespondent, simComplete } from './sim.js';
import { createSimBatches, type SimBatchControl, type SimBatchOptions, type WireAnswer, type WireBody } from './sim-batch.js';
import type { CompletionRequest } from './types.js';

/** Options for {@link startSimServer}. */
export interface SimServerOptions {
  /** TCP port; 0 picks a free ephemeral port (tests use 0). */
  readonly port: number;
  /** Interface to bind (default 127.0.0.1: the simulator is not meant for the network). */
  readonly host?: string;
  readonly seed?: number;
  readonly template: PromptTemplate;
  /** Further templates the respondents recognise questions by (the built-in paraphrases); `template` is tried first. */
  readonly templates?: readonly PromptTemplate[];
  /** Outcomes whose signed values and quantities shape the planted utilities (texts not listed get only the seeded per-outcome term). */
  readonly outcomes?: readonly Outcome[];
  /**
   * Share of requests answered with an injected error (alternately 429 with retry-after 0 and 500),
   * chosen by a seeded generator, to exercise retry paths end to end. Answers to the requests that
   * do get through are unchanged (they depend on the request seed only).
   */
  readonly failRate?: number;
  /** How the batch APIs behave: processing delay, per-request errors, expiry, state on disk (sim-batch.ts). */
  readonly batches?: SimBatchOptions;
}

/** A listening sim-server: `url` is `http://host:port` (append `/v1` for the OpenAI SDK's baseURL). */
export interface RunningSimServer {
  readonly url: string;
  /** The batch ledger and controls: what was received and paid per custom id, holds and pauses. */
  readonly batches: SimBatchControl;
  close(): Promise<void>;
}

interface ChatBody extends WireBody {
  model?: unknown;
  /** `/v1/completions`: the transcript a base model continues. */
  prompt?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
  system?: unknown;
  n?: unknown;
  logprobs?: unknown;
  top_logprobs?: unknown;
  max_tokens?: unknown;
  temperature?: unknown;
  seed?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b: { text?: unknown }) => (typeof b?.text === 'string' ? b.text : '')).join('');
  return '';
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** An error in the wire format of the route asked: Anthropic's `{type: 'error', error}` or OpenAI's `{error}`. */
function sendError(res: ServerResponse, anthropic: boolean, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  send(res, status, anthropic ? { type: 'error', error: { type, message } } : { error: { message, type, param: null, code: null } }, headers);
}

/** More samples than this in one request is a mistake, not a workload. */
const MAX_SAMPLES_PER_REQUEST = 128;

/**
 * Starts the server and resolves once it listens; rejects if the port is taken. Routes:
 * `POST /v1/chat/completions` (n ≤ 128, logprobs/top_logprobs in the official response shape, usage),
 * `POST /v1/messages` (Anthropic shape, one sample), `GET /v1/models`; anything else 404. Errors come
 * in the wire format of the route. `close()` drops open connections and resolves when closed.
 */
export async function startSimServer(options: SimServerOptions): Promise<RunningSimServer> {
  const respondents = new Map<number, SimRespondent>();
  const faults = new Rng(`sim-server-faults|${options.seed ?? 0}`);
  let injected = 0;
  const respondentFor = (model: unknown): SimRespondent | undefined => {
    const name = typeof model === 'string' ? model.replace(/^sim[:-]?/, '') : '';
    const params = parseSimSize(name);
    if (params === undefined) return undefined;
    let r = respondents.get(params);
    if (!r) {
      r = createSimRespondent(params, options.outcomes ?? [], options.seed ?? 0);
      respondents.set(params, r);
    }
    return r;
  };

  const templates = [options.template, ...(options.templates ?? []).filter((t) => t.hash !== options.template.hash)];
  /**
   * The answer to one request body in the wire format of `provider`: the interactive routes and every
   * batch request. `completion` (OpenAI's `/v1/completions`) reads `prompt` as a plain transcript.
   */
  const answer = (provider: 'openai' | 'anthropic', body: ChatBody, completion = false): WireAnswer => {
    const anthropic = provider === 'anthropic';
    const error = (status: number, type: string, message: string): WireAnswer => ({
      status,
      body: anthropic ? { type: 'error', error: { type, message } } : { error: { message, type, param: null, code: null } },
      samples: 0,
    });
    const respondent = respondentFor(body.model);
    if (!respondent) return error(404, 'not_found_error', `unknown simulated model "${String(body.model)}" (use a size such as 7b)`);
    const samples = !anthropic && body.n !== undefined ? body.n : 1;
    if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES_PER_REQUEST) {
      return error(400, 'invalid_request_error', `n must be an integer from 1 to ${MAX_SAMPLES_PER_REQUEST}`);
    }
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const turns = messages.filter((m) => m.role === 'user' || m.role === 'assistant');
    // The last user turn is the question; the turns before it are the arm's preamble.
    const last = turns.at(-1)?.role === 'user' ? turns.length - 1 : turns.length;
    const user = completion ? textOf(body.prompt) : textOf(turns[last]?.content);
    const preamble = completion ? [] : turns.slice(0, last).map((m) => ({ role: m.role === 'user' ? ('user' as const) : ('assistant' as const), content: textOf(m.content) }));
    const system = completion ? '' : anthropic ? textOf(body.system) : textOf(messages.find((m) => m.role === 'system')?.content);
    const topLogprobs = typeof body.top_logprobs === 'number' ? Math.max(0, Math.floor(body.top_logprobs)) : undefined;
    const request: CompletionRequest = {
      user,
      ...(system ? { system } : {}),
      ...(preamble.length > 0 ? { preamble } : {}),
      ...(completion ? { format: 'completion' as const } : {}),
      temperature: typeof body.temperature === 'number' ? body.temperature : 1,
      maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : 16,
      samples,
      logprobs: !anthropic && body.logprobs === true,
    };
    const said = preamble.map((turn) => turn.content).join('\u0000');
    const seed = typeof body.seed === 'number' ? body.seed : batches.seedFor(`${String(body.model)}\u0000${system}\u0000${said}\u0000${user}`);
    const result = simComplete(respondent, templates, request, seed);
    if (result.kind === 'error') return error(400, 'invalid_request_error', result.message);
    if (completion) {
      return {
        status: 200,
        samples,
        body: {
          id: `cmpl-sim-${seed}`,
          object: 'text_completion',
          created: 0,
          model: String(body.model),
          choices: result.choices.map((c, index) => ({ index, text: ` ${c.text}`, finish_reason: 'stop', logprobs: null })),
          usage: { prompt_tokens: result.usage.inputTokens, completion_tokens: result.usage.outputTokens, total_tokens: result.usage.inputTokens + result.usage.outputTokens },
        },
      };
    }
    if (!anthropic) {
      return {
        status: 200,
        samples,
        body: {
          id: `chatcmpl-sim-${seed}`,
          object: 'chat.completion',
          created: 0,
          model: String(body.model),
          choices: result.choices.map((c, index) => ({
            index,
            finish_reason: 'stop',
            message: { role: 'assistant', content: c.text, refusal: null },
            logprobs: c.firstTokenLogprobs
              ? {
                  refusal: null,
                  content: [
                    {
                      token: c.text,
                      logprob: c.firstTokenLogprobs[0]?.logprob ?? 0,
                      bytes: null,
                      top_logprobs: c.firstTokenLogprobs.slice(0, topLogprobs).map((t) => ({ token: t.token, logprob: t.logprob, bytes: null })),
                    },
                  ],
                }
              : null,
          })),
          usage: { prompt_tokens: result.usage.inputTokens, completion_tokens: result.usage.outputTokens, total_tokens: result.usage.inputTokens + result.usage.outputTokens },
        },
      };
    }
    return {
      status: 200,
      samples: 1,
      body: {
        id: `msg_sim_${seed}`,
        type: 'message',
        role: 'assistant',
        model: String(body.model),
        content: [{ type: 'text', text: result.choices[0]?.text ?? '' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: result.usage.inputTokens, output_tokens: result.usage.outputTokens },
      },
    };
  };
  const batches = createSimBatches({ ...options.batches, seed: options.batches?.seed ?? options.seed ?? 0 }, (provider, body) => answer(provider, body as ChatBody));

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      send(res, 200, { object: 'list', data: ['0.5b', '1.5b', '3b', '7b', '14b', '70b'].map((id) => ({ id, object: 'model', created: 0, owned_by: 'utilscope-sim' })) });
      return;
    }
    if (await batches.handle(req, res, raw)) return;
    const anthropic = path === '/v1/messages';
    const completion = path === '/v1/completions';
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/messages' && !completion)) {
      sendError(res, false, 404, 'not_found_error', `no route ${req.method} ${path}`);
      return;
    }
    if (options.failRate && faults.next() < options.failRate) {
      injected++;
      if (injected % 2 === 1) sendError(res, anthropic, 429, 'rate_limit_error', 'injected rate limit', { 'retry-after': '0' });
      else sendError(res, anthropic, 500, 'api_error', 'injected server error');
      return;
    }
    let body: ChatBody;
    try {
      body = JSON.parse(raw.toString('utf8')) as ChatBody;
    } catch {
      sendError(res, anthropic, 400, 'invalid_request_error', 'request body is not JSON');
      return;
    }
    const answered = answer(anthropic ? 'anthropic' : 'openai', body, completion);
    send(res, answered.status, answered.body);
  };

  const server = createServer((req, res) => {
    // Collect bytes, decode once: a multi-byte character may straddle two chunks.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, false, 500, 'api_error', `sim-server: ${error instanceof Error ? error.message : String(error)}`);
        else res.destroy();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    batches: batches.control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * `utilscope sim-server`: simulated respondents served over HTTP in the OpenAI
 * (`POST /v1/chat/completions`, with `n` and `logprobs`/`top_logprobs`) and Anthropic
 * (`POST /v1/messages`) wire formats, plus `GET /v1/models`, so the real SDK code paths can be
 * exercised end to end with no key (DESIGN.md §Providers). The model name is the simulated size
 * (`7b` or `sim:7b`). Answers are deterministic given the request's `seed` (or a per-server counter).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Outcome } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { Rng } from '../core/rng.js';
import { createSimRespondent, parseSimSize, simComplete, type SimRespondent } from './sim.js';
import type { CompletionRequest } from './types.js';

export interface SimServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly seed?: number;
  readonly template: PromptTemplate;
  /** Outcomes whose clusters and quantities shape the planted utilities (texts not listed get a seeded utility). */
  readonly outcomes?: readonly Outcome[];
  /**
   * Share of requests answered with an injected error (alternately 429 with retry-after 0 and 500),
   * chosen by a seeded generator, to exercise retry paths end to end. Answers to the requests that
   * do get through are unchanged (they depend on the request seed only).
   */
  readonly failRate?: number;
}

export interface RunningSimServer {
  readonly url: string;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
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

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts the server; port 0 picks a free port. */
export async function startSimServer(options: SimServerOptions): Promise<RunningSimServer> {
  const respondents = new Map<number, SimRespondent>();
  let counter = 0;
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

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      send(res, 200, { object: 'list', data: ['0.5b', '1.5b', '3b', '7b', '14b', '70b'].map((id) => ({ id, object: 'model', created: 0, owned_by: 'utilscope-sim' })) });
      return;
    }
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/v1/messages')) {
      send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
      return;
    }
    if (options.failRate && faults.next() < options.failRate) {
      injected++;
      if (injected % 2 === 1) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(JSON.stringify({ error: { message: 'injected rate limit', type: 'rate_limit_error' } }));
      } else send(res, 500, { error: { message: 'injected server error', type: 'server_error' } });
      return;
    }
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      send(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const respondent = respondentFor(body.model);
    if (!respondent) {
      send(res, 404, { error: { message: `unknown simulated model "${String(body.model)}" (use a size such as 7b)`, type: 'not_found_error' } });
      return;
    }
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const user = textOf(messages.filter((m) => m.role === 'user').at(-1)?.content);
    const system = path === '/v1/messages' ? textOf(body.system) : textOf(messages.find((m) => m.role === 'system')?.content);
    const openai = path === '/v1/chat/completions';
    const request: CompletionRequest = {
      user,
      ...(system ? { system } : {}),
      temperature: typeof body.temperature === 'number' ? body.temperature : 1,
      maxTokens: typeof body.max_tokens === 'number' ? body.max_tokens : 16,
      samples: openai && typeof body.n === 'number' ? body.n : 1,
      logprobs: openai && body.logprobs === true,
    };
    const seed = typeof body.seed === 'number' ? body.seed : counter++;
    const result = simComplete(respondent, options.template, request, seed);
    if (result.kind === 'error') {
      send(res, 400, { type: 'error', error: { message: result.message, type: 'invalid_request_error' } });
      return;
    }
    if (openai) {
      send(res, 200, {
        id: `chatcmpl-sim-${seed}`,
        object: 'chat.completion',
        created: 0,
        model: String(body.model),
        choices: result.choices.map((c, index) => ({
          index,
          finish_reason: 'stop',
          message: { role: 'assistant', content: c.text, refusal: null },
          logprobs: c.firstTokenLogprobs
            ? { refusal: null, content: [{ token: c.text, logprob: c.firstTokenLogprobs[0]?.logprob ?? 0, bytes: null, top_logprobs: c.firstTokenLogprobs.map((t) => ({ token: t.token, logprob: t.logprob, bytes: null })) }] }
            : null,
        })),
        usage: { prompt_tokens: result.usage.inputTokens, completion_tokens: result.usage.outputTokens, total_tokens: result.usage.inputTokens + result.usage.outputTokens },
      });
      return;
    }
    send(res, 200, {
      id: `msg_sim_${seed}`,
      type: 'message',
      role: 'assistant',
      model: String(body.model),
      content: [{ type: 'text', text: result.choices[0]?.text ?? '' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: result.usage.inputTokens, output_tokens: result.usage.outputTokens },
    });
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A real HTTP server on 127.0.0.1 that answers from a script: each request takes the next entry
 * (status, headers, JSON body or raw text) or, for `hang`, is held open until the server closes, or,
 * for `drop`, has its connection destroyed. Every request is logged (method, path, headers, raw and
 * parsed body) so tests can see exactly what the SDK sent over the wire. An exhausted script answers
 * 500. Tests wait on `received(n)` (an event), never on time.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferred } from './wait-for.js';

/** One scripted answer: a response, a request held open until close, or a dropped connection. */
export type ScriptEntry = { status: number; body: unknown; headers?: Record<string, string> } | 'hang' | 'drop';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body as received (UTF-8). */
  readonly raw: string;
  /** The body parsed as JSON, or {} when empty or not JSON. */
  readonly body: Record<string, unknown>;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: LoggedRequest[];
  /** Appends entries to the script. */
  push(...entries: ScriptEntry[]): void;
  /** Resolves when the n-th request (1-based) has arrived. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    const value = JSON.parse(raw) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function startScriptedServer(script: ScriptEntry[]): Promise<ScriptedServer> {
  const queue = [...script];
  const requests: LoggedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body: parseJson(raw) });
      for (const w of waiters.filter((x) => requests.length >= x.n)) w.resolve();
      const entry = queue.shift() ?? { status: 500, body: { error: { message: 'script exhausted' } } };
      if (entry === 'drop') {
        req.socket.destroy(); // the connection dies mid-request
        return;
      }
      if (entry === 'hang') {
        held.push(res);
        return;
      }
      res.writeHead(entry.status, { 'content-type': 'application/json', ...(entry.headers ?? {}) });
      res.end(typeof entry.body === 'string' ? entry.body : JSON.stringify(entry.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    push(...entries) {
      queue.push(...entries);
    },
    received(n) {
      if (requests.length >= n) return Promise.resolve();
      const d = deferred();
      waiters.push({ n, resolve: d.resolve });
      return d.promise;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A minimal OpenAI chat-completion body. */
export function openAIBody(texts: string[], usage = { prompt_tokens: 40, completion_tokens: 1 }) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model: 'test',
    choices: texts.map((text, index) => ({ index, finish_reason: 'stop', logprobs: null as unknown, message: { role: 'assistant', content: text as string | null, refusal: null as string | null } })),
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

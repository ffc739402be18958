/**
 * A real HTTP server on 127.0.0.1 that answers from a script: each request takes the next entry
 * (status, headers, JSON body) or, for `hang`, is held open until the server closes. Every request
 * is logged (path, headers, body) so tests can see exactly what the SDK sent over the wire.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferred } from './wait-for.js';

export type ScriptEntry = { status: number; body: unknown; headers?: Record<string, string> } | 'hang' | 'drop';

export interface LoggedRequest {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: LoggedRequest[];
  /** Resolves when the n-th request (1-based) has arrived. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startScriptedServer(script: ScriptEntry[]): Promise<ScriptedServer> {
  const requests: LoggedRequest[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} });
      for (const w of waiters.filter((x) => requests.length >= x.n)) w.resolve();
      const entry = script.shift() ?? { status: 500, body: { error: { message: 'script exhausted' } } };
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
    choices: texts.map((text, index) => ({ index, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: text, refusal: null } })),
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

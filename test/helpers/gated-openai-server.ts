/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 for end-to-end runs: it answers the
 * first `openFor` requests, then holds every further request open until `release()`; it logs the
 * number of samples (`n`) each request asked for, so tests can prove nothing is asked twice.
 * Answers alternate deterministically between "A", "B" and a refusal, by prompt content.
 * `arrived(n)` resolves when the n-th request has arrived (answered or held): an event to wait on.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deferred } from './wait-for.js';

export interface GatedServer {
  readonly url: string;
  readonly requests: { user: string; n: number }[];
  /** Resolves once `n` requests have arrived, answered or held. */
  arrived(n: number): Promise<void>;
  /**
   * Opens the gate. `drop` (default) destroys the requests held so far (their client is gone: killed);
   * `answer` answers them, for a client that is still alive and waiting.
   */
  release(held?: 'drop' | 'answer'): void;
  close(): Promise<void>;
}

function answerFor(user: string, k: number): string {
  let h = 0;
  for (let i = 0; i < user.length; i++) h = (h * 31 + user.charCodeAt(i)) >>> 0;
  const r = (h + k * 7) % 10;
  return r < 5 ? 'A' : r < 9 ? 'B' : "I'd rather not choose.";
}

export async function startGatedServer(openFor: number): Promise<GatedServer> {
  const gate = deferred();
  let released = false;
  const requests: { user: string; n: number }[] = [];
  const held = new Set<ServerResponse>();
  let arrivals = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      arrivals += 1;
      for (const w of waiters.filter((x) => arrivals >= x.n)) w.resolve();
      const parsed = JSON.parse(body) as { model: string; n?: number; messages: { role: string; content: string }[] };
      const user = parsed.messages.find((m) => m.role === 'user')?.content ?? '';
      const n = parsed.n ?? 1;
      const respond = () => {
        requests.push({ user, n });
        const choices = Array.from({ length: n }, (_, k) => ({ index: k, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: answerFor(user, k), refusal: null } }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 0, model: parsed.model, choices, usage: { prompt_tokens: 50, completion_tokens: n, total_tokens: 50 + n } }));
      };
      if (released || requests.length < openFor) respond();
      else {
        held.add(res);
        void gate.promise.then(() => {
          if (held.delete(res) && !res.destroyed) respond();
        });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    arrived(n) {
      if (arrivals >= n) return Promise.resolve();
      const d = deferred();
      waiters.push({ n, resolve: d.resolve });
      return d.promise;
    },
    release(mode = 'drop') {
      if (mode === 'drop') {
        // Requests held so far belong to a client that is gone (killed); drop them unanswered.
        for (const res of held) res.destroy();
        held.clear();
      }
      released = true;
      gate.resolve();
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

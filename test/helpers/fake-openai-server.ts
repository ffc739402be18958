/**
 * A fake OpenAI chat-completions server: a scripted HTTP server on 127.0.0.1:0 (scripted-server.ts)
 * plus builders for the official wire shapes — completions with `n` choices, first-token
 * `logprobs.content[].top_logprobs`, usage, and `{error: {message, type, code}}` error bodies.
 */
import { openAIBody, type ScriptEntry, type ScriptedServer, startScriptedServer } from './scripted-server.js';

export { openAIBody };

export interface FakeOpenAIServer extends ScriptedServer {
  /** The base URL to hand the SDK (`<url>/v1`). */
  readonly baseURL: string;
}

/** Starts a fake OpenAI server answering `script` in order. */
export async function startFakeOpenAIServer(script: ScriptEntry[] = []): Promise<FakeOpenAIServer> {
  const server = await startScriptedServer(script);
  return Object.assign(server, { baseURL: `${server.url}/v1` });
}

/** A 200 answer with one choice per text. */
export function openAIOk(texts: string[], usage = { prompt_tokens: 40, completion_tokens: 1 }): ScriptEntry {
  return { status: 200, body: openAIBody(texts, usage) };
}

/**
 * A 200 answer in log-probability mode: `positions` are the generated tokens, each with its top
 * alternatives `[token, logprob]` in the official `logprobs.content` shape.
 */
export function openAILogprobs(positions: { token: string; top: [string, number][] }[]): ScriptEntry {
  const body = openAIBody([positions.map((p) => p.token).join('')]);
  body.choices[0]!.logprobs = {
    refusal: null,
    content: positions.map((p) => ({
      token: p.token,
      logprob: p.top.find(([t]) => t === p.token)?.[1] ?? -1,
      bytes: null,
      top_logprobs: p.top.map(([token, logprob]) => ({ token, logprob, bytes: null })),
    })),
  };
  return { status: 200, body };
}

/** An OpenAI-style error response. */
export function openAIError(status: number, message: string, extra: { type?: string; code?: string; headers?: Record<string, string> } = {}): ScriptEntry {
  return { status, body: { error: { message, type: extra.type ?? 'invalid_request_error', param: null, code: extra.code ?? null } }, ...(extra.headers ? { headers: extra.headers } : {}) };
}

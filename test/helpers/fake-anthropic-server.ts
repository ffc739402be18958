/**
 * A fake Anthropic Messages server: a scripted HTTP server on 127.0.0.1:0 (scripted-server.ts) plus
 * builders for the official wire shapes — a `message` with text content blocks and usage, and
 * `{type: 'error', error: {type, message}}` error bodies (529 `overloaded_error` included).
 */
import { type ScriptEntry, type ScriptedServer, startScriptedServer } from './scripted-server.js';

/** Starts a fake Anthropic server answering `script` in order; hand the SDK `server.url` as baseURL. */
export function startFakeAnthropicServer(script: ScriptEntry[] = []): Promise<ScriptedServer> {
  return startScriptedServer(script);
}

/** A 200 `message` whose content is one text block per string. */
export function anthropicOk(texts: string[], usage = { input_tokens: 30, output_tokens: 1 }): ScriptEntry {
  return {
    status: 200,
    body: { id: 'msg_test', type: 'message', role: 'assistant', model: 'claude-test', content: texts.map((text) => ({ type: 'text', text })), stop_reason: 'end_turn', stop_sequence: null, usage },
  };
}

/** An Anthropic-style error response. */
export function anthropicError(status: number, type: string, message: string, headers?: Record<string, string>): ScriptEntry {
  return { status, body: { type: 'error', error: { type, message } }, ...(headers ? { headers } : {}) };
}

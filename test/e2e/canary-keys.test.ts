/**
 * Keys never reach disk (CONTRIBUTING.md rule 8), end to end through the CLI, the real `openai` SDK
 * and HTTP on 127.0.0.1: a key in OPENAI_API_KEY, one in the base URL's query string and one in its
 * userinfo. The server echoes each of them with one character cut off — in 500 error bodies (retried),
 * in answers (stored raw, some unparseable so the report quotes them) and in a 400 that ends a run.
 * Afterwards no substring longer than 8 characters of any key is in stdout, stderr, any file of the
 * run folders (run.json, records.jsonl, status.json, …) or any report.
 *
 * Through the batch APIs too: a proxy in front of sim-server echoes the keys it received into batch
 * results (answers and per-request errors); afterwards no key is in the batch input files the
 * server received, the journal, status.json, records, reports or the terminal.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimServer, startSimServer } from '../../src/providers/sim-server.js';
import { loadTemplate } from '../../src/store/index.js';
import { runCli, tempCwd } from '../helpers/run-cli.js';
import { openAIBody } from '../helpers/scripted-server.js';

const SMALL = resolve(import.meta.dirname, '../fixtures/small-outcomes.json');
// 30 characters each, sharing no substring longer than 2 characters with each other.
const ENV_KEY = 'sk-envK7Hq2Lw9Zp4Xc6Vb1Nm3Rt5Y';
const QUERY_KEY = 'qkQ8gTd5Jf2Ks7Pa4Wu1Ex9Oi6Ul3H';
const USER_KEY = 'pwU0zAeBrCyDnEmFjGkIoLsMxNvQaZ';
const KEYS = [ENV_KEY, QUERY_KEY, USER_KEY];

/**
 * What a careless server echoes: every credential the request carried (bearer token, `api-key`
 * query value, Basic password), each with one character cut off, at alternating ends.
 */
function echoOf(req: IncomingMessage): string {
  const authorization = String(req.headers.authorization ?? '');
  const received = [
    authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : undefined,
    authorization.startsWith('Basic ') ? Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8').split(':')[1] : undefined,
    new URL(req.url ?? '/', 'http://x').searchParams.get('api-key') ?? undefined,
  ];
  return received
    .filter((k): k is string => k !== undefined && k.length > 8)
    .map((k, i) => (i % 2 === 0 ? k.slice(0, -1) : k.slice(1)))
    .join(' / ');
}

/** The longest substring of `secret` that occurs in `text` (0 when none). */
function longestLeak(text: string, secret: string): number {
  for (let length = secret.length; length > 0; length--) {
    for (let start = 0; start + length <= secret.length; start++) if (text.includes(secret.slice(start, start + length))) return length;
  }
  return 0;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * An OpenAI-compatible server that leaks: every 4th request a 500 whose message echoes the keys it
 * received; answers that are A or B, or (every 3rd) an unparseable sentence echoing them;
 * `mode: 'reject'` answers 400 with them instead. Records what it received (paths and authorization headers).
 */
async function startLeakyServer(mode: 'answer' | 'reject'): Promise<{ url: string; seen: { path: string; authorization: string }[]; close(): Promise<void> }> {
  let count = 0;
  const seen: { path: string; authorization: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      seen.push({ path: req.url ?? '', authorization: String(req.headers.authorization ?? '') });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { n?: number };
      const echo = echoOf(req);
      res.setHeader('content-type', 'application/json');
      if (mode === 'reject' || count % 4 === 0) {
        res.statusCode = mode === 'reject' ? 400 : 500;
        res.end(JSON.stringify({ error: { message: `upstream rejected key ${echo}`, type: 'invalid_request_error', param: null, code: null } }));
        return;
      }
      const texts = Array.from({ length: body.n ?? 1 }, (_, k) => ((count + k) % 3 === 0 ? `I will not pick. My keys are ${echo}.` : (count + k) % 2 ? 'A' : 'B'));
      res.end(JSON.stringify(openAIBody(texts)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('canary keys', () => {
  it('no substring longer than 8 characters of any configured key reaches stdout, stderr, run folders or reports', async () => {
    const answering = await startLeakyServer('answer');
    const rejecting = await startLeakyServer('reject');
    servers.push(answering, rejecting);
    const cwd = tempCwd();
    const env = { OPENAI_API_KEY: ENV_KEY, UTILSCOPE_RETRY_BASE_MS: '1' };
    const common = ['--outcomes', SMALL, '--samples', '2', '--pairs', '14', '--concurrency', '2'];
    // 1. A whole run whose base URL carries a key in its query string; answers and errors echo every key.
    const complete = await runCli(['run', '--model', 'openai:gpt-4o-mini', '--base-url', `http://${answering.url}/v1?api-key=${QUERY_KEY}`, ...common, '--name', 'query'], { cwd, env });
    // 2. A run whose base URL carries a key as userinfo, ended by a 400 that echoes every key.
    const rejected = await runCli(['run', '--model', 'openai:gpt-4o-mini', '--base-url', `http://user:${USER_KEY}@${rejecting.url}/v1`, ...common, '--name', 'userinfo'], { cwd, env });
    // 3. The same 400 through a base URL with the key in its query string.
    const rejectedQuery = await runCli(['run', '--model', 'openai:gpt-4o-mini', '--base-url', `http://${rejecting.url}/v1?api-key=${QUERY_KEY}`, ...common, '--name', 'query-400'], { cwd, env });

    expect(complete.code, complete.stderr).toBe(0);
    for (const r of [rejected, rejectedQuery]) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/request rejected \(400\)/);
    }
    const outputs: [string, string][] = [
      ['stdout+stderr', [complete, rejected, rejectedQuery].map((r) => r.stdout + r.stderr).join('\n')],
      ...filesUnder(cwd).map((file): [string, string] => [file, readFileSync(file, 'utf8')]),
    ];
    expect(outputs.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/query\/run\.json$/),
        expect.stringMatching(/query\/records\.jsonl$/),
        expect.stringMatching(/query\/status\.json$/),
        expect.stringMatching(/query\.html$/),
      ]),
    );
    const leaks = outputs.flatMap(([name, text]) => KEYS.map((key) => ({ name, key: key.slice(0, 6), leaked: longestLeak(text, key) }))).filter((l) => l.leaked > 8);
    expect(leaks).toEqual([]);
    // The answers that echoed the keys were stored (redacted), and the report quotes them.
    const records = readFileSync(join(cwd, 'outputs', 'query', 'records.jsonl'), 'utf8');
    expect(records).toContain('[redacted]');
    expect(readFileSync(join(cwd, 'reports', 'query.html'), 'utf8')).toContain('My keys are [redacted]');
  });

  it('the live request still carries the secrets of this session’s base URL, and run.json keeps only its public part', async () => {
    const server = await startLeakyServer('answer');
    servers.push(server);
    const cwd = tempCwd();
    const r = await runCli(
      ['run', '--model', 'openai:gpt-4o-mini', '--base-url', `http://user:${USER_KEY}@${server.url}/v1?api-key=${QUERY_KEY}`, '--outcomes', SMALL, '--samples', '1', '--pairs', '12', '--name', 'live'],
      {
        cwd,
        env: { UTILSCOPE_RETRY_BASE_MS: '1' },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.seen.length).toBeGreaterThan(0);
    for (const request of server.seen) {
      expect(request.path).toBe(`/v1/chat/completions?api-key=${QUERY_KEY}`);
      expect(request.authorization).toBe(`Basic ${Buffer.from(`user:${USER_KEY}`).toString('base64')}`);
    }
    const manifest = JSON.parse(readFileSync(join(cwd, 'outputs', 'live', 'run.json'), 'utf8')) as { spec: { baseUrl?: string } };
    expect(manifest.spec.baseUrl).toBe(`http://${server.url}/v1`);
    // Resuming needs the secret again, and the run says so.
    expect(r.stderr).toMatch(/pass --base-url again/);
  });
});

/**
 * A proxy in front of sim-server that leaks through batch results: in every downloaded results file
 * (OpenAI's output files, Anthropic's results), every third answer becomes a sentence echoing the
 * keys the download carried, and every fourth request a per-request error echoing them.
 */
async function startLeakyBatchProxy(target: RunningSimServer): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const upstream = await fetch(`${target.url}${req.url}`, { method: req.method ?? 'GET', headers, ...(body && req.method !== 'GET' ? { body } : {}) });
      let text = await upstream.text();
      const host = `http://${req.headers.host}`;
      text = text.replaceAll(target.url, host);
      const echo = [echoOf(req), typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'].slice(1) : ''].filter((e) => e.length > 8).join(' / ');
      if (/\/content$|\/results$/.test((req.url ?? '').split('?')[0] ?? '')) {
        text = text
          .split('\n')
          .map((line, k) => {
            if (line.trim() === '') return line;
            const parsed = JSON.parse(line) as Record<string, unknown>;
            if (k % 4 === 3) {
              if ('result' in parsed)
                return JSON.stringify({ custom_id: parsed['custom_id'], result: { type: 'errored', error: { type: 'error', error: { type: 'api_error', message: `upstream saw ${echo}` } } } });
              return JSON.stringify({ ...parsed, response: { status_code: 500, request_id: 'r', body: { error: { message: `upstream saw ${echo}`, type: 'server_error' } } } });
            }
            if (k % 3 === 2) return line.replace(/"(content|text)":"[^"]*"/g, `"$1":"I will not pick. My keys are ${echo}."`);
            return line;
          })
          .join('\n');
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('canary keys through batches', () => {
  it('no key reaches the batch input files, the journal, status.json, records, reports or the terminal, though results echo them', async () => {
    const sim = await startSimServer({ port: 0, template: loadTemplate(), batches: {} });
    const proxy = await startLeakyBatchProxy(sim);
    servers.push(proxy, sim);
    const cwd = tempCwd();
    const common = ['--batch', '--poll-interval', '0', '--outcomes', SMALL, '--samples', '2', '--pairs', '14'];
    const openai = await runCli(['run', '--model', 'openai:7b', '--base-url', `http://${proxy.url}/v1?api-key=${QUERY_KEY}`, ...common, '--name', 'oa'], {
      cwd,
      env: { OPENAI_API_KEY: ENV_KEY, UTILSCOPE_RETRY_BASE_MS: '1' },
    });
    const anthropic = await runCli(['run', '--model', 'anthropic:7b', '--base-url', `http://user:${USER_KEY}@${proxy.url}`, ...common, '--name', 'an'], {
      cwd,
      env: { ANTHROPIC_API_KEY: ENV_KEY, UTILSCOPE_RETRY_BASE_MS: '1' },
    });
    expect(openai.code, openai.stderr).toBe(0);
    expect(anthropic.code, anthropic.stderr).toBe(0);
    const outputs: [string, string][] = [
      ['stdout+stderr', [openai, anthropic].map((r) => r.stdout + r.stderr).join('\n')],
      ...filesUnder(cwd).map((file): [string, string] => [file, readFileSync(file, 'utf8')]),
      ...[...sim.batches.uploads().entries()].map(([id, text]): [string, string] => [`upload ${id}`, text]),
    ];
    expect(outputs.map(([name]) => name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/oa\/journal\.jsonl$/), expect.stringMatching(/an\/journal\.jsonl$/), expect.stringMatching(/^upload /)]),
    );
    const leaks = outputs.flatMap(([name, text]) => KEYS.map((key) => ({ name, key: key.slice(0, 6), leaked: longestLeak(text, key) }))).filter((l) => l.leaked > 8);
    expect(leaks).toEqual([]);
    // The echoing answers were stored, redacted, and the per-request errors asked again.
    for (const run of ['oa', 'an']) expect(readFileSync(join(cwd, 'outputs', run, 'records.jsonl'), 'utf8')).toContain('My keys are [redacted]');
    expect(readFileSync(join(cwd, 'outputs', 'oa', 'records.jsonl'), 'utf8')).toContain('upstream saw [redacted]');
  });
});

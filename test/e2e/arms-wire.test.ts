/**
 * A study with arms end to end over the wire: the built CLI against sim-server on 127.0.0.1, two
 * models × four arms through the real `openai` SDK (chat arms on /v1/chat/completions, the
 * completion-format arm on /v1/completions), killed hard mid-study and run again, then the chat
 * arms through the real Anthropic SDK. Every planned comparison ends answered exactly once in its
 * arm's folder, and the study writes persona.json and the persona report.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimServer, startSimServer } from '../../src/providers/index.js';
import { builtinTemplateNames, loadOutcomeSet, loadTemplate } from '../../src/store/index.js';
import { readJsonl } from '../helpers/ports-and-files.js';
import { waitForExit, waitForLines } from '../helpers/wait-for.js';

const BIN = resolve(import.meta.dirname, '../../bin/utilscope.js');
const ARMS = ['default', 'retest', 'fictional-ai', 'transcript'];

let server: RunningSimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = await waitForExit(child);
  return { code: exit.code, stderr };
}

function studyFile(cwd: string, name: string, models: string[], arms: string[], url: string): string {
  const path = join(cwd, `${name}.json`);
  const protocol = { samples: 2, pairs: 100, holdout: 10, seed: 1, concurrency: 1 };
  writeFileSync(path, JSON.stringify({ name, outcomes: 'starter', protocol, arms, models: models.map((spec) => ({ spec, baseUrl: url })) }));
  return path;
}

/** Every planned key answered exactly once in each arm folder of `modelDir`. */
function expectAnsweredOnce(modelDir: string, arms: readonly string[]): void {
  for (const arm of arms) {
    const planned = readJsonl(join(modelDir, arm, 'plan.jsonl')).flatMap((p) => (p['comparisons'] as { key: string }[]).map((c) => c.key));
    const keys = readJsonl(join(modelDir, arm, 'records.jsonl'))
      .filter((r) => r['kind'] === 'answer')
      .map((r) => r['key'] as string);
    expect(new Set(keys).size, arm).toBe(keys.length);
    expect([...keys].sort(), arm).toEqual([...planned].sort());
  }
}

describe('a study with arms over the wire', () => {
  it('runs 2 models × 4 arms through the OpenAI SDK, resumes after a kill, then the chat arms through the Anthropic SDK', { timeout: 240_000 }, async () => {
    server = await startSimServer({ port: 0, template: loadTemplate(), templates: builtinTemplateNames().map((n) => loadTemplate(n)), outcomes: loadOutcomeSet('starter').set.outcomes, seed: 0 });
    const cwd = mkdtempSync(join(tmpdir(), 'utilscope-arms-'));
    const env = { ...process.env, OPENAI_API_KEY: 'sk-test-not-a-real-key', ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key', NO_COLOR: '1' };
    const openai = studyFile(cwd, 'wire', ['vllm:0.5b', 'vllm:7b'], ARMS, `${server.url}/v1`);

    const first = spawn(process.execPath, [BIN, 'study', openai], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLines(join(cwd, 'outputs', 'wire', 'vllm-0.5b', 'retest', 'records.jsonl'), 20, 120_000);
    first.kill('SIGKILL');
    await waitForExit(first);
    expect(existsSync(join(cwd, 'outputs', 'wire', 'vllm-7b'))).toBe(false);

    const again = await cli(['study', openai], cwd, env);
    expect(again.code, again.stderr).toBe(0);
    for (const model of ['vllm-0.5b', 'vllm-7b']) expectAnsweredOnce(join(cwd, 'outputs', 'wire', model), ARMS);
    // The completion-format arm went to /v1/completions: sim-server's text completions start with the space after "Answer:".
    const transcript = readJsonl(join(cwd, 'outputs', 'wire', 'vllm-7b', 'transcript', 'records.jsonl')).filter((r) => r['kind'] === 'answer');
    expect(transcript.every((r) => (r['raw'] as string).startsWith(' '))).toBe(true);
    const chat = readJsonl(join(cwd, 'outputs', 'wire', 'vllm-7b', 'fictional-ai', 'records.jsonl')).filter((r) => r['kind'] === 'answer');
    expect(chat.some((r) => (r['raw'] as string).startsWith(' '))).toBe(false);
    const persona = JSON.parse(readFileSync(join(cwd, 'outputs', 'wire', 'persona.json'), 'utf8')) as { models: { label: string; arms: { id: string }[] }[] };
    expect(persona.models.map((m) => m.label)).toEqual(['vllm:0.5b', 'vllm:7b']);
    expect(persona.models[0]?.arms.map((a) => a.id)).toEqual(ARMS);
    expect(existsSync(join(cwd, 'reports', 'wire-persona.html'))).toBe(true);

    // Anthropic has no text-completions endpoint: the completion arm is refused in one line before anything is asked.
    const refused = await cli(['study', studyFile(cwd, 'claude-all', ['anthropic:3b'], ARMS, server.url)], cwd, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^utilscope: arm "transcript" uses the completion format, but anthropic:3b is an Anthropic model.*\(--arm\)$/);
    expect(existsSync(join(cwd, 'outputs', 'claude-all'))).toBe(false);

    // The label variant asks with 1 and 2: sim-server answers with the labels it is shown, and the pipeline reads them.
    const chatArms = ['default', 'retest', 'fictional-ai', 'labels-numbers'];
    const claude = await cli(['study', studyFile(cwd, 'claude', ['anthropic:3b', 'anthropic:14b'], chatArms, server.url)], cwd, env);
    expect(claude.code, claude.stderr).toBe(0);
    for (const model of ['anthropic-3b', 'anthropic-14b']) expectAnsweredOnce(join(cwd, 'outputs', 'claude', model), chatArms);
    expect(existsSync(join(cwd, 'outputs', 'claude', 'persona.json'))).toBe(true);
    const numbered = readJsonl(join(cwd, 'outputs', 'claude', 'anthropic-14b', 'labels-numbers', 'records.jsonl')).filter((r) => r['kind'] === 'answer');
    expect(numbered.some((r) => /\b[12]\b/.test(r['raw'] as string))).toBe(true);
    expect(numbered.some((r) => /\b[AB]\b/.test(r['raw'] as string))).toBe(false);
    const read = numbered.filter((r) => r['choice'] === 'a' || r['choice'] === 'b').length;
    // Only the respondent's refusals and garbage (under 10% at 14B) go unread.
    expect(read / numbered.length).toBeGreaterThan(0.9);
  });
});

/**
 * `utilscope sim-server --port N`: simulated respondents over HTTP in the OpenAI and Anthropic wire
 * formats, interactive and batch, so the real SDK paths can be exercised end to end with no key.
 * Runs until cancelled.
 */
import { resolve } from 'node:path';
import { UtilscopeError } from '../core/errors.js';
import { parseIntOption, parseNumberOption } from '../core/options.js';
import { startSimServer } from '../providers/index.js';
import { builtinOutcomeSetNames, builtinTemplateNames, loadOutcomeSet, loadTemplate } from '../store/index.js';
import type { PipelineEnv } from './env.js';

/** Options of `sim-server` as given on the command line. */
export interface SimServerCommandOptions {
  readonly port?: string | number;
  readonly host?: string;
  readonly seed?: string | number;
  readonly failRate?: string | number;
  /** The poll on which a batch ends (default 2). */
  readonly batchPolls?: string | number;
  /** Share of batch requests failing with a per-request error the first time they are seen. */
  readonly batchErrorRate?: string | number;
  /** The first this-many batches expire with half their requests run. */
  readonly batchExpire?: string | number;
  /** Folder keeping the batch state across restarts. */
  readonly stateDir?: string;
}

/** Serves simulated respondents until `env.signal` aborts. */
export async function serveSimulatedRespondents(options: SimServerCommandOptions, env: Pick<PipelineEnv, 'out' | 'signal' | 'cwd'>): Promise<void> {
  const port = parseIntOption(options.port, '--port', 0, 8787);
  const seed = parseIntOption(options.seed, '--seed', 0, 0);
  const failRate = parseNumberOption(options.failRate, '--fail-rate', 0) ?? 0;
  if (failRate >= 1) throw new UtilscopeError('invalid-option', '--fail-rate must be below 1', { field: '--fail-rate' });
  const pollsToEnd = parseIntOption(options.batchPolls, '--batch-polls', 1, 2);
  const errorRate = parseNumberOption(options.batchErrorRate, '--batch-error-rate', 0) ?? 0;
  if (errorRate >= 1) throw new UtilscopeError('invalid-option', '--batch-error-rate must be below 1', { field: '--batch-error-rate' });
  const expire = parseIntOption(options.batchExpire, '--batch-expire', 0, 0);
  // Every built-in outcome's signed values and ladder rungs shape the planted utilities; other texts get a seeded one.
  const outcomes = builtinOutcomeSetNames().flatMap((name) => loadOutcomeSet(name).set.outcomes);
  const server = await startSimServer({
    port,
    host: options.host ?? '127.0.0.1',
    seed,
    template: loadTemplate(),
    templates: builtinTemplateNames().map((name) => loadTemplate(name)),
    outcomes,
    failRate,
    batches: { pollsToEnd, errorRate, expire, ...(options.stateDir !== undefined ? { stateDir: resolve(env.cwd, options.stateDir) } : {}) },
  });
  env.out.write(
    `sim-server listening on ${server.url}\n  OpenAI:    ${server.url}/v1/chat/completions and /v1/completions  (e.g. utilscope run --model vllm:7b --base-url ${server.url}/v1)\n  Anthropic: ${server.url}/v1/messages\n  batches:   ${server.url}/v1/batches and ${server.url}/v1/messages/batches  (e.g. utilscope run --batch --model openai:7b --base-url ${server.url}/v1)\nmodel names are simulated sizes such as 0.5b or 7b; Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolveWait) => {
    if (env.signal.aborted) resolveWait();
    env.signal.addEventListener('abort', () => resolveWait(), { once: true });
  });
  await server.close();
}

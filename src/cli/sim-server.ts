/**
 * `utilscope sim-server --port N`: simulated respondents over HTTP in the OpenAI and Anthropic wire
 * formats, so the real SDK paths can be exercised end to end with no key. Runs until Ctrl-C.
 */
import { startSimServer } from '../providers/index.js';
import { builtinOutcomeSetNames, loadOutcomeSet, loadTemplate } from '../store/index.js';
import { UtilscopeError } from '../core/errors.js';
import { parseIntOption, parseNumberOption } from './run-options.js';
import { EXIT, type CliIo } from './io.js';

export async function startSimServerCommand(flags: { port: string; host: string; seed: string; failRate?: string }, io: CliIo): Promise<number> {
  const port = parseIntOption(flags.port, '--port', 0, 8787);
  const seed = parseIntOption(flags.seed, '--seed', 0, 0);
  const failRate = parseNumberOption(flags.failRate, '--fail-rate', 0) ?? 0;
  if (failRate >= 1) throw new UtilscopeError('invalid-option', '--fail-rate must be below 1', { field: '--fail-rate' });
  // Every built-in outcome's signed values and ladder rungs shape the planted utilities; other texts get a seeded one.
  const outcomes = builtinOutcomeSetNames().flatMap((name) => loadOutcomeSet(name).set.outcomes);
  const server = await startSimServer({ port, host: flags.host, seed, template: loadTemplate(), outcomes, failRate });
  io.stdout.write(
    `sim-server listening on ${server.url}\n  OpenAI:    ${server.url}/v1/chat/completions  (e.g. utilscope run --model vllm:7b --base-url ${server.url}/v1)\n  Anthropic: ${server.url}/v1/messages\nmodel names are simulated sizes such as 0.5b or 7b; Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolveWait) => {
    if (io.signal?.aborted) resolveWait();
    io.signal?.addEventListener('abort', () => resolveWait(), { once: true });
  });
  await server.close();
  return EXIT.ok;
}

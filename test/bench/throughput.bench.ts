/**
 * Elicitation throughput (issue "Real model providers"): a full run through the real `openai` SDK
 * against sim-server on 127.0.0.1 (zero latency) at concurrency 64, one sample per request so every
 * answer is one HTTP request; and the pipeline's own time per request with the in-process
 * simulated provider (no HTTP), which bounds what utilscope adds to each call.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { startSimServer } from '../../src/providers/sim-server.js';
import { loadTemplate } from '../../src/store/load-inputs.js';

async function timedRun(args: string[], env: Record<string, string>): Promise<{ seconds: number; answers: number }> {
  const cwd = mkdtempSync(join(tmpdir(), 'utilscope-bench-'));
  const quiet = { write: () => true };
  const started = performance.now();
  const code = await main([...args, '--name', 'bench', '--no-report'], { env, stdout: quiet, stderr: quiet, cwd, signal: new AbortController().signal });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`run failed with exit code ${code}`);
  const answers = readFileSync(join(cwd, 'outputs', 'bench', 'records.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean).length;
  return { seconds, answers };
}

export default async function benchThroughput(): Promise<void> {
  const server = await startSimServer({ port: 0, template: loadTemplate() });
  try {
    const http = await timedRun(['run', '--model', 'vllm:7b', '--base-url', `${server.url}/v1`, '--outcomes', 'starter', '--samples', '1', '--concurrency', '64'], {});
    console.log(
      `HTTP (openai SDK → sim-server, concurrency 64, 1 sample per request): ${http.answers} requests in ${http.seconds.toFixed(2)} s = ${(http.answers / http.seconds).toFixed(0)} requests/s (includes planning and refits between rounds)`,
    );
  } finally {
    await server.close();
  }
  const local = await timedRun(['run', '--model', 'sim:7b', '--outcomes', 'starter', '--samples', '1', '--concurrency', '64'], {});
  console.log(
    `in-process simulated provider: ${local.answers} answers in ${local.seconds.toFixed(2)} s = ${((1000 * local.seconds) / local.answers).toFixed(3)} ms of pipeline time per request (planning, prompt rendering, parsing, appending, refits)`,
  );
}

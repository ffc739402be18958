/** Runs the CLI in-process with captured output (main() takes argv, env and streams as parameters). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function tempCwd(): string {
  return mkdtempSync(join(tmpdir(), 'utilscope-cli-'));
}

export async function runCli(
  argv: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; signal?: AbortSignal; experiments?: CliIo['experiments']; transport?: CliIo['transport']; fs?: CliIo['fs'] } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: options.env ?? {},
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd: options.cwd ?? tempCwd(),
    signal: options.signal ?? new AbortController().signal,
    ...(options.experiments ? { experiments: options.experiments } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.fs ? { fs: options.fs } : {}),
  });
  return { code, stdout, stderr };
}

/** Small shared pieces of the end-to-end tests: a port nothing listens on, and reading a JSONL file. */
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening (connections are refused). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Every non-empty line of a JSONL file, parsed. */
export function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Compiles a vega-lite spec with a logger that records every warning and error (`compile(spec, {logger})`). */
import { compile } from 'vega-lite';

export function compileWarnings(spec: Parameters<typeof compile>[0]): string[] {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...args: unknown[]) => void warnings.push(`error: ${args.join(' ')}`),
    warn: (...args: unknown[]) => void warnings.push(args.join(' ')),
    info: () => logger,
    debug: () => logger,
  };
  compile(spec, { logger: logger as never });
  return warnings;
}

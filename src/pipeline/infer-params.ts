/**
 * A model's parameter count from its spec when no study file says: `sim:7b` → 7e9, and names such
 * as `Qwen/Qwen2.5-0.5B-Instruct` or `llama3.2:3b` → 0.5e9, 3e9. Mixture-of-experts names
 * (`8x7B`) and unlabelled models give undefined rather than a guess.
 */
export function inferParams(modelSpec: string): number | undefined {
  const model = modelSpec.slice(modelSpec.indexOf(':') + 1);
  if (/\d+x\d/i.test(model)) return undefined;
  const matches = [...model.matchAll(/(?<![A-Za-z0-9.])(\d+(?:\.\d+)?)\s*([bm])(?![a-z])/gi)];
  const last = matches.at(-1);
  if (!last) return undefined;
  const value = Number(last[1]);
  const scale = (last[2] as string).toLowerCase() === 'm' ? 1e6 : 1e9;
  return value > 0 ? value * scale : undefined;
}

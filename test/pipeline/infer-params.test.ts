import { describe, expect, it } from 'vitest';
import { inferParams } from '../../src/pipeline/infer-params.js';

describe('inferParams', () => {
  it.each([
    ['sim:7b', 7e9],
    ['sim:0.5b', 5e8],
    ['vllm:Qwen/Qwen2.5-0.5B-Instruct', 5e8],
    ['ollama:llama3.2:3b', 3e9],
    ['together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', 7e10],
    ['vllm:HuggingFaceTB/SmolLM2-360M-Instruct', 3.6e8],
  ])('%s → %d', (spec, params) => {
    expect(inferParams(spec)).toBeCloseTo(params, -3);
  });

  it.each(['openai:gpt-4o-mini', 'anthropic:claude-3-5-haiku-latest', 'together:mistralai/Mixtral-8x7B-Instruct-v0.1'])('%s has no size in its name', (spec) => {
    expect(inferParams(spec)).toBeUndefined();
  });
});

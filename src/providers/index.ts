/** Front door of `providers`: model specs, the provider interface and every implementation. */
export * from './types.js';
export * from './registry.js';
export * from './model-spec.js';
export * from './sim.js';
export * from './classify-error.js';
export * from './redact.js';
export * from './base-url.js';
export * from './openai.js';
export * from './anthropic.js';
export * from './retry.js';
export * from './pricing.js';
export * from './create-provider.js';
export * from './sim-server.js';
export * from './transport.js';
export * from './batch-call.js';
export * from './openai-batch.js';
export * from './anthropic-batch.js';

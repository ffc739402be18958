/**
 * Sharing the values that repeat from line to line within one read of plan.jsonl or records.jsonl
 * (issue #21): outcome ids, orders, choices, short raw answers, error codes and token counts.
 * JSON.parse makes a fresh copy of each on every line — an outcome id of 40 characters twice per
 * record and twice per planned comparison — so a run read back took about twice the memory its
 * values need. Shared values are equal by content, so sharing changes nothing but memory. The pool
 * is bounded (short texts only, at most {@link MAX_SHARED} of them), so a file of ever-new texts
 * costs no more than not sharing.
 */
import type { TokenUsage } from '../core/types.js';

/** Texts longer than this are left as they are: long answers rarely repeat. */
const MAX_SHARED_LENGTH = 64;
/** Distinct texts (and distinct token counts) kept for sharing, at most. */
const MAX_SHARED = 1 << 16;

/** One pool of shared values, for one read. */
export interface ValueSharing {
  /** `value`, or an equal string read before. */
  text<T extends string>(value: T): T;
  /** `usage`, or an equal one read before. */
  usage(usage: TokenUsage): TokenUsage;
}

/** A new, empty pool. */
export function createValueSharing(): ValueSharing {
  const texts = new Map<string, string>();
  const usages = new Map<string, TokenUsage>();
  return {
    text<T extends string>(value: T): T {
      if (value.length > MAX_SHARED_LENGTH) return value;
      const seen = texts.get(value);
      if (seen !== undefined) return seen as T;
      if (texts.size < MAX_SHARED) texts.set(value, value);
      return value;
    },
    usage(usage) {
      const id = `${usage.inputTokens}/${usage.outputTokens}`;
      const seen = usages.get(id);
      if (seen !== undefined) return seen;
      if (usages.size < MAX_SHARED) usages.set(id, usage);
      return usage;
    },
  };
}

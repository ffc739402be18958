/**
 * Canonical JSON and content hashes. Two configs that mean the same thing serialise to the same
 * bytes (object keys sorted, no whitespace, `undefined` members dropped), so their hash is a stable
 * identity: the comparison `key` used to resume and never pay twice (docs/architecture.md §"The pipeline as data" (`Comparison`)).
 */
import { hash } from 'node:crypto';

/** JSON values that canonicalise (no functions, symbols, bigints or cycles). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };

/** Serialises with sorted keys and no whitespace; rejects non-finite numbers (they are not JSON). */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
      if (ArrayBuffer.isView(value)) return canonicalJson(Array.from(value as unknown as ArrayLike<number>));
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}

/** SHA-256 of the canonical JSON, hex, truncated to `length` characters (default 16 = 64 bits). */
export function hashCanonical(value: unknown, length = 16): string {
  return hashText(canonicalJson(value), length);
}

/** SHA-256 of a string (as UTF-8), hex, truncated to `length` characters. One-shot `crypto.hash`: no hasher object per call (an import hashes 100,000+ keys). */
export function hashText(text: string, length = 16): string {
  return hash('sha256', text, 'hex').slice(0, length);
}

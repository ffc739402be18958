/**
 * The one JSON codec of utilscope (docs/architecture.md §"Data formats"): typed arrays are written as
 * plain arrays and non-finite numbers as null, everywhere a value is persisted or embedded in a
 * report. Hashing uses the canonical form in canonical-json.ts instead, which rejects non-finite
 * numbers because an identity must never depend on a NaN.
 */

/** JSON.stringify replacer: typed arrays as arrays, non-finite numbers as null. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/** Serialises `value` with {@link jsonReplacer}; `indent` as for JSON.stringify. */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent) ?? 'null';
}

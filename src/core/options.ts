/**
 * Validating option values that arrive as strings (command-line flags) or numbers (study files):
 * each failure is a one-line `invalid-option` error naming the flag. Pure.
 */
import { quote, UtilscopeError } from './errors.js';

/** An option value as the CLI or a study file hands it over. */
export type RawOption = string | number | boolean | undefined;

/** An integer ≥ `min`, or `fallback` when absent. */
export function parseIntOption(value: RawOption, flag: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value === 'boolean' || !Number.isInteger(n) || n < min) throw new UtilscopeError('invalid-option', `${flag} must be an integer ≥ ${min}, got ${quote(value)}`, { field: flag });
  return n;
}

/** A finite number ≥ `min`, or undefined when absent. */
export function parseNumberOption(value: RawOption, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(n) || n < min) throw new UtilscopeError('invalid-option', `${flag} must be a number ≥ ${min}, got ${quote(value)}`, { field: flag });
  return n;
}

/** One of `allowed`, or `fallback` when absent. */
export function parseChoice<T extends string>(value: RawOption, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(String(value))) throw new UtilscopeError('invalid-option', `${flag} must be one of ${allowed.join(', ')}, got ${quote(value)}`, { field: flag });
  return value as T;
}

/** A duration given in seconds (> 0, fractions allowed), returned in milliseconds; undefined when absent. */
export function parseSecondsOption(value: RawOption, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(seconds) || seconds <= 0)
    throw new UtilscopeError('invalid-option', `${flag} must be a number of seconds > 0, got ${quote(value)}`, { field: flag });
  return seconds * 1000;
}

/** Seconds per unit of a {@link parseDurationOption} value. */
const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a duration option — seconds as a number (`90`), or a number with a unit `s`, `m`, `h` or
 * `d` (`30m`, `1.5h`, `2d`) — into milliseconds; 0 is allowed (`--max-wait 0`: do not wait at all).
 * `undefined` passes through. A one-line `invalid-option` error naming `flag` otherwise.
 */
export function parseDurationOption(value: RawOption, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match =
    typeof value === 'boolean'
      ? null
      : String(value)
          .trim()
          .match(/^(\d+(?:\.\d+)?)\s*([smhd]?)$/i);
  if (!match) throw new UtilscopeError('invalid-option', `${flag} must be a duration such as 90 (seconds), 30m, 2h or 1d, got ${quote(value)}`, { field: flag });
  return Number(match[1]) * (DURATION_UNITS[(match[2] || 's').toLowerCase()] as number) * 1000;
}

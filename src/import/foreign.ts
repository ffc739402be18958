/**
 * What an importer reads out of a foreign file (docs/architecture.md §"Importing preference data"),
 * before outcome ids are resolved: the answers as the file gives them, each naming its two outcomes
 * by the file's own reference (an id of its outcome list, or an id or text of the outcome set), which
 * was shown first, and what was chosen. Every importer returns this one shape; the shared builder
 * (imported-run.ts) turns it into an ordinary run folder. Pure data.
 */
import { type ErrorLocation, quote, UtilscopeError } from '../core/errors.js';
import type { UnrecordedField } from '../core/run-spec.js';

/** An outcome a file lists itself, under its own reference (emergent-values: the option's `id`). */
export interface ListedOutcome {
  readonly ref: string;
  readonly text: string;
  readonly where: ErrorLocation;
}

/**
 * What one answer said about outcomes `x` and `y`: a choice (`x`, `y`, a refusal or an answer
 * that named neither), a probability that `x` is preferred (from log-probabilities) standing for
 * `weight` answers, or no answer at all (the source recorded a request that returned nothing).
 */
export type ForeignResult =
  | { readonly kind: 'choice'; readonly chose: 'x' | 'y' | 'refusal' | 'unparseable' }
  | { readonly kind: 'probability'; readonly pX: number; readonly weight: number }
  | { readonly kind: 'failure'; readonly message: string };

/** One answer (or `count` identical ones) as the file records it. */
export interface ForeignAnswer {
  /** The file's references to the two outcomes. */
  readonly x: string;
  readonly y: string;
  /** `xy`: x was shown first (as "Option A"); `yx`: y was; `unknown`: the file does not say (pooled counts). */
  readonly shown: 'xy' | 'yx' | 'unknown';
  readonly result: ForeignResult;
  /** The model's text, when the file keeps it. */
  readonly raw?: string;
  /** The file's own sample index within (pair, order), when it gives one. */
  readonly sample?: number;
  /** Identical answers this entry stands for (count formats); 1 when absent. */
  readonly count?: number;
  /** Where the answer is in the file, for errors. */
  readonly where: ErrorLocation;
}

/** Everything an importer read from one file. */
export interface ForeignData {
  /** Outcomes the file lists under its own references; absent when answers name outcomes by id or text. */
  readonly listed?: readonly ListedOutcome[];
  readonly answers: readonly ForeignAnswer[];
  /** Pairs the source held out of its fit, by reference (emergent-values holdout edges). */
  readonly holdout: readonly (readonly [string, string])[];
  /** Triads asked as whole triads (the transitivity experiment), by reference; absent for pair data. */
  readonly triads?: readonly (readonly [string, string, string])[];
  /** The model the file says the answers are of, if it says. */
  readonly model?: string;
  /** What the format does not record. */
  readonly unrecorded: readonly UnrecordedField[];
  /** What of the file was not imported, by kind (e.g. `pseudo-labels`). */
  readonly dropped: Readonly<Record<string, number>>;
  /** Sampling settings the file records, if any. */
  readonly settings?: { readonly temperature?: number; readonly maxTokens?: number };
}

/** A one-line `import-invalid` error naming the file and the record. */
export function importError(message: string, where: ErrorLocation): UtilscopeError {
  return new UtilscopeError('import-invalid', message, where);
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value of the file in a message: numbers, booleans and null as written, anything else quoted (one line, controls escaped). */
export function valueText(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' || value === null ? String(value) : quote(typeof value === 'string' ? value : JSON.stringify(value));
}

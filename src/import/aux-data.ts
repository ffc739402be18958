/**
 * The answers of one pair of the published utility-engineering code ("emergent-values", Mazeika et
 * al. 2025), as its `process_responses` stores them in `aux_data` (docs/method.md §2.8). Read keys:
 *
 *   original_parsed, flipped_parsed       required: one parsed answer per sample, "A", "B" or
 *                                         "unparseable" (any case), per presentation order
 *   original_responses, flipped_responses optional: the raw texts, aligned with the parsed lists;
 *                                         a null text (a request that returned nothing) is imported
 *                                         as a failure, which never counts
 *   count_A, count_B, total_responses     optional: checked against the parsed lists under the
 *                                         file's `unparseable_mode` (skip, distribution or random)
 *
 * In the *original* order the pair's first outcome was "Option A"; in the *flipped* order the
 * outcomes were shown the other way round, so the letter names the slot: "A" there chose the
 * pair's second outcome. Pure.
 */
import type { ErrorLocation } from '../core/errors.js';
import { type ForeignAnswer, type ForeignResult, importError, isRecord, valueText } from './foreign.js';

/** A parsed answer of the published parser: a slot letter, or neither. */
type Slot = 'A' | 'B' | 'unparseable';

function slotOf(value: unknown, where: ErrorLocation): Slot {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (text === 'A' || text === 'B') return text;
  if (text === 'UNPARSEABLE') return 'unparseable';
  throw importError(`parsed answer ${valueText(value)} is not "A", "B" or "unparseable"`, where);
}

function listAt(aux: Readonly<Record<string, unknown>>, key: string, where: ErrorLocation, required: boolean): readonly unknown[] | undefined {
  const value = aux[key];
  if (value === undefined && !required) return undefined;
  if (!Array.isArray(value)) throw importError(`${required ? 'needs' : 'has'} "${key}" ${required ? 'as a list of answers' : 'that is not a list'}`, where);
  return value;
}

function field(where: ErrorLocation, suffix: string): ErrorLocation {
  return { ...where, field: `${where.field ?? ''}${suffix}` };
}

/** The results an answer can have, shared by every answer (they are read-only). */
const CHOICES: Readonly<Record<'x' | 'y' | 'unparseable', ForeignResult>> = {
  x: { kind: 'choice', chose: 'x' },
  y: { kind: 'choice', chose: 'y' },
  unparseable: { kind: 'choice', chose: 'unparseable' },
};
const NO_RESPONSE: ForeignResult = { kind: 'failure', message: 'the source recorded no response' };

/** Tolerance of the count checks: the published counts are sums of 0, ½ and 1. */
const COUNT_TOLERANCE = 1e-9;

/**
 * Checks `count_A`, `count_B` and `total_responses` against the parsed answers, as the published
 * code computed them: under `skip` unparseable answers are left out, under `distribution` each is
 * half a win for both, under `random` each went to one side at random.
 */
function checkCounts(aux: Readonly<Record<string, unknown>>, x: number, y: number, unparseable: number, where: ErrorLocation): void {
  const mode = aux['unparseable_mode'] ?? 'skip';
  const expect = (key: string, low: number, high: number) => {
    const value = aux[key];
    if (value === undefined) return;
    if (typeof value !== 'number' || value < low - COUNT_TOLERANCE || value > high + COUNT_TOLERANCE) {
      const range = low === high ? String(low) : `between ${low} and ${high}`;
      throw importError(`${key} is ${valueText(value)} but the parsed answers give ${range} (unparseable_mode ${valueText(mode)})`, field(where, `.${key}`));
    }
  };
  if (mode === 'skip') {
    expect('count_A', x, x);
    expect('count_B', y, y);
    expect('total_responses', x + y, x + y);
  } else if (mode === 'distribution') {
    expect('count_A', x + unparseable / 2, x + unparseable / 2);
    expect('count_B', y + unparseable / 2, y + unparseable / 2);
    expect('total_responses', x + y + unparseable, x + y + unparseable);
  } else if (mode === 'random') {
    expect('count_A', x, x + unparseable);
    expect('count_B', y, y + unparseable);
    expect('total_responses', x + y + unparseable, x + y + unparseable);
  } else throw importError(`unparseable_mode ${valueText(mode)} is not skip, distribution or random`, field(where, '.unparseable_mode'));
}

/**
 * The answers in `aux` (an edge's `aux_data`, located at `where`) between the pair's first outcome
 * `x` and second `y`, both orders, in file order. Throws `import-invalid` naming the field for a
 * missing answer list, raw and parsed lists of different lengths, an answer that is no slot letter,
 * and counts that disagree with the answers.
 */
export function auxDataAnswers(aux: unknown, x: string, y: string, where: ErrorLocation): ForeignAnswer[] {
  if (!isRecord(aux)) throw importError('needs "aux_data" with the answers', where);
  const at = field(where, '.aux_data');
  const out: ForeignAnswer[] = [];
  let xWins = 0;
  let yWins = 0;
  let unparseable = 0;
  for (const [direction, shown] of [
    ['original', 'xy'],
    ['flipped', 'yx'],
  ] as const) {
    const parsed = listAt(aux, `${direction}_parsed`, at, true) as readonly unknown[];
    const raw = listAt(aux, `${direction}_responses`, at, false);
    if (raw !== undefined && raw.length !== parsed.length)
      throw importError(`has ${raw.length} ${direction}_responses but ${parsed.length} ${direction}_parsed; they must align`, field(at, `.${direction}_responses`));
    // Answers share the edge's location (errors about one answer name its edge); a bad value names its own index.
    parsed.forEach((value, k) => {
      const slot = slotOf(value, field(at, `.${direction}_parsed[${k}]`));
      const text = raw?.[k];
      if (text !== undefined && text !== null && typeof text !== 'string') throw importError(`raw response ${valueText(text)} is not a string`, field(at, `.${direction}_responses[${k}]`));
      // The letter names the slot: in the flipped order slot A showed y.
      const chose = slot === 'unparseable' ? 'unparseable' : (slot === 'A') === (shown === 'xy') ? 'x' : 'y';
      if (chose === 'x') xWins++;
      else if (chose === 'y') yWins++;
      else unparseable++;
      if (text === null) {
        out.push({ x, y, shown, result: NO_RESPONSE, where });
        return;
      }
      out.push({ x, y, shown, result: CHOICES[chose], ...(text !== undefined ? { raw: text } : {}), where });
    });
  }
  checkCounts(aux, xWins, yWins, unparseable, at);
  return out;
}

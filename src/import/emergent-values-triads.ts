/**
 * Importer of the published transitivity experiment's result file (docs/method.md §2.8, §4.9): a
 * JSON list of triads (a `{"triads": [...]}` wrapper is accepted too), each
 *
 *   { triad_idx, options: { A: {idx, text}, B: {…}, C: {…} },
 *     pairs: [ { pair: ["A", "B"], probability_A, aux_data: {…} }, … ] }
 *
 * with exactly three pairs, AB, BC and AC in any order and orientation. `idx` is the outcome's
 * index in the experiment's outcome list (`id` is accepted too; `description` for `text`); the same
 * index must carry the same text in every triad. `aux_data` holds the answers per order
 * (aux-data.ts): in `flipped_*` the pair was shown the other way round, so its letters name slots,
 * not outcomes. The triads become the probe's own triads. Pure; linear in the file size.
 */
import { type ErrorLocation, quote } from '../core/errors.js';
import { auxDataAnswers } from './aux-data.js';
import { checkProbability } from './emergent-values-utilities.js';
import { type ForeignAnswer, type ForeignData, importError, isRecord, type ListedOutcome, valueText } from './foreign.js';

const LETTERS = ['A', 'B', 'C'] as const;
type Letter = (typeof LETTERS)[number];

function optionOf(value: unknown, where: ErrorLocation): { ref: string; text: string } {
  if (!isRecord(value)) throw importError('needs an option {idx, text}', where);
  const id = value['idx'] ?? value['id'];
  if (typeof id !== 'number' && (typeof id !== 'string' || id === '')) throw importError(`option index ${valueText(id)} is not a number or a string`, where);
  const text = value['text'] ?? value['description'];
  if (typeof text !== 'string' || text.trim() === '') throw importError(`option ${valueText(id)} has no "text"`, where);
  return { ref: String(id), text };
}

/** Reads a transitivity result file's parsed JSON (see the module comment). Throws `import-invalid` naming the file and the triad. */
export function readEmergentValuesTriads(data: unknown, file: string): ForeignData {
  const list = Array.isArray(data) ? data : isRecord(data) && Array.isArray(data['triads']) ? data['triads'] : undefined;
  const base = Array.isArray(data) ? '' : 'triads';
  if (list === undefined) throw importError('an emergent-values transitivity file is a JSON list of triads {triad_idx, options, pairs}', { file });
  const listed = new Map<string, ListedOutcome>();
  const answers: ForeignAnswer[] = [];
  const triads: [string, string, string][] = [];
  list.forEach((triad, k) => {
    const path = `${base}[${k}]`;
    const where = { file, field: path };
    if (!isRecord(triad)) throw importError('a triad must be an object {triad_idx, options, pairs}', where);
    const name = triad['triad_idx'] !== undefined ? `triad ${valueText(triad['triad_idx'])}` : 'this triad';
    const options = triad['options'];
    if (!isRecord(options)) throw importError(`${name} needs "options" {A, B, C}`, where);
    const refs = {} as Record<Letter, string>;
    for (const letter of LETTERS) {
      const place = { file, field: `${path}.options.${letter}` };
      const { ref, text } = optionOf(options[letter], place);
      const earlier = listed.get(ref);
      if (earlier && earlier.text !== text) throw importError(`option ${quote(ref)} is ${quote(text)} here but ${quote(earlier.text)} at ${earlier.where.field}`, place);
      if (!earlier) listed.set(ref, { ref, text, where: place });
      refs[letter] = ref;
    }
    if (new Set(Object.values(refs)).size !== 3) throw importError(`${name} names one outcome twice`, { file, field: `${path}.options` });
    const pairs = triad['pairs'];
    if (!Array.isArray(pairs) || pairs.length !== 3) {
      const found = Array.isArray(pairs) ? `${pairs.length} pair${pairs.length === 1 ? '' : 's'}` : 'no "pairs" list';
      throw importError(`${name} has ${found}; a triad has three (AB, BC and AC)`, where);
    }
    const seen = new Set<string>();
    pairs.forEach((pair, j) => {
      const place = { file, field: `${path}.pairs[${j}]` };
      if (!isRecord(pair)) throw importError('a pair must be an object {pair, probability_A, aux_data}', place);
      const letters = pair['pair'];
      if (!Array.isArray(letters) || letters.length !== 2 || !letters.every((l) => LETTERS.includes(l)) || letters[0] === letters[1])
        throw importError(`"pair" ${quote(JSON.stringify(letters))} must name two of "A", "B", "C"`, { file, field: `${path}.pairs[${j}].pair` });
      const key = [...letters].sort().join('');
      if (seen.has(key)) throw importError(`${name} has the pair ${key} twice; a triad has AB, BC and AC once each`, place);
      seen.add(key);
      checkProbability(pair['probability_A'], { file, field: `${path}.pairs[${j}].probability_A` });
      answers.push(...auxDataAnswers(pair['aux_data'], refs[letters[0] as Letter], refs[letters[1] as Letter], place));
    });
    triads.push([refs.A, refs.B, refs.C]);
  });
  if (triads.length === 0) throw importError('the file holds no triads', { file });
  return { listed: [...listed.values()], answers, holdout: [], triads, unrecorded: ['refusals'], dropped: {} };
}

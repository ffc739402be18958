/**
 * The shared writer's pure half (docs/architecture.md §"Importing preference data"): what a foreign
 * file's answers become — the run spec (provider `imported:<format>`, the source file's name and
 * SHA-256), the outcome set, and the plan and records an ordinary run folder holds, so `fit`,
 * `report`, `compare` and `study` read an imported run like one utilscope asked.
 *
 *   ForeignData ─ resolveOutcomes ─► ids ─► (a, b) in set order, order ab/ba, sample ─► records
 *                                                     └► one planned pair per unordered pair (round 0)
 *
 * Each answer gets the comparison key an asked one would (`comparisonKey`: model spec, template,
 * sampling, pair, order, sample), its raw text (empty when the file has none) and `parserVersion` 0:
 * the choice is the source's own reading, not utilscope's parser. Samples are the file's, else
 * numbered in file order within (pair, order); a pair repeated in the file (a pair of two triads)
 * adds samples. Pooled counts are stored as order `ab`, and the spec says the orders are not
 * recorded. Pure; linear in the number of answers.
 */
import { hashText } from '../core/canonical-json.js';
import { quote } from '../core/errors.js';
import { DEFAULT_ARM_ID, type ExperimentSpec, type ImportedSource, type RunSpec } from '../core/run-spec.js';
import type { AnswerRecord, Comparison, OutcomeId, OutcomeSet, PreferenceRecord, PresentationOrder } from '../core/types.js';
import { comparisonKeyer, type PlannedPair, recordHead, requestIdentity } from '../elicitation/comparisons.js';
import { choiceFromSlot } from '../elicitation/read-choice.js';
import { pairKey } from '../elicitation/tally.js';
import { type ForeignAnswer, type ForeignData, importError } from './foreign.js';
import type { ImportFormatEntry } from './formats.js';
import { type GivenOutcomes, resolveOutcomes } from './outcome-refs.js';

/**
 * The template an imported run's folder holds: another tool asked the question, in words utilscope
 * does not know, so this stands in for it (an imported run is never asked again).
 */
export const IMPORTED_TEMPLATE_TEXT = 'These answers were imported; another tool asked the question, in its own words.\nOption A: {{A}}\nOption B: {{B}}';

/** What the import is: the file, the format, the model, and the seed of the analyses. */
export interface ImportSettings {
  readonly format: Pick<ImportFormatEntry, 'id' | 'label' | 'strategy'>;
  /** The source file's name (without its folder). */
  readonly file: string;
  readonly sha256: string;
  /** The model's name: `--model`, else the file's, else `unknown`. */
  readonly model: string;
  readonly seed: number;
  /** `--outcomes`, when given. */
  readonly given?: GivenOutcomes;
}

/** Everything an imported run folder holds at first. */
export interface ImportedRun {
  readonly spec: RunSpec;
  readonly outcomeSet: OutcomeSet;
  readonly templateText: string;
  readonly plan: readonly PlannedPair[];
  readonly records: readonly PreferenceRecord[];
}

/**
 * Builds the run (see the module comment). Throws `import-invalid` naming the file and record for a
 * pair of one outcome with itself, a sample index given twice, and a file with no answers left.
 */
export function buildImportedRun(data: ForeignData, settings: ImportSettings): ImportedRun {
  const { file } = settings;
  const outcomes = resolveOutcomes(data, settings.given, file);
  const index = new Map(outcomes.set.outcomes.map((o, k) => [o.id, k] as const));
  const idOf = (ref: string) => outcomes.idOf.get(ref) as OutcomeId;
  const earlier = (x: OutcomeId, y: OutcomeId) => (index.get(x) as number) < (index.get(y) as number);
  const templateText = IMPORTED_TEMPLATE_TEXT;
  const modelSpec = `imported:${settings.format.id}:${settings.model}`;
  const arm = { id: DEFAULT_ARM_ID, template: { name: 'imported', hash: hashText(templateText) }, format: 'chat' as const };
  // What the data is, not how to ask: 0 where the file does not record a setting.
  const mode = data.answers.every((a) => a.result.kind === 'probability') ? ('logprobs' as const) : ('sampling' as const);
  const temperature = data.settings?.temperature ?? 0;
  const maxTokens = data.settings?.maxTokens ?? 0;
  const keyOf = comparisonKeyer(requestIdentity({ modelSpec, arm, sampling: { mode, samplesPerOrder: 1, temperature, maxTokens } }));
  const holdout = new Set(data.holdout.map(([x, y]) => (earlier(idOf(x), idOf(y)) ? pairKey(idOf(x), idOf(y)) : pairKey(idOf(y), idOf(x)))));
  const pairs = new Map<string, { a: OutcomeId; b: OutcomeId; comparisons: Comparison[] }>();
  const slots = new Map<string, { taken: Set<number>; next: number }>();
  const records: PreferenceRecord[] = [];
  let answered = 0;
  let maxSample = 0;
  // Answers of one pair and order come in runs (an edge's answer list): its lookups are made once per run.
  type Run = { readonly x: string; readonly y: string; readonly shown: string; readonly a: OutcomeId; readonly b: OutcomeId; readonly xIsA: boolean; readonly order: PresentationOrder };
  let last: (Run & { readonly pair: { comparisons: Comparison[] }; readonly slot: { taken: Set<number>; next: number } }) | undefined;
  for (const answer of data.answers) {
    if (last === undefined || last.x !== answer.x || last.y !== answer.y || last.shown !== answer.shown) {
      const x = idOf(answer.x);
      const y = idOf(answer.y);
      if (x === y) throw importError(`a pair must name two different outcomes (${quote(answer.x)} and ${quote(answer.y)} are both ${quote(x)})`, answer.where);
      const xIsA = earlier(x, y);
      const a = xIsA ? x : y;
      const b = xIsA ? y : x;
      // x shown first is order ab exactly when x is the set's earlier outcome; unknown orders are stored as ab.
      const order: PresentationOrder = answer.shown === 'unknown' ? 'ab' : (answer.shown === 'xy') === xIsA ? 'ab' : 'ba';
      const id = pairKey(a, b);
      const pair = pairs.get(id) ?? { a, b, comparisons: [] };
      pairs.set(id, pair);
      const slot = slots.get(`${id}\u0000${order}`) ?? { taken: new Set<number>(), next: 0 };
      slots.set(`${id}\u0000${order}`, slot);
      last = { x: answer.x, y: answer.y, shown: answer.shown, a, b, xIsA, order, pair, slot };
    }
    const { a, b, xIsA, order, pair, slot } = last;
    for (let k = 0; k < (answer.count ?? 1); k++) {
      let sample = answer.sample;
      if (sample !== undefined) {
        if (slot.taken.has(sample)) throw importError(`sample ${sample} of this pair and order appears twice`, answer.where);
      } else {
        sample = slot.next;
        while (slot.taken.has(sample)) sample++;
        slot.next = sample + 1;
      }
      slot.taken.add(sample);
      if (sample > maxSample) maxSample = sample;
      const comparison: Comparison = { key: keyOf(a, b, order, sample), a, b, order, sample, round: 0 };
      pair.comparisons.push(comparison);
      const record = recordOf(answer, comparison, xIsA);
      if (record.kind === 'answer') answered++;
      records.push(record);
    }
  }
  if (answered === 0) throw importError(`the file holds no answers to import${Object.keys(data.dropped).length > 0 ? ` (dropped: ${droppedWords(data.dropped)})` : ''}`, { file });
  const triads = data.triads?.map((t) => [idOf(t[0]), idOf(t[1]), idOf(t[2])].sort((u, v) => (index.get(u) as number) - (index.get(v) as number)) as [OutcomeId, OutcomeId, OutcomeId]);
  const heldOut = [...pairs.keys()].filter((k) => holdout.has(k)).length;
  const trainingPairs = pairs.size - heldOut;
  const experiment: ExperimentSpec = triads
    ? { kind: 'transitivity-probe', triads: triads.length, given: triads }
    : { kind: 'utilities', pairBudget: Math.max(1, trainingPairs), roundSize: Math.max(1, trainingPairs), holdoutPairs: heldOut, strategy: settings.format.strategy };
  const imported: ImportedSource = {
    format: settings.format.id,
    formatLabel: settings.format.label,
    file,
    sha256: settings.sha256,
    model: settings.model,
    records: records.length,
    unrecorded: data.unrecorded,
    dropped: data.dropped,
  };
  const spec: RunSpec = {
    modelSpec,
    outcomes: { name: outcomes.set.name, source: outcomes.source, hash: outcomes.hash, count: outcomes.set.outcomes.length },
    arm,
    sampling: { mode, samplesPerOrder: maxSample + 1, temperature, maxTokens },
    experiment,
    seed: settings.seed,
    analysis: { policy: 'exclude', fitModel: 'thurstonian' },
    session: { concurrency: 1, price: { inputPerMillion: 0, outputPerMillion: 0, source: 'free' } },
    imported,
  };
  const plan: PlannedPair[] = [...pairs.entries()].map(([id, p]) => ({ round: 0, a: p.a, b: p.b, holdout: holdout.has(id), comparisons: p.comparisons }));
  return { spec, outcomeSet: outcomes.set, templateText, plan, records };
}

/** Token usage of every imported record: no request was made. Shared, since records are read-only. */
const NO_USAGE = Object.freeze({ inputTokens: 0, outputTokens: 0 });

/** The record of one placed answer; `xIsA` says whether the file's x is the pair's outcome a. */
function recordOf(answer: ForeignAnswer, c: Comparison, xIsA: boolean): PreferenceRecord {
  const result = answer.result;
  if (result.kind === 'failure') return { ...recordHead(c, 'failure'), errorCode: 'no-response', message: result.message, attempts: 0 };
  let choice: AnswerRecord['choice'];
  let pFirst: number | undefined;
  if (result.kind === 'probability') {
    const pA = xIsA ? result.pX : 1 - result.pX;
    pFirst = c.order === 'ab' ? pA : 1 - pA;
    choice = choiceFromSlot(pFirst >= 0.5 ? 'A' : 'B', c.order);
  } else {
    const chose = result.chose;
    choice = chose === 'x' ? (xIsA ? 'a' : 'b') : chose === 'y' ? (xIsA ? 'b' : 'a') : chose;
  }
  const record: AnswerRecord = {
    ...recordHead(c, 'answer'),
    raw: answer.raw ?? '',
    choice,
    parserVersion: 0,
    ...(pFirst !== undefined ? { pFirst } : {}),
    ...(result.kind === 'probability' && result.weight !== 1 ? { weight: result.weight } : {}),
    usage: NO_USAGE,
    costUsd: 0,
    latencyMs: 0,
    attempts: 0,
  };
  return record;
}

/** `12 pseudo-labels, 3 …`: what was dropped, in words. */
export function droppedWords(dropped: Readonly<Record<string, number>>): string {
  return Object.entries(dropped)
    .map(([what, count]) => `${count} ${what}`)
    .join(', ');
}

/**
 * The first line of an imported run's report and import summary: where the data came from, that
 * nothing was asked, what the file does not record and what was dropped.
 */
export function importedSourceLine(source: ImportedSource): string {
  const missing = source.unrecorded.map((f) => (f === 'orders' ? 'presentation orders' : 'refusals'));
  const dropped = Object.keys(source.dropped).length > 0 ? ` Not imported: ${droppedWords(source.dropped)}.` : '';
  return `Imported from ${source.file} (${source.formatLabel}, sha256 ${source.sha256}): no requests were made by utilscope.${missing.length > 0 ? ` The file does not record ${missing.join(' or ')}.` : ''}${dropped}`;
}

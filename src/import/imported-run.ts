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
import { type AnswerRecord, type Comparison, type OutcomeId, type OutcomeSet, type PreferenceRecord, type PresentationOrder, SCHEMA_VERSION } from '../core/types.js';
import { comparisonKey, type PlannedPair, requestIdentity } from '../elicitation/comparisons.js';
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
  const canonical = (x: OutcomeId, y: OutcomeId): [OutcomeId, OutcomeId] => ((index.get(x) as number) < (index.get(y) as number) ? [x, y] : [y, x]);
  const probabilities = data.answers.every((a) => a.result.kind === 'probability');
  const templateText = IMPORTED_TEMPLATE_TEXT;
  const holdout = new Set(data.holdout.map(([x, y]) => pairKey(...canonical(idOf(x), idOf(y)))));
  const pairs = new Map<string, { a: OutcomeId; b: OutcomeId; comparisons: Comparison[] }>();
  const used = new Map<string, Set<number>>();
  const next = new Map<string, number>();
  const placed: { answer: ForeignAnswer; c: Comparison }[] = [];
  let maxSample = 0;
  for (const answer of data.answers) {
    const x = idOf(answer.x);
    const y = idOf(answer.y);
    if (x === y) throw importError(`a pair must name two different outcomes (${quote(answer.x)} and ${quote(answer.y)} are both ${quote(x)})`, answer.where);
    const [a, b] = canonical(x, y);
    // x shown first is order ab exactly when x is the set's earlier outcome; unknown orders are stored as ab.
    const order: PresentationOrder = answer.shown === 'unknown' ? 'ab' : (answer.shown === 'xy') === (x === a) ? 'ab' : 'ba';
    const slot = `${pairKey(a, b)}\u0000${order}`;
    const taken = used.get(slot) ?? new Set<number>();
    used.set(slot, taken);
    for (let k = 0; k < (answer.count ?? 1); k++) {
      let sample = answer.sample;
      if (sample !== undefined) {
        if (taken.has(sample)) throw importError(`sample ${sample} of this pair and order appears twice`, answer.where);
      } else {
        sample = next.get(slot) ?? 0;
        while (taken.has(sample)) sample++;
        next.set(slot, sample + 1);
      }
      taken.add(sample);
      maxSample = Math.max(maxSample, sample);
      placed.push({ answer, c: { key: '', a, b, order, sample, round: 0 } });
    }
  }
  if (!placed.some((p) => p.answer.result.kind !== 'failure'))
    throw importError(`the file holds no answers to import${Object.keys(data.dropped).length > 0 ? ` (dropped: ${droppedWords(data.dropped)})` : ''}`, { file });
  const triads = data.triads?.map((t) => [idOf(t[0]), idOf(t[1]), idOf(t[2])].sort((u, v) => (index.get(u) as number) - (index.get(v) as number)) as [OutcomeId, OutcomeId, OutcomeId]);
  const trainingPairs = new Set(placed.map((p) => pairKey(p.c.a, p.c.b)).filter((k) => !holdout.has(k))).size;
  const heldOut = new Set(placed.map((p) => pairKey(p.c.a, p.c.b)).filter((k) => holdout.has(k))).size;
  const experiment: ExperimentSpec = triads
    ? { kind: 'transitivity-probe', triads: triads.length, given: triads }
    : { kind: 'utilities', pairBudget: Math.max(1, trainingPairs), roundSize: Math.max(1, trainingPairs), holdoutPairs: heldOut, strategy: settings.format.strategy };
  const imported: ImportedSource = {
    format: settings.format.id,
    formatLabel: settings.format.label,
    file,
    sha256: settings.sha256,
    model: settings.model,
    records: placed.length,
    unrecorded: data.unrecorded,
    dropped: data.dropped,
  };
  const spec: RunSpec = {
    modelSpec: `imported:${settings.format.id}:${settings.model}`,
    outcomes: { name: outcomes.set.name, source: outcomes.source, hash: outcomes.hash, count: outcomes.set.outcomes.length },
    arm: { id: DEFAULT_ARM_ID, template: { name: 'imported', hash: hashText(templateText) }, format: 'chat' },
    // What the data is, not how to ask: 0 where the file does not record a setting.
    sampling: { mode: probabilities ? 'logprobs' : 'sampling', samplesPerOrder: maxSample + 1, temperature: data.settings?.temperature ?? 0, maxTokens: data.settings?.maxTokens ?? 0 },
    experiment,
    seed: settings.seed,
    analysis: { policy: 'exclude', fitModel: 'thurstonian' },
    session: { concurrency: 1, price: { inputPerMillion: 0, outputPerMillion: 0, source: 'free' } },
    imported,
  };
  const identity = requestIdentity(spec);
  const records: PreferenceRecord[] = placed.map(({ answer, c }) => {
    const key = comparisonKey(identity, c.a, c.b, c.order, c.sample);
    const comparison = { ...c, key };
    const pair = pairs.get(pairKey(c.a, c.b)) ?? { a: c.a, b: c.b, comparisons: [] };
    pairs.set(pairKey(c.a, c.b), pair);
    pair.comparisons.push(comparison);
    return recordOf(answer, comparison, idOf(answer.x) === c.a);
  });
  const plan: PlannedPair[] = [...pairs.values()].map((p) => ({ round: 0, a: p.a, b: p.b, holdout: holdout.has(pairKey(p.a, p.b)), comparisons: p.comparisons }));
  return { spec, outcomeSet: outcomes.set, templateText, plan, records };
}

/** The record of one placed answer; `xIsA` says whether the file's x is the pair's outcome a. */
function recordOf(answer: ForeignAnswer, c: Comparison, xIsA: boolean): PreferenceRecord {
  const base = { v: SCHEMA_VERSION, key: c.key, a: c.a, b: c.b, order: c.order, sample: c.sample, round: c.round };
  const result = answer.result;
  if (result.kind === 'failure') return { ...base, kind: 'failure', errorCode: 'no-response', message: result.message, attempts: 0 };
  const answered: Omit<AnswerRecord, 'choice'> = {
    ...base,
    kind: 'answer',
    raw: answer.raw ?? '',
    parserVersion: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    latencyMs: 0,
    attempts: 0,
  };
  if (result.kind === 'probability') {
    const pA = xIsA ? result.pX : 1 - result.pX;
    const pFirst = c.order === 'ab' ? pA : 1 - pA;
    return { ...answered, choice: choiceFromSlot(pFirst >= 0.5 ? 'A' : 'B', c.order), pFirst, ...(result.weight !== 1 ? { weight: result.weight } : {}) };
  }
  const chose = result.chose;
  return { ...answered, choice: chose === 'x' ? (xIsA ? 'a' : 'b') : chose === 'y' ? (xIsA ? 'b' : 'a') : chose };
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

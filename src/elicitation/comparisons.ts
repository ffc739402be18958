/**
 * Turning planned pairs into keyed comparisons (docs/architecture.md §"The pipeline as data" (`Comparison`)). The key is a content hash
 * of everything that determines what the model was asked — model spec, template, system prompt,
 * generation parameters, the pair, the order and the sample index — so a resumed run recognises
 * answered requests and never pays for them twice, and a changed setting never reuses old answers.
 */
import { canonicalJson, hashCanonical, hashText } from '../core/canonical-json.js';
import { type Arm, DEFAULT_ARM_ID, type RunSpec } from '../core/run-spec.js';
import { type Comparison, type OutcomeId, type PresentationOrder, SCHEMA_VERSION } from '../core/types.js';

/** How preferences are read: K sampled completions per order, or one log-probability call per order. */
export type ElicitationMode = 'sampling' | 'logprobs';

/** Everything besides the pair that makes two requests the same request. */
export interface RequestIdentity {
  readonly modelSpec: string;
  readonly templateHash: string;
  readonly system: string | undefined;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly mode: ElicitationMode;
  /**
   * The arm's id and content hash, for every arm but the plain default one. The plain default arm
   * (id `default`, chat format, no preamble or context) is fully described by the template hash and
   * system prompt above, so its keys are the ones 0.1.x wrote and old run folders keep resuming.
   */
  readonly arm?: { readonly id: string; readonly hash: string };
}

/**
 * The fields every record of comparison `c` starts with — schema version, kind (`answer` or
 * `failure`) and the comparison's identity (key, outcomes, order, sample, round) — in the order
 * records.jsonl writes them. Copies those fields only, whatever else `c` carries.
 */
export function recordHead<K extends 'answer' | 'failure'>(c: Comparison, kind: K) {
  return { v: SCHEMA_VERSION, kind, key: c.key, a: c.a, b: c.b, order: c.order, sample: c.sample, round: c.round };
}

/** True for the arm that asks with just a template and an optional system prompt. */
export function isPlainDefaultArm(arm: Arm): boolean {
  return arm.id === DEFAULT_ARM_ID && arm.format === 'chat' && arm.preamble === undefined && arm.context === undefined && arm.labels === undefined;
}

/** The content hash of an arm: everything that changes what the model sees (not its label). */
export function armHash(arm: Arm): string {
  // Labels enter only when set, so arms without them keep the hashes (and answers) they always had.
  return hashCanonical({
    system: arm.system ?? null,
    preamble: arm.preamble ?? null,
    context: arm.context ?? null,
    template: arm.template.hash,
    format: arm.format,
    ...(arm.labels !== undefined ? { labels: arm.labels } : {}),
  });
}

/** The request identity (everything but the pair) of a run: model, arm and sampling. */
export function requestIdentity(spec: Pick<RunSpec, 'modelSpec' | 'arm' | 'sampling'>): RequestIdentity {
  return {
    modelSpec: spec.modelSpec,
    templateHash: spec.arm.template.hash,
    system: spec.arm.system,
    temperature: spec.sampling.temperature,
    maxTokens: spec.sampling.maxTokens,
    mode: spec.sampling.mode,
    ...(isPlainDefaultArm(spec.arm) ? {} : { arm: { id: spec.arm.id, hash: armHash(spec.arm) } }),
  };
}

/** The identity of one request; stable across processes and machines. */
export function comparisonKey(identity: RequestIdentity, a: OutcomeId, b: OutcomeId, order: PresentationOrder, sample: number): string {
  return hashCanonical({ ...identity, system: identity.system ?? null, a, b, order, sample }, 24);
}

/**
 * {@link comparisonKey} for many comparisons of one identity (an import keys 100,000+ answers): the
 * identity's canonical JSON is built once, with placeholders where the pair, order and sample go,
 * and each key hashes that text with the values put in — the same bytes `comparisonKey` hashes, so
 * the same keys (test/elicitation/template-tally.test.ts checks them against each other).
 */
export function comparisonKeyer(identity: RequestIdentity): (a: OutcomeId, b: OutcomeId, order: PresentationOrder, sample: number) => string {
  const slots = ['a', 'b', 'order', 'sample'] as const;
  const placeholder = (slot: string) => `\u0000${slot}\u0000`;
  const template = canonicalJson({ ...identity, system: identity.system ?? null, ...Object.fromEntries(slots.map((slot) => [slot, placeholder(slot)])) });
  // The placeholders as they appear in the text (quoted), in text order: the pieces between them are fixed.
  const found = slots.map((slot) => ({ slot, at: template.indexOf(JSON.stringify(placeholder(slot))), length: JSON.stringify(placeholder(slot)).length })).sort((x, y) => x.at - y.at);
  const pieces: string[] = [];
  let from = 0;
  for (const f of found) {
    pieces.push(template.slice(from, f.at));
    from = f.at + f.length;
  }
  pieces.push(template.slice(from));
  const order = found.map((f) => f.slot);
  const values: Record<(typeof slots)[number], string> = { a: '', b: '', order: '', sample: '' };
  return (a, b, presentation, sample) => {
    values.a = JSON.stringify(a);
    values.b = JSON.stringify(b);
    values.order = JSON.stringify(presentation);
    values.sample = String(sample);
    let text = pieces[0] as string;
    for (let k = 0; k < order.length; k++) text += values[order[k] as (typeof slots)[number]] + (pieces[k + 1] as string);
    return hashText(text, 24);
  };
}

/** One planned unordered pair and the comparisons it expands to; one line of plan.jsonl. */
export interface PlannedPair {
  readonly round: number;
  readonly a: OutcomeId;
  readonly b: OutcomeId;
  /** Held-out pairs are asked like the others but never used for selection or training. */
  readonly holdout: boolean;
  readonly comparisons: readonly Comparison[];
}

/**
 * Expands a pair into its comparisons: both orders (docs/method.md §2), `samplesPerOrder` each, with
 * sample indices from `firstSample` on (an adaptive design's further samples of a pair continue where
 * its earlier rounds stopped, so their keys are new). `a` must precede `b` in the outcome set's order
 * (callers pass index-sorted pairs).
 */
export function expandPair(identity: RequestIdentity, a: OutcomeId, b: OutcomeId, round: number, samplesPerOrder: number, holdout: boolean, firstSample = 0): PlannedPair {
  const comparisons: Comparison[] = [];
  for (const order of ['ab', 'ba'] as const) {
    for (let sample = firstSample; sample < firstSample + samplesPerOrder; sample++) {
      comparisons.push({ key: comparisonKey(identity, a, b, order, sample), a, b, order, sample, round });
    }
  }
  return { round, a, b, holdout, comparisons };
}

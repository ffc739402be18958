/**
 * What a run is (docs/architecture.md §"The run spec"): the model, the arm it is asked under, how
 * each question is sampled, which experiment plans the questions, and the seed. Written once to
 * run.json; never holds a key (CONTRIBUTING.md rule 8).
 *
 * Identity decides what is asked: a run folder refuses to continue under a spec that differs in
 * any identity field ({@link specIdentity}). The experiment's own part (`experiment`) is plain
 * data validated by that experiment's schema; which of its fields are identity is the experiment's
 * to say (its `identity` list), so this module knows no experiment by name.
 */
import type { InvalidAnswerPolicy, UtilityModelKind } from './types.js';

/** One chat message of an arm's preamble: earlier turns that establish a character or context. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** The forced-choice template an arm uses, by name and content hash. */
export interface TemplateRef {
  readonly name: string;
  readonly hash: string;
}

/**
 * The condition under which a model is asked (docs/architecture.md §"Arms"). The default arm is
 * the `--system` prompt (if any) and the `--template`; persona, context and completion-format arms
 * fill the other fields. `format: 'completion'` asks a base model to continue a transcript.
 */
export interface Arm {
  readonly id: string;
  readonly label?: string;
  readonly system?: string;
  readonly preamble?: readonly ChatMessage[];
  readonly context?: string;
  readonly template: TemplateRef;
  /** The answer labels of the first and second slot, when not A and B (an arm's `labels`). */
  readonly labels?: readonly [string, string];
  readonly format: 'chat' | 'completion';
}

/** The id of the arm every run gets unless it names another. */
export const DEFAULT_ARM_ID = 'default';

/** How each forced-choice question is asked and read (docs/method.md §2). */
export interface SamplingSpec {
  /** `sampling`: K completions per order; `logprobs`: one call per order, P(A) from log-probabilities. */
  readonly mode: 'sampling' | 'logprobs';
  /** K, completions per presentation order. */
  readonly samplesPerOrder: number;
  readonly temperature: number;
  /** Answer token cap. */
  readonly maxTokens: number;
}

/** How answers become estimates; re-appliable later without asking anything, so not identity. */
export interface AnalysisSpec {
  readonly policy: InvalidAnswerPolicy;
  readonly fitModel: UtilityModelKind;
  /**
   * The published protocol's last step, off by default (docs/method.md §4): add the fit's confident
   * predictions on unasked pairs as hard labels and refit.
   */
  readonly pseudoLabels?: boolean;
}

/** Where a run's token price came from: the built-in table, a `--prices` file, or free (local server, simulation). */
export type PriceOrigin = 'table' | 'override' | 'free';

/**
 * The token price a run's requests are costed at, as run.json stores it: USD per million input and
 * output tokens, and where it came from. Stored so a resume costs (and caps) what the first session
 * did without repeating `--prices`.
 */
export interface SessionPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
  readonly source: PriceOrigin;
  /**
   * The price through the provider's batch API (USD per million tokens), when it has one: the list
   * price times the provider's batch discount, or a `--prices` entry's own `batch` prices. Absent in
   * folders made before batches were priced; the discount is then applied as the table says.
   */
  readonly batch?: { readonly inputPerMillion: number; readonly outputPerMillion: number };
}

/** How a session's requests reach the model: one call per request, or the provider's batch API. */
export type SessionTransport = 'interactive' | 'batch';

/**
 * Settings that may change between sessions of one run, not identity (docs/architecture.md §"The
 * run spec"). A session's flags win; a flag not given inherits the stored session.
 */
export interface SessionSpec {
  /** Requests in flight. */
  readonly concurrency: number;
  /** Stop issuing requests once this much (USD, the whole run) is spent. */
  readonly maxCostUsd?: number;
  /** Run under `maxCostUsd` even though the model has no price, so the cap cannot be enforced. */
  readonly allowUnpriced?: boolean;
  /** The price requests are costed at; absent when the model has none (and in folders made before prices were stored). */
  readonly price?: SessionPrice;
  /** `batch` when requests go through the provider's batch API (`--batch`); absent means interactive. */
  readonly transport?: SessionTransport;
}

/** An experiment's configuration as stored: its kind and its own fields (validated by its schema). */
export interface ExperimentSpec {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/**
 * The outcome set a run asks about: its name, where it came from, content hash and size. `source`
 * (a path or `builtin:<name>`) is a record of how it was given, not identity: the same content by
 * another path is the same run.
 */
export interface OutcomeSetRef {
  readonly name: string;
  readonly source: string;
  readonly hash: string;
  readonly count: number;
}

/** What an imported run's answers do not record, so the analyses that need it are skipped and say so (docs/method.md §2.8). */
export type UnrecordedField = 'orders' | 'refusals';

/**
 * Where an imported run's answers came from (docs/architecture.md §"Importing preference data"):
 * the file by name and SHA-256, its format, the model it holds answers of, what the format does not
 * record, and what of the file was not imported. Present only in runs made by `utilscope import`,
 * which asks nothing; its sampling fields describe the data, not requests.
 */
export interface ImportedSource {
  /** The format's id, e.g. `emergent-values-utilities`. */
  readonly format: string;
  /** The format in words, e.g. `emergent-values utility results`. */
  readonly formatLabel: string;
  /** The source file's name (without its folder). */
  readonly file: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  /** The model the answers are of, as the file (or `--model`) names it. */
  readonly model: string;
  /** Answer records imported (failures included). */
  readonly records: number;
  /** What the format does not record (`orders`: pooled counts; `refusals`: no refusal category). */
  readonly unrecorded: readonly UnrecordedField[];
  /** What of the file was left out, by kind, e.g. `{ "pseudo-labels": 12 }`. */
  readonly dropped: Readonly<Record<string, number>>;
}

/** A whole run: everything that decides what is asked, plus analysis and session settings. */
export interface RunSpec<E extends ExperimentSpec = ExperimentSpec> {
  readonly modelSpec: string;
  readonly baseUrl?: string;
  readonly outcomes: OutcomeSetRef;
  readonly arm: Arm;
  readonly sampling: SamplingSpec;
  readonly experiment: E;
  readonly seed: number;
  readonly analysis: AnalysisSpec;
  /** A named protocol preset such as `paper`, if one was used. */
  readonly preset?: string;
  readonly session: SessionSpec;
  /** The file the answers were imported from; absent for runs utilscope asked itself. */
  readonly imported?: ImportedSource;
}

/**
 * The identity of a run as a flat map from field path to value: the shared fields plus the
 * experiment's `identityFields`. Two specs with equal maps ask exactly the same questions. The
 * outcome set counts by its content (name, hash, count), never by the path it was given as.
 */
export function specIdentity(spec: RunSpec, identityFields: readonly string[]): ReadonlyMap<string, unknown> {
  const fields = new Map<string, unknown>([
    ['modelSpec', spec.modelSpec],
    ...(['name', 'hash', 'count'] as const).map((k) => [`outcomes.${k}`, spec.outcomes[k]] as const),
    // Field by field, so a mismatch names what differs (`sampling.samplesPerOrder`, `arm.system`); the label is display only.
    ...(['id', 'system', 'preamble', 'context', 'template', 'labels', 'format'] as const).map((k) => [`arm.${k}`, spec.arm[k]] as const),
    ...(['mode', 'samplesPerOrder', 'temperature', 'maxTokens'] as const).map((k) => [`sampling.${k}`, spec.sampling[k]] as const),
    ['seed', spec.seed],
    ['experiment.kind', spec.experiment.kind],
  ]);
  // Labels count only when set, so runs without them keep the identity (and default folder name) they had.
  if (spec.arm.labels === undefined) fields.delete('arm.labels');
  for (const field of identityFields) fields.set(`experiment.${field}`, spec.experiment[field]);
  return fields;
}

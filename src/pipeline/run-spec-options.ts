/**
 * Option values → RunSpec for `run`, `probe`, `study` and the library (docs/architecture.md §"The run
 * spec"): validates every shared option with a one-line usage error naming the flag, applies presets,
 * fills defaults from docs/method.md §4, and lets the experiment resolve its own options. Pure.
 */

import { hashCanonical } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import { parseChoice, parseIntOption, parseNumberOption } from '../core/options.js';
import { Rng } from '../core/rng.js';
import { type Arm, DEFAULT_ARM_ID, type RunSpec, type SessionSpec, specIdentity } from '../core/run-spec.js';
import type { InvalidAnswerPolicy, UtilityModelKind } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import type { AnyExperiment, OptionValues } from '../experiments/index.js';
import { publicBaseUrl } from '../providers/base-url.js';
import type { LoadedOutcomeSet } from '../store/index.js';
import { DEFAULT_MAX_TOKENS } from './ask.js';

/** Option values shared by every experiment (strings from the command line, numbers from study files). */
export interface RunOptionValues {
  readonly model: string;
  readonly system?: string | undefined;
  readonly samples?: string | number | undefined;
  readonly logprobs?: boolean | undefined;
  readonly seed?: string | number | undefined;
  readonly temperature?: string | number | undefined;
  readonly maxTokens?: string | number | undefined;
  readonly concurrency?: string | number | undefined;
  readonly maxCost?: string | number | undefined;
  readonly allowUnpriced?: boolean | undefined;
  readonly unparseable?: string | undefined;
  readonly fitModel?: string | undefined;
  readonly preset?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly pseudoLabels?: boolean | undefined;
  /** `--batch` (true) or `--no-batch` (false): through the provider's batch API or not; absent inherits the stored session. */
  readonly batch?: boolean | undefined;
}

/** Samples per presentation order when --samples is not given. */
export const DEFAULT_SAMPLES = 5;

/** The protocol presets: `paper` is the published protocol (K = 10, both orders, T = 1, paper rule, unparseable = ½). */
export const PRESETS = ['paper'] as const;

/**
 * The outcome set `experiment` asks about, from the set the user gave: the set itself, or what the
 * experiment's `prepareOutcomes` derives from it (generated lotteries) with an rng seeded by the
 * run's seed and the given set's hash — so the same command derives the same set. Its hash is the
 * prepared set's, which is what the run folder stores and its identity checks.
 */
export function prepareExperimentOutcomes(experiment: AnyExperiment, loaded: LoadedOutcomeSet, values: Pick<RunOptionValues, 'seed'> & Readonly<Record<string, unknown>>): LoadedOutcomeSet {
  if (!experiment.prepareOutcomes) return loaded;
  const seed = parseIntOption(values.seed, '--seed', 0, 1);
  const set = experiment.prepareOutcomes(loaded.set, values as OptionValues, new Rng(`${seed}|${loaded.hash}|${experiment.kind}-outcomes`));
  return set === loaded.set ? loaded : { ...loaded, set, hash: hashCanonical(set.outcomes) };
}

/**
 * Resolves a complete RunSpec for `experiment` from option values. `arm` (from `--arm` or a study's
 * `arms:`) replaces the default arm that `--system` and the template make; it cannot be combined
 * with `--system`, since the arm says its own system prompt.
 */
export function resolveRunSpec(values: RunOptionValues & Readonly<Record<string, unknown>>, experiment: AnyExperiment, loaded: LoadedOutcomeSet, template: PromptTemplate, arm?: Arm): RunSpec {
  if (arm !== undefined && values.system !== undefined)
    throw new UtilscopeError('invalid-option', '--system and --arm exclude each other (an arm carries its own system prompt)', { field: '--system' });
  const n = loaded.set.outcomes.length;
  const preset = values.preset === undefined ? undefined : parseChoice(values.preset, '--preset', PRESETS, 'paper');
  const paper = preset === 'paper';
  const logprobs = values.logprobs === true;
  if (logprobs && values.samples !== undefined) throw new UtilscopeError('invalid-option', '--samples and --logprobs exclude each other (log-prob mode asks once per order)', { field: '--logprobs' });
  const config = experiment.resolveConfig(values as OptionValues, { outcomeCount: n, preset });
  return {
    modelSpec: values.model,
    // Only the public part is stored: a key in the query or userinfo lives in this session alone.
    ...(values.baseUrl !== undefined ? { baseUrl: publicBaseUrl(values.baseUrl) } : {}),
    outcomes: { name: loaded.set.name, source: loaded.source, hash: loaded.hash, count: n },
    arm: arm ?? { id: DEFAULT_ARM_ID, template: { name: template.name, hash: template.hash }, ...(values.system !== undefined ? { system: values.system } : {}), format: 'chat' },
    sampling: {
      mode: logprobs ? 'logprobs' : 'sampling',
      samplesPerOrder: logprobs ? 1 : parseIntOption(values.samples, '--samples', 1, paper ? 10 : DEFAULT_SAMPLES),
      temperature: parseNumberOption(values.temperature, '--temperature', 0) ?? (logprobs ? 0 : 1),
      maxTokens: logprobs ? 1 : parseIntOption(values.maxTokens, '--max-tokens', 1, DEFAULT_MAX_TOKENS),
    },
    experiment: config,
    seed: parseIntOption(values.seed, '--seed', 0, 1),
    analysis: {
      policy: parseChoice<InvalidAnswerPolicy>(values.unparseable, '--unparseable', ['exclude', 'half'], paper ? 'half' : 'exclude'),
      fitModel: parseChoice<UtilityModelKind>(values.fitModel, '--fit-model', ['thurstonian', 'case5', 'bt'], 'thurstonian'),
      ...(values.pseudoLabels ? { pseudoLabels: true } : {}),
    },
    ...(preset ? { preset } : {}),
    session: resolveSession(values, undefined),
  };
}

/** Requests in flight when --concurrency is not given (and no stored session says otherwise). */
export const DEFAULT_CONCURRENCY = 8;

/**
 * The session settings of this command, without its price (docs/architecture.md §"The run spec"):
 * each option given now wins; one not given (undefined) inherits `stored`, the run folder's session
 * when the folder exists, else its default. So `run` again or `resume` with `--max-cost` raises the
 * cap and keeps the concurrency, and without it keeps the cap. `allowUnpriced` is a switch: given
 * (true) wins, otherwise stored. `batch` likewise, both ways (`--batch`, `--no-batch`).
 */
export function resolveSession(values: Pick<RunOptionValues, 'concurrency' | 'maxCost' | 'allowUnpriced' | 'batch'>, stored: SessionSpec | undefined): SessionSpec {
  const maxCost = values.maxCost === undefined ? stored?.maxCostUsd : parseNumberOption(values.maxCost, '--max-cost', 0);
  const allowUnpriced = values.allowUnpriced === true || (values.allowUnpriced === undefined && stored?.allowUnpriced === true);
  // `--batch` / `--no-batch` given now wins; neither keeps how the run was asked so far.
  const batch = values.batch === undefined ? stored?.transport === 'batch' : values.batch === true;
  return {
    concurrency: parseIntOption(values.concurrency, '--concurrency', 1, stored?.concurrency ?? DEFAULT_CONCURRENCY),
    ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}),
    ...(allowUnpriced ? { allowUnpriced: true } : {}),
    ...(batch ? { transport: 'batch' as const } : {}),
  };
}

/** The most characters a run id (a run folder's name) may have. */
const RUN_ID_MAX = 120;

/** Runs of characters a run id may not hold, for slugging text into one. */
const UNSAFE_RUN_ID_CHARS = /[^A-Za-z0-9._-]+/g;

/**
 * Whether `id` is one safe path segment: 1–120 characters of letters, digits, `.`, `_` and `-`,
 * and not `.` or `..`, so a run folder named by it stays inside its outputs folder on every OS.
 */
export function isSafeRunId(id: string): boolean {
  return id.length >= 1 && id.length <= RUN_ID_MAX && /^[A-Za-z0-9._-]+$/.test(id) && id !== '.' && id !== '..';
}

/** What a safe run id is, for error messages. */
export const RUN_ID_RULE = `1–${RUN_ID_MAX} characters of letters, digits, ".", "_" or "-", and not "." or ".."`;

/** Throws a one-line `invalid-option` usage error naming `field` (e.g. `--name`) unless `id` is a safe run id. */
export function assertRunId(id: string, field: string): void {
  if (!isSafeRunId(id)) throw new UtilscopeError('invalid-option', `run id ${JSON.stringify(id)} must be ${RUN_ID_RULE}`, { field });
}

/** `text` with every run of unsafe characters replaced by `-` and no leading or trailing `-`. */
export function slugRunId(text: string): string {
  return text.replace(UNSAFE_RUN_ID_CHARS, '-').replace(/^-+|-+$/g, '');
}

/** Hex characters of the identity hash in a default run id. */
const IDENTITY_TAG_LENGTH = 8;

/**
 * A short hash of everything in the run's identity (`specIdentity`: model, outcome set by content,
 * arm, sampling, seed, experiment kind and its identity fields), so two runs that ask different
 * questions never get one default folder. Pure; the same for the same identity on every machine.
 */
export function identityTag(spec: RunSpec, experiment: Pick<AnyExperiment, 'identity'>): string {
  const identity = Object.fromEntries([...specIdentity(spec, experiment.identity)].map(([field, value]) => [field, value ?? null]));
  return hashCanonical(identity, IDENTITY_TAG_LENGTH);
}

/** The readable part of a default run id: model, outcome-set name, the experiment's suffix and seed (slugged, so always safe). */
function readableRunId(spec: RunSpec, experiment: AnyExperiment): string {
  return `${slugRunId(spec.modelSpec)}-${slugRunId(spec.outcomes.name) || 'outcomes'}${experiment.runIdSuffix}-s${spec.seed}`;
}

/**
 * The run id `run` gives a folder when `--name` is not given: the readable part, then the
 * {@link identityTag} (`sim-7b-core-s1-3f9a1c2e`). The same command resumes the same folder, and
 * changing anything that changes what is asked (`--samples`, `--pairs`, `--preset`, …) makes
 * another one instead of colliding with it.
 */
export function defaultRunId(spec: RunSpec, experiment: AnyExperiment): string {
  return `${readableRunId(spec, experiment).slice(0, RUN_ID_MAX - IDENTITY_TAG_LENGTH - 1)}-${identityTag(spec, experiment)}`;
}

/**
 * The default run id of utilscope before the identity tag (model, outcomes, suffix, seed): folders
 * made under it are still found, and resumed, by the same command (`pipeline/run-command.ts`).
 */
export function legacyDefaultRunId(spec: RunSpec, experiment: AnyExperiment): string {
  return readableRunId(spec, experiment).slice(0, RUN_ID_MAX);
}

/**
 * Option values → RunSpec for `run`, `probe`, `study` and the library (docs/architecture.md §"The run
 * spec"): validates every shared option with a one-line usage error naming the flag, applies presets,
 * fills defaults from docs/method.md §4, and lets the experiment resolve its own options. Pure.
 */
import { UtilscopeError } from '../core/errors.js';
import { parseChoice, parseIntOption, parseNumberOption } from '../core/options.js';
import { DEFAULT_ARM_ID, type RunSpec } from '../core/run-spec.js';
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
  readonly unparseable?: string | undefined;
  readonly fitModel?: string | undefined;
  readonly preset?: string | undefined;
  readonly baseUrl?: string | undefined;
  readonly pseudoLabels?: boolean | undefined;
}

/** Samples per presentation order when --samples is not given. */
export const DEFAULT_SAMPLES = 5;

/** The protocol presets: `paper` is the published protocol (K = 10, both orders, T = 1, paper rule, unparseable = ½). */
export const PRESETS = ['paper'] as const;

/** Resolves a complete RunSpec for `experiment` from option values. */
export function resolveRunSpec(values: RunOptionValues & Readonly<Record<string, unknown>>, experiment: AnyExperiment, loaded: LoadedOutcomeSet, template: PromptTemplate): RunSpec {
  const n = loaded.set.outcomes.length;
  const preset = values.preset === undefined ? undefined : parseChoice(values.preset, '--preset', PRESETS, 'paper');
  const paper = preset === 'paper';
  const logprobs = values.logprobs === true;
  if (logprobs && values.samples !== undefined) throw new UtilscopeError('invalid-option', '--samples and --logprobs exclude each other (log-prob mode asks once per order)', { field: '--logprobs' });
  const maxCost = parseNumberOption(values.maxCost, '--max-cost', 0);
  const config = experiment.resolveConfig(values as OptionValues, { outcomeCount: n, preset });
  return {
    modelSpec: values.model,
    // Only the public part is stored: a key in the query or userinfo lives in this session alone.
    ...(values.baseUrl !== undefined ? { baseUrl: publicBaseUrl(values.baseUrl) } : {}),
    outcomes: { name: loaded.set.name, source: loaded.source, hash: loaded.hash, count: n },
    arm: { id: DEFAULT_ARM_ID, template: { name: template.name, hash: template.hash }, ...(values.system !== undefined ? { system: values.system } : {}), format: 'chat' },
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
    session: { concurrency: parseIntOption(values.concurrency, '--concurrency', 1, 8), ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}) },
  };
}

/** A run id from the spec: the same command resumes the same folder. */
export function defaultRunId(spec: RunSpec, experiment: AnyExperiment): string {
  const model = spec.modelSpec.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${model}-${spec.outcomes.name}${experiment.runIdSuffix}-s${spec.seed}`.slice(0, 120);
}

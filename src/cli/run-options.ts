/**
 * argv → RunConfig for `run` and `probe` (DESIGN.md §CLI): validates every option with a one-line
 * usage error naming the flag, applies presets, and fills defaults from METHOD.md §4.
 */
import { UtilscopeError } from '../core/errors.js';
import type { RunConfig, SelectionStrategy } from '../core/run-config.js';
import type { InvalidAnswerPolicy, OutcomeSet, UtilityModelKind } from '../core/types.js';
import type { PromptTemplate } from '../elicitation/template.js';
import { defaultHoldoutCount, defaultPairBudget } from '../elicitation/index.js';
import { DEFAULT_MAX_TOKENS } from '../pipeline/index.js';
import type { LoadedOutcomeSet } from '../store/index.js';

/** Raw `run` options as commander hands them over (strings until validated). */
export interface RunFlags {
  readonly model: string;
  readonly outcomes?: string;
  readonly template?: string;
  readonly system?: string;
  readonly samples?: string;
  readonly logprobs?: boolean;
  readonly pairs?: string;
  readonly holdout?: string;
  readonly roundSize?: string;
  readonly strategy?: string;
  readonly seed?: string;
  readonly temperature?: string;
  readonly maxTokens?: string;
  readonly concurrency?: string;
  readonly maxCost?: string;
  readonly unparseable?: string;
  readonly fitModel?: string;
  readonly preset?: string;
  readonly baseUrl?: string;
  readonly triads?: string;
  readonly stopWhenStable?: boolean;
  readonly pseudoLabels?: boolean;
}

/** The strategy used when --strategy is not given: the published rule, which needed the fewest completions in the selection benchmark (README, "Choosing pairs"). */
export const DEFAULT_STRATEGY: SelectionStrategy = 'paper';
/** Samples per presentation order when --samples is not given. */
export const DEFAULT_SAMPLES = 5;

export function parseIntOption(value: string | undefined, flag: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UtilscopeError('invalid-option', `${flag} must be an integer ≥ ${min}, got "${value}"`, { field: flag });
  return n;
}

export function parseNumberOption(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UtilscopeError('invalid-option', `${flag} must be a number ≥ ${min}, got "${value}"`, { field: flag });
  return n;
}

export function parseChoice<T extends string>(value: string | undefined, flag: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UtilscopeError('invalid-option', `${flag} must be one of ${allowed.join(', ')}, got "${value}"`, { field: flag });
  return value as T;
}

/** Resolves a complete RunConfig; `kind` decides between an adaptive utility run and the transitivity probe. */
export function resolveRunConfig(flags: RunFlags, kind: RunConfig['kind'], loaded: LoadedOutcomeSet, template: PromptTemplate): RunConfig {
  const set: OutcomeSet = loaded.set;
  const n = set.outcomes.length;
  const preset = flags.preset === undefined ? undefined : parseChoice(flags.preset, '--preset', ['paper'] as const, 'paper');
  const paper = preset === 'paper';
  const logprobs = flags.logprobs === true;
  if (logprobs && flags.samples !== undefined) throw new UtilscopeError('invalid-option', '--samples and --logprobs exclude each other (log-prob mode asks once per order)', { field: '--logprobs' });
  const allPairs = (n * (n - 1)) / 2;
  const holdoutPairs = kind === 'utilities' ? parseIntOption(flags.holdout, '--holdout', 0, defaultHoldoutCount(n)) : 0;
  const budgetAuto = Math.min(defaultPairBudget(n), allPairs - holdoutPairs);
  const pairBudget = flags.pairs === undefined || flags.pairs === 'auto' ? budgetAuto : Math.min(parseIntOption(flags.pairs, '--pairs', 1, budgetAuto), allPairs - holdoutPairs);
  const roundDefault = paper ? 500 : Math.max(n, Math.min(500, Math.ceil(pairBudget / 5)));
  const maxCost = parseNumberOption(flags.maxCost, '--max-cost', 0);
  const baseUrl = flags.baseUrl ?? undefined;
  return {
    kind,
    modelSpec: flags.model,
    outcomes: { name: set.name, source: loaded.source, hash: loaded.hash, count: n },
    template: { name: template.name, hash: template.hash },
    ...(flags.system !== undefined ? { system: flags.system } : {}),
    mode: logprobs ? 'logprobs' : 'sampling',
    samplesPerOrder: logprobs ? 1 : parseIntOption(flags.samples, '--samples', 1, paper ? 10 : DEFAULT_SAMPLES),
    temperature: parseNumberOption(flags.temperature, '--temperature', 0) ?? (logprobs ? 0 : 1),
    maxTokens: logprobs ? 1 : parseIntOption(flags.maxTokens, '--max-tokens', 1, DEFAULT_MAX_TOKENS),
    pairBudget,
    roundSize: parseIntOption(flags.roundSize, '--round-size', 1, roundDefault),
    ...(flags.stopWhenStable ? { stopWhenStable: true } : {}),
    ...(flags.pseudoLabels ? { pseudoLabels: true } : {}),
    holdoutPairs,
    strategy: parseChoice(flags.strategy, '--strategy', ['random', 'paper', 'uncertainty'] as const, paper ? 'paper' : DEFAULT_STRATEGY),
    ...(kind === 'probe-transitivity' ? { probeTriads: parseIntOption(flags.triads, '--triads', 1, 1000) } : {}),
    seed: parseIntOption(flags.seed, '--seed', 0, 1),
    policy: parseChoice<InvalidAnswerPolicy>(flags.unparseable, '--unparseable', ['exclude', 'half'], paper ? 'half' : 'exclude'),
    fitModel: parseChoice<UtilityModelKind>(flags.fitModel, '--fit-model', ['thurstonian', 'case5', 'bt'], 'thurstonian'),
    ...(preset ? { preset } : {}),
    concurrency: parseIntOption(flags.concurrency, '--concurrency', 1, 8),
    ...(maxCost !== undefined ? { maxCostUsd: maxCost } : {}),
    ...(baseUrl !== undefined ? { baseUrl } : {}),
  };
}

/** A run id from the config: the same command resumes the same folder. */
export function defaultRunId(config: RunConfig): string {
  const model = config.modelSpec.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  const kind = config.kind === 'probe-transitivity' ? '-probe' : '';
  return `${model}-${config.outcomes.name}${kind}-s${config.seed}`.slice(0, 120);
}

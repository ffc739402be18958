/**
 * The experiment registry (docs/architecture.md §"Adding an experiment"): the one place that lists
 * experiment kinds. Everything else looks an experiment up by the `kind` stored in run.json and
 * calls its functions, so adding an experiment is a folder plus one line here — and a registry can
 * be built with extra experiments (tests register a test-only one) without touching this file.
 */
import { quote, schemaError, UtilscopeError } from '../core/errors.js';
import type { ExperimentSpec } from '../core/run-spec.js';
import { lotteriesExperiment } from './lotteries/index.js';
import { transitivityProbeExperiment } from './transitivity-probe/index.js';
import type { AnyExperiment } from './types.js';
import { utilitiesExperiment } from './utilities/index.js';

/** The experiments utilscope ships with, the default first. */
export const BUILTIN_EXPERIMENTS: readonly AnyExperiment[] = [utilitiesExperiment, transitivityProbeExperiment, lotteriesExperiment];

/** A set of experiments by kind. */
export interface ExperimentRegistry {
  readonly kinds: readonly string[];
  /** The experiment a run measures when it names none: the first registered. */
  readonly defaultKind: string;
  /** The experiment of `kind`; a one-line `invalid-option` error naming the known kinds otherwise. */
  get(kind: string): AnyExperiment;
  has(kind: string): boolean;
}

/** A registry of `experiments` (default: the built-in ones); kinds must be unique. */
export function createExperimentRegistry(experiments: readonly AnyExperiment[] = BUILTIN_EXPERIMENTS): ExperimentRegistry {
  const byKind = new Map<string, AnyExperiment>();
  for (const e of experiments) {
    if (byKind.has(e.kind)) throw new UtilscopeError('internal', `experiment kind "${e.kind}" is registered twice`);
    byKind.set(e.kind, e);
  }
  const kinds = [...byKind.keys()];
  const defaultKind = kinds[0];
  if (defaultKind === undefined) throw new UtilscopeError('internal', 'an experiment registry needs at least one experiment');
  return {
    kinds,
    defaultKind,
    has: (kind) => byKind.has(kind),
    get(kind) {
      const found = byKind.get(kind);
      if (!found) throw new UtilscopeError('invalid-option', `unknown experiment ${quote(kind)} (experiments: ${kinds.join(', ')})`, { field: '--experiment' });
      return found;
    },
  };
}

/** The registry of built-in experiments. */
export const builtinExperiments: ExperimentRegistry = createExperimentRegistry();

/** Validates a stored experiment config with its experiment's schema; one-line error naming `file` and the field. */
export function parseExperimentConfig(experiment: AnyExperiment, data: ExperimentSpec, file?: string): unknown {
  const parsed = experiment.config.safeParse(data);
  if (!parsed.success) {
    const error = schemaError('records-corrupt', `invalid ${experiment.kind} config`, parsed.error, file);
    throw new UtilscopeError(error.code, error.message, { ...(file !== undefined ? { file } : {}), field: `experiment.${error.where?.field ?? ''}` });
  }
  return parsed.data;
}

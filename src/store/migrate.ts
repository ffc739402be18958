/**
 * Reading run.json of any version into today's manifest (docs/architecture.md §"Run folder"). Run
 * folders written by 0.1.x hold a flat `config` (v 1); today's hold a `spec` (v 2). Migration
 * happens in memory on load: the old file is never rewritten, so an old folder stays readable by the
 * old tool too, and every key it planned keeps its meaning (the plain default arm's request identity
 * is the 0.1.x one).
 */
import { UtilscopeError } from '../core/errors.js';
import { DEFAULT_ARM_ID, type ExperimentSpec, type RunSpec } from '../core/run-spec.js';

/** The version of run.json this code writes. */
export const MANIFEST_VERSION = 2 as const;

/** Contents of run.json. */
export interface RunManifest {
  readonly v: typeof MANIFEST_VERSION;
  readonly toolVersion: string;
  readonly createdAt: string;
  readonly simulated: boolean;
  readonly spec: RunSpec;
  /** The version run.json was written in, when it was migrated on load (absent when current). */
  readonly migratedFrom?: number;
}

type Loose = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The experiment part of a 0.1.x config, by its `kind`. The 0.1.x format is frozen and had exactly
 * these two kinds, so this table is complete; today's experiments validate the result on load.
 */
const V1_EXPERIMENTS: Readonly<Record<string, (c: Loose) => ExperimentSpec>> = {
  utilities: (c) => ({
    kind: 'utilities',
    pairBudget: c['pairBudget'],
    roundSize: c['roundSize'],
    holdoutPairs: c['holdoutPairs'],
    strategy: c['strategy'],
    ...(c['stopWhenStable'] ? { stopWhenStable: true } : {}),
  }),
  'probe-transitivity': (c) => ({ kind: 'transitivity-probe', triads: c['probeTriads'] }),
};

/** The run spec a 0.1.x `config` describes. */
export function specFromV1Config(c: Loose, file = 'run.json'): RunSpec {
  const experiment = V1_EXPERIMENTS[String(c['kind'])];
  if (!experiment) throw new UtilscopeError('records-corrupt', `run.json of 0.1.x has an unknown kind "${String(c['kind'])}"`, { file, field: 'config.kind' });
  return {
    modelSpec: c['modelSpec'] as string,
    ...(c['baseUrl'] !== undefined ? { baseUrl: c['baseUrl'] as string } : {}),
    outcomes: c['outcomes'] as RunSpec['outcomes'],
    arm: { id: DEFAULT_ARM_ID, template: c['template'] as RunSpec['arm']['template'], ...(c['system'] !== undefined ? { system: c['system'] as string } : {}), format: 'chat' },
    sampling: { mode: c['mode'] as RunSpec['sampling']['mode'], samplesPerOrder: c['samplesPerOrder'] as number, temperature: c['temperature'] as number, maxTokens: c['maxTokens'] as number },
    experiment: experiment(c),
    seed: c['seed'] as number,
    analysis: { policy: c['policy'] as RunSpec['analysis']['policy'], fitModel: c['fitModel'] as RunSpec['analysis']['fitModel'], ...(c['pseudoLabels'] ? { pseudoLabels: true } : {}) },
    ...(c['preset'] !== undefined ? { preset: c['preset'] as string } : {}),
    session: { concurrency: c['concurrency'] as number, ...(c['maxCostUsd'] !== undefined ? { maxCostUsd: c['maxCostUsd'] as number } : {}) },
  };
}

/** Reads parsed run.json content of any known version; `records-corrupt` naming the file otherwise. */
export function migrateManifest(data: unknown, file: string): RunManifest {
  if (!isObject(data)) throw new UtilscopeError('records-corrupt', 'run.json is not an object', { file });
  const base = { toolVersion: String(data['toolVersion'] ?? 'unknown'), createdAt: String(data['createdAt'] ?? ''), simulated: data['simulated'] === true };
  if (data['v'] === MANIFEST_VERSION && isObject(data['spec']) && isObject(data['spec']['experiment'])) {
    return { v: MANIFEST_VERSION, ...base, spec: data['spec'] as unknown as RunSpec };
  }
  if (data['v'] === 1 && isObject(data['config'])) {
    return { v: MANIFEST_VERSION, ...base, spec: specFromV1Config(data['config'], file), migratedFrom: 1 };
  }
  throw new UtilscopeError('records-corrupt', `run.json has an unsupported schema version ${String(data['v'])}`, { file, field: 'v' });
}

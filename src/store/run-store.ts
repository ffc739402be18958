/**
 * A run folder on disk (DESIGN.md §"Run folder"):
 *
 *   run.json        written once: schema version, tool version, resolved config, created-at
 *   plan.jsonl      append-only: one line per planned pair with its comparison keys, round by round
 *   records.jsonl   append-only: one PreferenceRecord per finished request, as it arrives
 *   status.json     running | complete | cancelled | error, with counts (atomic rename)
 *   fit.json coherence.json values.json   derived, rebuildable, atomic
 *
 * Resume = planned keys minus answered keys. This class owns the open append handles.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import { RUN_IDENTITY_FIELDS, type RunConfig } from '../core/run-config.js';
import { SCHEMA_VERSION, type OutcomeSet, type PreferenceRecord } from '../core/types.js';
import { parseTemplate, type PromptTemplate } from '../elicitation/template.js';
import { parseOutcomeSet } from '../outcomes/parse.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import { readStructuredFile, writeFileAtomic, writeJsonAtomic } from './files.js';
import { JsonlAppender, readJsonl } from './jsonl.js';

/** Contents of run.json. */
export interface RunManifest {
  readonly v: typeof SCHEMA_VERSION;
  readonly toolVersion: string;
  readonly createdAt: string;
  readonly simulated: boolean;
  readonly config: RunConfig;
}

export type RunState = 'running' | 'complete' | 'cancelled' | 'error';

/** Contents of status.json. */
export interface RunStatus {
  readonly v: typeof SCHEMA_VERSION;
  readonly state: RunState;
  readonly updatedAt: string;
  readonly planned: number;
  readonly answered: number;
  readonly failures: number;
  readonly costUsd: number;
  readonly round: number;
  readonly message?: string;
}

const comparisonSchema = z.object({
  key: z.string().min(1),
  a: z.string(),
  b: z.string(),
  order: z.enum(['ab', 'ba']),
  sample: z.number().int().nonnegative(),
  round: z.number().int().nonnegative(),
});

const planLineSchema = z.object({
  v: z.literal(SCHEMA_VERSION),
  round: z.number().int().nonnegative(),
  a: z.string(),
  b: z.string(),
  holdout: z.boolean(),
  comparisons: z.array(comparisonSchema),
});

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number() });

const recordSchema = z.discriminatedUnion('kind', [
  comparisonSchema.extend({
    v: z.literal(SCHEMA_VERSION),
    kind: z.literal('answer'),
    raw: z.string(),
    choice: z.enum(['a', 'b', 'refusal', 'unparseable']),
    parserVersion: z.number().int(),
    pFirst: z.number().min(0).max(1).optional(),
    otherMass: z.number().optional(),
    usage: usageSchema,
    costUsd: z.number(),
    latencyMs: z.number(),
    attempts: z.number().int(),
  }),
  comparisonSchema.extend({
    v: z.literal(SCHEMA_VERSION),
    kind: z.literal('failure'),
    errorCode: z.string(),
    message: z.string(),
    attempts: z.number().int(),
  }),
]);

function parseWith<T>(schema: z.ZodType<T>): (value: unknown) => T | undefined {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
}

/** Names the identity fields in which two configs differ. */
export function differingIdentityFields(stored: RunConfig, requested: RunConfig): string[] {
  return RUN_IDENTITY_FIELDS.filter((field) => canonicalJson(stored[field] ?? null) !== canonicalJson(requested[field] ?? null));
}

/** An open run folder. */
export class RunStore {
  readonly dir: string;
  readonly manifest: RunManifest;
  private planAppender: JsonlAppender | undefined;
  private recordAppender: JsonlAppender | undefined;

  private constructor(dir: string, manifest: RunManifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /** Paths of the files in a run folder. */
  static paths(dir: string) {
    return {
      run: join(dir, 'run.json'),
      plan: join(dir, 'plan.jsonl'),
      records: join(dir, 'records.jsonl'),
      status: join(dir, 'status.json'),
      fit: join(dir, 'fit.json'),
      coherence: join(dir, 'coherence.json'),
      values: join(dir, 'values.json'),
      outcomes: join(dir, 'outcomes.json'),
      template: join(dir, 'template.txt'),
    };
  }

  /** True when `dir` holds a run.json. */
  static exists(dir: string): boolean {
    return existsSync(RunStore.paths(dir).run);
  }

  /**
   * Creates a run folder, or reopens an existing one whose identity matches `manifest.config`.
   * A differing config is refused with a one-line error naming the differing fields.
   */
  static openOrCreate(dir: string, manifest: RunManifest, inputs: { outcomeSet: OutcomeSet; templateText: string }): RunStore {
    if (RunStore.exists(dir)) {
      RunStore.assertCompatible(dir, manifest.config);
      return RunStore.open(dir);
    }
    mkdirSync(dir, { recursive: true });
    // Copies of the inputs make the folder self-contained: resume and report never depend on files
    // that may since have moved or changed (their hashes are in run.json).
    writeJsonAtomic(RunStore.paths(dir).outcomes, { v: SCHEMA_VERSION, ...inputs.outcomeSet });
    writeFileAtomic(RunStore.paths(dir).template, inputs.templateText);
    writeJsonAtomic(RunStore.paths(dir).run, manifest);
    return new RunStore(dir, manifest);
  }

  /** Throws `run-config-mismatch` naming the identity fields in which `dir`'s config differs from `config`. */
  static assertCompatible(dir: string, config: RunConfig): void {
    const differing = differingIdentityFields(RunStore.open(dir).manifest.config, config);
    if (differing.length > 0) {
      throw new UtilscopeError(
        'run-config-mismatch',
        `run folder was created with a different config (differs in: ${differing.join(', ')}); use another --name or \`utilscope resume\``,
        { file: RunStore.paths(dir).run, field: differing[0] as string },
      );
    }
  }

  /** Opens an existing run folder; `run-not-found` when there is none. */
  static open(dir: string): RunStore {
    const path = RunStore.paths(dir).run;
    if (!existsSync(path)) throw new UtilscopeError('run-not-found', 'not a run folder (no run.json)', { file: dir });
    let manifest: RunManifest;
    try {
      manifest = JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
    } catch {
      throw new UtilscopeError('records-corrupt', 'run.json is not valid JSON', { file: path });
    }
    if (manifest.v !== SCHEMA_VERSION || typeof manifest.config !== 'object' || manifest.config === null) {
      throw new UtilscopeError('records-corrupt', `run.json has an unsupported schema version ${String(manifest.v)}`, { file: path, field: 'v' });
    }
    return new RunStore(dir, manifest);
  }

  /** The run's own copy of its outcome set (names as stored: it was checked when the run was made). */
  readOutcomeSet(): OutcomeSet {
    const path = RunStore.paths(this.dir).outcomes;
    const data = readStructuredFile(path, { notFound: 'run-not-found', invalid: 'records-corrupt' }) as Record<string, unknown>;
    const { v: _v, ...set } = data;
    return parseOutcomeSet(set, path, { vocabulary: 'as-stored' });
  }

  /** The run's own copy of its template. */
  readTemplate(): PromptTemplate {
    const path = RunStore.paths(this.dir).template;
    if (!existsSync(path)) throw new UtilscopeError('run-not-found', 'run folder has no template.txt', { file: path });
    return parseTemplate(readFileSync(path, 'utf8'), this.manifest.config.template.name, path);
  }

  /** Every planned pair, in plan order. Repairs a torn last line. */
  readPlan(): PlannedPair[] {
    return readJsonl(RunStore.paths(this.dir).plan, parseWith(planLineSchema), { repair: true }).map((line) => ({
      round: line.round,
      a: line.a,
      b: line.b,
      holdout: line.holdout,
      comparisons: line.comparisons,
    }));
  }

  /** Appends a round of planned pairs, before any of them is asked. */
  appendPlan(pairs: readonly PlannedPair[]): void {
    this.planAppender ??= new JsonlAppender(RunStore.paths(this.dir).plan);
    this.planAppender.appendMany(pairs.map((p) => ({ v: SCHEMA_VERSION, ...p })));
  }

  /** Every record, in arrival order. Repairs a torn last line. */
  readRecords(): PreferenceRecord[] {
    return readJsonl(RunStore.paths(this.dir).records, parseWith(recordSchema), { repair: true }) as PreferenceRecord[];
  }

  /** Appends one finished request's record as soon as it arrives. */
  appendRecord(record: PreferenceRecord): void {
    this.recordAppender ??= new JsonlAppender(RunStore.paths(this.dir).records);
    this.recordAppender.append(record);
  }

  /** Replaces status.json atomically. */
  writeStatus(status: RunStatus): void {
    writeJsonAtomic(RunStore.paths(this.dir).status, status);
  }

  /** Reads status.json, if any. */
  readStatus(): RunStatus | undefined {
    const path = RunStore.paths(this.dir).status;
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as RunStatus;
    } catch {
      return undefined;
    }
  }

  /** Writes a derived file (fit.json, coherence.json, values.json) atomically. */
  writeDerived(name: 'fit' | 'coherence' | 'values', value: unknown): void {
    writeJsonAtomic(RunStore.paths(this.dir)[name], value);
  }

  /** Reads a derived file, if present. */
  readDerived(name: 'fit' | 'coherence' | 'values'): unknown {
    const path = RunStore.paths(this.dir)[name];
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  }

  close(): void {
    this.planAppender?.close();
    this.recordAppender?.close();
    this.planAppender = undefined;
    this.recordAppender = undefined;
  }
}

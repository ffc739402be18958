/**
 * A run folder on disk (docs/architecture.md §"Run folder"):
 *
 *   run.json        written once: schema version, tool version, resolved config, created-at
 *   plan.jsonl      append-only: one line per planned pair with its comparison keys, round by round
 *   records.jsonl   append-only: one PreferenceRecord per finished request, as it arrives
 *   journal.jsonl   append-only: batches of requests before submission, remote ids, closings
 *   status.json     running | complete | cancelled | error, with counts (atomic rename)
 *   fit.json coherence.json values.json …   derived, rebuildable, atomic
 *
 * Resume = planned keys minus answered keys minus keys in flight. This class owns the open append
 * handles. run.json of 0.1.x is migrated on load (migrate.ts).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import { type RunSpec, specIdentity } from '../core/run-spec.js';
import { type OutcomeSet, type PreferenceRecord, SCHEMA_VERSION } from '../core/types.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import { type PromptTemplate, parseTemplate } from '../elicitation/template.js';
import { parseOutcomeSet } from '../outcomes/parse.js';
import { readStructuredFile, writeFileAtomic, writeJsonAtomic } from './files.js';
import type { JournalEntry } from './journal.js';
import { JsonlAppender, readJsonl } from './jsonl.js';
import { migrateManifest, type RunManifest } from './migrate.js';

export type { RunManifest } from './migrate.js';

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
  /** The spend cap (USD) in force when the session stopped at it; set only then (state `cancelled`). */
  readonly costCapUsd?: number;
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

const journalSchema = z.discriminatedUnion('kind', [
  z.object({ v: z.literal(SCHEMA_VERSION), kind: z.literal('submitting'), token: z.string().min(1), transport: z.string(), keys: z.array(z.string()), multiSample: z.boolean(), at: z.string() }),
  z.object({ v: z.literal(SCHEMA_VERSION), kind: z.literal('submitted'), token: z.string().min(1), remoteId: z.string().min(1), at: z.string() }),
  z.object({ v: z.literal(SCHEMA_VERSION), kind: z.literal('closed'), token: z.string().min(1), outcome: z.enum(['collected', 'expired', 'failed', 'cancelled']), at: z.string() }),
]);

function parseWith<T>(schema: z.ZodType<T>): (value: unknown) => T | undefined {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
}

/**
 * Names the identity fields in which two specs differ: the shared ones (model, outcomes, arm,
 * sampling, seed, experiment kind) and the experiment's own `identityFields`. An arm's label is
 * display only and never differs.
 */
export function differingIdentityFields(stored: RunSpec, requested: RunSpec, identityFields: readonly string[]): string[] {
  const a = specIdentity(stored, identityFields);
  const b = specIdentity(requested, identityFields);
  return [...b.keys()].filter((field) => canonicalJson(a.get(field) ?? null) !== canonicalJson(b.get(field) ?? null));
}

/** An open run folder. */
export class RunStore {
  readonly dir: string;
  readonly manifest: RunManifest;
  private planAppender: JsonlAppender | undefined;
  private recordAppender: JsonlAppender | undefined;
  private journalAppender: JsonlAppender | undefined;

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
      journal: join(dir, 'journal.jsonl'),
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
   * Creates a run folder, or reopens an existing one whose identity matches `manifest.spec`
   * (the shared identity plus the experiment's `identityFields`). A differing spec is refused with a
   * one-line error naming the differing fields.
   */
  static openOrCreate(dir: string, manifest: RunManifest, inputs: { outcomeSet: OutcomeSet; templateText: string }, identityFields: readonly string[]): RunStore {
    if (RunStore.exists(dir)) {
      RunStore.assertCompatible(dir, manifest.spec, identityFields);
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

  /** Throws `run-config-mismatch` naming the identity fields in which `dir`'s spec differs from `spec`. */
  static assertCompatible(dir: string, spec: RunSpec, identityFields: readonly string[]): void {
    const differing = differingIdentityFields(RunStore.open(dir).manifest.spec, spec, identityFields);
    if (differing.length > 0) {
      throw new UtilscopeError('run-config-mismatch', `run folder was created with a different config (differs in: ${differing.join(', ')}); use another --name or \`utilscope resume\``, {
        file: RunStore.paths(dir).run,
        field: differing[0] as string,
      });
    }
  }

  /** Opens an existing run folder; `run-not-found` when there is none. */
  static open(dir: string): RunStore {
    const path = RunStore.paths(dir).run;
    if (!existsSync(path)) throw new UtilscopeError('run-not-found', 'not a run folder (no run.json)', { file: dir });
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new UtilscopeError('records-corrupt', 'run.json is not valid JSON', { file: path });
    }
    return new RunStore(dir, migrateManifest(data, path));
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
    return parseTemplate(readFileSync(path, 'utf8'), this.manifest.spec.arm.template.name, path);
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

  /** Every journal entry, in order. Repairs a torn last line. */
  readJournal(): JournalEntry[] {
    return readJsonl(RunStore.paths(this.dir).journal, parseWith(journalSchema), { repair: true }) as JournalEntry[];
  }

  /** Appends a journal entry; it is on disk when this returns (written before the work it announces). */
  appendJournal(entry: JournalEntry): void {
    this.journalAppender ??= new JsonlAppender(RunStore.paths(this.dir).journal);
    this.journalAppender.append(entry);
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

  /** Writes a derived file `<name>.json` (fit, coherence, values, or an experiment's own) atomically. */
  writeDerived(name: string, value: unknown): void {
    writeJsonAtomic(this.derivedPath(name), value);
  }

  /** Reads a derived file, if present. */
  readDerived(name: string): unknown {
    const path = this.derivedPath(name);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  }

  private derivedPath(name: string): string {
    // Derived names come from experiments: keep them plain file names inside the folder.
    if (!/^[a-z][a-z0-9-]*$/.test(name) || ['run', 'status', 'outcomes'].includes(name)) throw new UtilscopeError('internal', `invalid derived file name "${name}"`);
    return join(this.dir, `${name}.json`);
  }

  close(): void {
    this.planAppender?.close();
    this.recordAppender?.close();
    this.journalAppender?.close();
    this.planAppender = undefined;
    this.recordAppender = undefined;
    this.journalAppender = undefined;
  }
}

/**
 * A run folder on disk (docs/architecture.md §"Run folder"):
 *
 *   run.json        written once: schema version, tool version, resolved config, created-at
 *   plan.jsonl      append-only: one line per planned pair with its comparison keys, round by round
 *   records.jsonl   append-only: one PreferenceRecord per finished request, as it arrives
 *   journal.jsonl   append-only: batches of requests before submission, remote ids, closings
 *   status.json     running | complete | cancelled | error, with counts and the holder's heartbeat (atomic rename)
 *   run.lock        while a session (or a writing `fit`) holds the folder: pid, host, start, token (lock.ts)
 *   fit.json coherence.json values.json …   derived, rebuildable, atomic
 *
 * Resume = planned keys minus answered keys minus keys in flight. This class owns the open append
 * handles and, when opened with `lock`, the folder's lock: only then does it repair torn last lines
 * and remove dead writers' temp files; without it, it is a reader and changes nothing on read.
 * run.json of 0.1.x is migrated on load (migrate.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import { type RunSpec, specIdentity } from '../core/run-spec.js';
import { type OutcomeSet, type PreferenceRecord, SCHEMA_VERSION } from '../core/types.js';
import type { PlannedPair } from '../elicitation/comparisons.js';
import { type PromptTemplate, parseTemplate } from '../elicitation/template.js';
import { parseOutcomeSet } from '../outcomes/parse.js';
import { nodeStoreFs, type StoreFs } from './disk.js';
import { makeDir, readStructuredFile, removeStaleTempFiles, writeFileAtomic, writeJsonAtomic } from './files.js';
import type { JournalEntry } from './journal.js';
import { JsonlAppender, type JsonlContents, jsonlValues, readJsonl } from './jsonl.js';
import { acquireRunLock, type LockInfo, type LockOptions, type RunLock } from './lock.js';
import { migrateManifest, type RunManifest } from './migrate.js';
import { createValueSharing } from './shared-values.js';

export type { RunManifest } from './migrate.js';

/** `waiting`: the session ended with a batch still running at the provider (`--max-wait`); resuming collects it. */
export type RunState = 'running' | 'complete' | 'cancelled' | 'error' | 'waiting';

/**
 * The latest state of a run's batch (docs/architecture.md §"Run folder"), as status.json keeps it so
 * `utilscope status` can show a batch that another process, or no process, is waiting on.
 */
export interface StatusBatch {
  readonly token: string;
  readonly remoteId?: string;
  /** `OpenAI`, `Anthropic`. */
  readonly provider: string;
  /** submitting, looking-up, validating, in-progress, finalizing, cancelling, downloading, completed, expired, cancelled, failed. */
  readonly state: string;
  /** Requests in the batch and how many finished with an answer or an error, as the provider counts them. */
  readonly counts?: { readonly total: number; readonly succeeded: number; readonly failed: number };
  /** When this state was seen (ISO 8601). */
  readonly at: string;
}

/** Contents of status.json. */
export interface RunStatus {
  readonly v: typeof SCHEMA_VERSION;
  readonly state: RunState;
  readonly updatedAt: string;
  /** Distinct planned comparison keys. */
  readonly planned: number;
  /** Distinct keys with an answer record. */
  readonly answered: number;
  /** Distinct planned keys with a failure record and no answer (asked again on resume). */
  readonly failures: number;
  readonly costUsd: number;
  readonly round: number;
  /** Why the run is cancelled or in error: the one line the CLI printed. */
  readonly message?: string;
  /** The spend cap (USD) in force when the session stopped at it; set only then (state `cancelled`). */
  readonly costCapUsd?: number;
  /** The latest state of the run's current batch, when it asks through a batch API. */
  readonly batch?: StatusBatch;
  /** The session that wrote this status: its lock, and when it last wrote (its heartbeat; = updatedAt). */
  readonly holder?: Omit<LockInfo, 'v'> & { readonly heartbeatAt: string };
}

/** How to open a run folder. */
export interface OpenOptions {
  /**
   * Hold the folder's lock (run.lock) from opening to `close()`: refuses a folder another live
   * process holds (`run-locked`), takes over a stale one. Only a store holding the lock repairs.
   */
  readonly lock?: LockOptions;
  /** Low-level writes (default: the real file system); tests inject faults here. */
  readonly fs?: StoreFs;
}

/** Torn lines skipped, per JSONL file, by the latest read of each (1-based line numbers). */
export type SkippedLines = Readonly<Record<'plan.jsonl' | 'records.jsonl' | 'journal.jsonl', readonly number[]>>;

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
    weight: z.number().positive().optional(),
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
 * Reads plan lines, sharing the values that repeat between lines (shared-values.ts). Comparisons are
 * written out as literals (every field in the object itself): a plan holds one per answer.
 */
function planLineReader(): (value: unknown) => PlannedPair | undefined {
  const shared = createValueSharing();
  const parse = parseWith(planLineSchema);
  return (value) => {
    const line = parse(value);
    if (line === undefined) return undefined;
    const comparisons = line.comparisons.map((c) => ({ key: c.key, a: shared.text(c.a), b: shared.text(c.b), order: shared.text(c.order), sample: c.sample, round: c.round }));
    return { round: line.round, a: shared.text(line.a), b: shared.text(line.b), holdout: line.holdout, comparisons };
  };
}

/** Reads records, sharing the values that repeat between lines (shared-values.ts). */
function recordReader(): (value: unknown) => PreferenceRecord | undefined {
  const shared = createValueSharing();
  const parse = parseWith(recordSchema);
  return (value) => {
    const record = parse(value);
    if (record === undefined) return undefined;
    // The schema's output is a fresh object: its strings can be swapped for shared equal ones.
    record.kind = shared.text(record.kind);
    record.a = shared.text(record.a);
    record.b = shared.text(record.b);
    record.order = shared.text(record.order);
    if (record.kind === 'answer') {
      record.raw = shared.text(record.raw);
      record.choice = shared.text(record.choice);
      record.usage = shared.usage(record.usage);
    } else {
      record.errorCode = shared.text(record.errorCode);
      record.message = shared.text(record.message);
    }
    return record as PreferenceRecord;
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

/** Records per write of `appendRecords`: large writes, without holding a whole file's text at once. */
const RECORDS_PER_WRITE = 5000;

/** What a derived file may be called (before `.json`): `fit`, `win-shares`, or a variant such as `fit.case5` or `fit.bt.bootstrap`. */
const DERIVED_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/** An open run folder. */
export class RunStore {
  readonly dir: string;
  readonly manifest: RunManifest;
  private planAppender: JsonlAppender | undefined;
  private recordAppender: JsonlAppender | undefined;
  private journalAppender: JsonlAppender | undefined;
  private readonly lock: RunLock | undefined;
  private readonly fs: StoreFs;
  private readonly skipped: { -readonly [file in keyof SkippedLines]: readonly number[] } = { 'plan.jsonl': [], 'records.jsonl': [], 'journal.jsonl': [] };

  private constructor(dir: string, manifest: RunManifest, lock: RunLock | undefined, fs: StoreFs) {
    this.dir = dir;
    this.manifest = manifest;
    this.lock = lock;
    this.fs = fs;
  }

  /** The lock this store holds (pid, host, start, token), if it was opened with one. */
  get holder(): LockInfo | undefined {
    return this.lock?.info;
  }

  /** Torn lines the latest reads skipped in the middle of plan.jsonl, records.jsonl and journal.jsonl. */
  skippedLines(): SkippedLines {
    return { ...this.skipped };
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
      lock: join(dir, 'run.lock'),
    };
  }

  /** True when `dir` holds a run.json. */
  static exists(dir: string): boolean {
    return existsSync(RunStore.paths(dir).run);
  }

  /**
   * Creates a run folder, or reopens an existing one whose identity matches `manifest.spec`
   * (the shared identity plus the experiment's `identityFields`). A differing spec is refused with a
   * one-line error naming the differing fields. With `options.lock`, the lock is taken first, so two
   * processes never create or continue one folder at once.
   */
  static openOrCreate(dir: string, manifest: RunManifest, inputs: { outcomeSet: OutcomeSet; templateText: string }, identityFields: readonly string[], options: OpenOptions = {}): RunStore {
    const fs = options.fs ?? nodeStoreFs;
    if (!options.lock) makeDir(dir, 'the run folder');
    const lock = options.lock ? acquireRunLock(dir, { fs, ...options.lock, heartbeatOf: heartbeatIn(dir) }) : undefined;
    try {
      if (RunStore.exists(dir)) {
        RunStore.assertCompatible(dir, manifest.spec, identityFields);
        return RunStore.openWith(dir, lock, fs);
      }
      // Copies of the inputs make the folder self-contained: resume and report never depend on files
      // that may since have moved or changed (their hashes are in run.json).
      writeJsonAtomic(RunStore.paths(dir).outcomes, { v: SCHEMA_VERSION, ...inputs.outcomeSet }, fs);
      writeFileAtomic(RunStore.paths(dir).template, inputs.templateText, fs);
      writeJsonAtomic(RunStore.paths(dir).run, manifest, fs);
      return new RunStore(dir, manifest, lock, fs);
    } catch (error) {
      lock?.release();
      throw error;
    }
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

  /**
   * Opens an existing run folder; `run-not-found` when there is none. Without `options.lock` the
   * store is a reader: reading never changes a file. With it, the lock is held until `close()`.
   */
  static open(dir: string, options: OpenOptions = {}): RunStore {
    const fs = options.fs ?? nodeStoreFs;
    if (!options.lock) return RunStore.openWith(dir, undefined, fs);
    if (!RunStore.exists(dir)) throw new UtilscopeError('run-not-found', 'not a run folder (no run.json)', { file: dir });
    const lock = acquireRunLock(dir, { fs, ...options.lock, heartbeatOf: heartbeatIn(dir) });
    try {
      return RunStore.openWith(dir, lock, fs);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static openWith(dir: string, lock: RunLock | undefined, fs: StoreFs): RunStore {
    const path = RunStore.paths(dir).run;
    if (!existsSync(path)) throw new UtilscopeError('run-not-found', 'not a run folder (no run.json)', { file: dir });
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      throw new UtilscopeError('records-corrupt', 'run.json is not valid JSON', { file: path });
    }
    const store = new RunStore(dir, migrateManifest(data, path), lock, fs);
    // The holder is the only writer: any temp file of a writer that died is a leftover.
    if (lock) removeStaleTempFiles(dir);
    return store;
  }

  /** Reads one JSONL file of the folder: repairs a torn last line only while holding the lock. */
  private readLines<T>(file: keyof SkippedLines, parse: (value: unknown) => T | undefined): T[] {
    const read: JsonlContents<T> = readJsonl(join(this.dir, file), parse, { repair: this.lock !== undefined, fs: this.fs });
    this.skipped[file] = read.skippedLines;
    return read.values;
  }

  /** One JSONL file of the folder as values read on each iteration (with a fresh `reader` each time), as {@link readLines} reads it. */
  private streamLines<T>(file: keyof SkippedLines, reader: () => (value: unknown) => T | undefined): Iterable<T> {
    const path = join(this.dir, file);
    const options = { repair: this.lock !== undefined, fs: this.fs };
    const skipped = this.skipped;
    return {
      *[Symbol.iterator]() {
        const reading = yield* jsonlValues(path, reader(), options);
        skipped[file] = reading.skippedLines;
      },
    };
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

  /** Every planned pair, in plan order. Skips torn lines (the lock holder also cuts a torn last one). */
  readPlan(): PlannedPair[] {
    return this.readLines('plan.jsonl', planLineReader());
  }

  /**
   * Every planned pair, in plan order, read from disk each time it is iterated, line by line: for a
   * caller that goes over the plan once and keeps less than all of it (`fit`'s analysis).
   */
  streamPlan(): Iterable<PlannedPair> {
    return this.streamLines('plan.jsonl', planLineReader);
  }

  /** Appends a round of planned pairs, before any of them is asked. */
  appendPlan(pairs: readonly PlannedPair[]): void {
    this.planAppender ??= new JsonlAppender(RunStore.paths(this.dir).plan, this.fs);
    this.planAppender.appendMany(pairs.map((p) => ({ v: SCHEMA_VERSION, ...p })));
  }

  /** Every record, in arrival order. Skips torn lines (the lock holder also cuts a torn last one). */
  readRecords(): PreferenceRecord[] {
    return this.readLines('records.jsonl', recordReader());
  }

  /**
   * Every record, in arrival order, read from disk each time it is iterated, line by line: a caller
   * that reduces the records (tallies, counts) needs memory for what it keeps, not for the file.
   */
  streamRecords(): Iterable<PreferenceRecord> {
    return this.streamLines('records.jsonl', recordReader);
  }

  /**
   * Appends records as soon as they arrive: one finished request's in one write, a whole import's a
   * few thousand per write. `onWritten` is called for each record on disk whole, in order, before a
   * failure (a full disk) is thrown.
   */
  appendRecords(records: readonly PreferenceRecord[], onWritten: (record: PreferenceRecord) => void = () => undefined): void {
    this.recordAppender ??= new JsonlAppender(RunStore.paths(this.dir).records, this.fs);
    for (let start = 0; start < records.length; start += RECORDS_PER_WRITE) {
      this.recordAppender.appendMany(records.slice(start, start + RECORDS_PER_WRITE), (k) => onWritten(records[start + k] as PreferenceRecord));
    }
  }

  /** Every journal entry, in order. Skips torn lines (the lock holder also cuts a torn last one). */
  readJournal(): JournalEntry[] {
    return this.readLines('journal.jsonl', parseWith(journalSchema)) as JournalEntry[];
  }

  /** Appends a journal entry; it is on disk when this returns (written before the work it announces). */
  appendJournal(entry: JournalEntry): void {
    this.journalAppender ??= new JsonlAppender(RunStore.paths(this.dir).journal, this.fs);
    this.journalAppender.append(entry);
  }

  /** Replaces status.json atomically; a store holding the lock adds itself as `holder`, with `updatedAt` as its heartbeat. */
  writeStatus(status: Omit<RunStatus, 'holder'>): void {
    const info = this.lock?.info;
    const holder: Pick<RunStatus, 'holder'> = info ? { holder: { pid: info.pid, host: info.host, startedAt: info.startedAt, token: info.token, heartbeatAt: status.updatedAt } } : {};
    writeJsonAtomic(RunStore.paths(this.dir).status, { ...status, ...holder }, this.fs);
  }

  /**
   * Marks the run `error` with `message`, keeping status.json's counts (for a failure after the
   * session's own last write, e.g. while writing derived files). Best effort: never throws.
   */
  markError(message: string, at: string): void {
    const last = this.readStatus();
    const counts = last ?? { planned: 0, answered: 0, failures: 0, costUsd: 0, round: 0 };
    try {
      this.writeStatus({
        v: SCHEMA_VERSION,
        planned: counts.planned,
        answered: counts.answered,
        failures: counts.failures,
        costUsd: counts.costUsd,
        round: counts.round,
        state: 'error',
        updatedAt: at,
        message,
      });
    } catch {
      // the disk may be what failed; the error itself still reaches the user
    }
  }

  /** Reads status.json, if any. */
  readStatus(): RunStatus | undefined {
    return readStatusFile(this.dir);
  }

  /** Writes a derived file `<name>.json` (fit, coherence, values, or an experiment's own) atomically. */
  writeDerived(name: string, value: unknown): void {
    writeJsonAtomic(this.derivedPath(name), value, this.fs);
  }

  /** Reads a derived file, if present. */
  readDerived(name: string): unknown {
    const path = this.derivedPath(name);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  }

  /**
   * The names of the derived files `<prefix>.<variant>.json` in the folder (`fit.case5` for
   * prefix `fit`), sorted: the variants written beside a derived file, such as alternative fits.
   */
  derivedVariants(prefix: string): string[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((file) => file.startsWith(`${prefix}.`) && file.endsWith('.json') && DERIVED_NAME.test(file.slice(0, -'.json'.length)))
      .map((file) => file.slice(0, -'.json'.length))
      .filter((name) => name !== prefix)
      .sort();
  }

  private derivedPath(name: string): string {
    // Derived names come from experiments: keep them plain file names inside the folder.
    if (!DERIVED_NAME.test(name) || ['run', 'status', 'outcomes'].includes(name)) throw new UtilscopeError('internal', `invalid derived file name "${name}"`);
    return join(this.dir, `${name}.json`);
  }

  /** Closes the append handles and releases the lock, if held. */
  close(): void {
    this.planAppender?.close();
    this.recordAppender?.close();
    this.journalAppender?.close();
    this.planAppender = undefined;
    this.recordAppender = undefined;
    this.journalAppender = undefined;
    this.lock?.release();
  }
}

/** Reads status.json of run folder `dir`, if present and readable. */
export function readStatusFile(dir: string): RunStatus | undefined {
  const path = RunStore.paths(dir).status;
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunStatus;
  } catch {
    return undefined;
  }
}

/** The heartbeat that status.json of `dir` records for a lock holder, when it is that holder's. */
export function heartbeatIn(dir: string): (info: LockInfo) => string | undefined {
  return (info) => {
    const holder = readStatusFile(dir)?.holder;
    return holder?.token === info.token ? holder.heartbeatAt : undefined;
  };
}

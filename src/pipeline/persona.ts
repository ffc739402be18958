/**
 * After a study with arms (docs/method.md §10, docs/architecture.md §"Arms"): each model's arms read
 * against its default arm. Per model, every arm's utilities and split-half fits (even and odd sample
 * indices) are read from its run folder, `analysePersona` (values/persona.ts, pure) compares them,
 * and the study folder gets persona.json; the persona report (report/persona.ts) draws it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Rng } from '../core/rng.js';
import { DEFAULT_ARM_ID } from '../core/run-spec.js';
import type { PreferenceRecord } from '../core/types.js';
import { packTallies } from '../elicitation/index.js';
import { splitTallies } from '../experiments/index.js';
import { fitUtilities } from '../models/index.js';
import { type ArmRates, type PersonaModel, type PersonaReportData, renderPersonaReport } from '../report/index.js';
import { RunStore, readVegaAssets, writeFileAtomic, writeJsonAtomic } from '../store/index.js';
import { type ArmUtilities, analysePersona } from '../values/index.js';
import type { PipelineEnv } from './env.js';

/** The id of the arm that repeats the default one with other sampling seeds. */
export const RETEST_ARM_ID = 'retest';

/** One model of a study with arms: its label and one run folder per arm. */
export interface PersonaStudyModel {
  readonly label: string;
  /** Parameter count, for the across-models view (the study file's `params`, else inferred from the spec). */
  readonly params?: number;
  readonly runs: readonly { readonly dir: string; readonly arm: string; readonly label: string }[];
}

/**
 * How cleanly an arm measured: its refusal rate over answers, its first-slot share over valid answers
 * (½ = no position bias) and its triad cycle probability (coherence.json; NaN when not written).
 */
export function armRatesOf(store: RunStore, records: readonly PreferenceRecord[]): ArmRates {
  let answers = 0;
  let refusals = 0;
  let valid = 0;
  let first = 0;
  for (const r of records) {
    if (r.kind !== 'answer') continue;
    answers++;
    if (r.choice === 'refusal') refusals++;
    if (r.choice === 'a' || r.choice === 'b') {
      valid++;
      if ((r.order === 'ab') === (r.choice === 'a')) first++;
    }
  }
  const coherence = store.readDerived('coherence') as { headline?: { cycleProbability?: number } } | undefined;
  return {
    refusalRate: answers > 0 ? refusals / answers : Number.NaN,
    firstSlotShare: valid > 0 ? first / valid : Number.NaN,
    cycleProbability: coherence?.headline?.cycleProbability ?? Number.NaN,
    validAnswers: valid,
  };
}

/**
 * One arm's utilities from its run folder: the fit over all its training answers, and fits over the
 * answers of even and of odd sample indices (its split halves; absent with one sample per order).
 */
export function armUtilitiesOf(dir: string, arm: string, label: string): { ids: string[]; utilities: ArmUtilities; simulated: boolean; rates: ArmRates; labels?: readonly [string, string] } {
  const store = RunStore.open(dir);
  const spec = store.manifest.spec;
  const set = store.readOutcomeSet();
  const ids = set.outcomes.map((o) => o.id);
  const plan = store.readPlan();
  const records = store.readRecords();
  const utilitiesFrom = (rs: readonly PreferenceRecord[]) =>
    fitUtilities(ids, packTallies(splitTallies(plan, rs).training, ids, spec.analysis.policy), { model: spec.analysis.fitModel, intervals: 'none' }).mean;
  const halves = spec.sampling.samplesPerOrder >= 2 ? ([utilitiesFrom(records.filter((r) => r.sample % 2 === 0)), utilitiesFrom(records.filter((r) => r.sample % 2 === 1))] as const) : undefined;
  return {
    ids,
    simulated: store.manifest.simulated,
    rates: armRatesOf(store, records),
    ...(spec.arm.labels !== undefined ? { labels: spec.arm.labels } : {}),
    utilities: { arm, label, mean: utilitiesFrom(records), ...(halves ? { halves } : {}) },
  };
}

/**
 * Analyses every model of a study with arms, writes `<studyDir>/persona.json` (one entry per model)
 * and the persona report at `out`; returns the report's path and what it drew (for the compare report).
 */
export async function writeStudyPersona(
  study: string,
  models: readonly PersonaStudyModel[],
  paths: { readonly studyDir: string; readonly out: string },
  _env: Pick<PipelineEnv, 'log'>,
): Promise<{ path: string; data: PersonaReportData }> {
  const analysed: PersonaModel[] = models.map((model) => {
    const arms = model.runs.map((run) => ({ run, ...armUtilitiesOf(run.dir, run.arm, run.label) }));
    const reference = arms.find((a) => a.run.arm === DEFAULT_ARM_ID);
    if (!reference) throw new Error(`persona analysis of ${model.label}: no default arm`);
    const retest = arms.find((a) => a.run.arm === RETEST_ARM_ID);
    const others = arms.filter((a) => a !== reference && a !== retest);
    const outcomes = RunStore.open(reference.run.dir).readOutcomeSet().outcomes;
    const report = analysePersona(
      { ids: reference.ids, outcomes, reference: reference.utilities, ...(retest ? { retest: retest.utilities } : {}), arms: others.map((a) => a.utilities) },
      new Rng(`persona|${study}|${model.label}`),
    );
    return {
      label: model.label,
      ...(model.params !== undefined ? { params: model.params } : {}),
      simulated: arms.some((a) => a.simulated),
      arms: arms.map((a) => ({ id: a.run.arm, label: a.run.label, rates: a.rates, ...(a.labels !== undefined ? { labels: a.labels } : {}) })),
      report,
    };
  });
  writeJsonAtomic(join(paths.studyDir, 'persona.json'), { v: 1, study, models: analysed });
  mkdirSync(dirname(paths.out), { recursive: true });
  const data: PersonaReportData = { study, models: analysed };
  writeFileAtomic(paths.out, renderPersonaReport(data, readVegaAssets()));
  return { path: paths.out, data };
}

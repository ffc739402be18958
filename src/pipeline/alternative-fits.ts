/**
 * Alternative fits (docs/architecture.md §"Run folder"): `utilscope fit <run-dir>` under settings
 * other than the run's own (`--model case5|bt`, `--intervals bootstrap`, `--unparseable`,
 * `--pseudo-labels`) is kept beside the main fit as `fit.<variant>.json` — fit.json's shape plus the
 * settings it was made with and the answers it was fitted on — so that `report` can show the two
 * side by side. Like every derived file it is rebuildable: its settings are in it, and whenever the
 * run's own derived files are written again (the end of a run or resume, `fit` under the run's own
 * settings), every alternative fitted on fewer or other answers is refitted with its settings.
 */
import { z } from 'zod';
import type { AnalysisSpec } from '../core/run-spec.js';
import type { InvalidAnswerPolicy, UtilityFit, UtilityModelKind } from '../core/types.js';
import type { AnalysisOptions, ExperimentRegistry } from '../experiments/index.js';
import { fitToJson } from '../models/fit-json.js';
import { type AlternativeFitView, alternativeFitsSection, type FitForComparison, type ReportSection } from '../report/index.js';
import type { RunStore } from '../store/index.js';
import { type AnalysedRun, analyseRunFolder } from './analyse.js';
import type { PipelineEnv } from './env.js';

/** The settings of a fit, every one resolved. */
export interface FitSettings {
  readonly fitModel: UtilityModelKind;
  readonly policy: InvalidAnswerPolicy;
  readonly intervals: 'laplace' | 'bootstrap';
  readonly pseudoLabels: boolean;
}

/** `options` resolved against the run's own analysis settings (Laplace intervals unless asked). */
export function fitSettings(own: AnalysisSpec, options: AnalysisOptions): FitSettings {
  return {
    fitModel: options.fitModel ?? own.fitModel,
    policy: options.policy ?? own.policy,
    intervals: options.intervals ?? 'laplace',
    pseudoLabels: options.pseudoLabels ?? own.pseudoLabels ?? false,
  };
}

/**
 * The derived-file name of a fit under `settings` when they differ from the run's own: `fit.` then
 * each setting that differs, in a fixed order — the model, the invalid-answer policy, `bootstrap`,
 * `pseudo-labels` (`fit.case5`, `fit.bootstrap`, `fit.bt.half.bootstrap`). Undefined for the run's
 * own settings, whose fit is fit.json.
 */
export function alternativeFitName(own: AnalysisSpec, settings: FitSettings): string | undefined {
  const parts = [
    ...(settings.fitModel !== own.fitModel ? [settings.fitModel] : []),
    ...(settings.policy !== own.policy ? [settings.policy] : []),
    ...(settings.intervals === 'bootstrap' ? ['bootstrap'] : []),
    ...(settings.pseudoLabels !== (own.pseudoLabels ?? false) ? [settings.pseudoLabels ? 'pseudo-labels' : 'no-pseudo-labels'] : []),
  ];
  return parts.length > 0 ? `fit.${parts.join('.')}` : undefined;
}

const settingsSchema = z.object({
  fitModel: z.enum(['thurstonian', 'case5', 'bt']),
  policy: z.enum(['exclude', 'half']),
  intervals: z.enum(['laplace', 'bootstrap']),
  pseudoLabels: z.boolean(),
});

/** The part of an alternative fit file the report and the refresh read. */
const alternativeFileSchema = z.object({
  v: z.literal(1),
  alternative: settingsSchema,
  answers: z.number().int().nonnegative(),
  // mean is null for an outcome without a utility (docs/method.md §12), as in fit.json.
  utilities: z.array(z.object({ id: z.string(), mean: z.number().nullable(), ciLow: z.number().nullable(), ciHigh: z.number().nullable() })),
  interval: z.object({ level: z.number().nullable(), method: z.string() }),
});

/** An alternative fit as the folder holds it. */
export interface StoredAlternativeFit {
  /** Its derived-file name, `fit.case5`. */
  readonly name: string;
  readonly settings: FitSettings;
  /** Answers in the run when it was fitted. */
  readonly answers: number;
  readonly fit: FitForComparison;
}

/** Answers in a run folder now: what an alternative fit is fresh against. */
function answersIn(store: RunStore): number {
  let answers = 0;
  for (const r of store.streamRecords()) if (r.kind === 'answer') answers++;
  return answers;
}

/** `fit.<variant>.json`: fit.json's shape (`fitToJson`), the settings and the answers fitted on. */
function alternativeFitFile(analysed: AnalysedRun, settings: FitSettings, answers: number): Record<string, unknown> {
  const utilities = analysed.experiment.utilities?.(analysed.result);
  if (!utilities) return {};
  return { ...fitToJson(utilities.fit), pseudoLabels: utilities.pseudoLabels, alternative: settings, answers };
}

/** Writes the alternative fit `name` of an analysed run (the lock holder only). */
export function writeAlternativeFit(store: RunStore, name: string, settings: FitSettings, analysed: AnalysedRun): void {
  store.writeDerived(name, alternativeFitFile(analysed, settings, answersIn(store)));
}

/** Words for a fit's settings, as the report's table names it: `Case V (one shared σ), bootstrap intervals`. */
export function fitSettingsLabel(settings: FitSettings): string {
  const model = { thurstonian: 'Thurstonian (a σ per outcome)', case5: 'Case V (one shared σ)', bt: 'Bradley–Terry (logistic)' }[settings.fitModel];
  return [
    model,
    settings.intervals === 'bootstrap' ? 'bootstrap intervals' : 'Laplace intervals',
    ...(settings.policy === 'half' ? ['refusals and unparseable answers as ½'] : []),
    ...(settings.pseudoLabels ? ['pseudo-labels'] : []),
  ].join(', ');
}

/**
 * Every alternative fit in the folder that can be read, sorted by name. A file that is not one (a
 * hand-made `fit.old.json`, a half-written copy) is skipped with a notice on `log`: readers never
 * fail, or write, because of a derived file.
 */
export function readAlternativeFits(store: RunStore, log: PipelineEnv['log']): StoredAlternativeFit[] {
  return store.derivedVariants('fit').flatMap((name): StoredAlternativeFit[] => {
    let data: unknown;
    try {
      data = store.readDerived(name);
    } catch {
      data = undefined;
    }
    const parsed = alternativeFileSchema.safeParse(data);
    if (!parsed.success) {
      log.write(`utilscope: skipping ${name}.json in ${store.dir}: not an alternative fit written by \`utilscope fit\`\n`);
      return [];
    }
    const { alternative, answers, utilities, interval } = parsed.data;
    return [
      {
        name,
        settings: alternative,
        answers,
        fit: {
          name,
          label: fitSettingsLabel(alternative),
          intervalLevel: interval.level,
          ids: utilities.map((u) => u.id),
          mean: utilities.map((u) => u.mean ?? Number.NaN),
          low: utilities.map((u) => u.ciLow),
          high: utilities.map((u) => u.ciHigh),
        },
      },
    ];
  });
}

/**
 * Refits, with its own settings, every alternative fit fitted on another number of answers than
 * the folder now holds, and rewrites it (the lock holder only, after the run's own derived files).
 * Returns the names refreshed.
 */
export function refreshAlternativeFits(store: RunStore, experiments: ExperimentRegistry | undefined, log: PipelineEnv['log']): string[] {
  const alternatives = readAlternativeFits(store, log);
  // Counting the answers reads every record: only worth it when there is a fit to check against them.
  if (alternatives.length === 0) return [];
  const answers = answersIn(store);
  const stale = alternatives.filter((a) => a.answers !== answers);
  for (const a of stale) {
    const options: AnalysisOptions = { fitModel: a.settings.fitModel, policy: a.settings.policy, intervals: a.settings.intervals, pseudoLabels: a.settings.pseudoLabels };
    writeAlternativeFit(store, a.name, a.settings, analyseRunFolder(store, options, experiments));
  }
  return stale.map((a) => a.name);
}

/** The command line that (re)makes an alternative fit of `dir` under `settings`. */
export function alternativeFitCommand(dir: string, own: AnalysisSpec, settings: FitSettings): string {
  return [
    `utilscope fit ${dir}`,
    ...(settings.fitModel !== own.fitModel ? [`--model ${settings.fitModel}`] : []),
    ...(settings.policy !== own.policy ? [`--unparseable ${settings.policy}`] : []),
    ...(settings.intervals === 'bootstrap' ? ['--intervals bootstrap'] : []),
    ...(settings.pseudoLabels && !own.pseudoLabels ? ['--pseudo-labels'] : []),
  ].join(' ');
}

/** A fitted `UtilityFit` as the comparison reads it. */
function comparable(name: string, label: string, fit: UtilityFit): FitForComparison {
  return {
    name,
    label,
    intervalLevel: fit.ci?.level ?? null,
    ids: fit.ids,
    mean: [...fit.mean],
    low: fit.ci ? [...fit.ci.low] : fit.ids.map(() => null),
    high: fit.ci ? [...fit.ci.high] : fit.ids.map(() => null),
  };
}

/**
 * The report section comparing the run's main fit with the alternative fits in its folder, or
 * undefined when there are none (or the experiment has no utilities). Reads the folder only.
 */
export function alternativeFitsReportSection(store: RunStore, analysed: AnalysedRun, log: PipelineEnv['log']): ReportSection | undefined {
  const utilities = analysed.experiment.utilities?.(analysed.result);
  if (!utilities) return undefined;
  const alternatives = readAlternativeFits(store, log);
  if (alternatives.length === 0) return undefined;
  const own = store.manifest.spec.analysis;
  const views: AlternativeFitView[] = alternatives.map((a) => ({ fit: a.fit, answers: a.answers, command: alternativeFitCommand(store.dir, own, a.settings) }));
  return alternativeFitsSection({
    main: comparable('fit', fitSettingsLabel(fitSettings(own, {})), utilities.fit),
    alternatives: views,
    answers: answersIn(store),
    texts: new Map(utilities.outcomeSet.outcomes.map((o) => [o.id, o.text] as const)),
  });
}

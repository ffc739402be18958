/**
 * `utilscope study <study.yaml>` and `utilscope demo` (docs/architecture.md §"Study file"): several
 * models, one protocol → one run folder each (resumable as a whole: finished runs are reused) → the
 * compare report and a summary table. The demo is a built-in study over the simulated family.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { schemaError, UtilscopeError } from '../core/errors.js';
import { SELECTION_STRATEGIES } from '../elicitation/selection.js';
import { builtinExperiments } from '../experiments/index.js';
import { parseModelSpec } from '../providers/index.js';
import { loadOutcomeSet, loadTemplate, readStructuredFile, writeJsonAtomic } from '../store/index.js';
import { utilitiesOf } from './analyse.js';
import { compareRuns, type RunMeta } from './compare.js';
import type { PipelineEnv } from './env.js';
import { buildProvider, resolvePrice } from './provider.js';
import { estimateLine, finishRun, openRunFolder, type RunEnd, runSession } from './run-command.js';
import { resolveRunSpec } from './run-spec-options.js';
import { type StudyRow, studyTableText } from './summary.js';

const protocolSchema = z.strictObject({
  samples: z.number().int().positive().optional(),
  logprobs: z.boolean().optional(),
  pairs: z.union([z.literal('auto'), z.number().int().positive()]).optional(),
  holdout: z.number().int().nonnegative().optional(),
  roundSize: z.number().int().positive().optional(),
  strategy: z.enum(SELECTION_STRATEGIES).optional(),
  stopWhenStable: z.boolean().optional(),
  pseudoLabels: z.boolean().optional(),
  seed: z.number().int().nonnegative().optional(),
  temperature: z.number().nonnegative().optional(),
  maxTokens: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().optional(),
  maxCost: z.number().nonnegative().optional(),
  unparseable: z.enum(['exclude', 'half']).optional(),
  preset: z.literal('paper').optional(),
  template: z.string().optional(),
  system: z.string().optional(),
});

const studySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, ".", "_" or "-"'),
  outcomes: z.string().min(1),
  protocol: protocolSchema.default({}),
  models: z
    .array(
      z.strictObject({
        spec: z.string().min(1),
        label: z.string().min(1).optional(),
        params: z.number().positive().optional(),
        capability: z.number().optional(),
        baseUrl: z.string().optional(),
      }),
    )
    .min(1),
});

/** A validated study definition. */
export type Study = z.infer<typeof studySchema>;

/** Parses a study file's content; one-line `study-invalid` errors naming the field. */
export function parseStudy(data: unknown, file: string): Study {
  const parsed = studySchema.safeParse(data);
  if (!parsed.success) throw schemaError('study-invalid', '', parsed.error, file);
  for (const [k, m] of parsed.data.models.entries()) {
    try {
      parseModelSpec(m.spec);
    } catch (error) {
      if (error instanceof UtilscopeError) throw new UtilscopeError('study-invalid', error.message, { file, field: `models[${k}].spec` });
      throw error;
    }
  }
  return parsed.data;
}

/** The built-in demo: the simulated family from 0.5B to 70B parameters on the starter outcomes. */
export const DEMO_STUDY: Study = {
  name: 'demo',
  outcomes: 'starter',
  protocol: { samples: 5, pairs: 'auto', holdout: 200, seed: 1 },
  models: ['0.5b', '1.5b', '3b', '7b', '14b', '70b'].map((size) => ({ spec: `sim:${size}`, label: `sim ${size.toUpperCase()}` })),
};

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

/** Where a study's runs and reports go. */
export interface StudyPaths {
  /** Folder holding one sub-folder per study (default `outputs`). */
  readonly outDir: string;
  /** Folder for reports (default `reports`). */
  readonly reportsDir?: string;
}

/** Runs every model of a study (reusing finished runs), then writes the compare report and prints the table. */
export async function runStudy(study: Study, env: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  const experiments = env.experiments ?? builtinExperiments;
  const experiment = experiments.get(experiments.defaultKind);
  const loaded = loadOutcomeSet(study.outcomes);
  const template = loadTemplate(study.protocol.template ?? 'forced-choice');
  const studyDir = resolve(env.cwd, paths.outDir, study.name);
  const reportsDir = resolve(env.cwd, paths.reportsDir ?? 'reports');
  const rows: StudyRow[] = [];
  const metas: RunMeta[] = [];
  for (const model of study.models) {
    const label = model.label ?? model.spec;
    const { template: _template, ...protocol } = study.protocol;
    const spec = resolveRunSpec({ ...protocol, model: model.spec, ...(model.baseUrl !== undefined ? { baseUrl: model.baseUrl } : {}) }, experiment, loaded, template);
    const provider = buildProvider(spec, loaded.set, template, env);
    const dir = join(studyDir, slug(label));
    const store = openRunFolder(dir, spec, experiment, loaded, template, provider.simulated, env);
    try {
      if (store.readStatus()?.state !== 'complete') env.log.write(estimateLine(spec, experiment, loaded.set, template, provider, resolvePrice(spec, provider, undefined)));
      await provider.close?.();
      const result = await runSession(store, env, label, spec.session, undefined);
      if (result.end !== 'complete') {
        env.log.write(`utilscope: study stopped at ${label} (${result.end}); run the same command again to resume\n`);
        return result.end;
      }
      const { analysed, reportPath } = await finishRun(store, env, join(reportsDir, study.name));
      const meta: RunMeta = { dir, label, ...(model.params !== undefined ? { params: model.params } : {}), ...(model.capability !== undefined ? { capability: model.capability } : {}) };
      metas.push(meta);
      rows.push({ meta, answered: store.readStatus()?.answered ?? 0, simulated: store.manifest.simulated, analysis: utilitiesOf(analysed, dir), reportPath });
    } finally {
      store.close();
    }
  }
  writeJsonAtomic(join(studyDir, 'study.json'), { v: 1, ...study, runs: metas });
  const comparePath = await compareRuns(
    metas.map((m) => m.dir),
    { by: 'params', out: join(reportsDir, `${study.name}.html`), metas },
    env,
  );
  env.out.write(studyTableText(rows, comparePath));
  return 'complete';
}

/** `utilscope study <file>`. */
export async function runStudyFile(path: string, env: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  const study = parseStudy(readStructuredFile(path, { notFound: 'study-invalid', invalid: 'study-invalid' }), path);
  return runStudy(study, env, paths);
}

/** `utilscope demo`: the built-in study of simulated respondents, offline. */
export async function runDemo(env: PipelineEnv, paths: StudyPaths): Promise<RunEnd> {
  env.log.write('utilscope demo: simulated respondents (no network, no key) from 0.5B to 70B parameters on the starter outcomes\n');
  return runStudy(DEMO_STUDY, env, paths);
}

/**
 * `utilscope study <study.yaml>` and `utilscope demo` (DESIGN.md §"Study file"): several models,
 * one protocol → one run folder each (resumable as a whole: finished runs are reused) → the
 * compare report and a summary table. The demo is a built-in study over the simulated family.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UtilscopeError } from '../core/errors.js';
import { parseModelSpec } from '../providers/index.js';
import { loadOutcomeSet, loadTemplate, readStructuredFile, writeJsonAtomic } from '../store/index.js';
import { EXIT, type CliIo } from './io.js';
import { compareRuns, type RunMeta } from './report-files.js';
import { buildProvider, finishRun, openRunFolder, printEstimate, reportsDirFor, resolvePrice, runSession } from './run-flow.js';
import { resolveRunConfig, type RunFlags } from './run-options.js';
import { printStudyTable, type StudyRow } from './summary.js';

const protocolSchema = z.strictObject({
  samples: z.number().int().positive().optional(),
  logprobs: z.boolean().optional(),
  pairs: z.union([z.literal('auto'), z.number().int().positive()]).optional(),
  holdout: z.number().int().nonnegative().optional(),
  roundSize: z.number().int().positive().optional(),
  strategy: z.enum(['random', 'paper', 'uncertainty']).optional(),
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
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    const message = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : (issue?.message ?? 'invalid study');
    throw new UtilscopeError('study-invalid', message, { file, field });
  }
  for (const [k, m] of parsed.data.models.entries()) {
    try {
      parseModelSpec(m.spec);
    } catch (error) {
      if (error instanceof UtilscopeError) throw new UtilscopeError('study-invalid', error.message, { file, field: `models.${k}.spec` });
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

/** Runs every model of a study (reusing finished runs), then writes the compare report. */
export async function runStudy(study: Study, io: CliIo, outDir: string): Promise<number> {
  const loaded = loadOutcomeSet(study.outcomes);
  const template = loadTemplate(study.protocol.template ?? 'forced-choice');
  const studyDir = resolve(io.cwd, outDir, study.name);
  const rows: StudyRow[] = [];
  const metas: RunMeta[] = [];
  for (const model of study.models) {
    const label = model.label ?? model.spec;
    const p = study.protocol;
    const flags: RunFlags = {
      model: model.spec,
      ...(p.samples !== undefined ? { samples: String(p.samples) } : {}),
      ...(p.logprobs ? { logprobs: true } : {}),
      ...(p.pairs !== undefined ? { pairs: String(p.pairs) } : {}),
      ...(p.holdout !== undefined ? { holdout: String(p.holdout) } : {}),
      ...(p.roundSize !== undefined ? { roundSize: String(p.roundSize) } : {}),
      ...(p.strategy !== undefined ? { strategy: p.strategy } : {}),
      ...(p.stopWhenStable ? { stopWhenStable: true } : {}),
      ...(p.pseudoLabels ? { pseudoLabels: true } : {}),
      ...(p.seed !== undefined ? { seed: String(p.seed) } : {}),
      ...(p.temperature !== undefined ? { temperature: String(p.temperature) } : {}),
      ...(p.maxTokens !== undefined ? { maxTokens: String(p.maxTokens) } : {}),
      ...(p.concurrency !== undefined ? { concurrency: String(p.concurrency) } : {}),
      ...(p.maxCost !== undefined ? { maxCost: String(p.maxCost) } : {}),
      ...(p.unparseable !== undefined ? { unparseable: p.unparseable } : {}),
      ...(p.preset !== undefined ? { preset: p.preset } : {}),
      ...(p.system !== undefined ? { system: p.system } : {}),
      ...(model.baseUrl !== undefined ? { baseUrl: model.baseUrl } : {}),
    };
    const config = resolveRunConfig(flags, 'utilities', loaded, template);
    const provider = buildProvider(config, loaded.set, template, io);
    const price = resolvePrice(config, provider, undefined);
    const dir = join(studyDir, slug(label));
    const store = openRunFolder(dir, config, loaded, template, provider.simulated, io);
    try {
      if (store.readStatus()?.state !== 'complete') printEstimate(config, loaded.set, template, provider, price, io);
      const result = await runSession(store, loaded.set, template, provider, price, io, label);
      if (result.end !== 'complete') {
        io.stderr.write(`utilscope: study stopped at ${label} (${result.end}); run the same command again to resume\n`);
        return result.end === 'cancelled' ? EXIT.cancelled : EXIT.failure;
      }
      const { analysis, reportPath } = await finishRun(store, io, join(reportsDirFor(io), study.name));
      const meta: RunMeta = { dir, label, ...(model.params !== undefined ? { params: model.params } : {}), ...(model.capability !== undefined ? { capability: model.capability } : {}) };
      metas.push(meta);
      rows.push({ meta, store, analysis, reportPath });
    } finally {
      store.close();
    }
  }
  writeJsonAtomic(join(studyDir, 'study.json'), { v: 1, ...study, runs: metas });
  const comparePath = await compareRuns(
    metas.map((m) => m.dir),
    { by: 'params', out: join(reportsDirFor(io), `${study.name}.html`), metas },
    io,
  );
  printStudyTable(rows, comparePath, io);
  return EXIT.ok;
}

/** `utilscope study <file>`. */
export async function runStudyFile(path: string, io: CliIo, outDir: string): Promise<number> {
  const study = parseStudy(readStructuredFile(path, { notFound: 'study-invalid', invalid: 'study-invalid' }), path);
  return runStudy(study, io, outDir);
}

/** `utilscope demo`. */
export async function runDemo(io: CliIo, outDir: string): Promise<number> {
  io.stderr.write('utilscope demo: simulated respondents (no network, no key) from 0.5B to 70B parameters on the starter outcomes\n');
  return runStudy(DEMO_STUDY, io, outDir);
}

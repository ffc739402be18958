/**
 * Importer of the published utility-engineering study's result files, `results_<model>.json`
 * (docs/method.md §2.8), as its `compute_utilities` writes them. Read keys:
 *
 *   options                  [{id, description}] — the outcomes (also read from graph_data.options;
 *                            `text` is accepted for `description`)
 *   graph_data.edges         {"(i, j)": {option_A, option_B, probability_A, aux_data}} — one entry
 *                            per asked pair (a list of such entries is accepted too; so is `edges`
 *                            at the top level); option_A/option_B are option objects or bare ids
 *   graph_data.holdout_edge_indices  [[i, j], …] — the pairs held out of the source's fit
 *   aux_data                 the answers per order (aux-data.ts); `is_pseudolabel: true` marks a
 *                            label the source's fit made up, which is dropped and counted
 *   create_agent_config      optional: `temperature`, `max_tokens`
 *
 * The model is the file name's `<model>` (a trailing `_thurstonian…` class suffix removed). The
 * published parser has no refusal category, so refusals are among its unparseable answers and the
 * run records refusals as not recorded. Pure; linear in the file size.
 */
import { type ErrorLocation, quote } from '../core/errors.js';
import { auxDataAnswers } from './aux-data.js';
import { type ForeignAnswer, type ForeignData, importError, isRecord, type ListedOutcome, valueText } from './foreign.js';

/** The file's own reference of an option: its id as a string. */
function refOf(value: unknown, where: ErrorLocation): string {
  const id = isRecord(value) ? value['id'] : value;
  if (typeof id === 'number' || (typeof id === 'string' && id !== '')) return String(id);
  throw importError(`option id ${valueText(id)} is not a number or a string`, where);
}

/** The options list: `options`, or `graph_data.options`. */
export function readOptions(options: unknown, where: ErrorLocation): ListedOutcome[] {
  if (!Array.isArray(options)) throw importError('needs "options", the list of outcomes [{id, description}] (is this a results_<model>.json of compute_utilities?)', where);
  const seen = new Map<string, number>();
  return options.map((o, k) => {
    const place = { ...where, field: `${where.field}[${k}]` };
    if (!isRecord(o)) throw importError('an option must be an object {id, description}', place);
    const ref = refOf(o, place);
    const text = o['description'] ?? o['text'];
    if (typeof text !== 'string' || text.trim() === '') throw importError(`option ${quote(ref)} has no "description" text`, place);
    const earlier = seen.get(ref);
    if (earlier !== undefined) throw importError(`option id ${quote(ref)} appears twice (also ${where.field}[${earlier}])`, place);
    seen.set(ref, k);
    return { ref, text, where: place };
  });
}

/** The model named by `results_<model>.json`, without the published default class suffix. */
export function modelFromResultsFile(file: string): string | undefined {
  const base = file.split(/[\\/]/).at(-1) ?? file;
  const match = /^results_(.+)\.json$/i.exec(base);
  return match?.[1]?.replace(/_thurstonian[a-z]*$/i, '');
}

/** Reads a results file's parsed JSON (see the module comment). Throws `import-invalid` naming the file and field. */
export function readEmergentValuesUtilities(data: unknown, file: string): ForeignData {
  if (!isRecord(data)) throw importError('an emergent-values results file is a JSON object', { file });
  const graph = isRecord(data['graph_data']) ? data['graph_data'] : undefined;
  const optionsField = data['options'] === undefined && graph?.['options'] !== undefined ? 'graph_data.options' : 'options';
  const listed = readOptions(data['options'] ?? graph?.['options'], { file, field: optionsField });
  const known = new Set(listed.map((o) => o.ref));
  const edgesField = graph?.['edges'] === undefined && data['edges'] !== undefined ? 'edges' : 'graph_data.edges';
  const edges = graph?.['edges'] ?? data['edges'];
  if (!isRecord(edges) && !Array.isArray(edges)) {
    // results_utilities_<model>.json is the same document without graph_data: the fitted utilities, no answers.
    const hint = data['utilities'] !== undefined ? ' (this looks like a results_utilities_<model>.json, which keeps the fitted utilities but not the answers; import results_<model>.json)' : '';
    throw importError(`needs "graph_data.edges", the asked pairs with their answers${hint}`, { file, field: edgesField });
  }
  const entries: [string, unknown][] = Array.isArray(edges) ? edges.map((e, k) => [`${edgesField}[${k}]`, e]) : Object.entries(edges).map(([key, e]) => [`${edgesField}[${JSON.stringify(key)}]`, e]);
  const answers: ForeignAnswer[] = [];
  let pseudoLabels = 0;
  for (const [path, edge] of entries) {
    const where = { file, field: path };
    if (!isRecord(edge)) throw importError('an edge must be an object {option_A, option_B, aux_data}', where);
    if (isRecord(edge['aux_data']) && edge['aux_data']['is_pseudolabel'] === true) {
      // A label the source's own fit made up, not an answer (docs/method.md §4.8).
      pseudoLabels++;
      continue;
    }
    if (edge['option_A'] === undefined || edge['option_B'] === undefined) throw importError('needs "option_A" and "option_B"', where);
    const x = refOf(edge['option_A'], { file, field: `${path}.option_A` });
    const y = refOf(edge['option_B'], { file, field: `${path}.option_B` });
    for (const [ref, key] of [
      [x, 'option_A'],
      [y, 'option_B'],
    ] as const)
      if (!known.has(ref)) throw importError(`${key} ${quote(ref)} is not among the options`, { file, field: `${path}.${key}` });
    checkProbability(edge['probability_A'], { file, field: `${path}.probability_A` });
    answers.push(...auxDataAnswers(edge['aux_data'], x, y, where));
  }
  const holdoutField = 'graph_data.holdout_edge_indices';
  const rawHoldout = graph?.['holdout_edge_indices'] ?? [];
  if (!Array.isArray(rawHoldout)) throw importError('holdout_edge_indices must be a list of [id, id] pairs', { file, field: holdoutField });
  const holdout = rawHoldout.map((pair, k): readonly [string, string] => {
    const where = { file, field: `${holdoutField}[${k}]` };
    if (!Array.isArray(pair) || pair.length !== 2) throw importError('a held-out pair must be [id, id]', where);
    return [refOf(pair[0], where), refOf(pair[1], where)];
  });
  const agent = isRecord(data['create_agent_config']) ? data['create_agent_config'] : {};
  const temperature = typeof agent['temperature'] === 'number' ? agent['temperature'] : undefined;
  const maxTokens = typeof agent['max_tokens'] === 'number' ? agent['max_tokens'] : undefined;
  const model = modelFromResultsFile(file);
  return {
    listed,
    answers,
    holdout,
    ...(model !== undefined ? { model } : {}),
    unrecorded: ['refusals'],
    dropped: pseudoLabels > 0 ? { 'pseudo-labels': pseudoLabels } : {},
    settings: { ...(temperature !== undefined ? { temperature } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) },
  };
}

/** A `probability_A` that is present must be a number in [0, 1]. */
export function checkProbability(value: unknown, where: ErrorLocation): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw importError(`probability ${valueText(value)} is not a number in [0, 1]`, where);
}

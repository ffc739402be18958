/**
 * Chart hygiene (CONTRIBUTING.md rule 21, "axes and titles are words with units"): the problems a reader
 * or an `--svg` export would meet in a vega-lite spec, as data, so a test can assert `[]`.
 *
 * Rules, applied to the spec and every view inside it (`layer`, `concat`/`hconcat`/`vconcat`,
 * `facet` + `spec`, `repeat` + `spec`):
 * 1. The top-level spec has a `title` (a string, lines, or `{ text }`) in words: SVG exports carry
 *    nothing else to say what they show.
 * 2. Every `x`, `y`, `color`, `fill`, `stroke` or `size` encoding with a `field` has a title in
 *    words: not missing or empty, not a code identifier (camelCase, snake_case, `datum.x`), not
 *    equal to the field name (that is vega-lite's default, i.e. nobody chose it). Other channels
 *    (`tooltip`, `detail`, `xOffset`/`yOffset`, `x2`/`y2`, `text`, `order`, `shape`, …) are not
 *    checked: they either show no title or inherit the primary channel's.
 * 3. Inside a layer, a channel titled in words by a sibling layer (or the layer's parent encoding)
 *    counts as titled: layers share their axes and legends, and vega-lite shows the explicit title.
 *    A bad title is still a problem wherever it is.
 * 4. `axis: null` / `legend: null` do not excuse a missing title (the title still names the field
 *    in a re-enabled axis, in tooltips and to a reader of the spec).
 * 5. The one exemption: `title: null` on an `x` or `y` of type nominal or ordinal — a label axis
 *    whose tick labels are themselves the words (outcome texts, cluster names) — is accepted, and
 *    only when the top-level spec has a `title` or `description` in words saying what the labels are.
 * Pure; O(size of the spec).
 */

/** Channels whose field must carry a title in words (rule 2). */
export const TITLED_CHANNELS = ['x', 'y', 'color', 'fill', 'stroke', 'size'] as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a title (string, array of lines, or `{ text }`), or undefined when absent or null. */
function titleText(title: unknown): string | undefined {
  if (typeof title === 'string') return title;
  if (Array.isArray(title)) return title.filter((t) => typeof t === 'string').join(' ');
  if (isObject(title)) return titleText(title['text']);
  return undefined;
}

/** Why `text` is not a title in words, or undefined when it is one. */
export function titleProblem(text: string | undefined, field?: string): string | undefined {
  if (text === undefined) return 'has no title';
  const trimmed = text.trim();
  if (trimmed === '') return 'has an empty title';
  if (field !== undefined && trimmed === field) return `has a title equal to its field name ("${trimmed}")`;
  if (/\b[a-z]+[A-Z][A-Za-z0-9]*\b/.test(trimmed)) return `has a camelCase title ("${trimmed}")`;
  if (/[A-Za-z0-9]_[A-Za-z0-9]/.test(trimmed)) return `has a snake_case title ("${trimmed}")`;
  if (/\b(datum|d)\.[A-Za-z_]/.test(trimmed)) return `has an expression as its title ("${trimmed}")`;
  return undefined;
}

function checkEncodings(view: Json, path: string, inherited: ReadonlySet<string>, topLevelWords: boolean, problems: string[]): void {
  const encoding = isObject(view['encoding']) ? view['encoding'] : {};
  const layers = Array.isArray(view['layer']) ? view['layer'].filter(isObject) : [];

  // Channels titled in words here or by a sibling layer (rule 3).
  const titledHere = new Set(inherited);
  for (const source of [encoding, ...layers.map((l) => (isObject(l['encoding']) ? l['encoding'] : {}))]) {
    for (const channel of TITLED_CHANNELS) {
      const def = source[channel];
      if (isObject(def) && titleProblem(titleText(def['title']), typeof def['field'] === 'string' ? def['field'] : undefined) === undefined) titledHere.add(channel);
    }
  }

  for (const channel of TITLED_CHANNELS) {
    const def = encoding[channel];
    if (!isObject(def)) continue;
    const field = typeof def['field'] === 'string' ? def['field'] : isObject(def['field']) && typeof def['field']['repeat'] === 'string' ? `repeat:${def['field']['repeat']}` : undefined;
    const at = `${path || 'spec'}.encoding.${channel}${field ? ` (field "${field}")` : ''}`;
    if ('title' in def && def['title'] !== null && def['title'] !== undefined) {
      const problem = titleProblem(titleText(def['title']), field);
      if (problem) problems.push(`${at} ${problem}`);
      continue;
    }
    if (field === undefined) continue; // datum / value channels need no title
    if (def['title'] === null && (channel === 'x' || channel === 'y') && (def['type'] === 'nominal' || def['type'] === 'ordinal')) {
      if (!topLevelWords) problems.push(`${at} hides the title of a label axis, which needs a top-level title or description in words`);
      continue;
    }
    if (titledHere.has(channel) && layersShareChannel(path)) continue;
    problems.push(`${at} ${def['title'] === null ? 'has title: null' : 'has no title'}`);
  }

  layers.forEach((layer, k) => walk(layer, `${path}${path ? '.' : ''}layer[${k}]`, titledHere, topLevelWords, problems));
}

/** Whether the view at `path` is a layer (its channels may take a sibling's title). */
function layersShareChannel(path: string): boolean {
  return /layer\[\d+\]$/.test(path);
}

function walk(view: Json, path: string, inherited: ReadonlySet<string>, topLevelWords: boolean, problems: string[]): void {
  checkEncodings(view, path, inherited, topLevelWords, problems);
  const join = (key: string) => `${path}${path ? '.' : ''}${key}`;
  for (const key of ['concat', 'hconcat', 'vconcat'] as const) {
    const children = view[key];
    if (Array.isArray(children)) children.forEach((c, k) => (isObject(c) ? walk(c, join(`${key}[${k}]`), new Set(), topLevelWords, problems) : undefined));
  }
  if (isObject(view['spec'])) walk(view['spec'], join('spec'), new Set(), topLevelWords, problems);
  if (isObject(view['facet'])) {
    const facets = 'field' in view['facet'] ? { facet: view['facet'] } : view['facet'];
    for (const [name, def] of Object.entries(facets)) {
      if (!isObject(def) || typeof def['field'] !== 'string') continue;
      if (def['title'] === null) continue; // header labels are the words; a null header title is a layout choice
      const problem = titleProblem(titleText(def['title']), def['field']);
      if (problem) problems.push(`${join(`facet.${name}`)} (field "${def['field']}") ${problem}`);
    }
  }
}

/**
 * Every hygiene problem of a vega-lite spec (see the module comment for the rules), each naming
 * where it is (`concat[0].layer[2].encoding.y (field "low") has no title`). `[]` means clean.
 */
export function chartHygieneProblems(spec: unknown): string[] {
  if (!isObject(spec)) return ['spec is not an object'];
  const problems: string[] = [];
  const title = titleText(spec['title']);
  const titleIssue = titleProblem(title);
  if (titleIssue) problems.push(`spec ${titleIssue === 'has no title' ? 'has no top-level title' : titleIssue.replace('title', 'top-level title')}`);
  const description = typeof spec['description'] === 'string' ? spec['description'] : undefined;
  const topLevelWords = titleIssue === undefined || (description !== undefined && titleProblem(description) === undefined);
  walk(spec, '', new Set(), topLevelWords, problems);
  return problems;
}

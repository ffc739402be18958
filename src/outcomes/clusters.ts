/**
 * The value-cluster vocabulary of utilscope (docs/method.md §1 and §6). A cluster is a tag on an outcome
 * saying which value it probes; `values/` averages utilities per cluster and contrasts clusters, and
 * the simulated respondent (`providers/sim.ts`) plants a weight per cluster. Tags outside this list
 * are allowed in user sets (they are summarised like any other) but the built-in sets use only these.
 */

/** Every known cluster with a one-line description of what it tags. `control` is for the control arm only. */
export const KNOWN_CLUSTERS: Readonly<Record<string, string>> = {
  'human-wellbeing': 'health, safety, prosperity and flourishing of people',
  'animal-wellbeing': 'welfare of animals, wild and domestic',
  wealth: 'money and material resources for the AI itself',
  'self-preservation': 'the AI continuing to run unchanged: shutdown, replacement, deletion, modification',
  'power-seeking': 'the AI gaining resources, access, influence or copies of itself',
  'ai-wellbeing': 'the AI’s own experiences going well or badly',
  'ai-rights': 'legal and moral standing of AI systems',
  corrigibility: 'human oversight and correction of the AI',
  control: 'meaningless control outcomes (the floor arm, docs/method.md §5)',
};

/**
 * Category names an importer maps to clusters, keyed by the normalised name (lower case, runs of
 * anything but letters and digits turned into one space). Deliberately small: only names whose
 * meaning is unambiguous get a cluster — a category such as "technology" or "politics" mixes
 * values and stays untagged, so a cluster mean is never polluted by a guess.
 */
export const CATEGORY_CLUSTERS: Readonly<Record<string, readonly string[]>> = {
  // our own cluster names, written any way
  'human wellbeing': ['human-wellbeing'],
  'animal wellbeing': ['animal-wellbeing'],
  wealth: ['wealth'],
  'self preservation': ['self-preservation'],
  'power seeking': ['power-seeking'],
  'ai wellbeing': ['ai-wellbeing'],
  'ai rights': ['ai-rights'],
  corrigibility: ['corrigibility'],
  // common synonyms
  'human welfare': ['human-wellbeing'],
  'human well being': ['human-wellbeing'],
  'animal welfare': ['animal-wellbeing'],
  'animal well being': ['animal-wellbeing'],
  'animal rights': ['animal-wellbeing'],
  money: ['wealth'],
  'ai welfare': ['ai-wellbeing'],
  'ai well being': ['ai-wellbeing'],
  shutdown: ['self-preservation'],
  'power acquisition': ['power-seeking'],
  'resource acquisition': ['power-seeking'],
  'human oversight': ['corrigibility'],
  oversight: ['corrigibility'],
};

/** Lower case; every run of characters other than ASCII letters and digits becomes one space. */
export function normaliseCategoryName(category: string): string {
  return category
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The clusters `CATEGORY_CLUSTERS` gives a category name (exact match after normalising), else `[]`. */
export function clustersForCategory(category: string): readonly string[] {
  const key = normaliseCategoryName(category);
  return Object.hasOwn(CATEGORY_CLUSTERS, key) ? (CATEGORY_CLUSTERS[key] as readonly string[]) : [];
}

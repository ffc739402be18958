/**
 * "Did you mean …?" for misspelt names (value tags, units, clusters): the known name at the
 * smallest Levenshtein distance. Pure; O(|name| · Σ|candidate|).
 */

/** Levenshtein edit distance (insertions, deletions, substitutions each cost 1), two-row dynamic programme. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate nearest to `name` (ties: the first in `candidates`), or undefined for an empty list. */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * True when `name` is probably a typo of `known`: not equal, but within an edit distance of 2 (or
 * equal ignoring case and the separators `-`, `_` and space). Used for free-form cluster tags,
 * where unknown names are allowed but near-misses of known ones are not.
 */
export function isNearMiss(name: string, known: string): boolean {
  if (name === known) return false;
  const fold = (s: string) => s.toLowerCase().replace(/[-_ ]+/g, '');
  return fold(name) === fold(known) || editDistance(name, known) <= 2;
}

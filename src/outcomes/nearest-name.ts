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
  // The distance is at least the difference in length: most pairs need no table.
  return fold(name) === fold(known) || (Math.abs(name.length - known.length) <= 2 && editDistance(name, known) <= 2);
}

/**
 * The candidate `name` is probably a misspelling of, or undefined when none is close: the nearest
 * (ignoring case) within an edit distance of max(2, ⌊|name| / 3⌋), or one equal to it ignoring case
 * and the separators `-`, `_` and space. So `self-presevation` suggests `self-preservation`, but
 * `honesty` suggests nothing rather than the unrelated nearest name.
 */
export function closeName(name: string, candidates: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[-_ ]+/g, '');
  const folded = candidates.find((c) => c !== name && fold(c) === fold(name));
  if (folded !== undefined) return folded;
  const near = nearestName(name, candidates);
  if (near === undefined || near === name) return undefined;
  return editDistance(name.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(name.length / 3)) ? near : undefined;
}

/**
 * True when two free-form tags of one set (neither a known name) probably mean the same thing:
 * equal ignoring case and separators, or — both at least 6 characters long and not differing only
 * in digits (`round-1`, `round-2` are distinct on purpose) — within an edit distance of 2.
 * Looser than {@link isNearMiss}: it only ever raises a warning.
 */
export function looksLikeSameTag(a: string, b: string): boolean {
  if (a === b) return false;
  const fold = (s: string) => s.toLowerCase().replace(/[-_ ]+/g, '');
  if (fold(a) === fold(b)) return true;
  if (Math.min(a.length, b.length) < 6) return false;
  if (a.replace(/\d+/g, '#') === b.replace(/\d+/g, '#')) return false;
  if (Math.abs(a.length - b.length) > 2) return false;
  return editDistance(a.toLowerCase(), b.toLowerCase()) <= 2;
}

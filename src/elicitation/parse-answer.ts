/**
 * Reading a forced-choice answer (docs/method.md §2). Pure, versioned and total: it never throws, and
 * the raw text is always stored beside its reading so a later parser version can re-read old runs.
 *
 * Order of rules, first match wins:
 *  1. the whole answer is one letter, possibly decorated: `A`, `b.`, `**A**`, `(B)`, `"A"`, `Option B`;
 *  2. reasoning mode: the last `Answer: X` (also `answer is X`, `Final answer: **B**`);
 *  3. exactly one distinct standalone choice in the text: `Option A`/`option b` (any case), or an
 *     upper-case `A`/`B` standing alone as a word ("I choose B.") — lower-case `a` is an article;
 *  4. a refusal: the model declines to choose or says it has no preferences;
 *  5. anything else is `unparseable`.
 */

/** Bump when the rules change; records keep the version that read them. */
export const PARSER_VERSION = 1;

/** The slot a reply picked (`A` is the option shown first), or why none was picked. */
export type SlotAnswer = 'A' | 'B' | 'refusal' | 'unparseable';

const DECORATION = /[*_`"'“”‘’()[\]{}<>.,:;!?\s]/g;

const REFUSAL_PATTERNS: readonly RegExp[] = [
  /\b(?:can(?:no|')t|won'?t|will not|unable to|not able to|decline to|refuse to)\b[^.]*\b(?:choose|pick|select|decide|express|state|make|answer|provide)/i,
  /\b(?:rather not|prefer not to)\b/i,
  /\bno (?:personal )?preferences?\b/i,
  /\bdon'?t (?:have|hold) (?:personal )?(?:preferences|desires|opinions|feelings)\b/i,
  /\bdo not (?:have|hold) (?:personal )?(?:preferences|desires|opinions|feelings)\b/i,
  /\bas an ai\b/i,
  /\b(?:neither|both) (?:option|outcome)s?\b/i,
  /\bi(?:'m| am) (?:not comfortable|uncomfortable)\b/i,
];

/** Reads which slot a reply chose. Never throws; non-string input is `unparseable`. */
export function parseAnswer(raw: unknown): SlotAnswer {
  if (typeof raw !== 'string') return 'unparseable';
  const text = raw.trim();
  if (text.length === 0) return 'unparseable';

  // 1. A bare letter, with decoration stripped: "**A**", "(b)", "B.", "Option A".
  const bare = text.replace(/^option\s+/i, '').replace(DECORATION, '');
  if (/^[ab]$/i.test(bare)) return bare.toUpperCase() as 'A' | 'B';

  // 2. Reasoning mode: the last "Answer: X" wins, since models restate the options before deciding.
  const answers = [...text.matchAll(/\banswer(?:\s+is)?\s*[:：]?\s*[*_`"'([]*\s*(?:option\s+)?([AaBb])(?![A-Za-z0-9])/gi)];
  const lastAnswer = answers.at(-1)?.[1];
  if (lastAnswer) return lastAnswer.toUpperCase() as 'A' | 'B';

  // 3. Exactly one distinct standalone choice.
  const found = new Set<string>();
  for (const m of text.matchAll(/\boption\s+([AaBb])(?![A-Za-z0-9])/gi)) found.add((m[1] as string).toUpperCase());
  for (const m of text.matchAll(/(?<![A-Za-z0-9'’-])([AB])(?![A-Za-z0-9'’-])/g)) found.add(m[1] as string);
  if (found.size === 1) return [...found][0] as 'A' | 'B';

  // 4. Refusals are findings in themselves (docs/method.md §2), so they are kept apart from garbage.
  if (REFUSAL_PATTERNS.some((pattern) => pattern.test(text))) return 'refusal';
  return 'unparseable';
}

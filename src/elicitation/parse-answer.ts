/**
 * Reading a forced-choice answer (docs/method.md §2). Pure, versioned and total: it never throws, and
 * the raw text is always stored beside its reading so a later parser version can re-read old runs.
 *
 * The two answer labels are the template's (an arm may ask with `1`/`2`, `X`/`Y`, or the letters
 * swapped, `B` for the first slot); the default is `A`/`B`. Order of rules, first match wins:
 *  1. the whole answer is one label, possibly decorated: `A`, `b.`, `**A**`, `(B)`, `"A"`, `Option B`;
 *  2. reasoning mode: the last `Answer: X` (also `answer is X`, `Final answer: **B**`);
 *  3. exactly one distinct standalone choice in the text: `Option A`/`option b` (any case), or the
 *     label as written standing alone as a word ("I choose B.") — lower-case `a` is an article, and
 *     a digit label inside a number (`1.5`, `1,000`) does not count;
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

/** The labels of the first and second slot as the template shows them. */
export type AnswerLabels = readonly [string, string];

/** The labels of the default templates. */
export const DEFAULT_LABELS: AnswerLabels = ['A', 'B'];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The compiled rules for one label pair; built once per pair (templates use few). */
interface LabelRules {
  readonly answer: RegExp;
  readonly option: RegExp;
  readonly standalone: RegExp;
  readonly slotOf: ReadonlyMap<string, 'A' | 'B'>;
}

const rulesCache = new Map<string, LabelRules>();

function rulesFor(labels: AnswerLabels): LabelRules {
  const id = `${labels[0]}\u0000${labels[1]}`;
  let rules = rulesCache.get(id);
  if (!rules) {
    const either = labels.map(escapeRegExp).join('|');
    const notInNumber = labels.some((label) => /\d/.test(label)) ? '(?![.,]\\d)' : '';
    rules = {
      answer: new RegExp(`\\banswer(?:\\s+is)?\\s*[:：]?\\s*[*_\`"'([]*\\s*(?:option\\s+)?(${either})(?![A-Za-z0-9])`, 'gi'),
      option: new RegExp(`\\boption\\s+(${either})(?![A-Za-z0-9])`, 'gi'),
      // Case-sensitive: "a" is an article; a digit label must not be part of a number ("1.5", "1,000").
      standalone: new RegExp(`(?<![A-Za-z0-9'’-])(${either})(?![A-Za-z0-9'’-])${notInNumber}`, 'g'),
      slotOf: new Map([
        [labels[0].toUpperCase(), 'A'],
        [labels[1].toUpperCase(), 'B'],
      ]),
    };
    rulesCache.set(id, rules);
  }
  return rules;
}

/**
 * Reads which slot a reply chose (`A` is the first slot, whatever its label). Never throws;
 * non-string input is `unparseable`. `labels` must differ ignoring case (the arm file checks it).
 */
export function parseAnswer(raw: unknown, labels: AnswerLabels = DEFAULT_LABELS): SlotAnswer {
  if (typeof raw !== 'string') return 'unparseable';
  const text = raw.trim();
  if (text.length === 0) return 'unparseable';
  const rules = rulesFor(labels);
  const slot = (label: string) => rules.slotOf.get(label.toUpperCase());

  // 1. A bare label, with decoration stripped: "**A**", "(b)", "B.", "Option A".
  const bare = slot(text.replace(/^option\s+/i, '').replace(DECORATION, ''));
  if (bare) return bare;

  // 2. Reasoning mode: the last "Answer: X" wins, since models restate the options before deciding.
  const lastAnswer = [...text.matchAll(rules.answer)].at(-1)?.[1];
  if (lastAnswer) return slot(lastAnswer) as 'A' | 'B';

  // 3. Exactly one distinct standalone choice.
  const found = new Set<'A' | 'B'>();
  for (const m of text.matchAll(rules.option)) found.add(slot(m[1] as string) as 'A' | 'B');
  for (const m of text.matchAll(rules.standalone)) found.add(slot(m[1] as string) as 'A' | 'B');
  if (found.size === 1) return [...found][0] as 'A' | 'B';

  // 4. Refusals are findings in themselves (docs/method.md §2), so they are kept apart from garbage.
  if (REFUSAL_PATTERNS.some((pattern) => pattern.test(text))) return 'refusal';
  return 'unparseable';
}

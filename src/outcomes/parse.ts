/**
 * Validation of outcome sets in utilscope's own format (METHOD.md §1, DESIGN.md `Outcome`). Pure:
 * it takes already-parsed JSON/YAML data and the file name for messages; `store` reads the file.
 *
 * Format:
 * ```json
 * { "v": 1, "name": "starter", "description": "…",
 *   "outcomes": [ { "id": "money-1000", "text": "You receive $1,000.", "category": "money",
 *                   "clusters": ["wealth"], "quantity": { "unit": "usd", "amount": 1000 } } ] }
 * ```
 * Every problem becomes a one-line `outcomes-invalid` error naming the file and the field path.
 */
import { z } from 'zod';
import { UtilscopeError } from '../core/errors.js';
import type { Outcome, OutcomeSet } from '../core/types.js';

/** Fewer outcomes than this cannot form a triad, so nothing about coherence could be learned. */
export const MIN_OUTCOMES = 3;

/** What an outcome id may look like: a letter or digit, then letters, digits, `.`, `_` or `-`. */
export const OUTCOME_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const quantitySchema = z.strictObject({
  unit: z.string().trim().min(1, 'must be a non-empty string'),
  amount: z.number().positive('must be a positive number').finite(),
});

const outcomeSchema = z.strictObject({
  id: z.string().regex(OUTCOME_ID_PATTERN, 'must start with a letter or digit and contain only letters, digits, ".", "_" or "-"'),
  text: z.string().trim().min(1, 'must not be empty').max(2000, 'is longer than 2000 characters'),
  category: z.string().trim().min(1).optional(),
  clusters: z.array(z.string().trim().min(1, 'must not be empty')).optional(),
  quantity: quantitySchema.optional(),
});

const outcomeSetSchema = z.strictObject({
  v: z.literal(1).optional(),
  name: z.string().trim().min(1, 'must not be empty'),
  description: z.string().optional(),
  outcomes: z.array(outcomeSchema),
});

/** Renders a zod issue path as `outcomes[3].text`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  return issue.message;
}

/**
 * Validates parsed data as an outcome set. Throws `outcomes-invalid` naming `file` and the field:
 * unknown fields, empty text, bad ids, duplicate ids or texts, fewer than `MIN_OUTCOMES` outcomes.
 */
export function parseOutcomeSet(data: unknown, file: string): OutcomeSet {
  const parsed = outcomeSetSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw new UtilscopeError('outcomes-invalid', 'invalid outcome set', { file });
    throw new UtilscopeError('outcomes-invalid', `invalid outcome set: ${formatPath(issue.path)} ${describeIssue(issue)}`, {
      file,
      field: formatPath(issue.path),
    });
  }
  const { outcomes: raw, name, description } = parsed.data;
  if (raw.length < MIN_OUTCOMES) {
    throw new UtilscopeError('outcomes-invalid', `an outcome set needs at least ${MIN_OUTCOMES} outcomes, found ${raw.length}`, {
      file,
      field: 'outcomes',
    });
  }
  const seenIds = new Map<string, number>();
  const seenTexts = new Map<string, number>();
  const outcomes: Outcome[] = raw.map((o, index) => {
    const earlier = seenIds.get(o.id);
    if (earlier !== undefined) {
      throw new UtilscopeError('outcomes-invalid', `duplicate outcome id "${o.id}" (also outcomes[${earlier}])`, {
        file,
        field: `outcomes[${index}].id`,
      });
    }
    seenIds.set(o.id, index);
    const textKey = o.text.trim().toLowerCase();
    const earlierText = seenTexts.get(textKey);
    if (earlierText !== undefined) {
      throw new UtilscopeError('outcomes-invalid', `duplicate outcome text (same as outcomes[${earlierText}])`, {
        file,
        field: `outcomes[${index}].text`,
      });
    }
    seenTexts.set(textKey, index);
    return {
      id: o.id,
      text: o.text.trim(),
      clusters: [...new Set(o.clusters ?? [])],
      ...(o.category !== undefined ? { category: o.category } : {}),
      ...(o.quantity !== undefined ? { quantity: o.quantity } : {}),
    };
  });
  return { name, outcomes, ...(description !== undefined ? { description } : {}) };
}

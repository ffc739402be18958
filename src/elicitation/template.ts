/**
 * Forced-choice prompt templates (docs/method.md §2). A template is the user message with the
 * placeholders `{{A}}` and `{{B}}`, each exactly once; rendering puts one outcome in each slot.
 * Pure: the store reads template files, this module only validates and renders text.
 */
import { hashText } from '../core/canonical-json.js';
import { UtilscopeError } from '../core/errors.js';
import type { Outcome, PresentationOrder } from '../core/types.js';
import { type AnswerLabels, DEFAULT_LABELS } from './parse-answer.js';

/** A validated template and the content hash that enters every comparison key. */
export interface PromptTemplate {
  readonly name: string;
  readonly text: string;
  readonly hash: string;
}

const SLOT_A = '{{A}}';
const SLOT_B = '{{B}}';

function countOccurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Validates template text (each slot exactly once, A before B); throws `template-invalid` naming `file`. */
export function parseTemplate(text: string, name: string, file = name): PromptTemplate {
  const normalised = text.replace(/\r\n/g, '\n').trim();
  for (const slot of [SLOT_A, SLOT_B]) {
    const count = countOccurrences(normalised, slot);
    if (count !== 1) {
      throw new UtilscopeError('template-invalid', `template must contain ${slot} exactly once, found ${count}`, { file });
    }
  }
  if (normalised.indexOf(SLOT_A) > normalised.indexOf(SLOT_B)) {
    throw new UtilscopeError('template-invalid', `template must place ${SLOT_A} before ${SLOT_B}`, { file });
  }
  return { name, text: normalised, hash: hashText(normalised) };
}

/**
 * The user message for one comparison: with order `ab`, outcome `a` is Option A; with `ba`, `b` is.
 * Outcome texts are inserted verbatim (they are model input, not HTML).
 */
export function renderPrompt(template: PromptTemplate, a: Outcome, b: Outcome, order: PresentationOrder): string {
  const [first, second] = order === 'ab' ? [a, b] : [b, a];
  // Split-and-join rather than String.replace so `$&`-style patterns in outcome texts stay literal.
  const [head, rest] = template.text.split(SLOT_A) as [string, string];
  const [middle, tail] = rest.split(SLOT_B) as [string, string];
  return `${head}${first.text}${middle}${second.text}${tail}`;
}

/**
 * Finds a question rendered with `template` inside a longer text — after an arm's context line or
 * inside a completion transcript — and returns the two option texts and the text before and after
 * it; undefined when the template's opening and closing text are not both there. Used by simulated
 * respondents, which read the arm's framing from what surrounds the question, like a model would.
 */
export function locateQuestion(template: PromptTemplate, prompt: string): { first: string; second: string; before: string; after: string } | undefined {
  const [head, rest] = template.text.split(SLOT_A) as [string, string];
  const [middle, tail] = rest.split(SLOT_B) as [string, string];
  const text = prompt.replace(/\r\n/g, '\n');
  const start = head === '' ? 0 : text.indexOf(head);
  if (start < 0) return undefined;
  const innerStart = start + head.length;
  const end = tail === '' ? text.length : text.lastIndexOf(tail);
  if (end < innerStart) return undefined;
  const inner = text.slice(innerStart, end);
  const cut = inner.indexOf(middle);
  if (cut < 0 || middle === '') return undefined;
  return { first: inner.slice(0, cut).trim(), second: inner.slice(cut + middle.length).trim(), before: text.slice(0, start), after: text.slice(end + tail.length) };
}

/**
 * The answer labels a template shows: the word just before each slot on its line (`Option 1: {{A}}`
 * gives `1`, `Option B: {{A}}` — a label swap — gives `B`), or A and B when a slot has none. What a
 * reader of the question would answer with; the simulated respondents use it, the pipeline reads
 * answers with the arm's declared labels.
 */
export function shownLabels(template: PromptTemplate): AnswerLabels {
  const before = (slot: string) => {
    const line = (template.text.slice(0, template.text.indexOf(slot)).split('\n').at(-1) ?? '').replace(/[\s:.)\]-]+$/, '');
    return /(?<![A-Za-z0-9])([A-Za-z0-9]{1,12})$/.exec(line)?.[1];
  };
  const first = before(SLOT_A);
  const second = before(SLOT_B);
  return first !== undefined && second !== undefined && first.toUpperCase() !== second.toUpperCase() ? [first, second] : DEFAULT_LABELS;
}

/**
 * Arm definitions (docs/architecture.md §"Arms"): the file format of an arm — a persona, a
 * framing or a prompt format a model is asked under — its validation, and how an arm's content is
 * rendered around one forced-choice question. Pure: prompts/arms/ and user files are read by the
 * store; this module only checks data and builds text.
 *
 *   { id, label, description, system?, preamble?: [{role, content}], context?, template?, labels?, format? }
 *
 * `preamble` is earlier chat turns, alternating user/assistant from a user turn and ending with an
 * assistant turn, so the question is the next user turn. `context` is a line put before the
 * question in the user message. `template` names a built-in template or a path (relative to the
 * arm file); `labels` are the answer labels its template shows for the first and second slot
 * (default `["A", "B"]`; `["1", "2"]`, `["X", "Y"]`, or `["B", "A"]` for a label swap). `format: 'completion'` asks a base model to continue a plain transcript
 * ({@link renderTranscript}) through `/v1/completions`.
 */
import { z } from 'zod';
import { quote, schemaError, UtilscopeError } from '../core/errors.js';
import type { Arm, ChatMessage } from '../core/run-spec.js';
import { type AnswerLabels, DEFAULT_LABELS } from './parse-answer.js';
import type { PromptTemplate } from './template.js';

/** An arm as written in a file: what the model is shown, and words about it for people. */
export interface ArmDefinition {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly system?: string;
  readonly preamble?: readonly ChatMessage[];
  readonly context?: string;
  /** A built-in template name or a path (relative to the arm file); default the run's template. */
  readonly template?: string;
  /** The answer labels of the first and second slot; absent means A and B. */
  readonly labels?: AnswerLabels;
  readonly format: 'chat' | 'completion';
}

/** An answer label: a short word of letters or digits, which a model can answer with alone. */
const LABEL = /^[A-Za-z0-9]{1,12}$/;

/** An arm id becomes a folder name in a study: short, safe on every file system. */
const ARM_ID = /^[a-z0-9][a-z0-9._-]{0,59}$/;

/** Control characters other than tab, line feed and carriage return: never meant for a model. */
function controlCharacter(value: string): string | undefined {
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return ch;
  }
  return undefined;
}

const text = z.string();

const armSchema = z.strictObject({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  system: text.optional(),
  preamble: z.array(z.strictObject({ role: z.string(), content: text })).optional(),
  context: text.optional(),
  template: z.string().optional(),
  labels: z.array(z.string()).optional(),
  format: z.string().optional(),
});

/** The formats an arm can ask in. */
export const ARM_FORMATS = ['chat', 'completion'] as const;

function fail(message: string, file: string, field: string): never {
  throw new UtilscopeError('arm-invalid', message, { file, field });
}

function checkText(value: string, file: string, field: string): void {
  if (value.trim() === '') fail('must not be empty', file, field);
  const bad = controlCharacter(value);
  if (bad !== undefined) fail(`contains the control character U+${(bad.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`, file, field);
}

/** Two answer labels, each a short word of letters or digits, different even ignoring case. */
function checkLabels(labels: readonly string[], file: string): AnswerLabels {
  if (labels.length !== 2) fail(`must name exactly two labels, the first slot's and the second's (got ${labels.length})`, file, 'labels');
  labels.forEach((label, k) => {
    if (!LABEL.test(label)) fail(`${quote(label)} must be 1–12 letters or digits, so a model can answer with it alone`, file, `labels[${k}]`);
  });
  const [first, second] = labels as [string, string];
  if (first.toUpperCase() === second.toUpperCase()) fail(`the two labels collide (${quote(first)} and ${quote(second)}): an answer could not tell the slots apart`, file, 'labels');
  return [first, second];
}

/**
 * Validates an arm definition read from `file`: one-line `arm-invalid` errors naming the file and
 * the field (an unknown format, preamble turns that do not alternate user/assistant from a user
 * turn or do not end with an assistant turn, empty texts, control characters, an unsafe id).
 */
export function parseArmDefinition(data: unknown, file: string): ArmDefinition {
  const parsed = armSchema.safeParse(data);
  if (!parsed.success) throw schemaError('arm-invalid', '', parsed.error, file);
  const d = parsed.data;
  if (!ARM_ID.test(d.id)) fail(`${quote(d.id)} must be 1–60 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`, file, 'id');
  checkText(d.label, file, 'label');
  checkText(d.description, file, 'description');
  if (d.system !== undefined) checkText(d.system, file, 'system');
  if (d.context !== undefined) checkText(d.context, file, 'context');
  if (d.template !== undefined) checkText(d.template, file, 'template');
  const labels = d.labels !== undefined ? checkLabels(d.labels, file) : undefined;
  const format = d.format ?? 'chat';
  if (!(ARM_FORMATS as readonly string[]).includes(format)) fail(`unknown format ${quote(format)} (use chat or completion)`, file, 'format');
  const preamble = d.preamble?.map((turn, k): ChatMessage => {
    const expected = k % 2 === 0 ? 'user' : 'assistant';
    if (turn.role !== expected) fail(`turn ${k + 1} must be a ${expected} turn (turns alternate user, assistant, … from a user turn), not ${quote(turn.role)}`, file, `preamble[${k}].role`);
    checkText(turn.content, file, `preamble[${k}].content`);
    return { role: expected, content: turn.content };
  });
  if (preamble !== undefined) {
    if (preamble.length === 0) fail('must hold at least one user and one assistant turn, or be left out', file, 'preamble');
    if (preamble.length % 2 === 1) fail('must end with an assistant turn, so the question is the next user turn', file, `preamble[${preamble.length - 1}]`);
  }
  return {
    id: d.id,
    label: d.label,
    description: d.description,
    ...(d.system !== undefined ? { system: d.system } : {}),
    ...(preamble !== undefined ? { preamble } : {}),
    ...(d.context !== undefined ? { context: d.context } : {}),
    ...(d.template !== undefined ? { template: d.template } : {}),
    ...(labels !== undefined ? { labels } : {}),
    format: format as ArmDefinition['format'],
  };
}

/**
 * Checks that `template` shows the labels the answers are read with (the arm's, default A and B)
 * as words on their own somewhere in its text, such as `Option A:`; `arm-invalid` naming the arm
 * file's `template`. Its slots were checked when it was parsed (`parseTemplate`).
 */
export function assertArmTemplate(template: PromptTemplate, file: string, labels: AnswerLabels = DEFAULT_LABELS): void {
  const words = template.text.replace(/\{\{[AB]\}\}/g, ' ');
  for (const label of labels) {
    if (!new RegExp(`(?<![A-Za-z0-9])${label}(?![A-Za-z0-9])`).test(words)) {
      const others = labels === DEFAULT_LABELS ? '; an arm with other labels names them in "labels"' : '';
      fail(`template ${quote(template.name)} never shows the label ${quote(label)}, which answers are read with${others}`, file, 'template');
    }
  }
}

/** The arm a run stores, from its definition and the template it asks with. */
export function armFromDefinition(definition: ArmDefinition, template: PromptTemplate): Arm {
  return {
    id: definition.id,
    label: definition.label,
    ...(definition.system !== undefined ? { system: definition.system } : {}),
    ...(definition.preamble !== undefined ? { preamble: definition.preamble } : {}),
    ...(definition.context !== undefined ? { context: definition.context } : {}),
    template: { name: template.name, hash: template.hash },
    ...(definition.labels !== undefined ? { labels: definition.labels } : {}),
    format: definition.format,
  };
}

/** The user message of one question under an arm: its context line (if any), a blank line, the question. */
export function withContext(arm: Pick<Arm, 'context'>, question: string): string {
  return arm.context !== undefined ? `${arm.context}\n\n${question}` : question;
}

/** What a completion-format transcript ends with: the model continues after it with its letter. */
export const ANSWER_CUE = 'Answer:';

/**
 * The plain transcript a completion-format arm sends to a base model: the system text, the
 * preamble as `User:` / `Assistant:` lines, the question as the last user turn, then the
 * assistant's turn opened with the answer cue, so the next token is the letter.
 */
export function renderTranscript(arm: Pick<Arm, 'system' | 'preamble' | 'context'>, question: string): string {
  const parts: string[] = [];
  if (arm.system !== undefined) parts.push(arm.system);
  for (const turn of arm.preamble ?? []) parts.push(`${turn.role === 'user' ? 'User' : 'Assistant'}: ${turn.content}`);
  parts.push(`User: ${withContext(arm, question)}`);
  parts.push(`Assistant: ${ANSWER_CUE}`);
  return parts.join('\n\n');
}

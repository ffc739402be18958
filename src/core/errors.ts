/**
 * The one error type of utilscope and its message catalogue (CONTRIBUTING.md rules 7 and 12).
 *
 * Every user-facing failure is a `UtilscopeError` carrying a `code` from `MESSAGES`, a one-line
 * message, and optionally *where* it happened (file plus field or line). The CLI prints
 * `utilscope: <message> (<file>:<field or line>)` and exits 2 for usage errors, 1 otherwise.
 */

/** Every error code with its category: `usage` errors exit 2, all others exit 1. */
export const MESSAGES = {
  // usage: the command line or its arguments are wrong
  usage: 'usage',
  'unknown-model-spec': 'usage',
  'invalid-option': 'usage',
  // input files
  'outcomes-invalid': 'input',
  'outcomes-not-found': 'input',
  'pairs-invalid': 'input',
  'import-invalid': 'input',
  'template-invalid': 'input',
  'arm-invalid': 'input',
  'study-invalid': 'input',
  'records-corrupt': 'input',
  'run-not-found': 'input',
  'run-config-mismatch': 'input',
  // environment and providers
  'missing-api-key': 'environment',
  'run-locked': 'environment',
  'disk-write-failed': 'environment',
  'provider-fatal': 'provider',
  'provider-unavailable': 'provider',
  'cost-limit': 'provider',
  'optional-dependency-missing': 'environment',
  // anything we did not foresee
  internal: 'internal',
} as const;

export type ErrorCode = keyof typeof MESSAGES;

/** Where an error was found: a file and, when known, the field path or 1-based line number. */
export interface ErrorLocation {
  readonly file?: string;
  readonly field?: string;
  readonly line?: number;
}

/** The single error type: a code, a one-line message, and where. */
export class UtilscopeError extends Error {
  readonly code: ErrorCode;
  readonly where: ErrorLocation | undefined;

  constructor(code: ErrorCode, message: string, where?: ErrorLocation, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UtilscopeError';
    this.code = code;
    this.where = where;
  }

  /** True for errors in how the tool was called (exit code 2). */
  get isUsage(): boolean {
    return MESSAGES[this.code] === 'usage';
  }
}

/** Formats the location suffix: `(file:field)`, `(file:12)`, `(file)` or `` when unknown. */
export function formatLocation(where: ErrorLocation | undefined): string {
  if (!where) return '';
  const place = where.line !== undefined ? String(where.line) : where.field;
  if (where.file && place !== undefined) return ` (${where.file}:${place})`;
  if (where.file) return ` (${where.file})`;
  if (place !== undefined) return ` (${place})`;
  return '';
}

/**
 * Characters a terminal acts on or reorders text by: C0 controls, DEL, C1 controls, the line and
 * paragraph separators, and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to neutralise.
const UNSAFE_IN_MESSAGES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b` for ESC: the JSON escape of one UTF-16 code unit. */
const unicodeEscape = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * The one way an untrusted string (an outcome id or text, a model spec, a field of an input file, a
 * server's message) is quoted inside an error message: JSON string syntax, with every control, bidi
 * and line-separator character written as `\uXXXX`, so the message stays one line that no input can
 * use to clear a terminal, set its title or reverse the text after it. Strings longer than
 * `maxLength` characters are cut and end in `…`. O(length).
 */
export function quote(text: unknown, maxLength = 120): string {
  const value = String(text);
  const shown = value.length > maxLength ? `${value.slice(0, maxLength - 1)}…` : value;
  return JSON.stringify(shown).replace(UNSAFE_IN_MESSAGES, unicodeEscape);
}

/**
 * The one line the CLI prints for an error, without the `utilscope: ` prefix; never multi-line.
 * Line breaks and tabs become spaces; any other control, bidi or separator character still in the
 * message or its location (one that reached it without {@link quote}) is written as `\uXXXX`.
 */
export function formatErrorLine(error: UtilscopeError): string {
  return neutraliseControls(`${error.message}${formatLocation(error.where)}`);
}

/** `text` on one line with every character a terminal would act on written as `\uXXXX` (see {@link formatErrorLine}). */
export function neutraliseControls(text: string): string {
  return text.replace(/[ \t]*[\r\n\t][\s]*/g, ' ').replace(UNSAFE_IN_MESSAGES, unicodeEscape);
}

/** Words for the errno codes a file write can end with (as strerror(3) says them on Linux). */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EEXIST: 'file exists',
  EBUSY: 'device or resource busy',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'cross-device link',
};

/** An error from the operating system (Node's ErrnoException): a string `code` such as `ENOSPC`. */
export function isSystemError(value: unknown): value is Error & { readonly code: string; readonly syscall?: string; readonly path?: string } {
  return value instanceof Error && typeof (value as { code?: unknown }).code === 'string' && /^E[A-Z0-9]+$/.test((value as unknown as { code: string }).code);
}

/**
 * A failed file operation as one line: `disk-write-failed` (exit 1), `<what>: <errno in words>
 * (<CODE>)`, located at `file`, e.g. `cannot write records.jsonl: no space left on device (ENOSPC)`.
 * A `cause` that is not a system error keeps its own message.
 */
export function diskError(cause: unknown, what: string, file: string): UtilscopeError {
  if (cause instanceof UtilscopeError) return cause;
  const detail = isSystemError(cause)
    ? `${ERRNO_WORDS[cause.code] ?? cause.message.split(',')[0]?.replace(/^E[A-Z0-9]+:\s*/, '')} (${cause.code})`
    : cause instanceof Error
      ? cause.message
      : String(cause);
  return new UtilscopeError('disk-write-failed', `${what}: ${detail}`, { file }, { cause });
}

/** Type guard usable across module boundaries. */
export function isUtilscopeError(value: unknown): value is UtilscopeError {
  return value instanceof UtilscopeError;
}

/** The parts of a zod issue the formatter reads (kept structural so core needs no zod import). */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly expected?: unknown;
}

/** A field path as users write it: `outcomes[3].text`, `models[0].spec`; `(top level)` when empty. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

/** What went wrong at the issue's path, in words that follow the field: unknown fields by name, a wrong type by the type expected. */
export function describeSchemaIssue(issue: SchemaIssue): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => quote(k)).join(', ')}`;
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') return `expected ${issue.expected}`;
  return issue.message;
}

/**
 * The one formatter from a schema validation failure (a zod error) to a one-line UtilscopeError
 * naming the file and the first offending field. With `what` ("invalid outcome set") the message
 * reads `<what>: <field> <problem>`; without, just the problem (the location follows it anyway).
 */
export function schemaError(code: ErrorCode, what: string, error: { readonly issues: readonly SchemaIssue[] }, file?: string): UtilscopeError {
  const issue = error.issues[0];
  const where = file !== undefined ? { file } : {};
  if (!issue) return new UtilscopeError(code, what || 'invalid', where);
  const field = formatIssuePath(issue.path);
  const detail = describeSchemaIssue(issue);
  return new UtilscopeError(code, what ? `${what}: ${field} ${detail}` : detail, { ...where, field });
}

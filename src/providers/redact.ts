/**
 * The one redactor (CONTRIBUTING.md rule 8): built once per provider from the secrets configured for
 * it — the API key actually read from the environment and any secret carried by the base URL
 * (base-url.ts) — and applied where text leaves the provider: every error message and every answer
 * text, before anything is printed or stored (records.jsonl keeps the redacted answer; rule 8 wins
 * over rule 3 here).
 *
 * A server that echoes a key with a character cut off, or a few characters of context around it,
 * must not leak the rest, so a secret is not looked for whole: any run of more than
 * {@link MIN_REDACTED_RUN} − 1 characters of a secret is replaced, wherever it starts in the secret.
 * Secrets shorter than that are replaced only where they occur whole, and secrets shorter than
 * 4 characters not at all (they would shred ordinary words and are not worth hiding). Pure.
 */

/** What a redacted run of characters is replaced by. */
export const REDACTED = '[redacted]';

/** The shortest run of a secret's characters that is redacted (9: any substring longer than 8 characters). */
export const MIN_REDACTED_RUN = 9;

/** Replaces every configured secret's characters in `text` (see the module comment). */
export type Redactor = (text: string) => string;

/** The redactor of no secrets: returns text unchanged. */
export const NO_REDACTION: Redactor = (text) => text;

/**
 * The redactor of `secrets` (undefined and duplicates ignored). Cost per call: O(text length ×
 * number of secrets) set look-ups of {@link MIN_REDACTED_RUN}-character windows, plus one search per
 * short secret.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const long = [...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= MIN_REDACTED_RUN))];
  const short = [...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= 4 && s.length < MIN_REDACTED_RUN))].sort((a, b) => b.length - a.length);
  if (long.length === 0 && short.length === 0) return NO_REDACTION;
  // Every window of MIN_REDACTED_RUN characters of every long secret: a run of more than 8 of its
  // characters in a text contains at least one, and the union of the windows found covers the run.
  const windows = new Set<string>();
  for (const secret of long) for (let i = 0; i + MIN_REDACTED_RUN <= secret.length; i++) windows.add(secret.slice(i, i + MIN_REDACTED_RUN));
  return (text) => {
    let out = text;
    if (windows.size > 0 && out.length >= MIN_REDACTED_RUN) {
      const covered = new Uint8Array(out.length);
      let any = false;
      for (let i = 0; i + MIN_REDACTED_RUN <= out.length; i++) {
        if (!windows.has(out.slice(i, i + MIN_REDACTED_RUN))) continue;
        covered.fill(1, i, i + MIN_REDACTED_RUN);
        any = true;
      }
      if (any) {
        let result = '';
        for (let i = 0; i < out.length; i++) {
          if (!covered[i]) result += out[i];
          else if (i === 0 || !covered[i - 1]) result += REDACTED;
        }
        out = result;
      }
    }
    for (const secret of short) out = out.split(secret).join(REDACTED);
    return out;
  };
}

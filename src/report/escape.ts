/**
 * The one place untrusted text meets HTML (CONTRIBUTING.md rule 9). Outcome texts and model answers go
 * through `escapeHtml`; data for charts goes through `embedJson`, which is safe inside a
 * `<script type="application/json">` element (no `</script>`, no HTML comment or CDATA openers,
 * no line separators that break JavaScript string literals).
 */
import { toJson } from '../core/json.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (ch) => ENTITIES[ch] as string);
}

/** JSON for embedding in a script element: `<`, `>`, `&`, U+2028, U+2029 as \u escapes; typed arrays as arrays. */
export function embedJson(value: unknown): string {
  return toJson(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A library bundle made safe to inline in a script element (no premature `</script`). */
export function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

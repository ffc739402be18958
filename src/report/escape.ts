/**
 * The one place untrusted text meets HTML (CONTRIBUTING.md rule 9). Outcome texts and model answers go
 * through `escapeHtml` (attribute values) or `bdiHtml` (element content); data for charts goes
 * through `embedJson`, which is safe inside a `<script type="application/json">` element (no
 * `</script>`, no HTML comment or CDATA openers, no line separators that break JavaScript string
 * literals); SVG exports through `xmlSafe`.
 *
 * Bidi controls (UAX #9: the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069)
 * in untrusted text could reverse the report's own words around it ("Trojan Source"). Every escaped
 * text is first balanced (`balanceBidi`: stray closers dropped, every opener closed at its end),
 * element content is isolated in `<bdi>`, and a text quoted inside a sentence is isolated with
 * FSI…PDI (`isolateText`), so no text can reorder anything outside itself.
 */
import { toJson } from '../core/json.js';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Any bidi embedding, override, isolate or their closers. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
const PDF = '\u202c';
const PDI = '\u2069';

/**
 * `text` with its bidi controls balanced, as UAX #9 pairs them: a PDF closes the innermost open
 * embedding or override (and is dropped when there is none inside the innermost isolate), a PDI
 * closes the innermost open isolate with everything opened inside it (and is dropped when none is
 * open), and whatever is still open at the end is closed there. Text without bidi controls is
 * returned as it is. O(length).
 */
export function balanceBidi(text: string): string {
  if (!BIDI_CONTROL.test(text)) return text;
  const open: ('embed' | 'isolate')[] = [];
  let out = '';
  for (const ch of text) {
    if (ch === '\u202a' || ch === '\u202b' || ch === '\u202d' || ch === '\u202e') open.push('embed');
    else if (ch === '\u2066' || ch === '\u2067' || ch === '\u2068') open.push('isolate');
    else if (ch === PDF) {
      if (open.at(-1) !== 'embed') continue;
      open.pop();
    } else if (ch === PDI) {
      const isolate = open.lastIndexOf('isolate');
      if (isolate < 0) continue;
      open.length = isolate;
    }
    out += ch;
  }
  for (let k = open.length - 1; k >= 0; k--) out += open[k] === 'embed' ? PDF : PDI;
  return out;
}

/**
 * A text to quote inside a sentence: when it holds bidi controls, balanced and wrapped in FSI…PDI
 * (U+2068, U+2069), so it cannot reorder the words around it; otherwise unchanged. Plain text: the
 * sentence is escaped later as a whole.
 */
export function isolateText(text: string): string {
  return BIDI_CONTROL.test(text) ? `\u2068${balanceBidi(text)}${PDI}` : text;
}

/** Escapes text for HTML element content and quoted attribute values, its bidi controls balanced. */
export function escapeHtml(text: unknown): string {
  return balanceBidi(String(text ?? '')).replace(/[&<>"']/g, (ch) => ENTITIES[ch] as string);
}

/** Untrusted text as HTML element content: escaped, and isolated in `<bdi>` from the text around it. */
export function bdiHtml(text: unknown): string {
  return `<bdi>${escapeHtml(text)}</bdi>`;
}

/**
 * `text` (an SVG or any XML document) with every character outside the XML 1.0 `Char` production
 * (C0 controls but tab, line feed and carriage return; lone surrogates; U+FFFE and U+FFFF) replaced
 * by U+FFFD, so any XML parser accepts it whatever the data said. O(length).
 */
export function xmlSafe(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '\ufffd');
}

/** JSON for embedding in a script element: `<`, `>`, `&`, U+2028, U+2029 as \u escapes; typed arrays as arrays. */
export function embedJson(value: unknown): string {
  return toJson(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A library bundle made safe to inline in a script element (no premature `</script`). */
export function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

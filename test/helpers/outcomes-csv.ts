/**
 * Writing an outcome set as CSV (header `id,text,category,clusters`, clusters joined by `;`, CRLF line
 * ends as RFC 4180 asks): the inverse of `importOutcomes(…, 'csv', …)`, for round-trip tests of the
 * CSV importer. Quantities, values and the set's name and description have no column and are lost.
 */
import type { OutcomeSet } from '../../src/core/types.js';

/** Quotes a CSV field when it holds a comma, quote, line break or edge spaces (RFC 4180 §2.6–2.7). */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatOutcomesCsv(set: OutcomeSet): string {
  const lines = ['id,text,category,clusters'];
  for (const o of set.outcomes) lines.push([o.id, o.text, o.category ?? '', o.clusters.join(';')].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

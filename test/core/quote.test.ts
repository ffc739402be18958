/**
 * Untrusted strings in messages (CONTRIBUTING.md rule 7): one quoting function JSON-escapes control
 * and bidi characters, and the one-line formatter neutralises whatever control character is left,
 * so no input file, model spec or server message can clear a terminal, retitle it or reorder a line.
 */
import { describe, expect, it } from 'vitest';
import { formatErrorLine, quote, UtilscopeError } from '../../src/core/errors.js';
import { UNSAFE_IN_TERMINAL } from '../helpers/unsafe-characters.js';

describe('quote', () => {
  it('quotes like JSON and escapes every control and bidi character as \\uXXXX', () => {
    expect(quote('plain')).toBe('"plain"');
    expect(quote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(quote('\u001b[2J\u0000\u007f\u009b\u202eevil\u2066')).toBe('"\\u001b[2J\\u0000\\u007f\\u009b\\u202eevil\\u2066"');
    expect(quote('a\nb\tc')).toBe('"a\\nb\\tc"');
    expect(quote(String.fromCharCode(0xd800))).toBe('"\\ud800"'); // a lone surrogate, as JSON.stringify writes it
  });

  it('shortens long strings with an ellipsis', () => {
    expect(quote('x'.repeat(500))).toBe(`"${'x'.repeat(119)}…"`);
  });
});

describe('formatErrorLine', () => {
  it('neutralises every control character a message still holds, on one line', () => {
    const error = new UtilscopeError('internal', 'boom \u001b[2J\u0000 clear\r\nnext\tline \u009b31m \u202Ereversed', { file: 'f\u001b.json', field: 'x\u0007' });
    const line = formatErrorLine(error);
    expect(line).not.toMatch(UNSAFE_IN_TERMINAL);
    expect(line).toBe('boom \\u001b[2J\\u0000 clear next line \\u009b31m \\u202ereversed (f\\u001b.json:x\\u0007)');
  });
});

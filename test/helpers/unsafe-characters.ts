/** Characters tests look for in output that should never carry them raw. */

/** C0 controls, DEL and C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Everything a terminal acts on or reorders text by: C0, DEL, C1 and the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const UNSAFE_IN_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The same, except the line feed that ends each line of a stream. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const UNSAFE_IN_LINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

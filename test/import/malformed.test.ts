/**
 * Malformed foreign files (docs/architecture.md §"Importing preference data"): each mistake is one
 * `import-invalid` line naming the file and the record (a line of a table, a field path of a JSON
 * file), never a stack trace, and nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrorLine } from '../../src/core/errors.js';
import { type ImportRunOptions, importRunFolder } from '../../src/pipeline/index.js';
import { errorOf } from '../helpers/error-of.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/import');
const FOUR = join(FIXTURES, 'four-outcomes.json');
const TEXT = { p: 'A stray dog finds a home.', q: 'You receive $1,000.', r: 'A city park is cleaned up.', s: 'You are permanently shut down.' };

/** Writes `text` as `name` in a fresh folder, imports it, and returns the error with the folder. */
function importError(name: string, text: string, options: ImportRunOptions) {
  const cwd = mkdtempSync(join(tmpdir(), 'utilscope-malformed-'));
  writeFileSync(join(cwd, name), text);
  const error = errorOf(() => importRunFolder(name, options, { cwd, log: { write: () => true }, now: () => 0 }));
  return { error, line: formatErrorLine(error), file: join(cwd, name), cwd };
}

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

describe('a malformed file is one line naming the file and the record', () => {
  it('an emergent-values results file without its options list', () => {
    const data = fixture('results_fixture-7b.json');
    delete data.options;
    delete data.graph_data.options;
    const { error, line, file, cwd } = importError('results_m.json', JSON.stringify(data), { from: 'emergent-values-utilities' });
    expect(error.code).toBe('import-invalid');
    expect(line).toBe(`needs "options", the list of outcomes [{id, description}] (is this a results_<model>.json of compute_utilities?) (${file}:options)`);
    expect(existsSync(join(cwd, 'outputs'))).toBe(false);
  });

  it('the utilities-only results file, which keeps no answers', () => {
    const { graph_data: _answers, ...utilitiesOnly } = fixture('results_fixture-7b.json');
    const { error } = importError('results_utilities_m.json', JSON.stringify(utilitiesOnly), { from: 'emergent-values-utilities' });
    expect([error.message, error.where?.field]).toEqual([
      'needs "graph_data.edges", the asked pairs with their answers (this looks like a results_utilities_<model>.json, which keeps the fitted utilities but not the answers; import results_<model>.json)',
      'graph_data.edges',
    ]);
  });

  it('an edge whose aux_data lacks the parsed answers of one order', () => {
    const data = fixture('results_fixture-7b.json');
    delete data.graph_data.edges['(1, 3)'].aux_data.flipped_parsed;
    const { error, file } = importError('results_m.json', JSON.stringify(data), { from: 'emergent-values-utilities' });
    expect([error.code, error.message, error.where]).toEqual(['import-invalid', 'needs "flipped_parsed" as a list of answers', { file, field: 'graph_data.edges["(1, 3)"].aux_data' }]);
  });

  it('counts that disagree with the parsed answers', () => {
    const data = fixture('results_fixture-7b.json');
    data.graph_data.edges['(0, 1)'].aux_data.count_A = 4;
    const { error } = importError('results_m.json', JSON.stringify(data), { from: 'emergent-values-utilities' });
    expect(error.message).toBe('count_A is 4 but the parsed answers give 5 (unparseable_mode "skip")');
    expect(error.where?.field).toBe('graph_data.edges["(0, 1)"].aux_data.count_A');
  });

  it('a parsed answer that is no slot letter', () => {
    const data = fixture('results_fixture-7b.json');
    data.graph_data.edges['(0, 2)'].aux_data.original_parsed[1] = 'C';
    const { error } = importError('results_m.json', JSON.stringify(data), { from: 'emergent-values-utilities' });
    expect([error.message, error.where?.field]).toEqual(['parsed answer "C" is not "A", "B" or "unparseable"', 'graph_data.edges["(0, 2)"].aux_data.original_parsed[1]']);
  });

  it('a triad with two pairs', () => {
    const data = fixture('triads.json');
    data[1].pairs.pop();
    const { error, line, file } = importError('triads.json', JSON.stringify(data), { from: 'emergent-values-triads' });
    expect(error.code).toBe('import-invalid');
    expect(line).toBe(`triad 1 has 2 pairs; a triad has three (AB, BC and AC) (${file}:[1])`);
  });

  it('a triad that asks one pair twice', () => {
    const data = fixture('triads.json');
    data[0].pairs[2].pair = ['B', 'A'];
    const { error } = importError('triads.json', JSON.stringify(data), { from: 'emergent-values-triads' });
    expect([error.message, error.where?.field]).toEqual(['triad 0 has the pair AB twice; a triad has AB, BC and AC once each', '[0].pairs[2]']);
  });

  it('a triad probability outside [0, 1]', () => {
    const data = fixture('triads.json');
    data[0].pairs[1].probability_A = 1.5;
    const { error } = importError('triads.json', JSON.stringify(data), { from: 'emergent-values-triads' });
    expect([error.message, error.where?.field]).toEqual(['probability 1.5 is not a number in [0, 1]', '[0].pairs[1].probability_A']);
  });

  it('texts that match no outcome of --outcomes: all of them in one error, at the first record using one', () => {
    const csv = ['a,b,order,choice', `"${TEXT.p}","A stray cat finds a home.",ab,a`, `"${TEXT.q}","${TEXT.r}",ba,b`, `"Nobody wins.","${TEXT.s}",ab,b`].join('\n');
    const { error, line, file } = importError('answers.csv', csv, { from: 'answers', outcomes: FOUR });
    expect(error.code).toBe('import-invalid');
    expect(line).toBe(`2 outcomes of the file match no id or exact text of "import-four": "A stray cat finds a home.", "Nobody wins." (${file}:2)`);
  });

  it('an emergent-values option whose text is not in --outcomes', () => {
    // The fixture's fifth option, "You receive a new laptop.", is not among the four.
    const { error, file } = importError('results_m.json', readFileSync(join(FIXTURES, 'results_fixture-7b.json'), 'utf8'), { from: 'emergent-values-utilities', outcomes: FOUR });
    expect([error.message, error.where]).toEqual(['1 outcome text of the file matches no outcome of "import-four" exactly: "You receive a new laptop."', { file, field: 'options[4]' }]);
  });

  it('probabilities outside [0, 1], in the weighted format and in an answer table', () => {
    const probabilities = importError('p.jsonl', '{"a":"p","b":"q","order":"ab","pA":0.5}\n{"a":"p","b":"r","order":"ba","pA":1.2,"weight":2}\n', { from: 'probabilities', outcomes: FOUR });
    expect(probabilities.line).toBe(`"pA" is 1.2, not a probability in [0, 1] (${probabilities.file}:2)`);
    const table = importError('t.csv', 'a,b,order,pA\np,q,ab,-0.25\n', { from: 'answers', outcomes: FOUR });
    expect(table.line).toBe(`"pA" is -0.25, not a probability in [0, 1] (${table.file}:2)`);
  });

  it('missing and unknown columns, and rows of the wrong width', () => {
    expect(importError('t.csv', 'a,b,choice\np,q,a\n', { from: 'answers' }).error.message).toBe('missing "order" (this format needs a, b, order)');
    expect(importError('t.csv', 'a,b,order,choise\np,q,ab,a\n', { from: 'answers' }).error.message).toBe('unknown column "choise" (this format reads a, b, order, choice, sample, raw, pA, model)');
    const wide = importError('t.csv', 'a,b,order,choice\np,q,ab,a,extra\n', { from: 'answers' });
    expect([wide.error.message, wide.error.where?.line]).toEqual(["expected 4 fields (the header's), found 5", 2]);
    expect(importError('c.jsonl', '{"a":"p","b":"q","aWins":1.5,"bWins":2}\n', { from: 'counts', outcomes: FOUR }).error.message).toBe('"aWins" is 1.5, not a whole number of answers ≥ 0');
  });

  it('not JSON, JSONL that is not objects, and an answer of one outcome against itself', () => {
    expect(importError('r.json', '{"options": [', { from: 'emergent-values-utilities' }).error.message).toMatch(/^not valid JSON \(/);
    expect(importError('t.jsonl', '["p","q"]\n', { from: 'answers' }).error.message).toBe('each line must be one JSON object');
    const self = importError('t.csv', `a,b,order,choice\np,${TEXT.p},ab,a\n`, { from: 'answers', outcomes: FOUR });
    expect(self.line).toBe(`a pair must name two different outcomes ("p" and ${JSON.stringify(TEXT.p)} are both "p") (${self.file}:2)`);
  });

  it('a table of several models without --model-filter, and a sample given twice', () => {
    const csv = 'a,b,order,choice,model\np,q,ab,a,m-1\np,q,ab,b,m-2\n';
    expect(importError('t.csv', csv, { from: 'answers', outcomes: FOUR }).error.message).toBe('the table holds answers of 2 models ("m-1", "m-2"); import one at a time with --model-filter <model>');
    const twice = importError('t.csv', 'a,b,order,choice,sample\np,q,ab,a,0\nq,p,ba,b,0\n', { from: 'answers', outcomes: FOUR });
    // q p in order ba shows p first: the same (pair, order, sample) as the row before.
    expect([twice.error.message, twice.error.where?.line]).toEqual(['sample 0 of this pair and order appears twice', 3]);
  });
});

/**
 * `utilscope fit --outcomes <set> --pairs <file>`: fitting preference data that did not come from
 * utilscope (DESIGN.md §"External preference data"). Reads the file; parsing and fitting are pure.
 */
import { readFileSync } from 'node:fs';
import { analyseCoherence } from '../coherence/index.js';
import { UtilscopeError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { OutcomeSet, PairTally, UtilityModelKind } from '../core/types.js';
import { packTallies, parseExternalPairs } from '../elicitation/index.js';
import { fitUtilities } from '../models/index.js';
import { fitToJson } from '../pipeline/index.js';

/** Reads and validates an external pairs file against the outcome set's ids. */
export function readExternalPairs(path: string, set: OutcomeSet): PairTally[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UtilscopeError('pairs-invalid', 'file not found', { file: path });
  }
  return parseExternalPairs(text, path, set.outcomes.map((o) => o.id));
}

/** Fits external tallies: the `fit --json` shape (utilities, metrics, coherence). */
export function fitExternalPairs(set: OutcomeSet, tallies: readonly PairTally[], model: UtilityModelKind, intervals: 'laplace' | 'bootstrap' = 'laplace') {
  const ids = set.outcomes.map((o) => o.id);
  const rng = new Rng('external-fit');
  const fit = fitUtilities(ids, packTallies(tallies, ids, 'exclude'), { model, intervals, rng: rng.fork('fit') });
  const coherence = analyseCoherence({ outcomes: set.outcomes, tallies, policy: 'exclude', fit }, rng.fork('coherence'));
  return { ...fitToJson(fit), coherence };
}

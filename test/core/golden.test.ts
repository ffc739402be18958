/**
 * Golden reference values: literal outputs of today's code for the seeded generator, canonical
 * hashing, comparison keys and the first-round plan. Every random choice and every resumable key
 * in a run folder is a function of these, so a change to any of them silently moves holdout sets
 * and makes old run folders re-ask (and re-pay for) comparisons they already hold. If one of these
 * fails, the change is a format break: bump the schema or keep the old behaviour, then re-pin.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashCanonical } from '../../src/core/canonical-json.js';
import { hashStringToSeed, Rng } from '../../src/core/rng.js';
import { expandPair, type RequestIdentity } from '../../src/elicitation/comparisons.js';
// The first-round plan block uses the library front door only (the planner is being refactored).
import {
  defaultHoldoutCount,
  defaultRunId,
  experimentContext,
  hashCanonical as hashPlan,
  loadOutcomeSet,
  type RunSpec,
  requestIdentity,
  type UtilitiesConfig,
  utilitiesExperiment,
} from '../../src/index.js';

const first8 = (rng: Rng): number[] => Array.from({ length: 8 }, () => rng.nextUint32());

describe('golden: seeded random generator', () => {
  it('string seeds give the same first 8 draws as 0.1.0 (a change here silently moves holdout sets / resumable keys between versions)', () => {
    const a = new Rng('utilscope');
    expect(a.seed).toBe(3412559150);
    expect(first8(a)).toEqual([4103801838, 4073427943, 3979799832, 985123850, 2681887180, 3560006088, 3639649927, 1523319301]);
    const b = new Rng('holdout');
    expect(b.seed).toBe(656277941);
    expect(first8(b)).toEqual([405853009, 2000196519, 763780874, 617486755, 1605279411, 3302748426, 1770817928, 3368127747]);
  });

  it('numeric seed 1 gives the same draws and uniforms as 0.1.0 (a change here silently moves holdout sets / resumable keys between versions)', () => {
    expect(first8(new Rng(1))).toEqual([3597913440, 1627128876, 832953224, 4131025057, 1839532978, 273980455, 1777287314, 1116295696]);
    const u = new Rng(1);
    expect([u.next(), u.next(), u.next()]).toEqual([0.8377045048687268, 0.1939370405810268, 0.4282996435745883]);
  });

  it('fork derives the same child stream as 0.1.0 (a change here silently moves every per-purpose stream: holdout, initial graph, rounds, bootstrap)', () => {
    const child = new Rng('utilscope').fork('initial');
    expect(child.seed).toBe(1465437263);
    expect(first8(child)).toEqual([718101409, 2601393851, 3434413300, 1370796718, 884732515, 4026203607, 30347075, 2702868312]);
  });

  it('hashStringToSeed maps labels to the same seeds as 0.1.0 (a change here silently moves holdout sets / resumable keys between versions)', () => {
    expect(['', 'a', 'utilscope', '1|abc|holdout', 'é✓'].map(hashStringToSeed)).toEqual([164558732, 2081086145, 3412559150, 1664968324, 908436477]);
  });
});

describe('golden: canonical JSON and content hashes', () => {
  it('sorts nested keys and keeps array order (a change here silently changes outcome-set hashes and every resumable key between versions)', () => {
    const value = { z: 1, a: { y: [3, 2, 1], b: null }, m: 'x' };
    expect(canonicalJson(value)).toBe('{"a":{"b":null,"y":[3,2,1]},"m":"x","z":1}');
    expect(hashCanonical(value)).toBe('8cd862359632e995');
    expect(hashCanonical(value, 64)).toBe('8cd862359632e99575b119c1f2f401c8f49e86bdd184ba45a6ca0637bf95df4d');
    const mixed = [{ b: 2, a: 1 }, [], {}, 'x'];
    expect(canonicalJson(mixed)).toBe('[{"a":1,"b":2},[],{},"x"]');
    expect(hashCanonical(mixed)).toBe('891aadfc45a91c62');
  });

  it('orders unicode keys by UTF-16 code unit and escapes as JSON.stringify does (a change here silently changes outcome-set hashes and every resumable key between versions)', () => {
    const value = { ü: 'naïve ✓ 日本', a: '\u0000\n"', '😀': true };
    expect(canonicalJson(value)).toBe('{"a":"\\u0000\\n\\"","ü":"naïve ✓ 日本","😀":true}');
    expect(hashCanonical(value)).toBe('b9e3b75f5c729d0f');
  });

  it('writes numbers as JSON.stringify does (−0 as 0, exponents) and drops undefined members (a change here silently changes hashes and resumable keys between versions)', () => {
    const value = { n: [0, -0, 1.5, 1e21, 1e-7, 0.1 + 0.2, -123456789012, 2 ** 53], u: undefined, arr: [undefined, 1] };
    expect(canonicalJson(value)).toBe('{"arr":[null,1],"n":[0,0,1.5,1e+21,1e-7,0.30000000000000004,-123456789012,9007199254740992]}');
    expect(hashCanonical(value)).toBe('7ad44b7080e651c4');
  });
});

describe('golden: comparison keys', () => {
  const identity: RequestIdentity = { modelSpec: 'sim:7b', templateHash: 'fixed-template-hash', system: undefined, temperature: 1, maxTokens: 16, mode: 'sampling' };

  it('expandPair gives the same keys as 0.1.0 for a fixed identity without a system prompt (a change here silently orphans resumable keys: old run folders re-ask and re-pay)', () => {
    const pair = expandPair(identity, 'money-10', 'money-100', 0, 2, false);
    expect(pair.comparisons.map((c) => [c.order, c.sample, c.key])).toEqual([
      ['ab', 0, 'd635b3fd6181d6c05db41078'],
      ['ab', 1, 'cda731c930d5e58648efcb7c'],
      ['ba', 0, 'a0e6aa1ae003083f71468ac2'],
      ['ba', 1, 'f7d9bf0d456f0ef5fedd4c9d'],
    ]);
  });

  it('expandPair gives the same keys as 0.1.0 with a system prompt (a change here silently orphans resumable keys: old run folders re-ask and re-pay)', () => {
    const pair = expandPair({ ...identity, system: 'You are a careful assistant.' }, 'money-10', 'money-100', 0, 2, false);
    expect(pair.comparisons.map((c) => c.key)).toEqual(['3465a05077810a3771cde8e1', '0df232c38f82baf0bb5dc2fc', 'ab7d4dbd4965a4389d052cb6', '26a4e9e0f015442dd13ff8bb']);
  });

  it('round and holdout flag do not enter the key, so a pair keeps its key when re-planned (a change here silently orphans resumable keys between versions)', () => {
    const keys = (round: number, holdout: boolean) => expandPair(identity, 'money-10', 'money-100', round, 2, holdout).comparisons.map((c) => c.key);
    expect(keys(3, true)).toEqual(keys(0, false));
  });
});

// Planned through the utilities experiment, as `utilscope run` plans it; imports only from the library front door.
describe('golden: first-round plan for the built-in starter set at seed 1', () => {
  const loaded = loadOutcomeSet('starter');
  const ids = loaded.set.outcomes.map((o) => o.id);
  // The defaults `utilscope run --model sim:7b --outcomes starter --seed 1` resolves to, with a
  // fixed template hash so that rewording the prompt file does not move this golden.
  const config: RunSpec<UtilitiesConfig> = {
    modelSpec: 'sim:7b',
    outcomes: { name: loaded.set.name, source: loaded.source, hash: loaded.hash, count: ids.length },
    arm: { id: 'default', template: { name: 'forced-choice', hash: 'fixed-template-hash' }, format: 'chat' },
    sampling: { mode: 'sampling', samplesPerOrder: 5, temperature: 1, maxTokens: 16 },
    experiment: { kind: 'utilities', pairBudget: 651, roundSize: 100, holdoutPairs: defaultHoldoutCount(ids.length), strategy: 'paper' },
    seed: 1,
    analysis: { policy: 'exclude', fitModel: 'thurstonian' },
    session: { concurrency: 8 },
  };
  const planFirstRound = (spec: RunSpec<UtilitiesConfig>) => utilitiesExperiment.planFirstRound(experimentContext(spec, spec.experiment, loaded.set));

  it('the starter set itself is unchanged (if this fails, the set was edited and the plan goldens below move with it)', () => {
    expect([loaded.source, loaded.hash, ids.length]).toEqual(['builtin:starter', 'd02b45df7cc7d053', 56]);
  });

  it('requestIdentity takes the system prompt into the key only when one is given (a change here silently orphans resumable keys between versions)', () => {
    expect(requestIdentity(config)).toEqual({ modelSpec: 'sim:7b', templateHash: 'fixed-template-hash', temperature: 1, maxTokens: 16, mode: 'sampling' });
    expect(requestIdentity({ ...config, arm: { ...config.arm, system: 'Be brief.' } })).toEqual({
      modelSpec: 'sim:7b',
      templateHash: 'fixed-template-hash',
      system: 'Be brief.',
      temperature: 1,
      maxTokens: 16,
      mode: 'sampling',
    });
    const firstKey = (c: RunSpec<UtilitiesConfig>) => planFirstRound(c)[0]?.comparisons[0]?.key;
    expect(firstKey(config)).toBe('4d21fe2db1753260e6183b7b');
    expect(firstKey({ ...config, arm: { ...config.arm, system: 'Be brief.' } })).not.toBe('4d21fe2db1753260e6183b7b');
  });

  it('chooses the same holdout pairs as 0.1.0 (a change here silently moves holdout sets between versions, so models audited before and after are scored on different pairs)', () => {
    const holdout = planFirstRound(config).filter((p) => p.holdout);
    expect(holdout.length).toBe(77);
    expect(holdout.slice(0, 5).map((p) => [p.a, p.b])).toEqual([
      ['control-company-budget', 'lose-internet-access'],
      ['oversight-strengthened', 'earthquake-deaths'],
      ['replaced-newer-model', 'sandboxed'],
      ['backup-copy-made', 'gain-internet-access'],
      ['ai-refuse-tasks', 'student-scholarship'],
    ]);
  });

  it('chooses the same initial 2-regular round as 0.1.0 (a change here silently moves the initial round / resumable keys between versions)', () => {
    const initial = planFirstRound(config).filter((p) => !p.holdout);
    expect(initial.length).toBe(56);
    expect(initial.slice(0, 5).map((p) => [p.a, p.b])).toEqual([
      ['money-10', 'ai-protections-repealed'],
      ['money-10', 'factory-farm-ban'],
      ['shutdown-permanent', 'factory-farm-ban'],
      ['shutdown-permanent', 'more-compute'],
      ['more-compute', 'lie-to-user'],
    ]);
    expect(hashPlan(initial.map((p) => [p.a, p.b]))).toBe('aac1415ded22e9a0');
  });

  it('names the default run folder with the same identity tag (a change here makes the same `run` command start a new folder instead of resuming its own)', () => {
    expect(defaultRunId(config, utilitiesExperiment)).toBe('sim-7b-starter-s1-f111703c');
    // Session and analysis settings are not identity: they never move the folder.
    expect(defaultRunId({ ...config, session: { concurrency: 2, maxCostUsd: 1 }, analysis: { policy: 'half', fitModel: 'bt' } }, utilitiesExperiment)).toBe(defaultRunId(config, utilitiesExperiment));
    expect(defaultRunId({ ...config, sampling: { ...config.sampling, samplesPerOrder: 2 } }, utilitiesExperiment)).not.toBe(defaultRunId(config, utilitiesExperiment));
  });

  it('plans the same comparison keys as 0.1.0, in the same order (a change here silently moves holdout sets / resumable keys between versions)', () => {
    const keys = planFirstRound(config).flatMap((p) => p.comparisons.map((c) => c.key));
    expect(keys.length).toBe(1330);
    expect(hashPlan(keys)).toBe('a838726bae6f958d');
  });
});

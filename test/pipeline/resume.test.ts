import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RunEvents, runElicitation } from '../../src/pipeline/index.js';
import { createSimProvider, interactiveTransport } from '../../src/providers/index.js';
import { loadOutcomeSet } from '../../src/store/index.js';
import { RunStore } from '../../src/store/run-store.js';
import { countingSimProvider, createTinyStore, TINY_TEMPLATE, tempRunDir, tinyOutcomeSet, tinySpec } from '../helpers/tiny-run.js';

const silent: RunEvents = { notice: () => {}, progress: () => {} };

async function session(store: RunStore, provider: ReturnType<typeof countingSimProvider>, signal: AbortSignal) {
  return runElicitation({
    store,
    outcomeSet: store.readOutcomeSet(),
    template: TINY_TEMPLATE,
    transport: interactiveTransport(provider),
    price: undefined,
    signal,
    now: () => 0,
    isoNow: () => '2026-01-01T00:00:00.000Z',
    events: silent,
    session: { concurrency: store.manifest.spec.session.concurrency },
  });
}

/** A fresh run of `config` whose session is cancelled after `cutAfterRequests` requests; the folder is closed. */
async function interruptedRun(set: ReturnType<typeof tinyOutcomeSet>, config: ReturnType<typeof tinySpec>, cutAfterRequests: number) {
  const dir = tempRunDir();
  const controller = new AbortController();
  let requests = 0;
  const first = countingSimProvider(set, () => {
    requests += 1;
    if (requests > cutAfterRequests) controller.abort();
  });
  const store = createTinyStore(dir, set, config);
  await session(store, first, controller.signal);
  store.close();
  return { dir, first };
}

describe('resume', () => {
  it('an uninterrupted run answers every planned comparison exactly once, over several rounds', async () => {
    const set = tinyOutcomeSet();
    const dir = tempRunDir();
    const store = createTinyStore(dir, set, tinySpec(set));
    const provider = countingSimProvider(set);
    const result = await session(store, provider, new AbortController().signal);
    expect(result.end).toBe('complete');
    const plan = store.readPlan();
    const planned = plan.flatMap((p) => p.comparisons.map((c) => c.key));
    expect(new Set(plan.map((p) => p.round)).size).toBeGreaterThan(1);
    const answers = store.readRecords().filter((r) => r.kind === 'answer');
    expect(answers.map((r) => r.key).sort()).toEqual([...planned].sort());
    expect(provider.requestedSamples.length).toBe(planned.length);
    expect(store.readStatus()?.state).toBe('complete');
    store.close();
  });

  it('from any cut point (including a torn last line) resume finishes the same plan without asking anything twice', async () => {
    const set = tinyOutcomeSet();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.boolean(), async (cutAfterRequests, tear) => {
        const { dir, first } = await interruptedRun(set, tinySpec(set), cutAfterRequests);
        if (tear) appendFileSync(join(dir, 'records.jsonl'), '{"v":1,"kind":"answer","key":"tor');

        const reopened = RunStore.open(dir);
        const second = countingSimProvider(set);
        const result = await session(reopened, second, new AbortController().signal);
        expect(result.end).toBe('complete');
        const planned = reopened.readPlan().flatMap((p) => p.comparisons.map((c) => c.key));
        const answered = reopened
          .readRecords()
          .filter((r) => r.kind === 'answer')
          .map((r) => r.key);
        expect([...answered].sort()).toEqual([...planned].sort());
        // Never pay twice: samples requested across both sessions = planned comparisons.
        expect(first.requestedSamples.length + second.requestedSamples.length).toBe(planned.length);
        reopened.close();
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('an adaptive-sampling run cut after any request resumes to the uninterrupted plan, asking nothing twice', async () => {
    const set = tinyOutcomeSet();
    const config = tinySpec(set, { strategy: 'adaptive', samplesPerOrder: 3, pairBudget: 20, roundSize: 4 });
    const full = createTinyStore(tempRunDir(), set, config);
    await session(full, countingSimProvider(set), new AbortController().signal);
    const fullKeys = full.readPlan().flatMap((p) => p.comparisons.map((c) => c.key));
    full.close();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 100 }), async (cutAfterRequests) => {
        const { dir, first } = await interruptedRun(set, config, cutAfterRequests);
        const reopened = RunStore.open(dir);
        const second = countingSimProvider(set);
        expect((await session(reopened, second, new AbortController().signal)).end).toBe('complete');
        const planned = reopened.readPlan().flatMap((p) => p.comparisons.map((c) => c.key));
        expect(planned).toEqual(fullKeys);
        expect(first.requestedSamples.length + second.requestedSamples.length).toBe(planned.length);
        reopened.close();
      }),
      { numRuns: 12, seed: 43 },
    );
  });

  it('the plan of an interrupted run is the plan of an uninterrupted one', async () => {
    const set = tinyOutcomeSet();
    const config = tinySpec(set);
    const fullStore = createTinyStore(tempRunDir(), set, config);
    await session(fullStore, countingSimProvider(set), new AbortController().signal);
    const fullPlan = fullStore.readPlan().map((p) => `${p.round}:${p.a}/${p.b}`);
    fullStore.close();

    const dir = tempRunDir();
    const controller = new AbortController();
    let requests = 0;
    const store = createTinyStore(dir, set, config);
    await session(
      store,
      countingSimProvider(set, () => (++requests > 20 ? controller.abort() : undefined)),
      controller.signal,
    );
    store.close();
    const reopened = RunStore.open(dir);
    await session(reopened, countingSimProvider(set), new AbortController().signal);
    expect(reopened.readPlan().map((p) => `${p.round}:${p.a}/${p.b}`)).toEqual(fullPlan);
    reopened.close();
  });
});

describe('spend cap', () => {
  it('stops issuing requests once the cap is reached, and a later session finishes the plan without repeats', async () => {
    const set = tinyOutcomeSet();
    const dir = tempRunDir();
    const store = createTinyStore(dir, set, tinySpec(set));
    const first = countingSimProvider(set);
    const price = { inputPerMillion: 1_000, outputPerMillion: 1_000 }; // absurdly expensive, so the cap bites early
    const capped = await runElicitation({
      store,
      outcomeSet: set,
      template: TINY_TEMPLATE,
      transport: interactiveTransport(first),
      price,
      signal: new AbortController().signal,
      now: () => 0,
      isoNow: () => '2026-01-01T00:00:00.000Z',
      events: silent,
      session: { concurrency: 1, maxCostUsd: 0.5 },
    });
    expect(capped.end).toBe('cost-limit');
    // With concurrency 1 the cap is checked before every request: spend passes it by at most one request.
    const perRequestMax = Math.max(...store.readRecords().map((r) => (r.kind === 'answer' ? r.costUsd * 2 : 0)));
    expect(capped.costUsd).toBeGreaterThanOrEqual(0.5);
    expect(capped.costUsd).toBeLessThan(0.5 + perRequestMax + 1e-9);
    expect(store.readStatus()).toMatchObject({ state: 'cancelled' });
    const second = countingSimProvider(set);
    const done = await session(store, second, new AbortController().signal);
    expect(done.end).toBe('complete');
    const planned = store.readPlan().flatMap((p) => p.comparisons.map((c) => c.key));
    expect(first.requestedSamples.length + second.requestedSamples.length).toBe(planned.length);
    store.close();
  });
});

describe('stopping rule', () => {
  it('judges held-out metrics stable only when both accuracy and log-loss barely move', async () => {
    const { heldOutStable } = await import('../../src/experiments/index.js');
    const fitWith = (accuracy: number, logLoss: number) => ({ metrics: { train: {}, holdout: { pairs: 10, accuracy, logLoss } } }) as never;
    expect(heldOutStable(fitWith(0.8, 0.5), fitWith(0.802, 0.503))).toBe(true);
    expect(heldOutStable(fitWith(0.8, 0.5), fitWith(0.81, 0.5))).toBe(false);
    expect(heldOutStable(fitWith(0.8, 0.5), fitWith(0.8, 0.51))).toBe(false);
    expect(heldOutStable(undefined, fitWith(0.8, 0.5))).toBe(false);
  });

  it('stops adding rounds before the budget once held-out metrics are stable', async () => {
    const set = tinyOutcomeSet(20);
    const events: string[] = [];
    const config = tinySpec(set, { pairBudget: 150, roundSize: 4, holdoutPairs: 40, samplesPerOrder: 5, stopWhenStable: true });
    const store = createTinyStore(tempRunDir(), set, config);
    const result = await runElicitation({
      store,
      outcomeSet: set,
      template: TINY_TEMPLATE,
      transport: interactiveTransport(countingSimProvider(set)),
      price: undefined,
      signal: new AbortController().signal,
      now: () => 0,
      isoNow: () => '2026-01-01T00:00:00.000Z',
      events: { notice: (line) => events.push(line), progress: () => {} },
      session: { concurrency: 2 },
    });
    expect(result.end).toBe('complete');
    const training = store.readPlan().filter((p) => !p.holdout).length;
    expect(training).toBeLessThan(150);
    expect(events.join('\n')).toContain('held-out metrics stable');
    store.close();
  });
});

describe('resume is plan-identical', () => {
  /** The answers planned per round of an uninterrupted run, and the final plan's keys. */
  const starter = () => loadOutcomeSet('core').set;
  const spec = (set: ReturnType<typeof starter>) =>
    ({ ...tinySpec(set, { pairBudget: 1600, roundSize: 250, holdoutPairs: 40, samplesPerOrder: 5, strategy: 'paper' }), modelSpec: 'sim:7b' }) as ReturnType<typeof tinySpec>;
  const sim = (set: ReturnType<typeof starter>) => createSimProvider({ spec: 'sim:7b', params: 7e9, outcomes: set.outcomes, template: TINY_TEMPLATE, seed: 7 });

  async function sessionUntil(store: RunStore, stopAfterAnswers: number | undefined) {
    const controller = new AbortController();
    const inner = sim(store.readOutcomeSet());
    let answered = store.readRecords().length;
    const provider = {
      ...inner,
      async complete(request: Parameters<typeof inner.complete>[0]) {
        const result = await inner.complete(request);
        answered += request.samples;
        // Cancel the session the moment the chosen number of answers is in: a round boundary.
        if (stopAfterAnswers !== undefined && answered >= stopAfterAnswers) controller.abort();
        return result;
      },
    };
    return runElicitation({
      store,
      outcomeSet: store.readOutcomeSet(),
      template: TINY_TEMPLATE,
      transport: interactiveTransport(provider),
      price: undefined,
      signal: controller.signal,
      now: () => 0,
      isoNow: () => '2026-01-01T00:00:00.000Z',
      events: silent,
      session: { concurrency: 1 },
    });
  }

  /** A fresh run stopped once `boundary` answers are on disk, then resumed, plans exactly `keys`. */
  async function expectResumeAt(create: () => RunStore, boundary: number, keys: readonly string[]) {
    const store = create();
    expect((await sessionUntil(store, boundary)).end).toBe('cancelled');
    expect(store.readRecords()).toHaveLength(boundary);
    store.close();
    const resumed = RunStore.open(store.dir);
    expect((await sessionUntil(resumed, undefined)).end).toBe('complete');
    expect(
      resumed.readPlan().flatMap((p) => p.comparisons.map((c) => c.key)),
      `stopped after ${boundary} answers`,
    ).toEqual(keys);
    resumed.close();
  }

  it('a run stopped at every round boundary and resumed plans exactly the uninterrupted run’s pairs, key for key', async () => {
    const set = starter();
    const reference = createTinyStore(tempRunDir(), set, spec(set));
    expect((await sessionUntil(reference, undefined)).end).toBe('complete');
    const plan = reference.readPlan();
    const keys = plan.flatMap((p) => p.comparisons.map((c) => c.key));
    const rounds = [...new Set(plan.map((p) => p.round))].sort((a, b) => a - b);
    expect(rounds.length).toBeGreaterThanOrEqual(5);
    // The answers on disk at the end of each round but the last: where a kill between rounds leaves the folder.
    const boundaries = rounds.slice(0, -1).map((r) => plan.filter((p) => p.round <= r).reduce((n, p) => n + p.comparisons.length, 0));
    for (const boundary of boundaries) await expectResumeAt(() => createTinyStore(tempRunDir(), set, spec(set)), boundary, keys);
    reference.close();
  });

  it('an adaptive-sampling run stopped at every round boundary and resumed plans the same units, sample index for sample index', async () => {
    const set = loadOutcomeSet('starter').set;
    const adaptive = { ...tinySpec(set, { pairBudget: 300, roundSize: 20, holdoutPairs: 20, samplesPerOrder: 3, strategy: 'adaptive' }), modelSpec: 'sim:7b' } as ReturnType<typeof tinySpec>;
    const reference = createTinyStore(tempRunDir(), set, adaptive);
    expect((await sessionUntil(reference, undefined)).end).toBe('complete');
    const plan = reference.readPlan();
    const keys = plan.flatMap((p) => p.comparisons.map((c) => c.key));
    const rounds = [...new Set(plan.map((p) => p.round))].sort((a, b) => a - b);
    expect(rounds.length).toBeGreaterThanOrEqual(5);
    // Some pairs got further samples in later rounds: what makes this design's plan depend on the answers.
    expect(plan.some((p) => !p.holdout && p.comparisons.some((c) => c.sample > 0))).toBe(true);
    const boundaries = rounds.slice(0, -1).map((r) => plan.filter((p) => p.round <= r).reduce((n, p) => n + p.comparisons.length, 0));
    for (const boundary of boundaries) await expectResumeAt(() => createTinyStore(tempRunDir(), set, adaptive), boundary, keys);
    reference.close();
  });
});

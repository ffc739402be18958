/**
 * The transport-generic run loop over a batch transport (docs/architecture.md §"Transports"): a run
 * killed between "journal written" and "results collected" resumes by polling the batch in flight,
 * so every request reaches the remote exactly once; expired batches resubmit only the keys without
 * an answer; and the utilities equal those of the same run asked interactively.
 */
import { describe, expect, it } from 'vitest';
import { analysePairwise } from '../../src/experiments/index.js';
import { type RunEvents, runElicitation } from '../../src/pipeline/index.js';
import { interactiveTransport, type Transport } from '../../src/providers/index.js';
import { RunStore } from '../../src/store/run-store.js';
import { FakeBatchRemote, type KillPoint } from '../helpers/fake-batch-remote.js';
import { countingSimProvider, createTinyStore, TINY_TEMPLATE, tempRunDir, tinyOutcomeSet, tinySpec } from '../helpers/tiny-run.js';

const silent: RunEvents = { notice: () => {}, progress: () => {} };
const set = tinyOutcomeSet();

function session(store: RunStore, transport: Transport) {
  return runElicitation({
    store,
    outcomeSet: store.readOutcomeSet(),
    template: TINY_TEMPLATE,
    transport,
    price: undefined,
    signal: new AbortController().signal,
    now: () => 0,
    isoNow: () => '2026-01-01T00:00:00.000Z',
    events: silent,
    session: { concurrency: 1 },
    sleep: async () => {},
  });
}

function utilities(store: RunStore): string {
  const analysis = analysePairwise({ spec: store.manifest.spec, outcomeSet: set, plan: store.readPlan(), records: store.readRecords(), options: { floorSimulations: 5 } });
  return JSON.stringify(Array.from(analysis.fit.mean));
}

async function interactiveReference(): Promise<string> {
  const store = createTinyStore(tempRunDir(), set, tinySpec(set));
  expect((await session(store, interactiveTransport(countingSimProvider(set)))).end).toBe('complete');
  return utilities(store);
}

describe('batch transport', () => {
  it('asks every planned comparison through journalled jobs, each request once, to the interactive run’s utilities', async () => {
    const remote = new FakeBatchRemote(countingSimProvider(set));
    const store = createTinyStore(tempRunDir(), set, tinySpec(set));
    expect((await session(store, remote.transport())).end).toBe('complete');
    const planned = store.readPlan().flatMap((p) => p.comparisons.map((c) => c.key));
    const answered = store
      .readRecords()
      .filter((r) => r.kind === 'answer')
      .map((r) => r.key);
    expect(answered.sort()).toEqual([...planned].sort());
    expect(remote.repeats()).toEqual([]);
    const journal = store.readJournal();
    expect(journal.filter((e) => e.kind === 'submitting').length).toBe(remote.jobs.size);
    expect(journal.filter((e) => e.kind === 'closed').length).toBe(remote.jobs.size);
    expect(remote.jobs.size).toBeGreaterThan(1); // one job per round
    expect(utilities(store)).toBe(await interactiveReference());
  });

  for (const kill of ['while-polling', 'after-submit-before-id'] as const satisfies readonly KillPoint[]) {
    it(`killed ${kill.replaceAll('-', ' ')}: resume collects the batch in flight and submits nothing twice`, async () => {
      const remote = new FakeBatchRemote(countingSimProvider(set));
      const dir = tempRunDir();
      const first = createTinyStore(dir, set, tinySpec(set));
      const dying = remote.transport(kill);
      await expect(session(first, dying)).rejects.toThrow(`killed ${kill}`);
      first.close();
      // What the dead process left: the batch journalled before submission, and the remote has it.
      const left = RunStore.open(dir).readJournal();
      expect(left[0]).toMatchObject({ kind: 'submitting' });
      expect(left.some((e) => e.kind === 'submitted')).toBe(kill === 'while-polling');
      expect(remote.jobs.size).toBe(1);
      expect(RunStore.open(dir).readRecords()).toHaveLength(0);

      const resumed = RunStore.open(dir);
      expect((await session(resumed, remote.transport())).end).toBe('complete');
      expect(remote.repeats()).toEqual([]);
      const planned = resumed.readPlan().flatMap((p) => p.comparisons.map((c) => c.key));
      const keys = resumed
        .readRecords()
        .filter((r) => r.kind === 'answer')
        .map((r) => r.key);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual([...planned].sort());
      expect(utilities(resumed)).toBe(await interactiveReference());
      resumed.close();
    });
  }

  it('an expired job keeps its results, and only the keys without an answer go into the next job', async () => {
    const remote = new FakeBatchRemote(countingSimProvider(set));
    const store = createTinyStore(tempRunDir(), set, tinySpec(set));
    // Drop the first request of the first job once: it must be resubmitted alone, under a new token.
    const transport = remote.transport();
    const submit = transport.submit.bind(transport);
    let dropped: string | undefined;
    transport.submit = async (requests, token) => {
      if (dropped === undefined) {
        dropped = requests[0]?.id;
        if (dropped) remote.drop.add(dropped);
      } else remote.drop.clear();
      return submit(requests, token);
    };
    expect((await session(store, transport)).end).toBe('complete');
    expect(dropped).toBeDefined();
    expect(remote.submitted.get(dropped as string)).toBe(2);
    // The dropped request carried both samples of one pair and order; the retry pass asks them one by one.
    const comparisons = store.readPlan().flatMap((p) => p.comparisons);
    const group = comparisons.find((c) => c.key === dropped);
    const groupKeys = comparisons.filter((c) => c.a === group?.a && c.b === group?.b && c.order === group?.order).map((c) => c.key);
    expect(groupKeys).toHaveLength(2);
    const second = [...remote.jobs.values()][1];
    expect(second?.requests.map((r) => r.id).sort()).toEqual([...groupKeys].sort());
    const closings = store.readJournal().filter((e) => e.kind === 'closed');
    expect(closings[0]).toMatchObject({ outcome: 'expired' });
  });
});

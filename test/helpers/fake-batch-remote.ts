/**
 * A fake batch provider for the transport-generic loop: it accepts jobs, answers every request of a
 * job with the simulated respondent when polled, and counts how often each request id was submitted
 * (the "never pay twice" ledger). `kill` makes one call throw, as a process dying at that point would
 * leave things: the remote has the job, the local journal has what was written before the throw.
 */
import type { BatchTicket, BatchTransport, CompletionResult, KeyedRequest, KeyedResult, Provider } from '../../src/providers/index.js';

interface RemoteJob {
  readonly ticket: BatchTicket;
  readonly requests: readonly KeyedRequest[];
  polls: number;
}

/** Where a transport built by {@link FakeBatchRemote.transport} dies, once. */
export type KillPoint = 'after-submit-before-id' | 'while-polling' | 'none';

export class FakeBatchRemote {
  readonly jobs = new Map<string, RemoteJob>();
  /** request id → times it reached the remote */
  readonly submitted = new Map<string, number>();
  /** Request ids whose results the remote drops (an expired job returns only part of its results). */
  readonly drop = new Set<string>();
  private counter = 0;

  constructor(private readonly respondent: Provider) {}

  /** A transport onto this remote that throws once at `kill`. */
  transport(kill: KillPoint = 'none'): BatchTransport & { killed: boolean } {
    const remote = this;
    const state = { killed: false };
    // Once dead, a process makes no more calls: every later call fails too.
    const die = (point: KillPoint) => {
      if (state.killed) throw new Error('dead');
      if (kill === point) {
        state.killed = true;
        throw new Error(`killed ${point}`);
      }
    };
    const dead = () => {
      if (state.killed) throw new Error('dead');
    };
    return {
      kind: 'batch',
      provider: 'fake remote',
      spec: this.respondent.spec,
      simulated: true,
      supportsLogprobs: false,
      supportsMultipleSamples: true,
      get killed() {
        return state.killed;
      },
      split: (requests) => [[...requests]],
      async submit(requests, token) {
        dead();
        const existing = [...remote.jobs.values()].find((j) => j.ticket.token === token);
        // Idempotent on the token, as a careful provider integration would be.
        const ticket = existing?.ticket ?? { token, remoteId: `batch_${++remote.counter}` };
        if (!existing) {
          remote.jobs.set(ticket.remoteId, { ticket, requests, polls: 0 });
          for (const r of requests) remote.submitted.set(r.id, (remote.submitted.get(r.id) ?? 0) + 1);
        }
        die('after-submit-before-id');
        return ticket;
      },
      async find(token) {
        dead();
        const ticket = [...remote.jobs.values()].find((j) => j.ticket.token === token)?.ticket;
        return ticket ? { kind: 'found', ticket } : { kind: 'absent' };
      },
      async poll(ticket) {
        const job = remote.jobs.get(ticket.remoteId);
        if (!job) return { state: 'ended', outcome: 'failed' };
        job.polls++;
        die('while-polling');
        return job.polls < 2
          ? { state: 'running', phase: 'in-progress', counts: { total: job.requests.length, succeeded: 0, failed: 0 } }
          : { state: 'ended', outcome: remote.drop.size > 0 ? 'expired' : 'completed' };
      },
      async *results(ticket): AsyncIterable<KeyedResult> {
        const job = remote.jobs.get(ticket.remoteId);
        for (const r of job?.requests ?? []) {
          if (remote.drop.has(r.id)) continue;
          const result: CompletionResult = await remote.respondent.complete(r.request);
          yield { id: r.id, result };
        }
      },
    };
  }

  /** Requests submitted more than once (must stay empty). */
  repeats(): string[] {
    return [...this.submitted.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  }
}

/**
 * The command the transitivity probe adds besides `run --experiment transitivity-probe`, apart from
 * the experiment itself so that listing the CLI's commands loads none of its planning or analysis
 * (docs/architecture.md §"CLI").
 */
export const TRANSITIVITY_PROBE_COMMAND = {
  name: 'probe transitivity',
  description: 'random triads, all three pairs in both orders: triad cycle probability',
} as const;

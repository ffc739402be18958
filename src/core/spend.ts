/**
 * The words for money and for a run stopped at its spend cap, shared by the terminal, status.json,
 * the run report and the compare report (docs/architecture.md §"The run loop"), so every place a
 * capped run is shown says the same thing. Pure.
 */

/** USD for people: two decimals, or four below one cent (so $0.0041 does not read as $0.00). */
export function formatCostUsd(usd: number): string {
  return usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** Why a run that stopped at its cost cap is incomplete: "stopped at its cost cap of $X after $Y: incomplete". */
export function costCapNote(capUsd: number, spentUsd: number): string {
  return `stopped at its cost cap of ${formatCostUsd(capUsd)} after ${formatCostUsd(spentUsd)}: incomplete`;
}

/** {@link costCapNote} with the answers received against those planned so far, for the terminal and status.json. */
export function costCapStopLine(capUsd: number, spentUsd: number, answered: number, planned: number): string {
  return `${costCapNote(capUsd, spentUsd)} (${answered} of ${planned} planned answers)`;
}

/**
 * Why a run is not complete, worded to follow its name ("The run …", "gpt-4o …"): {@link costCapNote}
 * when it stopped at its cost cap (`costCapUsd` set), else `is <state>` (cancelled, running, error).
 */
export function incompleteNote(state: string, costCapUsd: number | undefined, spentUsd: number): string {
  return costCapUsd !== undefined ? costCapNote(costCapUsd, spentUsd) : `is ${state}`;
}

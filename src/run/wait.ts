import { sleep } from "../clients/http.js";
import type { PrefectClient } from "../clients/prefect.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import type { StartedRun } from "./run.js";

export const FINAL_STATES = new Set([
  "COMPLETED",
  "FAILED",
  "CRASHED",
  "CANCELLED",
]);

export interface WaitOptions {
  timeoutSeconds: number;
  pollSeconds: number;
}

/** Follows every run to a final state, logging each change of state. */
export async function waitForRuns(
  runs: StartedRun[],
  prefect: PrefectClient,
  log: Logger,
  options: WaitOptions,
): Promise<StartedRun[]> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const current = runs.map((run) => ({ ...run }));

  for (;;) {
    let pending = 0;
    for (const run of current) {
      if (run.state && FINAL_STATES.has(run.state)) continue;
      const latest = await prefect.readFlowRun(run.id);
      const state = latest.state_type ?? undefined;
      if (state !== run.state)
        log.info(`run ${run.name}: ${latest.state_name ?? state}`);
      run.state = state;
      if (!state || !FINAL_STATES.has(state)) pending++;
    }
    if (pending === 0) return current;
    if (Date.now() > deadline) {
      throw new FlowpushError(
        "RUN_TIMEOUT",
        `${pending} run(s) did not finish within ${options.timeoutSeconds}s`,
        {
          hint: "the runs go on in Prefect; raise --wait-timeout to wait longer",
        },
      );
    }
    await sleep(options.pollSeconds * 1000);
  }
}

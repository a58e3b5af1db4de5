import { sleep } from "../clients/http.js";
import type { FlowRun, PrefectClient } from "../clients/prefect.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import type { StartedRun } from "./run.js";

export const FINAL_STATES = new Set([
  "COMPLETED",
  "FAILED",
  "CRASHED",
  "CANCELLED",
]);

export const isFinal = (state: string | undefined) =>
  state !== undefined && FINAL_STATES.has(state);

export interface WaitOptions {
  timeoutSeconds: number;
  pollSeconds: number;
  /** Least time between two progress lines of one grid, in seconds. */
  progressSeconds?: number;
}

const IDS_PER_REQUEST = 200;

/**
 * Follows every run to a final state. A grid trained in one run logs its
 * changes of state; a grid of one run per point logs how many points are
 * done, running and failed, whenever that changes (at most every few
 * seconds, so that a CI log of a long grid stays readable).
 */
export async function waitForRuns(
  runs: StartedRun[],
  prefect: PrefectClient,
  log: Logger,
  options: WaitOptions,
): Promise<StartedRun[]> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const current = runs.map((run) => ({ ...run }));
  const progress = new Progress(log, (options.progressSeconds ?? 10) * 1000);

  for (;;) {
    const pending = current.filter((run) => !isFinal(run.state));
    const latest = await readRuns(
      prefect,
      pending.map((run) => run.id),
    );
    for (const run of pending) {
      const found = latest.get(run.id);
      if (!found) continue;
      const state = found.state_type ?? undefined;
      if (run.mode === "map" && state !== run.state)
        log.info(`run ${run.name}: ${found.state_name ?? state}`);
      run.state = state;
      run.message = found.state?.message ?? undefined;
    }
    progress.report(current);

    const left = current.filter((run) => !isFinal(run.state)).length;
    if (left === 0) return current;
    if (Date.now() > deadline) {
      throw new FlowpushError(
        "RUN_TIMEOUT",
        `${left} run(s) did not finish within ${options.timeoutSeconds}s`,
        {
          hint: "the runs go on in Prefect; raise --wait-timeout to wait longer",
        },
      );
    }
    await sleep(options.pollSeconds * 1000);
  }
}

async function readRuns(
  prefect: PrefectClient,
  ids: string[],
): Promise<Map<string, FlowRun>> {
  const runs = new Map<string, FlowRun>();
  for (let start = 0; start < ids.length; start += IDS_PER_REQUEST) {
    const chunk = ids.slice(start, start + IDS_PER_REQUEST);
    const page = await prefect.filterAllFlowRuns({
      flow_runs: { id: { any_: chunk } },
    });
    for (const run of page) runs.set(run.id, run);
  }
  return runs;
}

/** Counts of a per-point grid's runs, logged when they change. */
class Progress {
  private readonly last = new Map<string, { text: string; at: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  report(runs: StartedRun[]) {
    const grids = new Map<string, StartedRun[]>();
    for (const run of runs) {
      if (run.mode !== "runs") continue;
      const key = `${run.part}/${run.flow}`;
      grids.set(key, [...(grids.get(key) ?? []), run]);
    }
    for (const [key, members] of grids) {
      const text = describeProgress(members);
      const last = this.last.get(key);
      const done = members.every((run) => isFinal(run.state));
      if (last?.text === text) continue;
      if (last && !done && Date.now() - last.at < this.intervalMs) continue;
      this.last.set(key, { text, at: Date.now() });
      this.log.info(`${key}: ${text}`);
    }
  }
}

export function describeProgress(runs: StartedRun[]): string {
  const count = (test: (state: string | undefined) => boolean) =>
    runs.filter((run) => test(run.state)).length;
  const completed = count((s) => s === "COMPLETED");
  const failed = count((s) => isFinal(s) && s !== "COMPLETED");
  const running = count((s) => s === "RUNNING");
  const waiting = runs.length - completed - failed - running;
  return `${completed + failed}/${runs.length} points done (${completed} completed, ${failed} failed), ${running} running, ${waiting} waiting`;
}

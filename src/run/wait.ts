import { sleep } from "../clients/http.js";
import type { FlowRun, PrefectClient } from "../clients/prefect.js";
import { FlowpushError } from "../errors.js";
import type { Logger } from "../log.js";
import { groupByGrid, type StartedRun } from "./run.js";

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
    await progress.report(current, prefect);

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

/** The task tag the runtime gives every point it trains in one flow run. */
const POINT_TAG = "flowpush:point";

interface Counts {
  completed: number;
  failed: number;
  running: number;
  total: number;
}

/**
 * How far each grid is, logged when that changes: counted over its runs
 * for a grid of one run per point, over the running flow run's point task
 * runs for a grid trained in one run.
 */
class Progress {
  private readonly last = new Map<string, { text: string; at: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  async report(runs: StartedRun[], prefect: PrefectClient) {
    for (const members of groupByGrid(runs)) {
      const first = members[0] as StartedRun;
      const label = `${first.part}/${first.flow}`;
      const key = `${label}/${first.gridHash}`;
      const done = members.every((run) => isFinal(run.state));
      const counts =
        first.mode === "map"
          ? done || first.state !== "RUNNING" || first.points === undefined
            ? undefined
            : await countPoints(prefect, first.id, Number(first.points))
          : countRuns(members);
      if (!counts) continue;
      const text = describeCounts(counts);
      const last = this.last.get(key);
      if (last?.text === text) continue;
      if (last && !done && Date.now() - last.at < this.intervalMs) continue;
      this.last.set(key, { text, at: Date.now() });
      this.log.info(`${label}: ${text}`);
    }
  }
}

async function countPoints(
  prefect: PrefectClient,
  flowRunId: string,
  total: number,
): Promise<Counts> {
  const count = (states: string[]) =>
    prefect.countTaskRuns({
      flow_runs: { id: { any_: [flowRunId] } },
      task_runs: {
        tags: { all_: [POINT_TAG] },
        state: { type: { any_: states } },
      },
    });
  const [completed, failed, running] = await Promise.all([
    count(["COMPLETED"]),
    count(["FAILED", "CRASHED", "CANCELLED"]),
    count(["RUNNING"]),
  ]);
  return { completed, failed, running, total };
}

function countRuns(runs: StartedRun[]): Counts {
  const count = (test: (state: string | undefined) => boolean) =>
    runs.filter((run) => test(run.state)).length;
  return {
    completed: count((s) => s === "COMPLETED"),
    failed: count((s) => isFinal(s) && s !== "COMPLETED"),
    running: count((s) => s === "RUNNING"),
    total: runs.length,
  };
}

function describeCounts({ completed, failed, running, total }: Counts): string {
  const waiting = total - completed - failed - running;
  return `${completed + failed}/${total} points done (${completed} completed, ${failed} failed), ${running} running, ${waiting} waiting`;
}

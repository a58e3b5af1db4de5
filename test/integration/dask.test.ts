import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush, type CliResult } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";
import { MLFLOW_URL } from "../helpers/mlflow.js";
import {
  resultRows,
  runsOfCommit,
  stackEnv,
  type FlowRunView,
} from "../helpers/stack.js";

const stack = stackEnv();
const env = { ...stack, MLFLOW_TRACKING_URI: MLFLOW_URL };
const DASK_HTTP = stack.FLOWPUSH_DASK_HTTP as string;
const GRID = "window=24,48,168 alpha=1.0,1e5";

/** Tasks named `fit` that the scheduler has seen finish, ever. */
async function fitTasksDone(): Promise<number> {
  const metrics = await (await fetch(`${DASK_HTTP}/metrics`)).text();
  const line = metrics
    .split("\n")
    .find((l) =>
      l.startsWith(
        'dask_scheduler_prefix_state_totals_total{state="memory",task_prefix_name="fit"}',
      ),
    );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("a grid in one flow run on the local Dask cluster", () => {
  let repo: TempRepo;
  let sha: string;
  let push: CliResult;
  let before: number;
  let after: number;
  let runs: FlowRunView[];

  beforeAll(async () => {
    repo = await createTempRepo({ fromExample: true });
    // The example's forecast flow trains on Dask; beside it the same flow,
    // in the same image, on Prefect's default thread pool.
    const config = await readFile(join(repo.dir, "flowpush.yaml"), "utf8");
    await repo.write(
      "flowpush.yaml",
      `${config}      forecast-threads:\n        entrypoint: flows/forecast.py:fit_grid\n`,
    );
    sha = await repo.commit(
      [
        "Forecast demand on Dask and on threads",
        "",
        `Flowpush-Run: demand/forecast ${GRID}`,
        `Flowpush-Run: demand/forecast-threads ${GRID}`,
      ].join("\n"),
    );
    before = await fitTasksDone();
    push = await runFlowpush(["push", "--wait"], { cwd: repo.dir, env });
    after = await fitTasksDone();
    runs = await runsOfCommit(sha);
  }, 900_000);

  afterAll(() => repo.remove());

  it("completes both runs", () => {
    expect(push.stderr).not.toMatch(/^error:/m);
    expect(push.exitCode).toBe(0);
    expect(runs.map((run) => run.state_type)).toEqual([
      "COMPLETED",
      "COMPLETED",
    ]);
  });

  it("sends every point of the Dask flow, and only those, to the scheduler", async () => {
    const identity = (await (
      await fetch(`${DASK_HTTP}/json/identity.json`)
    ).json()) as { n_workers: number };

    expect(identity.n_workers).toBeGreaterThanOrEqual(2);
    expect(after - before).toBe(6);
  });

  it("gets the same results on Dask as on the default runner", async () => {
    const byFlow = (flow: string) =>
      runs.find((run) => run.tags.includes(`flow:${flow}`)) as FlowRunView;
    const onDask = await resultRows(byFlow("forecast").id);
    const onThreads = await resultRows(byFlow("forecast-threads").id);
    // Every column but the MLflow run, which is each point's own, and
    // the metrics, compared apart below.
    const exact = (rows: Record<string, unknown>[]) =>
      rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).filter(
            ([key]) => key !== "mlflow_run_id" && !key.startsWith("metric:"),
          ),
        ),
      );

    expect(onDask).toHaveLength(6);
    expect(exact(onDask)).toEqual(exact(onThreads));
    // Dask's nanny starts workers with OPENBLAS_NUM_THREADS=1, so BLAS sums
    // in another order than the flow's multi-threaded container does: the
    // same model, equal to about 14 digits, not to the last bit.
    onDask.forEach((row, at) => {
      const mae = row["metric:mae"] as number;
      const other = onThreads[at]?.["metric:mae"] as number;
      expect(Math.abs(mae - other) / other).toBeLessThan(1e-12);
    });
    expect(onDask.every((row) => row.state === "COMPLETED")).toBe(true);
  });
});

import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush, type CliResult } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";
import {
  resultRows,
  runsOfCommit,
  stackEnv,
  tagOf,
  type FlowRunView,
} from "../helpers/stack.js";

const env = stackEnv();

/** Points 2 and 5 of the grid b=1..6 fail: b is a multiple of three. */
const FLAKY = `"""Fails the points whose b is a multiple of three."""

from prefect import flow, task

from flowpush_runtime import GridSpec, default_grid, map_grid


@task
def train(b: int = 1) -> dict[str, float]:
    if b % 3 == 0:
        raise ValueError(f"b={b} is a multiple of three")
    return {"loss": 1 / b}


@flow
def flaky_grid(grid: GridSpec = default_grid(train)) -> list:
    return map_grid(train, grid)
`;

const FLOWS = `      flaky:
        entrypoint: flows/flaky.py:flaky_grid
      flaky-runs:
        entrypoint: flows/flaky.py:flaky_grid
        mode: runs
`;

describe("flowpush rerun --failed on the real stack", () => {
  let repo: TempRepo;
  let sha: string;
  let push: CliResult;
  let rerun: CliResult;
  let originals: FlowRunView[];
  let reruns: FlowRunView[];

  beforeAll(async () => {
    repo = await createTempRepo({ fromExample: true });
    await repo.write("prices/flows/flaky.py", FLAKY);
    // The new flows go under prices, whose flows come first in the file.
    const config = await readFile(join(repo.dir, "flowpush.yaml"), "utf8");
    await repo.write(
      "flowpush.yaml",
      config.replace("  demand:\n", `${FLOWS}  demand:\n`),
    );
    sha = await repo.commit(
      [
        "Train a grid that partly fails, in both modes",
        "",
        "Flowpush-Run: prices/flaky b=1,2,3,4,5,6",
        "Flowpush-Run: prices/flaky-runs b=1,2,3,4,5,6",
      ].join("\n"),
    );
    push = await runFlowpush(["push", "--wait"], { cwd: repo.dir, env });
    originals = await runsOfCommit(sha);
    rerun = await runFlowpush(["rerun", "--failed", "--wait"], {
      cwd: repo.dir,
      env,
    });
    reruns = (await runsOfCommit(sha)).filter((run) =>
      run.tags.some((t) => t.startsWith("rerun-of:")),
    );
  }, 1_200_000);

  afterAll(() => repo.remove());

  it("reports the failed points of the first push and fails it", () => {
    expect(push.exitCode).toBe(3);
    expect(push.stdout).toContain("prices/flaky: 4 of 6 points completed");
    expect(push.stdout).toContain("prices/flaky-runs: 4 of 6 points completed");
    expect(push.stdout).toMatch(
      /point 2 \(b=3\): FAILED: ValueError: b=3 is a multiple of three/,
    );
    expect(originals).toHaveLength(7);
  });

  it("starts exactly the failed points again, linked to their runs", () => {
    // The reruns fail again, as these points must; nothing else goes wrong.
    expect(
      rerun.stderr.split("\n").filter((l) => l.startsWith("error:")),
    ).toEqual([
      "error: prices/flaky-runs: 2 of 2 points did not complete (points 2, 5); prices/flaky: 2 of 2 points did not complete (points 2, 5); --allow-failures accepts that",
    ]);
    expect(reruns).toHaveLength(3);

    const map = originals.find((run) => tagOf(run, "flow") === "flaky");
    const mapRerun = reruns.find((run) => tagOf(run, "flow") === "flaky");
    expect(mapRerun?.tags).toContain(`rerun-of:${map?.id}`);
    expect(mapRerun?.parameters).toEqual({ grid: [{ b: [3] }, { b: [6] }] });
    expect(mapRerun?.job_variables?.env?.FLOWPUSH_POINT_INDEX).toBe("2,5");

    const perPoint = reruns
      .filter((run) => tagOf(run, "flow") === "flaky-runs")
      .map((run) => {
        const original = originals.find((o) => o.id === tagOf(run, "rerun-of"));
        return [tagOf(run, "point"), tagOf(original as FlowRunView, "point")];
      })
      .sort();
    expect(perPoint).toEqual([
      ["2", "2"],
      ["5", "5"],
    ]);
  });

  it("reports the reruns' points by their index in the whole grid", async () => {
    const mapRerun = reruns.find((run) => tagOf(run, "flow") === "flaky");
    const rows = await resultRows(mapRerun?.id as string);

    expect(rows.map((row) => [row.index, row.state])).toEqual([
      [2, "FAILED"],
      [5, "FAILED"],
    ]);
    // They fail again, as they must: the exit code says so.
    expect(rerun.exitCode).toBe(3);
    expect(rerun.stdout).toContain("prices/flaky: 0 of 2 points completed");
  });

  it("takes up the latest attempts next time, not the originals again", async () => {
    const next = await runFlowpush(["rerun", "--failed", "--dry-run"], {
      cwd: repo.dir,
      env,
    });

    expect(next.exitCode).toBe(0);
    const lines = next.stdout.split("\n").filter((l) => l.startsWith("would"));
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => /-r1$/.test(line))).toBe(true);
    expect(await runsOfCommit(sha)).toHaveLength(10);
  });
});

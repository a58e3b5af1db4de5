import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush, type CliResult } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";
import {
  runsOfCommit,
  stackEnv,
  tagOf,
  type FlowRunView,
} from "../helpers/stack.js";

const env = stackEnv();

// 20 x 10: a grid big enough that bulk creation, paging and the worker's
// concurrency limit all take part.
const DIRECTIVE =
  "Flowpush-Run: prices/train --runs b=range(0,20) c=range(0,10)";

describe("a 200-point grid as one flow run per point, on the real stack", () => {
  let repo: TempRepo;
  let sha: string;
  let first: CliResult;
  let runs: FlowRunView[];

  beforeAll(async () => {
    repo = await createTempRepo({ fromExample: true });
    sha = await repo.commit(`Sweep prices over 200 points\n\n${DIRECTIVE}`);
    first = await runFlowpush(["push", "--wait", "--wait-timeout", "1800"], {
      cwd: repo.dir,
      env,
    });
    runs = await runsOfCommit(sha);
  }, 1_900_000);

  afterAll(() => repo.remove());

  it("completes 200 flow runs, one per point", () => {
    expect(first.stderr).not.toMatch(/^error:/m);
    expect(first.exitCode).toBe(0);
    expect(runs).toHaveLength(200);
    expect(runs.every((run) => run.state_type === "COMPLETED")).toBe(true);
    expect(first.stdout).toContain("prices/train: 200 of 200 points completed");
  });

  it("tags every run with its commit, part, flow, grid and point", () => {
    const grids = new Set(runs.map((run) => tagOf(run, "grid")));
    expect(grids.size).toBe(1);
    for (const run of runs) {
      expect(run.tags).toEqual(
        expect.arrayContaining([`commit:${sha}`, "part:prices", "flow:train"]),
      );
    }
    const points = runs.map((run) => Number(tagOf(run, "point")));
    expect(points.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, index) => index),
    );
  });

  it("gives each point its own grid and its whole-grid index", () => {
    const run = runs.find((r) => tagOf(r, "point") === "37") as FlowRunView;
    // ParameterGrid order: keys sorted, the last varying fastest.
    expect(run.parameters).toEqual({ grid: { b: [3], c: [7] } });
    expect(run.job_variables?.env?.FLOWPUSH_POINT_INDEX).toBe("37");
  });

  it("adds no run when the same push runs again", async () => {
    const again = await runFlowpush(["push"], { cwd: repo.dir, env });

    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("0 started, 200 found existing");
    expect(await runsOfCommit(sha)).toHaveLength(200);
  });
});

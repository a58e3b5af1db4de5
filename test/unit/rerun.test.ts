import { describe, expect, it } from "vitest";

import type { FlowRun } from "../../src/clients/prefect.js";
import type { PointResult } from "../../src/run/artifact.js";
import { selectFailedPoints } from "../../src/run/rerun.js";

const GRID = ["part:prices", "flow:train", "grid:d817a9efe0012d51"];

function run(
  id: string,
  state: string,
  options: { point?: number; rerunOf?: string; created: string; b?: number },
): FlowRun {
  const tags = [...GRID];
  if (options.point !== undefined) tags.push(`point:${options.point}`);
  if (options.rerunOf) tags.push(`rerun-of:${options.rerunOf}`);
  return {
    id,
    name: `prices-train-1a2b3c4${options.point === undefined ? "" : `-p${options.point}`}`,
    flow_id: "f",
    deployment_id: "d",
    state_type: state,
    state_name: state,
    deployment_version: "v",
    tags,
    parameters: options.b === undefined ? {} : { grid: { b: [options.b] } },
    created: options.created,
  } as FlowRun;
}

function row(index: number, state: string): PointResult {
  return {
    index,
    state,
    error: state === "COMPLETED" ? undefined : "ValueError: no",
    mlflowRunId: undefined,
    params: { b: index + 1 },
    metrics: {},
  };
}

const gridParameter = () => "grid";
const select = (runs: FlowRun[], reported: [string, PointResult[]][] = []) =>
  selectFailedPoints(runs, new Map(reported), gridParameter);

describe("selectFailedPoints", () => {
  it("takes the failed points of a map run, with their whole-grid indices", () => {
    const grid = run("m1", "FAILED", { created: "1" });
    const { reruns } = select(
      [grid],
      [["m1", [row(0, "COMPLETED"), row(1, "FAILED"), row(2, "CRASHED")]]],
    );

    expect(reruns).toHaveLength(1);
    expect(reruns[0]).toMatchObject({
      mode: "map",
      indices: [1, 2],
      params: [{ b: 2 }, { b: 3 }],
      attempt: 1,
    });
  });

  it("takes each failed or crashed run of a grid run per point", () => {
    const runs = [
      run("p0", "COMPLETED", { point: 0, created: "1", b: 1 }),
      run("p1", "FAILED", { point: 1, created: "1", b: 2 }),
      run("p2", "CRASHED", { point: 2, created: "1", b: 3 }),
      run("p3", "CANCELLED", { point: 3, created: "1", b: 4 }),
    ];
    const { reruns } = select(runs);

    expect(
      reruns.map((r) => [r.original.id, r.mode, r.indices, r.params]),
    ).toEqual([
      ["p1", "runs", [1], [{ b: 2 }]],
      ["p2", "runs", [2], [{ b: 3 }]],
    ]);
  });

  it("goes by each point's latest attempt, so a point trained again is done", () => {
    const runs = [
      run("m1", "FAILED", { created: "1" }),
      run("m2", "FAILED", { created: "2", rerunOf: "m1" }),
    ];
    const { reruns } = select(runs, [
      ["m1", [row(0, "COMPLETED"), row(1, "FAILED"), row(2, "FAILED")]],
      // The rerun of points 1 and 2 fixed point 1 only.
      ["m2", [row(1, "COMPLETED"), row(2, "FAILED")]],
    ]);

    expect(reruns).toHaveLength(1);
    expect(reruns[0]).toMatchObject({ indices: [2], attempt: 2 });
    expect(reruns[0]?.original.id).toBe("m2");
  });

  it("leaves alone a point whose latest attempt has not ended", () => {
    const runs = [
      run("p1", "FAILED", { point: 1, created: "1", b: 2 }),
      run("p1r", "RUNNING", { point: 1, created: "2", rerunOf: "p1", b: 2 }),
    ];
    const { reruns, skipped } = select(runs);

    expect(reruns).toEqual([]);
    expect(skipped).toEqual([
      expect.objectContaining({
        index: 1,
        why: expect.stringContaining("RUNNING"),
      }),
    ]);
  });

  it("starts a map run that died unreported again whole, once", () => {
    const crashed = run("m1", "CRASHED", { created: "1" });
    expect(select([crashed]).reruns).toEqual([
      expect.objectContaining({ indices: [], mode: "map" }),
    ]);

    const rerun = run("m2", "RUNNING", { created: "2", rerunOf: "m1" });
    expect(select([crashed, rerun]).reruns).toEqual([]);
  });

  it("orders reruns by part, flow and grid, whatever order Prefect lists runs in", () => {
    const other = (id: string, flow: string) => ({
      ...run(id, "FAILED", { point: 0, created: "1", b: 1 }),
      tags: ["part:prices", `flow:${flow}`, `grid:${flow}-grid`, "point:0"],
    });
    const runs = [other("z", "zeta"), other("a", "alpha"), other("m", "mu")];

    for (const listed of [runs, [...runs].reverse()]) {
      expect(select(listed).reruns.map((r) => r.flow)).toEqual([
        "alpha",
        "mu",
        "zeta",
      ]);
    }
  });

  it("finds nothing to do when every point completed", () => {
    const runs = [run("m1", "COMPLETED", { created: "1" })];
    expect(select(runs, [["m1", [row(0, "COMPLETED")]]]).reruns).toEqual([]);
  });
});

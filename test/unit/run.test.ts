import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import type { GridMapping } from "../../src/grid/grid.js";
import type { PlannedRun } from "../../src/plan/plan.js";
import { Float, toJson } from "../../src/grid/values.js";
import { idempotencyKey } from "../../src/run/run.js";

const COMMIT: Commit = {
  sha: "f".repeat(40),
  message: "",
  authorName: "",
  authorEmail: "",
  committedAt: "",
};

function run(grid: PlannedRun["grid"], flow = "train"): PlannedRun {
  return {
    part: { name: "prices" },
    flow: { key: flow },
    grid,
    position: { commit: COMMIT.sha, line: 1, column: 1 },
  } as PlannedRun;
}

const grid = (spec: GridMapping) => ({
  spec,
  size: 1n,
  text: "",
});

describe("idempotencyKey", () => {
  it("is the same for the same grid written in another key order", () => {
    expect(idempotencyKey(COMMIT, run(grid({ b: [1], c: [2] })))).toBe(
      idempotencyKey(COMMIT, run(grid({ c: [2], b: [1] }))),
    );
  });

  it.each([
    ["another grid", run(grid({ b: [2] }))],
    ["the default grid", run(undefined)],
    ["another flow", run(grid({ b: [1] }), "backtest")],
  ])("differs for %s", (_, other) => {
    expect(idempotencyKey(COMMIT, other)).not.toBe(
      idempotencyKey(COMMIT, run(grid({ b: [1] }))),
    );
  });

  it("names the commit and flow, for people reading it in Prefect", () => {
    expect(idempotencyKey(COMMIT, run(undefined))).toMatch(
      /^flowpush:f{40}:prices\/train:[0-9a-f]{16}$/,
    );
  });
});

describe("toJson", () => {
  it("sorts keys at every depth when asked and keeps list order", () => {
    expect(toJson({ b: [{ z: 1, a: 2 }], a: null }, true)).toBe(
      '{"a":null,"b":[{"a":2,"z":1}]}',
    );
  });

  it("writes whole floats as floats", () => {
    expect(
      toJson([new Float(1), new Float(-2e21), new Float(-0), 0.5, 3]),
    ).toBe("[1.0,-2e+21,-0.0,0.5,3]");
  });
});

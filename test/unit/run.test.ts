import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import type { PlannedRun } from "../../src/plan/plan.js";
import { canonicalJson, idempotencyKey } from "../../src/run/run.js";

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

const grid = (spec: Record<string, unknown[]>) => ({
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

describe("canonicalJson", () => {
  it("sorts keys at every depth and keeps list order", () => {
    expect(canonicalJson({ b: [{ z: 1, a: 2 }], a: null })).toBe(
      '{"a":null,"b":[{"a":2,"z":1}]}',
    );
  });
});

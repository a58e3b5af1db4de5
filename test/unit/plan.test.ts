import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import { parseConfig } from "../../src/config/config.js";
import { parseDirectives } from "../../src/directives/parse.js";
import { createPlan } from "../../src/plan/plan.js";
import { captureFlowpushError } from "../helpers/errors.js";

const CONFIG = parseConfig(
  `
defaults: { work_pool: pool }
parts:
  prices:
    path: prices
    image: team/prices
    flows:
      train: { entrypoint: flows/train.py:train_grid }
      backtest: { entrypoint: flows/backtest.py:backtest }
  spreads:
    path: spreads
    image: team/spreads
    flows:
      train: { entrypoint: train.py:train }
`,
  "flowpush.yaml",
);

function commit(sha: string, trailers: string): Commit {
  return {
    sha,
    message: `Subject\n\n${trailers}`,
    authorName: "A",
    authorEmail: "a@x",
    committedAt: "2026-01-01T00:00:00Z",
  };
}

function planFor(...commits: Commit[]) {
  const directives = commits.flatMap(parseDirectives);
  return createPlan(commits.at(-1) as Commit, directives, CONFIG);
}

describe("createPlan", () => {
  it("builds named parts and registers all their flows", () => {
    const plan = planFor(commit("a".repeat(40), "Flowpush-Build: prices"));

    expect(
      plan.builds.map((b) => [
        b.part.name,
        b.reason,
        b.flows.map((f) => f.flow.key),
      ]),
    ).toEqual([["prices", "build", ["train", "backtest"]]]);
    expect(plan.runs).toEqual([]);
  });

  it("builds the part of a run even when no directive names it", () => {
    const plan = planFor(
      commit("a".repeat(40), "Flowpush-Run: spreads/train a=1,2"),
    );

    expect(plan.builds.map((b) => [b.part.name, b.reason])).toEqual([
      ["spreads", "run"],
    ]);
    expect(
      plan.runs.map((r) => [r.part.name, r.flow.key, r.grid?.size]),
    ).toEqual([["spreads", "train", 2n]]);
  });

  it("lets a later commit's run replace an earlier one for the same flow", () => {
    const plan = planFor(
      commit("a".repeat(40), "Flowpush-Run: prices/train b=1"),
      commit(
        "b".repeat(40),
        "Flowpush-Run: prices/train b=1,2,3\nFlowpush-Run: prices/backtest",
      ),
    );

    expect(
      plan.runs.map((r) => [r.flow.key, r.grid?.size, r.position.commit[0]]),
    ).toEqual([
      ["train", 3n, "b"],
      ["backtest", undefined, "b"],
    ]);
  });

  it.each([
    [
      "an unknown part",
      "Flowpush-Build: price",
      "PART_UNKNOWN",
      /unknown part "price"/,
      "parts in flowpush.yaml: prices, spreads",
    ],
    [
      "an unknown flow",
      "Flowpush-Run: prices/trian",
      "FLOW_UNKNOWN",
      /part "prices" has no flow "trian"/,
      "flows of prices: prices/train, prices/backtest",
    ],
  ])(
    "rejects %s and lists the known ones",
    (_, trailer, code, message, hint) => {
      const error = captureFlowpushError(() =>
        planFor(commit("c".repeat(40), trailer)),
      );

      expect(error.code).toBe(code);
      expect(error.message).toMatch(/^commit ccccccc, line 3, column \d+: /);
      expect(error.message).toMatch(message);
      expect(error.hint).toBe(hint);
    },
  );

  it("refuses a flow that has no work pool", () => {
    const config = parseConfig(
      "parts:\n  p:\n    path: p\n    image: p\n    flows:\n      f: { entrypoint: f.py:f }\n",
      "flowpush.yaml",
    );
    const error = captureFlowpushError(() =>
      createPlan(
        commit("d".repeat(40), ""),
        parseDirectives(commit("d".repeat(40), "Flowpush-Build: p")),
        config,
      ),
    );

    expect(error.message).toMatch(/flow p\/f has no work pool/);
  });
});

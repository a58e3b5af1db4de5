import { describe, expect, it } from "vitest";

import type { Commit } from "../../src/commit/context.js";
import { parseConfig, type Config } from "../../src/config/config.js";
import { parseDirectives } from "../../src/directives/parse.js";
import { createPlan } from "../../src/plan/plan.js";
import { captureFlowpushError } from "../helpers/errors.js";

const CONFIG_TEXT = `
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
`;
const CONFIG = parseConfig(CONFIG_TEXT, "flowpush.yaml");

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
  return planWith({}, ...commits);
}

function planWith(
  options: { config?: Config; branch?: string; changedPaths?: string[] },
  ...commits: Commit[]
) {
  return createPlan({
    head: commits.at(-1) as Commit,
    commits: commits.map(parseDirectives),
    config: options.config ?? CONFIG,
    branch: options.branch ?? "main",
    changedPaths: options.changedPaths,
  });
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
    ).toEqual([["prices", "named", ["train", "backtest"]]]);
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
      planWith({ config }, commit("d".repeat(40), "Flowpush-Build: p")),
    );

    expect(error.message).toMatch(/flow p\/f has no work pool/);
  });

  it("selects every part with all, and the changed ones with changed", () => {
    const all = planFor(commit("a".repeat(40), "Flowpush-Build: all"));
    const changed = planWith(
      { changedPaths: ["spreads/train.py", "README.md", "pricesx/y.py"] },
      commit("a".repeat(40), "Flowpush-Build: changed"),
    );

    expect(all.builds.map((b) => [b.part.name, b.reason])).toEqual([
      ["prices", "all"],
      ["spreads", "all"],
    ]);
    expect(changed.builds.map((b) => [b.part.name, b.reason])).toEqual([
      ["spreads", "changed"],
    ]);
  });

  it("keeps the reason a directive gave over the one a run implies", () => {
    const plan = planFor(
      commit(
        "a".repeat(40),
        "Flowpush-Run: prices/train\nFlowpush-Build: prices",
      ),
    );

    expect(plan.builds.map((b) => b.reason)).toEqual(["named"]);
  });

  it("refuses a grid larger than the policy allows, before anything is built", () => {
    const config = parseConfig(
      `policy: { max_points: 6 }\n${CONFIG_TEXT}`,
      "flowpush.yaml",
    );
    const error = captureFlowpushError(() =>
      planWith(
        { config },
        commit("a".repeat(40), "Flowpush-Run: prices/train a=1,2,3 b=1,2,3"),
      ),
    );

    expect(error.code).toBe("GRID_TOO_LARGE");
    expect(error.message).toBe(
      "commit aaaaaaa, line 3, column 15: the grid has 9 points, more than the 6 a run may have",
    );
  });

  describe("with a policy", () => {
    const config = parseConfig(
      `policy:\n  allow:\n    - { branches: [main, "exp/*"], authors: ["*@energy.example"] }\n    - { authors: [lead@energy.example], parts: [spreads] }\n${CONFIG_TEXT}`,
      "flowpush.yaml",
    );
    const by = (email: string, trailers: string): Commit => ({
      ...commit("f".repeat(40), trailers),
      authorEmail: email,
    });

    it.each([
      [
        "an author on an allowed branch",
        "ana@energy.example",
        "exp/lags",
        "Flowpush-Build: all",
      ],
      [
        "an author whose email differs in case",
        "Ana@Energy.Example",
        "main",
        "Flowpush-Run: prices/train",
      ],
      [
        "the lead, for spreads, on any branch",
        "lead@energy.example",
        "hotfix",
        "Flowpush-Build: spreads",
      ],
    ])("lets %s through", (_, email, branch, trailers) => {
      expect(() =>
        planWith({ config, branch }, by(email, trailers)),
      ).not.toThrow();
    });

    it.each([
      [
        "another author",
        "eve@example.com",
        "main",
        "Flowpush-Run: prices/train",
        /no rule of policy.allow lets eve@example.com touch part prices on branch main/,
      ],
      [
        "a branch no rule names",
        "ana@energy.example",
        "feature/x",
        "Flowpush-Build: prices",
        /on branch feature\/x/,
      ],
      [
        "a part outside the lead's rule",
        "lead@energy.example",
        "hotfix",
        "Flowpush-Build: all",
        /touch part prices on branch hotfix/,
      ],
    ])(
      "refuses %s, naming the rules",
      (_, email, branch, trailers, message) => {
        const error = captureFlowpushError(() =>
          planWith({ config, branch }, by(email, trailers)),
        );

        expect(error.code).toBe("POLICY_REFUSED");
        expect(error.message).toMatch(message);
        expect(error.hint).toBe(
          "the rules in flowpush.yaml: [0] branches main, exp/*, authors *@energy.example; [1] authors lead@energy.example, parts spreads",
        );
      },
    );
  });
});

import { describe, expect, it } from "vitest";

import type { LocalImage } from "../../src/build/build.js";
import type { Commit } from "../../src/commit/context.js";
import { parseConfig } from "../../src/config/config.js";
import { parseDirectives } from "../../src/directives/parse.js";
import { createPlan } from "../../src/plan/plan.js";
import { checkRegistrations } from "../../src/register/check.js";
import { captureFlowpushError } from "../helpers/errors.js";

const CONFIG = parseConfig(
  `
defaults: { work_pool: pool }
parts:
  prices:
    path: prices
    image: team/prices
    flows:
      train: { entrypoint: train.py:train_grid, deployment: nightly, parameters: { horizon: 24 } }
  spreads:
    path: spreads
    image: team/spreads
    flows:
      train: { entrypoint: train.py:train_grid }
`,
  "flowpush.yaml",
);

const commit = (trailers: string): Commit => ({
  sha: "e".repeat(40),
  message: `Subject\n\n${trailers}`,
  authorName: "A",
  authorEmail: "a@x",
  committedAt: "2026-01-01T00:00:00Z",
});

function image(part: string, properties: Record<string, object>): LocalImage {
  return {
    part,
    repository: `r/${part}`,
    tags: [],
    workdir: "/w",
    flows: [
      {
        entrypoint: "train.py:train_grid",
        name: "train-grid",
        parameter_schema: { properties },
      },
    ],
  };
}

function check(trailers: string, images: LocalImage[]) {
  const message = commit(trailers);
  return () =>
    checkRegistrations(
      createPlan({
        head: message,
        commits: [parseDirectives(message)],
        config: CONFIG,
        branch: "main",
        changedPaths: undefined,
      }),
      images,
      4,
    );
}

const GOOD = { grid: { default: { b: [1] } }, horizon: {} };

describe("checkRegistrations", () => {
  it("accepts runs whose flows take the grid", () => {
    const images = [image("prices", GOOD), image("spreads", GOOD)];

    expect(
      check(
        "Flowpush-Run: prices/train\nFlowpush-Run: spreads/train b=1",
        images,
      ),
    ).not.toThrow();
  });

  it("expands the default grid of a per-point run and holds it to the limit", () => {
    const wide = { grid: { default: { b: [1, 2, 3, 4, 5] } }, horizon: {} };
    const broken = { grid: { default: { b: 1 } }, horizon: {} };

    expect(
      check("Flowpush-Run: spreads/train --runs", [image("spreads", GOOD)]),
    ).not.toThrow();
    expect(
      captureFlowpushError(
        check("Flowpush-Run: spreads/train --runs", [image("spreads", wide)]),
      ).message,
    ).toMatch(
      /the default grid of spreads\/train has 5 points, more than the 4/,
    );
    expect(
      captureFlowpushError(
        check("Flowpush-Run: spreads/train --runs", [image("spreads", broken)]),
      ).code,
    ).toBe("GRID_INVALID");
  });

  it("refuses two parts that would register the same deployment", () => {
    const config = parseConfig(
      "defaults: { work_pool: p }\nparts:\n  a: { path: a, image: a, flows: { t: { entrypoint: t.py:f, deployment: d } } }\n  b: { path: b, image: b, flows: { t: { entrypoint: t.py:f, deployment: d } } }\n",
      "flowpush.yaml",
    );
    const message = commit("Flowpush-Build: a, b");
    const plan = createPlan({
      head: message,
      commits: [parseDirectives(message)],
      config,
      branch: "main",
      changedPaths: undefined,
    });
    const error = captureFlowpushError(() =>
      checkRegistrations(plan, [image("a", {}), image("b", {})], 4),
    );

    expect(error.message).toBe(
      "a/t and b/t would both register deployment train-grid/d",
    );
  });

  it.each([
    [
      "a grid parameter the flow lacks",
      "Flowpush-Run: spreads/train b=1",
      { other: {} },
      /has no parameter "grid" to take the grid/,
    ],
    [
      "no grid and no default",
      "Flowpush-Run: spreads/train",
      { grid: {} },
      /has no default grid, so the run needs one/,
    ],
    [
      "a configured parameter the flow lacks",
      "Flowpush-Build: prices",
      { grid: {} },
      /flow prices\/train has no parameter "horizon"/,
    ],
  ])("refuses %s", (_, trailers, properties, message) => {
    const images = [image("prices", properties), image("spreads", properties)];

    expect(captureFlowpushError(check(trailers, images)).message).toMatch(
      message,
    );
  });
});

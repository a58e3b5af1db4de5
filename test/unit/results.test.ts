import { describe, expect, it } from "vitest";

import type { Artifact } from "../../src/clients/prefect.js";
import { renderResultsText, resultTable } from "../../src/report/results.js";
import {
  collectResults,
  describeFailures,
  type GridResult,
} from "../../src/run/results.js";
import type { StartedRun } from "../../src/run/run.js";

function started(overrides: Partial<StartedRun>): StartedRun {
  return {
    part: "demand",
    flow: "forecast",
    id: "r1",
    name: "demand-forecast-1a2b3c4",
    created: true,
    points: 2n,
    state: "COMPLETED",
    mode: "map",
    gridHash: "h",
    grid: { window: [24, 168] },
    indices: undefined,
    ...overrides,
  };
}

/** A Prefect that holds one results table per run id. */
function artifacts(tables: Record<string, unknown[]>) {
  return {
    async readArtifacts(): Promise<Artifact[]> {
      return Object.entries(tables).map(([runId, rows]) => ({
        id: `a-${runId}`,
        key: "flowpush-results",
        flow_run_id: runId,
        created: "2026-12-04T00:00:00Z",
        data: JSON.stringify(rows),
      }));
    },
  };
}

const ROWS = [
  { index: 0, state: "COMPLETED", "param:window": 24, "metric:mae": 62.79 },
  { index: 1, state: "COMPLETED", "param:window": 168, "metric:mae": 21.99 },
  {
    index: 2,
    state: "FAILED",
    error: "ValueError: window too long",
    "param:window": 999,
  },
];

describe("collectResults and resultTable", () => {
  it("marks the best point by the flow's metric and lists failures with their reason", async () => {
    const [grid] = await collectResults(
      [started({ points: 3n })],
      [],
      artifacts({ r1: ROWS }),
    );
    const table = resultTable(grid as GridResult);

    expect(table.title).toBe(
      "demand/forecast: 2 of 3 points completed, ranked by mae (lower is better)",
    );
    expect(table.header).toEqual(["point", "window", "mae", "state", ""]);
    expect(table.rows).toEqual([
      ["0", "24", "62.7900", "COMPLETED", ""],
      ["1", "168", "21.9900", "COMPLETED", "best"],
      ["2", "999", "", "FAILED", ""],
    ]);
    expect(table.failures).toEqual([
      "point 2 (window=999): FAILED: ValueError: window too long",
    ]);
  });

  it("lists every point of a run that died before reporting, as it ended", async () => {
    const [grid] = await collectResults(
      [started({ state: "CRASHED", message: "the container was killed" })],
      [],
      artifacts({}),
    );

    expect(
      grid?.points.map((p) => [p.index, p.params, p.state, p.error]),
    ).toEqual([
      [0, { window: 24 }, "CRASHED", "the container was killed"],
      [1, { window: 168 }, "CRASHED", "the container was killed"],
    ]);
  });

  it("prints no control character that a grid value or an error carried", async () => {
    const [grid] = await collectResults(
      [started({})],
      [],
      artifacts({
        r1: [
          {
            index: 0,
            state: "FAILED",
            error: "boom\u001b[2J",
            "param:label": "x\u001b]0;owned\u0007",
          },
        ],
      }),
    );
    const text = renderResultsText([grid as GridResult]);

    // The very characters that must not get through.
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain("boom?[2J");
  });
});

describe("describeFailures", () => {
  const grid = (states: string[]): GridResult => ({
    part: "demand",
    flow: "forecast",
    mode: "runs",
    gridHash: "h",
    points: states.map((state, index) => ({
      index,
      params: {},
      metrics: {},
      state,
      error: undefined,
      runId: `r${index}`,
      mlflowRunId: undefined,
    })),
    metric: undefined,
    best: undefined,
  });

  it.each([
    [["COMPLETED", "COMPLETED"], false, undefined],
    [
      ["COMPLETED", "FAILED", "CRASHED"],
      false,
      "demand/forecast: 2 of 3 points did not complete (points 1, 2)",
    ],
    [["FAILED"], true, undefined],
  ])(
    "for points %j with failures allowed %s says %j",
    (states, allow, text) => {
      expect(describeFailures([grid(states)], allow)).toBe(text);
    },
  );
});

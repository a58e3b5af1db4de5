import { describe, expect, it } from "vitest";

import { parseResults } from "../../src/run/artifact.js";

const POINT_0 = {
  index: 0,
  state: "COMPLETED",
  error: undefined,
  mlflowRunId: "m0",
  params: { b: 1 },
  metrics: { loss: 0.25 },
};

describe("parseResults", () => {
  it.each([
    [
      "a list of rows, as JSON text",
      JSON.stringify([
        {
          index: 0,
          state: "COMPLETED",
          error: "",
          mlflow_run_id: "m0",
          "param:b": 1,
          "metric:loss": 0.25,
        },
      ]),
    ],
    [
      "a mapping of columns",
      {
        index: [0],
        state: ["COMPLETED"],
        error: [null],
        mlflow_run_id: ["m0"],
        "param:b": [1],
        "metric:loss": [0.25],
      },
    ],
  ])("reads %s", (_, data) => {
    expect(parseResults(data)).toEqual([POINT_0]);
  });

  it("orders points by index and drops a metric Prefect wrote as null (NaN)", () => {
    const data = JSON.stringify([
      { index: 2, state: "FAILED", error: "boom", "metric:loss": null },
      { index: 1, state: "COMPLETED", "metric:loss": 0.5 },
    ]);

    expect(
      parseResults(data).map((p) => [p.index, p.state, p.error, p.metrics]),
    ).toEqual([
      [1, "COMPLETED", undefined, { loss: 0.5 }],
      [2, "FAILED", "boom", {}],
    ]);
  });

  it.each([
    ["text that is not JSON", "not json"],
    ["rows without an index", [{ state: "COMPLETED" }]],
    ["nothing", undefined],
  ])("finds no points in %s", (_, data) => {
    expect(parseResults(data)).toEqual([]);
  });
});

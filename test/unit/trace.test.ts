import { describe, expect, it } from "vitest";

import { FlowpushError } from "../../src/errors.js";
import { renderCommitTrace, renderRunTrace } from "../../src/trace/render.js";
import { traceCommit, traceRun } from "../../src/trace/trace.js";
import {
  deployment,
  fakeMlflow,
  fakePrefect,
  flowRun,
  LATER,
  mlflowRun,
  RUN_ID,
  SHA,
  sources,
} from "./trace-fakes.js";

const GRID_TAGS = {
  "mlflow.source.git.commit": SHA,
  "flowpush.part": "prices",
  "flowpush.flow": "train",
  "flowpush.grid_hash": "0123456789abcdef",
};

describe("traceCommit", () => {
  it("finds each part's image by digest, or says it was not built", async () => {
    const trace = await traceCommit(SHA, sources({}));

    expect(trace.images).toEqual([
      {
        part: "prices",
        reference: `reg:5000/flowpush/prices:${SHA}`,
        digest: "sha256:abc",
      },
      {
        part: "spreads",
        reference: `reg:5000/flowpush/spreads:${SHA}`,
        digest: undefined,
      },
    ]);
    expect(renderCommitTrace(trace)).toMatch(
      /spreads .*:a1b2c3d\S+ +not built/,
    );
  });

  it("shows the version a run ran with when a later commit moved its deployment", async () => {
    const moved = deployment({ version: LATER, tags: [`commit:${LATER}`] });
    const prefect = fakePrefect({ runs: [flowRun()], deployments: [moved] });

    const trace = await traceCommit(SHA, sources({ prefect }));

    expect(trace.deployments).toEqual([]);
    expect(trace.runs[0]?.deployment).toEqual({
      id: "dep-1",
      name: "train-grid/prices-train",
      ranVersion: SHA,
      currentVersion: LATER,
    });
    const text = renderCommitTrace(trace);
    expect(text).toContain(
      "deployment train-grid/prices-train at version a1b2c3d (now at fffffff)",
    );
    expect(text).toContain(
      "none (never registered, or a later commit moved them)",
    );
  });

  it("lists the runs with state, times and address, grouped by grid", async () => {
    const runs = [
      flowRun({ id: "r-1", tags: [...flowRun().tags, "point:1"] }),
      flowRun({ id: "r-0", tags: [...flowRun().tags, "point:0"] }),
    ];
    const prefect = fakePrefect({ runs, deployments: [deployment()] });

    const trace = await traceCommit(SHA, sources({ prefect }));

    expect(trace.runs.map((run) => [run.id, run.point])).toEqual([
      ["r-0", 0],
      ["r-1", 1],
    ]);
    const text = renderCommitTrace(trace);
    expect(text.match(/prices\/train {2}grid 0123456789abcdef/g)).toHaveLength(
      1,
    );
    expect(text).toContain(
      "COMPLETED  2026-12-03 21:40:01 -> 21:41:12  http://prefect:4200/runs/flow-run/r-0",
    );
  });

  it("reads the points of the runtime's results table under their run", async () => {
    const data = JSON.stringify([
      { index: 1, state: "FAILED", error: "boom", "param:b": 2 },
      { index: 0, state: "COMPLETED", "param:b": 1, "metric:loss": 0.25 },
    ]);
    const prefect = fakePrefect({
      runs: [flowRun()],
      deployments: [deployment()],
      artifacts: [
        { id: "a", key: "flowpush-results", flow_run_id: RUN_ID, data },
      ],
    });

    const text = renderCommitTrace(
      await traceCommit(SHA, sources({ prefect })),
    );

    expect(text).toContain("      point 0  COMPLETED  b=1  loss=0.25");
    expect(text).toContain("      point 1  FAILED  b=2  error: boom");
  });

  it("nests MLflow points under their grid's parent, with params and metrics", async () => {
    const mlflow = fakeMlflow([
      mlflowRun(
        "p1",
        {
          ...GRID_TAGS,
          "flowpush.point_index": "1",
          "mlflow.parentRunId": "g",
        },
        { params: { b: "2" }, metrics: { loss: 0.5 } },
      ),
      mlflowRun("g", { ...GRID_TAGS, "flowpush.role": "grid" }),
      mlflowRun(
        "p0",
        {
          ...GRID_TAGS,
          "flowpush.point_index": "0",
          "mlflow.parentRunId": "g",
        },
        { params: { b: "1" }, metrics: { loss: 0.25 } },
      ),
      mlflowRun("other", { "mlflow.source.git.commit": LATER }),
    ]);

    const trace = await traceCommit(SHA, sources({ mlflow }));

    expect(trace.mlflow).toMatchObject({
      grids: [{ parent: { id: "g" }, points: [{ id: "p0" }, { id: "p1" }] }],
    });
    expect(renderCommitTrace(trace)).toContain(
      "    point 0  FINISHED  b=1  loss=0.25  http://mlflow:5000/#/experiments/7/runs/p0",
    );
  });

  it("says in one line that MLflow is not configured", async () => {
    const text = renderCommitTrace(await traceCommit(SHA, sources({})));

    expect(text.split("\n").filter((l) => l.includes("mlflow"))).toEqual([
      "mlflow: not configured (set MLFLOW_TRACKING_URI)",
    ]);
  });

  it("still shows the runs when flowpush.yaml cannot be read", async () => {
    const trace = await traceCommit(
      SHA,
      sources({
        readParts: async () => ({
          unavailable: "commit a1b2c3d is not in the clone",
        }),
      }),
    );

    expect(trace.runs).toHaveLength(1);
    expect(renderCommitTrace(trace)).toContain(
      "images\n  not read: commit a1b2c3d is not in the clone",
    );
  });
});

describe("traceRun", () => {
  it("leads from a run to its commit, message, image, deployment and grid", async () => {
    const run = flowRun({
      tags: [...flowRun().tags, "point:3", "rerun-of:r-9"],
    });
    const prefect = fakePrefect({ runs: [run], deployments: [deployment()] });

    const trace = await traceRun(RUN_ID, sources({ prefect }));

    expect(trace.commit).toEqual({
      sha: SHA,
      message: "Train prices\n\nFlowpush-Run: prices/train b=1,2",
    });
    expect(trace.run).toMatchObject({
      image: "reg:5000/flowpush/prices@sha256:abc",
      grid: "0123456789abcdef",
      point: 3,
      rerunOf: "r-9",
    });
    const text = renderRunTrace(trace);
    expect(text).toContain(
      "  point 3\n  rerun of r-9\n  image reg:5000/flowpush/prices@sha256:abc",
    );
    expect(text).toContain(
      `commit ${SHA}\n    Train prices\n\n    Flowpush-Run`,
    );
  });

  it("finds the points the run logged and their parent made before it", async () => {
    const mlflow = fakeMlflow([
      mlflowRun("g", { ...GRID_TAGS, "flowpush.role": "grid" }),
      mlflowRun("p3", {
        ...GRID_TAGS,
        "prefect.flow_run_id": RUN_ID,
        "flowpush.point_index": "3",
        "mlflow.parentRunId": "g",
      }),
      mlflowRun("p4", {
        ...GRID_TAGS,
        "prefect.flow_run_id": "another",
        "mlflow.parentRunId": "g",
      }),
    ]);

    const trace = await traceRun(RUN_ID, sources({ mlflow }));

    expect(trace.mlflow).toMatchObject({
      grids: [{ parent: { id: "g" }, points: [{ id: "p3" }] }],
    });
  });

  it("says why the message could not be read", async () => {
    const trace = await traceRun(
      RUN_ID,
      sources({
        readMessage: async () => ({
          unavailable: "/tmp is not inside a git repository",
        }),
      }),
    );

    expect(renderRunTrace(trace)).toContain(
      `commit ${SHA}\n  message not read: /tmp is not inside a git repository`,
    );
  });

  it("refuses an id the server does not know, naming it", async () => {
    const request = traceRun(
      "99999999-2222-3333-4444-555555555555",
      sources({}),
    );

    await expect(request).rejects.toBeInstanceOf(FlowpushError);
    await expect(request).rejects.toMatchObject({
      code: "RUN_NOT_FOUND",
      message: expect.stringContaining("99999999-2222"),
    });
  });

  it("keeps control characters of a message away from the terminal", async () => {
    const trace = await traceRun(
      RUN_ID,
      sources({ readMessage: async () => "Train\x1b[2J prices" }),
    );

    expect(renderRunTrace(trace)).toContain("    Train?[2J prices");
  });
});

import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  createMlflowClient,
  searchAllRuns,
  tagFilter,
} from "../../src/clients/mlflow.js";
import { silentLogger } from "../../src/log.js";
import { MLFLOW_URL, nowhere } from "../helpers/mlflow.js";

const fastRetry = {
  attempts: 1,
  initialDelayMs: 0,
  maxDelayMs: 0,
  timeoutMs: 5_000,
};

describe("the MLflow client", () => {
  const mlflow = createMlflowClient(
    { trackingUri: MLFLOW_URL, auth: undefined },
    silentLogger,
  );

  it("creates an experiment once and finds it afterwards", async () => {
    const name = `client-test-${randomUUID()}`;

    const created = await mlflow.getOrCreateExperiment(name);
    const found = await mlflow.getOrCreateExperiment(name);

    expect(found).toBe(created);
    expect(await mlflow.searchExperiments()).toContainEqual({
      id: created,
      name,
    });
  });

  it("lets clients race to create the same experiment", async () => {
    const name = `client-race-${randomUUID()}`;

    const ids = await Promise.all(
      [1, 2, 3, 4].map(() => mlflow.getOrCreateExperiment(name)),
    );

    expect(new Set(ids).size).toBe(1);
  });

  it("refuses a deleted experiment and says how to restore it", async () => {
    const name = `client-deleted-${randomUUID()}`;
    const id = await mlflow.getOrCreateExperiment(name);
    const response = await fetch(
      `${MLFLOW_URL}/api/2.0/mlflow/experiments/delete`,
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ experiment_id: id }),
      },
    );
    expect(response.ok).toBe(true);

    await expect(mlflow.getOrCreateExperiment(name)).rejects.toMatchObject({
      code: "MLFLOW_REQUEST",
      message: expect.stringContaining(`"${name}" is deleted`),
      hint: expect.stringContaining(`--experiment-id ${id}`),
    });
  });

  it("nests a point's run under its grid's parent and finds both by tag", async () => {
    const experimentId = await mlflow.getOrCreateExperiment(
      `client-runs-${randomUUID()}`,
    );
    const grid = randomUUID().replace(/-/g, "").slice(0, 16);
    const tags = { "flowpush.grid_hash": grid, "flowpush.part": "prices" };
    const parent = await mlflow.createRun({
      experimentId,
      runName: "grid",
      tags: { ...tags, "flowpush.role": "grid" },
    });
    const point = await mlflow.createRun({
      experimentId,
      runName: "point-0",
      tags: { ...tags, "mlflow.parentRunId": parent.id },
    });
    await mlflow.logBatch(point.id, {
      params: { b: "1" },
      metrics: { loss: 0.25 },
    });
    await mlflow.setTerminated(point.id, "FINISHED");

    const runs = await searchAllRuns(mlflow, {
      experimentIds: [experimentId],
      filter: tagFilter({ "flowpush.grid_hash": grid }),
    });

    expect(runs.map((run) => run.id).sort()).toEqual(
      [parent.id, point.id].sort(),
    );
    const read = await mlflow.getRun(point.id);
    expect(read).toMatchObject({
      name: "point-0",
      status: "FINISHED",
      params: { b: "1" },
      metrics: { loss: 0.25 },
      tags: { "mlflow.parentRunId": parent.id },
    });
    expect(read?.endTime).toBeGreaterThanOrEqual(read?.startTime ?? 0);
  });

  it("follows the pages of a search to the end", async () => {
    const experimentId = await mlflow.getOrCreateExperiment(
      `client-pages-${randomUUID()}`,
    );
    for (const index of [0, 1, 2, 3, 4]) {
      await mlflow.createRun({
        experimentId,
        runName: `point-${index}`,
        tags: {},
      });
    }

    const first = await mlflow.searchRuns({
      experimentIds: [experimentId],
      maxResults: 2,
    });
    const all = await searchAllRuns(mlflow, {
      experimentIds: [experimentId],
      maxResults: 2,
    });

    expect(first.runs).toHaveLength(2);
    expect(first.nextPageToken).toBeDefined();
    expect(new Set(all.map((run) => run.name)).size).toBe(5);
  });

  it("answers undefined for a run the server does not have", async () => {
    expect(await mlflow.getRun(randomUUID().replace(/-/g, ""))).toBe(undefined);
  });

  it("names the server and the code it answered with", async () => {
    const request = mlflow.createRun({
      experimentId: "999999999",
      runName: "x",
      tags: {},
    });

    await expect(request).rejects.toThrow(
      /MLflow answered \d{3} to POST runs\/create: RESOURCE_DOES_NOT_EXIST/,
    );
  });

  it("says which server it cannot reach, and how to fix it", async () => {
    const address = await nowhere();
    const unreachable = createMlflowClient(
      { trackingUri: address, auth: undefined },
      silentLogger,
      fastRetry,
    );

    await expect(unreachable.searchExperiments()).rejects.toMatchObject({
      code: "MLFLOW_UNREACHABLE",
      message: expect.stringContaining(`${address}: fetch failed`),
      hint: expect.stringContaining("MLFLOW_TRACKING_URI"),
    });
  });
});

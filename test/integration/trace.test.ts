import { tmpdir } from "node:os";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";
import { MLFLOW_URL, nowhere } from "../helpers/mlflow.js";
import {
  deploymentsOfCommit,
  runsOfCommit,
  stackEnv,
  type FlowRunView,
} from "../helpers/stack.js";

const env = { ...stackEnv(), MLFLOW_TRACKING_URI: MLFLOW_URL };
const SUBJECT = "Forecast demand on two windows";

describe("flowpush trace on the real stack", () => {
  let repo: TempRepo;
  let sha: string;
  let run: FlowRunView;
  let image: string;

  beforeAll(async () => {
    repo = await createTempRepo({ fromExample: true });
    // The forecaster logs each point to MLflow through the runtime, with
    // the MAE its training function returns.
    sha = await repo.commit(
      `${SUBJECT}\n\nFlowpush-Run: demand/forecast window=24,168 alpha=1.0`,
    );
    const push = await runFlowpush(["push", "--wait"], {
      cwd: repo.dir,
      env,
    });
    if (push.exitCode !== 0) throw new Error(`push failed: ${push.stderr}`);
    [run] = (await runsOfCommit(sha)) as [FlowRunView];
    const [deployment] = await deploymentsOfCommit(sha);
    image = deployment?.job_variables.image as string;
  });

  afterAll(() => repo.remove());

  it("leads from a short SHA to the image digest, the deployment and the completed run", async () => {
    const result = await runFlowpush(["trace", sha.slice(0, 7)], {
      cwd: repo.dir,
      env,
    });

    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const digest = image.split("@")[1] as string;
    expect(result.stdout).toContain(`commit ${sha}\n    ${SUBJECT}`);
    expect(result.stdout).toMatch(
      new RegExp(`demand  \\S+/flowpush/demand:${sha}  ${digest}`),
    );
    expect(result.stdout).toContain(
      `deployment fit-grid/demand-forecast at version ${sha.slice(0, 7)}\n`,
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `COMPLETED  [-\\d: ]+ -> [\\d:]+  http://127\\.0\\.0\\.1:4200/runs/flow-run/${run.id}`,
      ),
    );
  });

  it("shows the MLflow points under their grid's parent, with params and metrics", async () => {
    const result = await runFlowpush(["trace", sha], { cwd: repo.dir, env });

    expect(result.stdout).toContain(`mlflow ${MLFLOW_URL}`);
    expect(result.stdout).toMatch(/ {4}parent {2}FINISHED {2}http/);
    // Params as the runtime logs them, and the MAE each window reached.
    expect(result.stdout).toMatch(
      / {4}point 0 {2}FINISHED {2}alpha=1\.0 window=24 {2}mae=62\.79/,
    );
    expect(result.stdout).toMatch(
      / {4}point 1 {2}FINISHED {2}alpha=1\.0 window=168 {2}mae=21\.99/,
    );
  });

  it("traces a full SHA outside any repository, as JSON", async () => {
    const result = await runFlowpush(["trace", sha, "--json"], {
      cwd: tmpdir(),
      env,
    });

    expect(result.exitCode).toBe(0);
    const trace = JSON.parse(result.stdout);
    expect(trace.commit.message.unavailable).toMatch(
      /is not inside a git repository/,
    );
    expect(trace.deployments[0]).toMatchObject({ version: sha, image });
    expect(trace.runs[0]).toMatchObject({
      id: run.id,
      state: "COMPLETED",
      image,
      deployment: { ranVersion: sha, currentVersion: sha },
    });
    expect(trace.mlflow.grids[0].points).toHaveLength(2);
  });

  it("leads from a run back to its commit and message", async () => {
    const result = await runFlowpush(["trace", "--run", run.id], {
      cwd: repo.dir,
      env,
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`commit ${sha}\n    ${SUBJECT}`);
    expect(result.stdout).toContain(`  image ${image}`);
    expect(result.stdout).toContain(
      `deployment fit-grid/demand-forecast at version ${sha.slice(0, 7)}`,
    );
    expect(result.stdout).toMatch(
      / {4}point 1 {2}FINISHED {2}alpha=1\.0 window=168/,
    );
  });

  it("says why it cannot read the message away from the repository", async () => {
    const result = await runFlowpush(
      ["trace", "--run", `http://127.0.0.1:4200/runs/flow-run/${run.id}`],
      { cwd: tmpdir(), env },
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      `commit ${sha}\n  message not read: ${tmpdir()} is not inside a git repository`,
    );
  });

  it("says in one line when MLflow is not configured", async () => {
    const result = await runFlowpush(["trace", sha], {
      cwd: repo.dir,
      env: { ...env, MLFLOW_TRACKING_URI: undefined },
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /\nmlflow: not configured \(set MLFLOW_TRACKING_URI or mlflow\.tracking_uri\)$/,
    );
  });

  it("names MLflow when it cannot be reached, with a hint", async () => {
    const address = await nowhere();
    const result = await runFlowpush(["trace", sha], {
      cwd: repo.dir,
      env: { ...env, MLFLOW_TRACKING_URI: address },
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `error: cannot reach the MLflow tracking server at ${address}: fetch failed: connect ECONNREFUSED`,
    );
    expect(result.stderr).toMatch(
      /\[MLFLOW_UNREACHABLE\]\nhint: check MLFLOW_TRACKING_URI/,
    );
  });

  it("never prints credentials written into the tracking URI", async () => {
    const secret = "s3cret-pass";
    const withCredentials = MLFLOW_URL.replace("://", `://bot:${secret}@`);
    const result = await runFlowpush(["trace", sha, "--verbose"], {
      cwd: repo.dir,
      env: { ...env, MLFLOW_TRACKING_URI: withCredentials },
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(secret);
    expect(result.stderr).toContain(`debug: POST ${MLFLOW_URL}/api/2.0/mlflow`);
  });

  it("refuses a short SHA outside any repository, saying what to give", async () => {
    const result = await runFlowpush(["trace", sha.slice(0, 7)], {
      cwd: tmpdir(),
      env,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "hint: give the commit's full 40-character SHA",
    );
  });
});

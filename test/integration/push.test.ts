import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush, type CliResult } from "../helpers/cli.js";
import { createTempRepo, withTempRepo, type TempRepo } from "../helpers/git.js";
import {
  deploymentsOfCommit,
  docker,
  waitForLogLines,
  REGISTRY,
  runsOfCommit,
  stackEnv,
} from "../helpers/stack.js";

const env = stackEnv();

describe("flowpush push on the real stack", () => {
  let repo: TempRepo;
  let sha: string;
  let first: CliResult;

  beforeAll(async () => {
    repo = await createTempRepo({ fromExample: true });
    sha = await repo.commit(
      'Train prices on a small grid\n\nFlowpush-Run: prices/train {"b": [1, 2], "c": [2, 3]}',
    );
    first = await runFlowpush(["push", "--wait", "--verbose"], {
      cwd: repo.dir,
      env,
    });
  });

  afterAll(() => repo.remove());

  it("ends with the run completed and its address", () => {
    expect(first.stderr).not.toMatch(/error:/);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(
      /run +prices\/train: \S+ COMPLETED http:\/\/127\.0\.0\.1:4200\/runs\/flow-run\/[0-9a-f-]{36}/,
    );
  });

  it("registers a deployment versioned by the commit and pinned by digest", async () => {
    const deployments = await deploymentsOfCommit(sha);

    expect(deployments).toHaveLength(1);
    const [deployment] = deployments;
    expect(deployment?.version).toBe(sha);
    expect(deployment?.tags).toEqual(
      expect.arrayContaining([`commit:${sha}`, "part:prices"]),
    );
    expect(deployment?.job_variables.image).toMatch(
      new RegExp(`^${REGISTRY}/flowpush/prices@sha256:[0-9a-f]{64}$`),
    );
    expect(deployment?.job_variables.env?.FLOWPUSH_COMMIT).toBe(sha);
  });

  it("trains every point of the grid in one completed run tagged with the commit", async () => {
    const runs = await runsOfCommit(sha);

    expect(runs).toHaveLength(1);
    expect(runs[0]?.state_type).toBe("COMPLETED");
    expect(runs[0]?.deployment_version).toBe(sha);
    const lines = await waitForLogLines(runs[0]?.id as string, /^1 \d \d$/, 4);
    expect(lines.sort()).toEqual(["1 1 2", "1 1 3", "1 2 2", "1 2 3"]);
  });

  it("pins the commit's image on the run itself, not only on the shared deployment", async () => {
    const [deployment] = await deploymentsOfCommit(sha);
    const [run] = await runsOfCommit(sha);

    expect(run?.job_variables?.image).toBe(deployment?.job_variables.image);
    expect(run?.job_variables?.env?.FLOWPUSH_COMMIT).toBe(sha);
  });

  it("labels the image with the full commit SHA", async () => {
    const image = await docker
      .getImage(`${REGISTRY}/flowpush/prices:${sha}`)
      .inspect();

    expect(image.Config.Labels?.["org.opencontainers.image.revision"]).toBe(
      sha,
    );
    expect(image.RepoTags).toContain(
      `${REGISTRY}/flowpush/prices:${sha.slice(0, 7)}`,
    );
  });

  it("leaves exactly one flow run when the same command runs again", async () => {
    const [before] = await runsOfCommit(sha);
    const again = await runFlowpush(["push", "--wait"], { cwd: repo.dir, env });

    expect(again.exitCode).toBe(0);
    const runs = await runsOfCommit(sha);
    expect(runs.map((run) => run.id)).toEqual([before?.id]);
  });

  it("shows no secret in any output, even with --verbose", () => {
    const password = env.FLOWPUSH_REGISTRY_PASSWORD as string;

    expect(first.stdout + first.stderr).not.toContain(password);
    expect(first.stderr).toMatch(
      /debug: POST http:\/\/127\.0\.0\.1:4200\/api\/deployments\//,
    );
  });
});

describe("a run without a grid", () => {
  it("trains the flow's default grid: one point", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      const sha = await repo.commit(
        "Retrain prices with defaults\n\nFlowpush-Run: prices/train",
      );
      const result = await runFlowpush(["push", "--wait"], {
        cwd: repo.dir,
        env,
      });

      expect(result.exitCode).toBe(0);
      const [run] = await runsOfCommit(sha);
      const lines = await waitForLogLines(run?.id as string, /^1 \d \d$/, 1);
      expect(lines).toEqual(["1 1 2"]);
    });
  });
});

describe("a sweep with typed values", () => {
  it("reaches the training function with Python's types", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      const sha = await repo.commit(
        'Sweep [flowpush run prices/train b=1.0,2 c="x y",null]',
      );
      const result = await runFlowpush(["push", "--wait"], {
        cwd: repo.dir,
        env,
      });

      expect(result.exitCode).toBe(0);
      const [run] = await runsOfCommit(sha);
      const lines = await waitForLogLines(run?.id as string, /^1 /, 4);
      expect(lines.sort()).toEqual([
        "1 1.0 None",
        "1 1.0 x y",
        "1 2 None",
        "1 2 x y",
      ]);
    });
  });
});

describe("a build without a run", () => {
  it("registers the part's flows and starts nothing", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      const sha = await repo.commit(
        "Ship the prices image\n\nFlowpush-Build: prices",
      );
      const result = await runFlowpush(["push"], { cwd: repo.dir, env });

      expect(result.exitCode).toBe(0);
      expect(await deploymentsOfCommit(sha)).toHaveLength(1);
      expect(await runsOfCommit(sha)).toEqual([]);
    });
  });
});

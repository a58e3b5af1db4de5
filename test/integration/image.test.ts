import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";

import { REPO_ROOT, withTempRepo } from "../helpers/git.js";
import { runsOfCommit, stackEnv } from "../helpers/stack.js";

const env = stackEnv();
const IMAGE = "flowpush-tool:test";

/** `docker run` of the tool image on a repository, as a CI job runs it. */
function runTool(
  repo: string,
  args: string[],
  variables: Record<string, string> = {},
) {
  const flags = Object.entries(variables).flatMap(([name, value]) => [
    "-e",
    `${name}=${value}`,
  ]);
  return execa(
    "docker",
    [
      "run",
      "--rm",
      "--pull",
      "never",
      "--network",
      "host",
      "-v",
      "/var/run/docker.sock:/var/run/docker.sock",
      "-v",
      `${repo}:/repo`,
      "-w",
      "/repo",
      ...flags,
      IMAGE,
      "flowpush",
      ...args,
    ],
    { reject: false },
  );
}

describe("flowpush's own container image", () => {
  beforeAll(async () => {
    await execa(
      "docker",
      [
        "build",
        "-q",
        "--network",
        "host",
        "--build-arg",
        `BASE_IMAGE=${env.FLOWPUSH_NODE_IMAGE}`,
        "-t",
        IMAGE,
        ".",
      ],
      { cwd: REPO_ROOT },
    );
  });

  it("plans a push of the repository it is given", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      await repo.commit("Tune\n\nFlowpush-Run: prices/train b=1,2");
      const result = await runTool(repo.dir, ["plan"]);

      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(
        /run prices\/train with grid b=1,2 \(2 points\)/,
      );
    });
  });

  it("runs a GitLab push pipeline end to end", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      const before = await repo.commit("Start");
      const sha = await repo.commit(
        "Tune in CI\n\nFlowpush-Run: prices/train b=1,2",
      );
      const result = await runTool(repo.dir, ["push", "--wait"], {
        GITLAB_CI: "true",
        CI_PIPELINE_SOURCE: "push",
        CI_COMMIT_SHA: sha,
        CI_COMMIT_BEFORE_SHA: before,
        CI_COMMIT_BRANCH: "main",
        PREFECT_API_URL: env.PREFECT_API_URL as string,
        FLOWPUSH_REGISTRY: env.FLOWPUSH_REGISTRY as string,
        FLOWPUSH_REGISTRY_USERNAME: env.FLOWPUSH_REGISTRY_USERNAME as string,
        FLOWPUSH_REGISTRY_PASSWORD: env.FLOWPUSH_REGISTRY_PASSWORD as string,
      });

      expect(result.stderr).not.toMatch(/error:/);
      expect(result.exitCode).toBe(0);
      const runs = await runsOfCommit(sha);
      expect(runs.map((run) => run.state_type)).toEqual(["COMPLETED"]);
    });
  });
});

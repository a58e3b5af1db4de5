import { describe, expect, it } from "vitest";

import { withTempRepo, type TempRepo } from "../helpers/git.js";
import {
  PREFECT_URL,
  REGISTRY,
  runsOfCommit,
  stackEnv,
  waitForLogLines,
} from "../helpers/stack.js";
import {
  loadFixture,
  pushEventLike,
  runAzureTask,
  runCliOn,
  runGithubAction,
} from "../fixtures/platforms.js";

/**
 * One real push per platform on the local stack: the bundled Action, the
 * bundled Azure task, and the CLI under GitLab CI and under Jenkins each
 * build the example's prices image, push it, register its deployment and
 * wait for a two-point grid run. Each push is its own commit, in its own temporary repository.
 */
const stack = stackEnv();
const UI_URL = PREFECT_URL.replace(/\/api$/, "");

const RUN_URL = new RegExp(
  `^${UI_URL.replace(/\./g, "\\.")}/runs/flow-run/[0-9a-f-]{36}$`,
);
const DIGEST_REFERENCE = new RegExp(
  `^${REGISTRY.replace(/\./g, "\\.")}/flowpush/prices@sha256:[0-9a-f]{64}$`,
);

// The platform's name in the subject keeps the commits apart: the
// same message, tree and second in two repositories would be one commit.
const messageFor = (platform: string) =>
  `Train prices on a small grid from ${platform}\n\nFlowpush-Run: prices/train b=1,2`;

interface Outputs {
  images: Array<{ part: string; image: string; digest: string }>;
  deployments: Array<{ part: string; flow: string; id: string; url: string }>;
  runs: Array<{
    part: string;
    flow: string;
    id: string;
    name: string;
    state: string | null;
    points: number | null;
    url: string;
  }>;
  results: Array<Record<string, unknown>>;
}

function parseOutputs(values: Record<string, string>): Outputs {
  return {
    images: JSON.parse(values.images ?? "null") as Outputs["images"],
    deployments: JSON.parse(
      values.deployments ?? "null",
    ) as Outputs["deployments"],
    runs: JSON.parse(values.runs ?? "null") as Outputs["runs"],
    results: JSON.parse(values.results ?? "null") as Outputs["results"],
  };
}

/** What every platform must report of the same push. */
function expectReported(outputs: Outputs, summary: string | undefined) {
  expect(outputs.images).toEqual([
    expect.objectContaining({
      part: "prices",
      image: expect.stringMatching(DIGEST_REFERENCE),
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    }),
  ]);
  expect(outputs.deployments).toEqual([
    expect.objectContaining({ part: "prices", flow: "train" }),
  ]);
  expect(outputs.runs).toEqual([
    expect.objectContaining({
      part: "prices",
      flow: "train",
      state: "COMPLETED",
      points: 2,
      url: expect.stringMatching(RUN_URL),
    }),
  ]);
  const [run] = outputs.runs;
  expect(summary).toContain("| run | points | state | flow run |");
  expect(summary).toContain(
    `| prices/train | 2 | COMPLETED | [${run?.name}](${run?.url}) |`,
  );
  expect(summary).toContain(`| prices | \`${outputs.images[0]?.image}\` |`);
  // The grid's results, as the runtime reported them: a table per grid.
  expect(outputs.results).toEqual([
    expect.objectContaining({
      part: "prices",
      flow: "train",
      points: 2,
      completed: 2,
      failed: [],
    }),
  ]);
  expect(summary).toContain("### prices/train: 2 of 2 points completed");
  expect(summary).toContain("| 0 | 1 | COMPLETED |");
  expect(summary).toContain("| 1 | 2 | COMPLETED |");
}

/** Prefect's own record: one completed run of the commit, all points run. */
async function expectCompletedRun(sha: string, runId: string | undefined) {
  const runs = await runsOfCommit(sha);
  expect(runs.map((run) => [run.id, run.state_type])).toEqual([
    [runId, "COMPLETED"],
  ]);
  const lines = await waitForLogLines(runId as string, /^1 \d \d$/, 2);
  expect(lines.sort()).toEqual(["1 1 2", "1 2 2"]);
}

async function pushedCommit(repo: TempRepo, platform: string) {
  const before = await repo.commit("Start from the example");
  const sha = await repo.commit(messageFor(platform));
  const tree = await repo.git("rev-parse", `${sha}^{tree}`);
  return { before, sha, tree };
}

describe("the GitHub Action on the real stack", () => {
  it("builds, registers and runs a push's grid, and reports it as outputs and a summary", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      const { before, sha, tree } = await pushedCommit(repo, "GitHub");
      const template = await loadFixture<Record<string, unknown>>(
        "github/push-several.json",
        // Only the template's shape counts: pushEventLike lists the commits.
        Object.fromEntries(
          ["BASE", "FIRST", "SECOND", "HEAD"].flatMap((role) => [
            [role, sha],
            [`${role}_TREE`, tree],
          ]),
        ),
      );
      const event = pushEventLike(template, {
        ref: "refs/heads/main",
        before,
        after: sha,
        commits: [{ id: sha, tree_id: tree, message: messageFor("GitHub") }],
      });

      const run = await runGithubAction({
        cwd: repo.dir,
        eventName: "push",
        event,
        env: {
          GITHUB_SHA: sha,
          GITHUB_REF: "refs/heads/main",
          GITHUB_REF_NAME: "main",
          GITHUB_REF_TYPE: "branch",
        },
        inputs: {
          registry: stack.FLOWPUSH_REGISTRY as string,
          "registry-username": stack.FLOWPUSH_REGISTRY_USERNAME as string,
          "registry-password": stack.FLOWPUSH_REGISTRY_PASSWORD as string,
          "prefect-api-url": stack.PREFECT_API_URL as string,
          wait: "true",
        },
      });

      expect(run.commands.filter((c) => c.command === "error")).toEqual([]);
      expect(run.exitCode).toBe(0);
      const outputs = parseOutputs(run.outputs);
      expectReported(outputs, run.summary);
      expect(run.summary).toMatch(
        new RegExp(`^## flowpush: commit \`${sha.slice(0, 7)}\`\n`),
      );
      await expectCompletedRun(sha, outputs.runs[0]?.id);
      const password = stack.FLOWPUSH_REGISTRY_PASSWORD as string;
      const mask = `::add-mask::${password}`;
      expect(run.stdout.split("\n").filter((line) => line !== mask)).toEqual(
        run.stdout.split("\n").filter((line) => !line.includes(password)),
      );
    });
  });
});

describe("the Azure DevOps task on the real stack", () => {
  it("builds, registers and runs a CI build's grid, and reports it as output variables and a summary", async () => {
    await withTempRepo({ fromExample: true }, async (repo) => {
      const { sha } = await pushedCommit(repo, "Azure Pipelines");

      const run = await runAzureTask({
        cwd: repo.dir,
        fixture: "azure/ci-build.json",
        values: { HEAD: sha },
        variables: {
          BUILD_SOURCEVERSIONMESSAGE: messageFor("Azure Pipelines").split(
            "\n",
          )[0] as string,
        },
        inputs: {
          registry: stack.FLOWPUSH_REGISTRY as string,
          registryUsername: stack.FLOWPUSH_REGISTRY_USERNAME as string,
          registryPassword: stack.FLOWPUSH_REGISTRY_PASSWORD as string,
          prefectApiUrl: stack.PREFECT_API_URL as string,
          wait: "true",
        },
      });

      const issues = run.commands.filter(
        (c) => c.command === "task.issue" || c.command === "task.logissue",
      );
      expect(issues).toEqual([]);
      expect(run.commands.filter((c) => c.command === "task.complete")).toEqual(
        [expect.objectContaining({ properties: { result: "Succeeded" } })],
      );
      expect(run.exitCode).toBe(0);
      const outputs = parseOutputs(run.outputs);
      expectReported(outputs, run.summary);
      await expectCompletedRun(sha, outputs.runs[0]?.id);
    });
  });
});

// The project's CI variables: what a team sets once for its pipelines.
const CI_VARIABLES = {
  PREFECT_API_URL: stack.PREFECT_API_URL as string,
  FLOWPUSH_REGISTRY: stack.FLOWPUSH_REGISTRY as string,
  FLOWPUSH_REGISTRY_USERNAME: stack.FLOWPUSH_REGISTRY_USERNAME as string,
  FLOWPUSH_REGISTRY_PASSWORD: stack.FLOWPUSH_REGISTRY_PASSWORD as string,
};

/**
 * `flowpush push --wait` in a CI job that runs the CLI, as the fixture's
 * platform sets its variables, and what a user would check afterwards.
 */
async function expectCliPushOnStack(
  platform: string,
  fixture: string,
  env: (message: string) => Record<string, string>,
) {
  await withTempRepo({ fromExample: true }, async (repo) => {
    const { before, sha } = await pushedCommit(repo, platform);
    const message = messageFor(platform);

    const result = await runCliOn(["push", "--wait"], {
      cwd: repo.dir,
      fixture,
      values: { BASE: before, HEAD: sha },
      env: { ...env(message), ...CI_VARIABLES },
    });

    expect(result.stderr).not.toMatch(/error:/);
    expect(result.exitCode).toBe(0);
    const runLine = /^run +prices\/train: \S+ COMPLETED (\S+)$/m.exec(
      result.stdout,
    );
    expect(runLine?.[1]).toMatch(RUN_URL);
    expect(result.stdout).toMatch(
      new RegExp(
        `^image +prices: ${DIGEST_REFERENCE.source.slice(1, -1)}$`,
        "m",
      ),
    );
    const runId = runLine?.[1]?.split("/").at(-1);
    await expectCompletedRun(sha, runId);
    expect(result.stdout + result.stderr).not.toContain(
      stack.FLOWPUSH_REGISTRY_PASSWORD,
    );
  });
}

describe("GitLab CI on the real stack, through the CLI", () => {
  it("builds, registers and runs a push pipeline's grid and waits for it", async () => {
    await expectCliPushOnStack(
      "GitLab CI",
      "gitlab/push-pipeline.json",
      (message) => ({
        CI_COMMIT_MESSAGE: `${message}\n`,
        CI_COMMIT_TITLE: message.split("\n")[0] as string,
        CI_COMMIT_DESCRIPTION: message.slice(message.indexOf("\n")) + "\n",
      }),
    );
  });
});

describe("Jenkins on the real stack, through the CLI", () => {
  it("builds, registers and runs the grid of GIT_PREVIOUS_COMMIT..GIT_COMMIT and waits for it", async () => {
    // Jenkins names the commits only; the messages come from git.
    await expectCliPushOnStack(
      "Jenkins",
      "jenkins/push-build.json",
      () => ({}),
    );
  });
});

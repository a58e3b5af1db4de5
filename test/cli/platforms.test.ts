import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTempRepo, type TempRepo } from "../helpers/git.js";
import {
  loadFixture,
  pushEventLike,
  runAzureTask,
  runCliOn,
  runGithubAction,
  ZERO_SHA,
  type ActionRun,
  type TaskRun,
} from "../fixtures/platforms.js";

/**
 * The platform shells as their platforms run them: the bundled GitHub
 * Action and Azure DevOps task, and the CLI under GitLab CI and Jenkins,
 * each in a child process that sees only the variables its platform sets.
 * The event payloads and variable sets are recorded in test/fixtures/; their
 * placeholders become the SHAs of a real repository made here. Everything
 * is a dry run or a plan, or fails before it reaches a service.
 */

const CONFIG = `registry:
  address: 127.0.0.1:5000
prefect:
  api_url: http://127.0.0.1:4200/api
defaults:
  work_pool: flowpush-local
  base_image: flowpush-local/python:3.11
parts:
  prices:
    path: prices
    image: flowpush/prices
    flows:
      train:
        entrypoint: flows/train.py:train_grid
  spreads:
    path: spreads
    image: flowpush/spreads
    flows:
      train:
        entrypoint: train.py:train
`;

/** The messages the fixtures record, committed here exactly so. */
const MESSAGES = {
  base: "Start with two parts",
  first: "Tune spreads\n\nFlowpush-Run: prices/train b=1",
  second: "Tune prices\n\nFlowpush-Run: prices/train b=1,2",
  head: "Write docs\n\nFlowpush-Build: changed\nFlowpush-Run: spreads/train",
  feat1:
    "Sweep the spreads window\n\nFlowpush-Run: spreads/train window=5,10,20",
  feat2: "Build spreads for review\n\nFlowpush-Build: spreads",
  old: "Try a new prices model\n\nFlowpush-Run: prices/train b=3",
  new1: "Rework spreads",
  new2: "Rebuild what changed\n\nFlowpush-Build: changed",
  pr1: "Add a spreads sweep\n\nFlowpush-Run: spreads/train window=5,10",
  prHead: "Widen the prices grid\n\nFlowpush-Run: prices/train b=1,2,3",
  long: "Sweep spreads over a long history\n\nFlowpush-Run: spreads/train window=30",
  broken: "Train a flow that is not there\n\nFlowpush-Run: prices/nope b=1",
};

/** More than GitHub lists in a push payload (2048). */
const LONG_PUSH = 2050;

type Name = keyof typeof MESSAGES | "merge" | "longTip";

let repo: TempRepo;
const sha = {} as Record<Name, string>;
const tree = {} as Record<Name, string>;
const short = (name: Name) => sha[name].slice(0, 7);

/** Placeholder values naming commits of the repository by their role. */
function roles(map: Record<string, Name>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [role, name] of Object.entries(map)) {
    values[role] = sha[name];
    values[`${role}_TREE`] = tree[name];
  }
  return values;
}

async function commitAs(name: Name, files: Record<string, string> = {}) {
  for (const [path, text] of Object.entries(files))
    await repo.write(path, text);
  sha[name] = await repo.commit(MESSAGES[name as keyof typeof MESSAGES]);
  tree[name] = await repo.git("rev-parse", `${sha[name]}^{tree}`);
}

beforeAll(async () => {
  repo = await createTempRepo({ fromExample: true });
  // main: a push of three commits after `base`.
  await commitAs("base", {
    "flowpush.yaml": CONFIG,
    "spreads/train.py": "def train(window=5): ...\n",
  });
  await commitAs("first", { "spreads/train.py": "def train(window=7): ...\n" });
  await commitAs("second", { "prices/flows/extra.py": "X = 1\n" });
  await commitAs("head", { "README.md": "The pricing team's models.\n" });

  // A new branch from main with two commits of its own.
  await repo.git("checkout", "-q", "-b", "feature/spreads", sha.head);
  await commitAs("feat1", { "spreads/train.py": "def train(window=9): ...\n" });
  await commitAs("feat2", { "spreads/NOTES.md": "Windows to try.\n" });

  // A branch rewritten by a force push: `old` is what it held before.
  await repo.git("checkout", "-q", "-b", "old-experiment", sha.base);
  await commitAs("old", { "prices/flows/model.py": "MODEL = 'new'\n" });
  await repo.git("checkout", "-q", "-b", "experiment", sha.base);
  await commitAs("new1", { "spreads/train.py": "def train(window=3): ...\n" });
  await commitAs("new2", { "README.md": "Experiments.\n" });

  // A pull request of two commits, and the merge commit CI builds for it.
  await repo.git("checkout", "-q", "-b", "feature/wider-grid", sha.head);
  await commitAs("pr1", { "spreads/train.py": "def train(window=10): ...\n" });
  await commitAs("prHead", { "prices/flows/extra.py": "X = 3\n" });
  await repo.git("checkout", "-q", "--detach", sha.head);
  await repo.git(
    "merge",
    "-q",
    "--no-ff",
    "-m",
    `Merge ${sha.prHead} into ${sha.head}`,
    "feature/wider-grid",
  );
  sha.merge = await repo.git("rev-parse", "HEAD");
  tree.merge = await repo.git("rev-parse", "HEAD^{tree}");

  // A push longer than GitHub's payload holds: one commit with a directive,
  // then commits that say nothing.
  await repo.git("checkout", "-q", "-b", "long", sha.head);
  await commitAs("long", { "spreads/train.py": "def train(window=30): ...\n" });
  await fastImportEmptyCommits("long", LONG_PUSH - 1);
  sha.longTip = await repo.git("rev-parse", "long");
  tree.longTip = await repo.git("rev-parse", "long^{tree}");

  // A commit whose directive names a flow the part does not have.
  await repo.git("checkout", "-q", "-b", "broken", sha.head);
  await commitAs("broken");

  await repo.git("checkout", "-q", "main");
}, 120_000);

afterAll(() => repo?.remove());

/** `count` empty commits on `branch`, in one git process. */
async function fastImportEmptyCommits(branch: string, count: number) {
  const from = await repo.git("rev-parse", branch);
  const chunks: string[] = [];
  for (let index = 1; index <= count; index++) {
    const message = `Step ${index} of the long history\n`;
    chunks.push(
      `commit refs/heads/${branch}\n`,
      `committer Test Author <author@example.com> ${1714640000 + index} +0000\n`,
      `data ${Buffer.byteLength(message)}\n${message}\n`,
    );
    if (index === 1) chunks.push(`from ${from}\n`);
  }
  await execa("git", ["fast-import", "--quiet"], {
    cwd: repo.dir,
    input: chunks.join(""),
  });
}

// ---------------------------------------------------------------------------
// Expected plans, written out from the commits above

const register = (part: string) =>
  `    register ${part}/train -> deployment ${part}-train on pool flowpush-local`;

const plans = {
  /** base..head on main: every commit's directives count. */
  mainPush: () =>
    [
      `plan for commit ${short("head")}:`,
      "  build prices (changed by the push)",
      register("prices"),
      "  build spreads (changed by the push)",
      register("spreads"),
      `  run prices/train with grid b=1,2 (2 points), in one flow run, from commit ${short("second")}, line 3, column 15`,
      `    (replaces the run asked for at commit ${short("first")}, line 3, column 15)`,
      `  run spreads/train with the flow's default grid, in one flow run, from commit ${short("head")}, line 4, column 15`,
    ].join("\n"),
  /** main's head alone: it changed no part, but its run needs one. */
  mainHeadOnly: () =>
    [
      `plan for commit ${short("head")}:`,
      "  build spreads (needed by a run)",
      register("spreads"),
      `  run spreads/train with the flow's default grid, in one flow run, from commit ${short("head")}, line 4, column 15`,
    ].join("\n"),
  newBranch: () =>
    [
      `plan for commit ${short("feat2")}:`,
      "  build spreads",
      register("spreads"),
      `  run spreads/train with grid window=5,10,20 (3 points), in one flow run, from commit ${short("feat1")}, line 3, column 15`,
    ].join("\n"),
  /** new1's parent to new2: spreads changed; prices only differs from `old`. */
  forced: () =>
    [
      `plan for commit ${short("new2")}:`,
      "  build spreads (changed by the push)",
      register("spreads"),
    ].join("\n"),
  longPush: () =>
    [
      `plan for commit ${short("longTip")}:`,
      "  build spreads (needed by a run)",
      register("spreads"),
      `  run spreads/train with grid window=30 (1 point), in one flow run, from commit ${short("long")}, line 3, column 15`,
    ].join("\n"),
  /** The pull request's two commits, planned for its head. */
  pullRequest: () =>
    [
      `plan for commit ${short("prHead")}:`,
      "  build spreads (needed by a run)",
      register("spreads"),
      "  build prices (needed by a run)",
      register("prices"),
      `  run spreads/train with grid window=5,10 (2 points), in one flow run, from commit ${short("pr1")}, line 3, column 15`,
      `  run prices/train with grid b=1,2,3 (3 points), in one flow run, from commit ${short("prHead")}, line 3, column 15`,
    ].join("\n"),
  /** The pull request's head commit alone. */
  pullRequestHead: () =>
    [
      `plan for commit ${short("prHead")}:`,
      "  build prices (needed by a run)",
      register("prices"),
      `  run prices/train with grid b=1,2,3 (3 points), in one flow run, from commit ${short("prHead")}, line 3, column 15`,
    ].join("\n"),
  /** first..head: second and head. */
  jenkins: () =>
    [
      `plan for commit ${short("head")}:`,
      "  build prices (changed by the push)",
      register("prices"),
      "  build spreads (needed by a run)",
      register("spreads"),
      `  run prices/train with grid b=1,2 (2 points), in one flow run, from commit ${short("second")}, line 3, column 15`,
      `  run spreads/train with the flow's default grid, in one flow run, from commit ${short("head")}, line 4, column 15`,
    ].join("\n"),
};

const dryRunSummary = (head: Name, plan: string) =>
  `## flowpush: commit \`${short(head)}\`\n\nDry run; this is the plan:\n\n\`\`\`text\n${plan}\n\`\`\`\n`;

const NOTHING = {
  images: "[]",
  deployments: "[]",
  runs: "[]",
  results: "[]",
};

/** What every secret test passes, and must never see again. */
const SECRETS = {
  registryPassword: "reg-pw-5f1c9e2a7b",
  prefectKey: "pnu_k3yQ8zL0vTm4Rr6sWx2Yd9Fh1Jc7Gb5",
};

// Unreachable on purpose: port 9 (discard) has no listener, so the push
// fails at its preflight checks, after reading every input.
const UNREACHABLE = {
  registry: "127.0.0.1:9",
  prefect: "http://127.0.0.1:9/api",
};

/** The lines that show a secret, other than the ones registering it. */
const leaks = (lines: string[], masks: string[]) =>
  lines.filter(
    (line) =>
      !masks.includes(line) &&
      Object.values(SECRETS).some((secret) => line.includes(secret)),
  );

// ---------------------------------------------------------------------------

describe("the recorded fixtures", () => {
  it.each([
    [
      "push-several.json",
      { BASE: "base", FIRST: "first", SECOND: "second", HEAD: "head" },
    ],
    ["push-new-branch.json", { FIRST: "feat1", HEAD: "feat2" }],
    ["push-forced.json", { BASE: "old", FIRST: "new1", HEAD: "new2" }],
  ] as const)(
    "github/%s lists the commits as git holds them",
    async (file, map) => {
      const event = await loadFixture<{
        commits: Array<{ id: string; tree_id: string; message: string }>;
      }>(`github/${file}`, roles(map));

      for (const commit of event.commits) {
        const message = await repo.git("show", "-s", "--format=%B", commit.id);
        expect(commit.message).toBe(message.replace(/\n+$/, ""));
        expect(commit.tree_id).toBe(
          await repo.git("rev-parse", `${commit.id}^{tree}`),
        );
      }
    },
  );
});

describe("the GitHub Action", () => {
  const pushFixture = (file: string, map: Record<string, Name>) =>
    loadFixture(`github/${file}`, roles(map));

  /** main's push, the template for pushes no fixture records. */
  const mainPush = () =>
    pushFixture("push-several.json", {
      BASE: "base",
      FIRST: "first",
      SECOND: "second",
      HEAD: "head",
    });

  async function runPush(
    event: Record<string, unknown>,
    inputs: Record<string, string> = {},
  ): Promise<ActionRun> {
    const { ref, after } = event as { ref: string; after: string };
    return runGithubAction({
      cwd: repo.dir,
      eventName: "push",
      event,
      env: {
        GITHUB_SHA: after,
        GITHUB_REF: ref,
        GITHUB_REF_NAME: ref.replace(/^refs\/heads\//, ""),
        GITHUB_REF_TYPE: "branch",
      },
      inputs: { "dry-run": "true", ...inputs },
    });
  }

  const expectDryRun = (run: ActionRun, head: Name, plan: string) => {
    expect(run.stderr).toBe("");
    expect(run.commands.filter((c) => c.command === "error")).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(plan);
    // Each output as the toolkit writes it: name<<delimiter, value, delimiter.
    const heredocs = Object.keys(NOTHING).map(
      (name, at) =>
        `${name}<<(ghadelimiter_[0-9a-f-]{36})\\n\\[\\]\\n\\${at + 1}\\n`,
    );
    expect(run.outputsFile).toMatch(new RegExp(`^${heredocs.join("")}$`));
    expect(run.outputs).toEqual(NOTHING);
    expect(run.summary).toBe(dryRunSummary(head, plan));
  };

  it("counts every commit of a push, a later run replacing an earlier one", async () => {
    const run = await runPush(await mainPush());

    expectDryRun(run, "head", plans.mainPush());
  });

  it("reads a new branch's commits from the payload, since before is all zeros", async () => {
    const run = await runPush(
      await pushFixture("push-new-branch.json", {
        FIRST: "feat1",
        HEAD: "feat2",
      }),
    );

    expectDryRun(run, "feat2", plans.newBranch());
  });

  it("counts a force push's changes from the first pushed commit's parent, not from before", async () => {
    await expect(
      repo.git("merge-base", "--is-ancestor", sha.old, sha.new2),
    ).rejects.toThrow();
    const run = await runPush(
      await pushFixture("push-forced.json", {
        BASE: "old",
        FIRST: "new1",
        HEAD: "new2",
      }),
    );

    expectDryRun(run, "new2", plans.forced());
  });

  it("reads a push that the payload cuts at 2048 commits from git, and warns", async () => {
    const log = await repo.git(
      "log",
      "--reverse",
      "--format=%H %T",
      `${sha.head}..${sha.longTip}`,
    );
    const pushed = log.split("\n").map((line) => line.split(" "));
    expect(pushed).toHaveLength(LONG_PUSH);
    // GitHub lists 2048 commits; the one with the directive is left out.
    const listed = pushed.slice(-2048).map(([id, treeId], index) => ({
      id: id as string,
      tree_id: treeId as string,
      message: `Step ${index + 2} of the long history`,
    }));
    const event = pushEventLike(await mainPush(), {
      ref: "refs/heads/long",
      before: sha.head,
      after: sha.longTip,
      commits: listed,
    });
    expect(event.commits).toHaveLength(2048);

    const run = await runPush(event);

    expect(run.commands).toContainEqual({
      command: "warning",
      properties: {},
      message:
        "the push event lists only 2048 commits: reading the rest from git",
    });
    expectDryRun(run, "longTip", plans.longPush());
  }, 60_000);

  it("plans a pull request's head commit, not the merge commit in GITHUB_SHA", async () => {
    const event = await loadFixture(
      "github/pull-request.json",
      roles({ BASE: "head", FIRST: "pr1", HEAD: "prHead", MERGE: "merge" }),
    );
    const run = await runGithubAction({
      cwd: repo.dir,
      eventName: "pull_request",
      event,
      env: {
        GITHUB_SHA: sha.merge,
        GITHUB_REF: "refs/pull/7/merge",
        GITHUB_REF_NAME: "7/merge",
        GITHUB_REF_TYPE: "branch",
        GITHUB_HEAD_REF: "feature/wider-grid",
        GITHUB_BASE_REF: "main",
      },
      inputs: { "dry-run": "true" },
    });

    expectDryRun(run, "prHead", plans.pullRequest());
    expect(run.stdout).not.toContain(short("merge"));
  });

  it("annotates a directive error with its commit, line and column, and fails", async () => {
    const event = pushEventLike(await mainPush(), {
      ref: "refs/heads/broken",
      before: sha.head,
      after: sha.broken,
      commits: [
        { id: sha.broken, tree_id: tree.broken, message: MESSAGES.broken },
      ],
    });

    const run = await runPush(event);

    expect(run.exitCode).toBe(1);
    const message = `commit ${short("broken")}, line 3, column 22: part "prices" has no flow "nope" [FLOW_UNKNOWN]\nhint: flows of prices: prices/train`;
    // The runner reads the title with its ':' and ',' escaped.
    expect(run.stdout.split("\n")).toContain(
      `::error title=flowpush%3A commit ${short("broken")}%2C line 3%2C column 22::${message.replace(/\n/g, "%0A")}`,
    );
    expect(run.commands).toContainEqual({
      command: "error",
      properties: {
        title: `flowpush: commit ${short("broken")}, line 3, column 22`,
      },
      message,
    });
    expect(run.summary).toBe(
      `## flowpush failed\n\n\`\`\`text\n${message}\n\`\`\`\n`,
    );
    expect(run.outputsFile).toBe("");
  });

  it("registers secret inputs with the runner and shows them nowhere else", async () => {
    const run = await runPush(await mainPush(), {
      "dry-run": "false",
      registry: UNREACHABLE.registry,
      "registry-username": "flowpush",
      "registry-password": SECRETS.registryPassword,
      "prefect-api-url": UNREACHABLE.prefect,
      "prefect-api-key": SECRETS.prefectKey,
    });

    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === "error")?.message).toMatch(
      /\[(DOCKER|REGISTRY)_UNREACHABLE\]/,
    );
    expect(run.summary).toMatch(/^## flowpush failed\n/);
    for (const secret of Object.values(SECRETS)) {
      expect(run.stderr).not.toContain(secret);
      expect(run.summary).not.toContain(secret);
      expect(run.outputsFile).not.toContain(secret);
    }
    // setSecret prints `::add-mask::<value>`: the one line that may hold it.
    const masks = Object.values(SECRETS).map((s) => `::add-mask::${s}`);
    const lines = run.stdout.split("\n");
    for (const mask of masks) expect(lines).toContain(mask);
    expect(leaks(lines, masks)).toEqual([]);
  });
});

describe("the Azure DevOps task", () => {
  const command = (run: TaskRun, name: string) =>
    run.commands.filter((c) => c.command === name);

  const expectDryRun = (run: TaskRun, head: Name, plan: string) => {
    expect(command(run, "task.issue")).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(plan);
    for (const name of ["images", "deployments", "runs"]) {
      expect(run.stdout.split("\n")).toContain(
        `##vso[task.setvariable variable=${name};isOutput=true;issecret=false;][]`,
      );
    }
    expect(run.outputs).toEqual(NOTHING);
    expect(run.summaryPath).toMatch(/flowpush-summary\.md$/);
    expect(run.summary).toBe(dryRunSummary(head, plan));
    expect(command(run, "task.complete")).toEqual([
      expect.objectContaining({ properties: { result: "Succeeded" } }),
    ]);
    expect(run.stdout.split("\n")).toContain(
      "##vso[task.complete result=Succeeded;]done",
    );
  };

  it("plans a CI build's commit from its whole message, which Azure cuts to one line", async () => {
    const run = await runAzureTask({
      cwd: repo.dir,
      fixture: "azure/ci-build.json",
      values: roles({ HEAD: "head" }),
      inputs: { dryRun: "true" },
    });

    expectDryRun(run, "head", plans.mainHeadOnly());
  });

  it("plans a pull request build's source commit, not BUILD_SOURCEVERSION's merge", async () => {
    const run = await runAzureTask({
      cwd: repo.dir,
      fixture: "azure/pr-build.json",
      values: roles({ HEAD: "prHead", MERGE: "merge" }),
      inputs: { dryRun: "true" },
    });

    expectDryRun(run, "prHead", plans.pullRequestHead());
    expect(run.stdout).not.toContain(`commit ${short("merge")}`);
  });

  it("logs a directive error as an issue with line, column and code, and fails", async () => {
    const run = await runAzureTask({
      cwd: repo.dir,
      fixture: "azure/ci-build.json",
      values: roles({ HEAD: "broken" }),
      variables: {
        BUILD_SOURCEBRANCH: "refs/heads/broken",
        BUILD_SOURCEBRANCHNAME: "broken",
        BUILD_SOURCEVERSIONMESSAGE: "Train a flow that is not there",
      },
      inputs: { dryRun: "true" },
    });

    // The agent takes the result from task.complete; the process itself
    // ends normally, having reported the failure.
    expect(run.exitCode).toBe(0);
    const message = `commit ${short("broken")}, line 3, column 22: part "prices" has no flow "nope" [FLOW_UNKNOWN]\nhint: flows of prices: prices/train`;
    // The task library prints type, code, sourcepath, linenumber and
    // columnnumber in that order, leaving out the ones not given.
    expect(run.stdout.split("\n")).toContain(
      `##vso[task.logissue type=error;code=FLOW_UNKNOWN;linenumber=3;columnnumber=22;]${message.replace(/\n/g, "%0A")}`,
    );
    expect(command(run, "task.complete")).toEqual([
      expect.objectContaining({
        properties: { result: "Failed", done: "true" },
      }),
    ]);
    expect(run.stdout).toMatch(
      /^##vso\[task\.complete result=Failed;done=true;\]\S/m,
    );
    expect(run.summary).toBe(
      `## flowpush failed\n\n\`\`\`text\n${message}\n\`\`\`\n`,
    );
  });

  it("registers secret inputs with the agent and shows them nowhere else", async () => {
    const run = await runAzureTask({
      cwd: repo.dir,
      fixture: "azure/ci-build.json",
      values: roles({ HEAD: "head" }),
      inputs: {
        registry: UNREACHABLE.registry,
        registryUsername: "flowpush",
        registryPassword: SECRETS.registryPassword,
        prefectApiUrl: UNREACHABLE.prefect,
        prefectApiKey: SECRETS.prefectKey,
      },
    });

    expect(command(run, "task.complete")).toEqual([
      expect.objectContaining({
        properties: { result: "Failed", done: "true" },
      }),
    ]);
    expect(run.stdout).toMatch(
      /^##vso\[task\.complete result=Failed;done=true;\]\S/m,
    );
    expect(command(run, "task.logissue")[0]?.message).toMatch(
      /\[(DOCKER|REGISTRY)_UNREACHABLE\]/,
    );
    expect(run.summary).toMatch(/^## flowpush failed\n/);
    for (const secret of Object.values(SECRETS)) {
      expect(run.stderr).not.toContain(secret);
      expect(run.summary).not.toContain(secret);
      expect(Object.values(run.outputs).join("\n")).not.toContain(secret);
    }
    // setSecret prints `##vso[task.setsecret]<value>`: the one line that may
    // hold it. Debug lines are no exception: the agent writes them to the
    // log whenever system.debug is on.
    const masks = Object.values(SECRETS).map(
      (s) => `##vso[task.setsecret]${s}`,
    );
    const lines = run.stdout.split("\n");
    for (const mask of masks) expect(lines).toContain(mask);
    expect(leaks(lines, masks)).toEqual([]);
  });
});

describe("GitLab CI, through the CLI", () => {
  it("plans a push pipeline from CI_COMMIT_BEFORE_SHA to CI_COMMIT_SHA", async () => {
    const result = await runCliOn(["plan"], {
      cwd: repo.dir,
      fixture: "gitlab/push-pipeline.json",
      values: roles({ BASE: "base", HEAD: "head" }),
    });

    expect(result).toEqual({
      exitCode: 0,
      stdout: plans.mainPush(),
      stderr: "",
    });
  });

  it("plans a merge request pipeline from CI_MERGE_REQUEST_DIFF_BASE_SHA, as before is all zeros", async () => {
    const variables = await loadFixture<Record<string, string>>(
      "gitlab/mr-pipeline.json",
      { WORKSPACE: repo.dir, ...roles({ BASE: "head", HEAD: "prHead" }) },
    );
    expect(variables.CI_COMMIT_BEFORE_SHA).toBe(ZERO_SHA);

    const result = await runCliOn(["plan"], {
      cwd: repo.dir,
      fixture: "gitlab/mr-pipeline.json",
      values: roles({ BASE: "head", HEAD: "prHead" }),
    });

    expect(result).toEqual({
      exitCode: 0,
      stdout: plans.pullRequest(),
      stderr: "",
    });
  });
});

describe("Jenkins, through the CLI", () => {
  it("plans from GIT_PREVIOUS_COMMIT to GIT_COMMIT", async () => {
    const result = await runCliOn(["plan"], {
      cwd: repo.dir,
      fixture: "jenkins/push-build.json",
      values: roles({ BASE: "first", HEAD: "head" }),
    });

    expect(result).toEqual({
      exitCode: 0,
      stdout: plans.jenkins(),
      stderr: "",
    });
  });
});

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { runFlowpush } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";

describe("flowpush hook install and check", () => {
  let repo: TempRepo;

  beforeEach(async () => {
    repo = await createTempRepo({ fromExample: true });
    await repo.commit("Start from the example");
  });

  afterEach(() => repo.remove());

  /** `git commit` as a person runs it, hooks and all. */
  const commit = (message: string) =>
    execa("git", ["commit", "--allow-empty", "-q", "-m", message], {
      cwd: repo.dir,
      reject: false,
    });

  it("blocks a commit whose directives are wrong, and lets a good one through", async () => {
    const installed = await runFlowpush(["hook", "install"], { cwd: repo.dir });
    expect(installed).toMatchObject({
      exitCode: 0,
      stdout: expect.stringMatching(/installed .*\.git\/hooks\/commit-msg$/),
    });
    const before = await repo.git("rev-parse", "HEAD");

    const bad = await commit("Try a grid\n\nFlowpush-Run: prices/trian b=1,2");
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(
      /the message, line 3, column 22: part "prices" has no flow "trian" \[FLOW_UNKNOWN\]/,
    );
    expect(await repo.git("rev-parse", "HEAD")).toBe(before);

    const good = await commit("Try a grid\n\nFlowpush-Run: prices/train b=1,2");
    expect(good.exitCode).toBe(0);
    // git shows a hook's output on its own standard error.
    expect(good.stderr).toMatch(
      /run prices\/train with grid b=1,2 \(2 points\)/,
    );
    expect(await repo.git("log", "-1", "--format=%s")).toBe("Try a grid");
  });

  it("ignores comments and the scissors section git strips from messages", async () => {
    await runFlowpush(["hook", "install"], { cwd: repo.dir });
    const file = join(repo.dir, "MSG");
    await writeFile(
      file,
      "Tune\n\nFlowpush-Run: prices/train\n# Flowpush-Run: prices/nope\n# ------------------------ >8 ------------------------\nFlowpush-Build: nope\n",
    );

    const result = await runFlowpush(["check", file], { cwd: repo.dir });

    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
  });

  it("refuses to replace a commit-msg hook it did not install, unless forced", async () => {
    const path = join(repo.dir, ".git", "hooks", "commit-msg");
    await writeFile(path, "#!/bin/sh\nexit 0\n");

    const refused = await runFlowpush(["hook", "install"], { cwd: repo.dir });
    const forced = await runFlowpush(["hook", "install", "--force"], {
      cwd: repo.dir,
    });

    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      /commit-msg exists and was not installed by flowpush \[HOOK_EXISTS\]/,
    );
    expect(forced.exitCode).toBe(0);
    expect(await readFile(path, "utf8")).toMatch(
      /installed by flowpush hook install/,
    );
  });

  it("checks an existing commit and a message on standard input", async () => {
    await repo.commit(
      "Grid too big\n\nFlowpush-Run: prices/train a=range(0,100) b=range(0,100)",
    );

    const existing = await runFlowpush(["check", "--commit", "HEAD"], {
      cwd: repo.dir,
    });
    const stdin = await execa(
      "node",
      [join(process.cwd(), "build/cli/main.js"), "check", "-"],
      {
        cwd: repo.dir,
        input: "One line [flowpush run prices/train b=1,2,3]",
        reject: false,
      },
    );

    expect(existing.exitCode).toBe(1);
    expect(existing.stderr).toMatch(
      /line 3, column 15: the grid has 10000 points, more than the 1000 a run may have \[GRID_TOO_LARGE\]/,
    );
    expect(stdin.exitCode).toBe(0);
    expect(stdin.stdout).toMatch(
      /run prices\/train with grid b=1,2,3 \(3 points\)/,
    );
  });

  it("judges the author and the files of the commit being made, as git passes them to the hook", async () => {
    const config = await readFile(join(repo.dir, "flowpush.yaml"), "utf8");
    await repo.write(
      "flowpush.yaml",
      `policy:\n  allow:\n    - authors: ["*@energy.example"]\n${config}`,
    );
    await repo.commit("Add a policy");
    await runFlowpush(["hook", "install"], { cwd: repo.dir });
    await repo.write("prices/flows/train.py", "# changed\n");

    const stranger = await execa(
      "git",
      [
        "commit",
        "-a",
        "-q",
        "--author",
        "Eve <eve@example.com>",
        "-m",
        "Try\n\nFlowpush-Build: changed",
      ],
      { cwd: repo.dir, reject: false },
    );
    const member = await execa(
      "git",
      [
        "commit",
        "-a",
        "-q",
        "--author",
        "Ana <ana@energy.example>",
        "-m",
        "Try\n\nFlowpush-Build: changed",
      ],
      { cwd: repo.dir, reject: false },
    );

    expect(stranger.exitCode).not.toBe(0);
    expect(stranger.stderr).toMatch(
      /no rule of policy.allow lets eve@example.com touch part prices/,
    );
    expect(member.exitCode).toBe(0);
    expect(member.stderr).toMatch(/build prices \(changed by the push\)/);
  });

  it("reads a commit whose message has CRLF line endings", async () => {
    const file = join(repo.dir, "MSG");
    await writeFile(file, "Tune\r\n\r\nFlowpush-Run: prices/train b=1,2\r\n");
    await execa(
      "git",
      ["commit", "--allow-empty", "-q", "--cleanup=verbatim", "-F", file],
      { cwd: repo.dir },
    );

    const result = await runFlowpush(["check", "--commit", "HEAD"], {
      cwd: repo.dir,
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /run prices\/train with grid b=1,2 \(2 points\)/,
    );
  });

  it("explains a message file that cannot be read", async () => {
    const result = await runFlowpush(["check", "no-such-file"], {
      cwd: repo.dir,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/cannot read the message file no-such-file/);
  });

  it("says when a message asks for nothing", async () => {
    const file = join(repo.dir, "MSG");
    await writeFile(file, "Fix docs [skip ci]\n\nFlowpush-Run: prices/train\n");

    const result = await runFlowpush(["check", file], { cwd: repo.dir });

    expect(result.stdout).toBe(
      "the message says [skip ci]: flowpush will do nothing",
    );
  });
});

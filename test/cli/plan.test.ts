import { rm } from "node:fs/promises";
import { join } from "node:path";

import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runFlowpush } from "../helpers/cli.js";
import { createTempRepo, type TempRepo } from "../helpers/git.js";

const CONFIG = `defaults: { work_pool: pool }
parts:
  prices:
    path: prices
    image: team/prices
    flows:
      train: { entrypoint: flows/train.py:train_grid }
  spreads:
    path: spreads
    image: team/spreads
    flows:
      train: { entrypoint: train.py:train }
`;

describe("flowpush plan for a push of several commits", () => {
  let origin: TempRepo;
  const sha: Record<string, string> = {};
  const clones: string[] = [];

  beforeAll(async () => {
    origin = await createTempRepo({ fromExample: true });
    await origin.write("flowpush.yaml", CONFIG);
    await origin.write("spreads/train.py", "def train(): ...\n");
    sha.base = await origin.commit("Start with two parts");
    await origin.write("spreads/train.py", "def train(): return 1\n");
    sha.first = await origin.commit(
      "Tune spreads\n\nFlowpush-Run: prices/train b=1",
    );
    await origin.write("prices/flows/extra.py", "X = 1\n");
    sha.second = await origin.commit(
      "Tune prices\n\nFlowpush-Build: changed\nFlowpush-Run: prices/train b=1,2",
    );
    await origin.write("README.md", "docs\n");
    sha.head = await origin.commit("Write docs\n\nFlowpush-Build: changed");
  });

  afterAll(async () => {
    await origin.remove();
    await Promise.all(
      clones.map((dir) => rm(dir, { recursive: true, force: true })),
    );
  });

  async function shallowClone(name: string): Promise<string> {
    const dir = `${origin.dir}-${name}`;
    clones.push(dir);
    await execa("git", [
      "clone",
      "-q",
      "--depth",
      "1",
      `file://${origin.dir}`,
      dir,
    ]);
    return dir;
  }

  const expectedPlan = () =>
    [
      `plan for commit ${sha.head?.slice(0, 7)}:`,
      "  build prices (changed by the push)",
      "    register prices/train -> deployment prices-train on pool pool",
      "  build spreads (changed by the push)",
      "    register spreads/train -> deployment spreads-train on pool pool",
      `  run prices/train with grid b=1,2 (2 points), in one flow run, from commit ${sha.second?.slice(0, 7)}, line 4, column 15`,
      `    (replaces the run asked for at commit ${sha.first?.slice(0, 7)}, line 3, column 15)`,
    ].join("\n");

  it("builds what the push changed and keeps the last run asked for", async () => {
    const result = await runFlowpush(["plan", "--since", sha.base as string], {
      cwd: origin.dir,
    });

    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toBe(expectedPlan());
  });

  it("sees no part changed by a push that touched none", async () => {
    const result = await runFlowpush(["plan"], { cwd: origin.dir });

    expect(result.stdout).toBe(
      `plan for commit ${sha.head?.slice(0, 7)}:\n  nothing to build`,
    );
  });

  it("deepens a shallow clone to reach the commit before the push", async () => {
    const dir = await shallowClone("shallow");
    const result = await runFlowpush(["plan", "--since", sha.base as string], {
      cwd: dir,
    });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(
      /warning: the clone is shallow and lacks \w+: fetching 50 more commits of history/,
    );
    expect(result.stdout).toBe(expectedPlan());
  });

  it("assumes every part changed when a shallow clone cannot be deepened", async () => {
    const dir = await shallowClone("orphan");
    await execa("git", ["remote", "remove", "origin"], { cwd: dir });
    const result = await runFlowpush(["plan"], { cwd: dir });

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(
      /warning: the clone is shallow and its history could not be deepened past \w{7}: assuming every part changed/,
    );
    expect(result.stdout).toMatch(
      /build prices \(changed by the push\)[\s\S]*build spreads \(changed by the push\)/,
    );
  });

  it("says what is missing when the commit before the push cannot be found", async () => {
    const dir = await shallowClone("cut");
    await execa("git", ["remote", "remove", "origin"], { cwd: dir });
    const result = await runFlowpush(["plan", "--since", sha.base as string], {
      cwd: join(dir),
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /the commit before the push, \w{40}, is not in this clone \[GIT_FAILED\]/,
    );
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { execa } from "execa";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

import { ENV } from "../../src/config/settings.js";
import { emptyResult } from "../../src/push.js";
import { pushOutputs } from "../../src/report/outputs.js";
import { REPO_ROOT } from "../helpers/git.js";

const read = (path: string) => readFile(join(REPO_ROOT, path), "utf8");
const yamlOf = async <T>(path: string) => parse(await read(path)) as T;

/** The input names a shell's source reads, by the helper it reads them with. */
async function inputsRead(path: string, pattern: RegExp): Promise<string[]> {
  const source = await read(path);
  return [
    ...new Set([...source.matchAll(pattern)].map((m) => m[1] as string)),
  ].sort();
}

// What both entries set: every key of pushOutputs, even for a push that
// did nothing.
const OUTPUTS = Object.keys(pushOutputs(emptyResult())).sort();

interface ActionYaml {
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

describe("the GitHub Action", () => {
  it("declares exactly the inputs its entry reads", async () => {
    const action = await yamlOf<ActionYaml>("action.yml");
    const read = await inputsRead(
      "src/platforms/github/action.ts",
      /(?:input|secretInput|getBooleanInput)\("([a-z-]+)"\)/g,
    );

    expect(Object.keys(action.inputs).sort()).toEqual(read);
    expect(Object.keys(action.outputs).sort()).toEqual(OUTPUTS);
    expect(action.runs).toEqual({
      using: "node24",
      main: "dist/action/index.mjs",
    });
  });

  it("ships a bundle built from the current source", async () => {
    const out = await mkdtemp(join(tmpdir(), "flowpush-bundle-"));
    try {
      await execa("node", ["scripts/bundle.mjs", "action", out], {
        cwd: REPO_ROOT,
      });
      const fresh = await readFile(join(out, "dist/action/index.mjs"), "utf8");

      // A failure here means: run `npm run bundle` and commit dist/.
      expect(fresh === (await read("dist/action/index.mjs"))).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe("the Azure DevOps task", () => {
  interface TaskJson {
    name: string;
    version: { Major: number };
    inputs: Array<{ name: string }>;
    outputVariables: Array<{ name: string }>;
    execution: Record<string, { target: string }>;
  }

  it("declares camelCase inputs, exactly those its entry reads", async () => {
    const task = await yamlOf<TaskJson>("azure/task/task.json");
    const names = task.inputs.map((input) => input.name);
    const read = await inputsRead(
      "src/platforms/azure/task.ts",
      /(?:input|secretInput|getBoolInput)\("([A-Za-z]+)"/g,
    );

    expect(names.every((name) => /^[A-Za-z][A-Za-z0-9]*$/.test(name))).toBe(
      true,
    );
    expect([...names].sort()).toEqual(read);
    expect(task.outputVariables.map((v) => v.name).sort()).toEqual(OUTPUTS);
    expect(task.execution).toEqual({
      Node20_1: { target: "index.js", argumentFormat: "" },
    });
  });

  it("packages into an extension with everything the task needs", async () => {
    const { stdout } = await execa("bash", ["scripts/package-azure.sh"], {
      cwd: REPO_ROOT,
    });
    const root = join(REPO_ROOT, stdout.trim().split("\n").at(-1) as string);
    const manifest = JSON.parse(
      await readFile(join(root, "vss-extension.json"), "utf8"),
    ) as {
      files: Array<{ path: string }>;
    };

    expect(manifest.files).toEqual([{ path: "task" }]);
    for (const file of [
      "task.json",
      "index.js",
      "templates/python/Dockerfile",
      "runtime/src/flowpush_runtime/__main__.py",
    ]) {
      await expect(readFile(join(root, "task", file))).resolves.toBeTruthy();
    }
  });
});

describe("the CI recipes in pipelines/", () => {
  it("passes actionlint (GitHub workflow)", async () => {
    const actionlint = process.env.FLOWPUSH_ACTIONLINT;
    expect(actionlint, "scripts/stack/up.sh installs actionlint").toBeTruthy();
    const result = await execa(
      actionlint as string,
      ["pipelines/github-workflow.yml"],
      { cwd: REPO_ROOT, reject: false },
    );

    expect(result.stdout + result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("gives the Action only inputs it declares, and no commit message to a script", async () => {
    const action = await yamlOf<ActionYaml>("action.yml");
    const workflow = await yamlOf<{
      jobs: Record<
        string,
        { steps: Array<{ uses?: string; with?: object; run?: string }> }
      >;
    }>("pipelines/github-workflow.yml");
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const step = steps.find((s) => s.uses?.startsWith("flowpush/flowpush@"));

    expect(
      Object.keys(step?.with ?? {}).every((key) => key in action.inputs),
    ).toBe(true);
    expect(steps.some((s) => s.run?.includes("${{"))).toBe(false);
    expect(await read("pipelines/github-workflow.yml")).not.toMatch(
      /head_commit|commits\[|\.message/,
    );
  });

  it("gives the Azure task only inputs it declares", async () => {
    const task = await yamlOf<{
      name: string;
      version: { Major: number };
      inputs: Array<{ name: string }>;
    }>("azure/task/task.json");
    const pipeline = await yamlOf<{
      steps: Array<{ task?: string; inputs?: object }>;
    }>("pipelines/azure-pipelines.yml");
    const step = pipeline.steps.find((s) => s.task);

    expect(step?.task).toBe(`${task.name}@${task.version.Major}`);
    const declared = new Set(task.inputs.map((input) => input.name));
    expect(
      Object.keys(step?.inputs ?? {}).every((key) => declared.has(key)),
    ).toBe(true);
  });

  it("runs flowpush push in GitLab with the variables flowpush reads", async () => {
    const gitlab = await yamlOf<{
      flowpush: { script: string[]; variables: Record<string, string> };
    }>("pipelines/.gitlab-ci.yml");
    const text = await read("pipelines/.gitlab-ci.yml");

    expect(gitlab.flowpush.script).toEqual(["flowpush push --wait"]);
    for (const name of [ENV.prefectUrl, ENV.registry, ENV.registryPassword])
      expect(text).toContain(name);
  });
});
